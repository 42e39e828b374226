"""TerminateOnNaN: training stops after the first batch whose loss is not finite."""
import numpy as np
import pytest

from cornu.callbacks import Callback, TerminateOnNaN
from tests.callbacks.helpers import small_classifier


def diverging_data():
    """Targets with a NaN in the third batch of 2 (samples 4-5), so that its loss is NaN."""
    x = np.linspace(0, 1, 24, dtype='float32').reshape(8, 3)
    y = np.array([[0], [1], [0], [1], [np.nan], [1], [0], [1]], dtype='float32')
    return x, y


class BatchCounter(Callback):
    def __init__(self):
        super().__init__()
        self.batches = []

    def on_batch_end(self, batch, logs=None):
        self.batches.append(batch)


@pytest.mark.filterwarnings('ignore:y .* holds 1 NaN:RuntimeWarning')  # fit warns of it
def test_stops_at_the_batch_with_an_invalid_loss(capsys):
    counter = BatchCounter()
    model = small_classifier()
    model.compile('sgd', 'mse')
    x, y = diverging_data()
    history = model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0,
                        callbacks=[counter, TerminateOnNaN()])
    assert capsys.readouterr().out == 'Batch 2: Invalid loss, terminating training\n'
    assert counter.batches == [0, 1, 2]
    assert history.epoch == [0] and np.isnan(history.history['loss'][0])


def test_infinite_loss_stops_too(capsys):
    class Model:
        stop_training = False

    callback = TerminateOnNaN()
    callback.set_model(Model())
    callback.on_batch_end(0, {'loss': 0.5})
    assert not callback.model.stop_training
    callback.on_batch_end(7, {'loss': np.float32('inf')})
    assert callback.model.stop_training
    assert capsys.readouterr().out == 'Batch 7: Invalid loss, terminating training\n'


def test_finite_losses_train_to_the_end():
    model = small_classifier()
    x, y = diverging_data()
    history = model.fit(x, np.nan_to_num(y), epochs=2, verbose=0, callbacks=[TerminateOnNaN()])
    assert history.epoch == [0, 1]
