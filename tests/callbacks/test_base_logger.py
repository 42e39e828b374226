"""BaseLogger: batch values averaged into the epoch logs as Keras 2 did."""
import pytest

from cornu.callbacks import BaseLogger, Callback
from tests.callbacks.helpers import small_classifier, toy_data


class EpochLogs(Callback):
    def __init__(self):
        super().__init__()
        self.logs = []

    def on_epoch_end(self, epoch, logs=None):
        self.logs.append(dict(logs))


def test_averages_equal_the_loops_epoch_values():
    x, y = toy_data(10)
    plain, logged = small_classifier(), small_classifier()
    logged.set_weights(plain.get_weights())
    without, with_logger = EpochLogs(), EpochLogs()
    plain.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0, callbacks=[without])
    logged.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0,
               callbacks=[BaseLogger(), with_logger])
    assert len(with_logger.logs) == 2
    for ours, loops in zip(with_logger.logs, without.logs):
        assert ours == pytest.approx(loops, rel=1e-6)


def test_weighted_by_batch_size_and_stateful_metrics_kept_as_last():
    logger = BaseLogger(stateful_metrics=['auc'])
    logger.set_params({'metrics': ['loss', 'auc', 'val_loss']})
    logger.on_epoch_begin(0)
    logger.on_batch_end(0, {'batch': 0, 'size': 4, 'loss': 1.0, 'auc': 0.2})
    logger.on_batch_end(1, {'batch': 1, 'size': 2, 'loss': 4.0, 'auc': 0.7})
    logs = {'val_loss': 3.0}
    logger.on_epoch_end(0, logs)
    assert logs == {'val_loss': 3.0, 'loss': 2.0, 'auc': 0.7}
    logger.on_epoch_begin(1)
    assert logger.totals == {} and logger.seen == 0
