"""Epoch logs scored in bulk: the same values as batch by batch, and History gets them all."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.callbacks import Callback
from cornu.training.objective import CompiledObjective
from cornu.training.epoch_logs import LogAccumulator, epoch_means
from cornu.models import Sequential

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")


def _objective(metrics=("acc",)):
    return CompiledObjective("binary_crossentropy", list(metrics), None, None, ["out"],
                             [(None, 1)])


def _batches(seed, count, size=5):
    rng = np.random.RandomState(seed)
    return [(torch.from_numpy(rng.uniform(0.01, 0.99, (size, 1)).astype("float32")),
             torch.from_numpy(rng.randint(0, 2, (size, 1)).astype("float32")))
            for _ in range(count)]


def _batch_mean_reference(batches):
    """Keras 2: batch means of the loss and accuracy, averaged weighted by batch size."""
    loss = acc = seen = 0.0
    for p, y in batches:
        p, y = p.double().numpy(), y.double().numpy()
        loss += -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) * len(p)
        acc += np.mean((p > 0.5) == y) * len(p)
        seen += len(p)
    return [loss / seen, acc / seen]


def test_bulk_scoring_of_many_epochs_matches_batch_means():
    objective = _objective()
    epochs = [_batches(seed, count) for seed, count in ((0, 3), (1, 1), (2, 4))]
    logs = []
    for batches in epochs:
        log = LogAccumulator(objective, per_batch=False)
        for p, y in batches:
            log.add([p], [y], [None], None, len(p))
        logs.append(log)
    logs.insert(1, None)
    means = epoch_means(logs)
    assert means[1] is None
    for batches, values in zip(epochs, [means[0], means[2], means[3]]):
        np.testing.assert_allclose(values, _batch_mean_reference(batches), rtol=1e-5)


def test_per_batch_and_bulk_accumulators_agree():
    objective = _objective()
    batches = _batches(3, 4)
    bulk, per_batch = LogAccumulator(objective, False), LogAccumulator(objective, True)
    for p, y in batches:
        assert bulk.add([p], [y], [None], None, len(p)) is None
        assert per_batch.add([p], [y], [None], None, len(p)) is not None
    np.testing.assert_allclose(bulk.means(), per_batch.means(), rtol=1e-6)
    np.testing.assert_allclose(bulk.means(), _batch_mean_reference(batches), rtol=1e-5)


def test_extra_losses_are_added_to_the_loss_per_batch_size():
    objective = _objective(metrics=())
    batches = _batches(4, 2)
    log = LogAccumulator(objective, False)
    for (p, y), extra in zip(batches, (0.5, 1.5)):
        log.add([p], [y], [None], torch.tensor(extra), len(p))
    expected = _batch_mean_reference(batches)[0] + 1.0  # both batches hold 5 samples
    assert log.means() == pytest.approx([expected], rel=1e-5)


def test_custom_metric_over_the_whole_batch_is_averaged_batch_by_batch():
    def batch_max(y_true, y_pred):  # a value of the whole batch, not per sample
        return y_pred.max()

    objective = _objective(metrics=[batch_max])
    assert not objective.scores_in_bulk
    batches = _batches(5, 3)
    log = LogAccumulator(objective, per_batch=False)
    for p, y in batches:
        log.add([p], [y], [None], None, len(p))
    expected = np.mean([p.max().item() for p, _ in batches])
    assert log.means()[1] == pytest.approx(expected, rel=1e-6)


def _model():
    model = Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                        layers.Dense(1, activation="sigmoid")])
    model.compile("rmsprop", "binary_crossentropy", metrics=["accuracy"])
    return model


def _data():
    rng = np.random.RandomState(0)
    x = rng.randn(40, 3).astype("float32")
    return x, (x.sum(1, keepdims=True) > 0).astype("float32")


class _Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.logs = []

    def on_epoch_end(self, epoch, logs=None):
        self.logs.append(dict(logs))


def test_history_alone_gets_the_same_values_as_a_callback_reading_each_epoch():
    x, y = _data()
    quiet, watched = _model(), _model()
    watched.set_weights(quiet.get_weights())
    np.random.seed(1)
    history = quiet.fit(x, y, batch_size=8, epochs=4, validation_split=0.25, verbose=0)
    recorder = _Recorder()
    np.random.seed(1)
    watched_history = watched.fit(x, y, batch_size=8, epochs=4, validation_split=0.25,
                                  verbose=0, callbacks=[recorder])
    assert history.epoch == [0, 1, 2, 3]
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    for key in history.history:
        np.testing.assert_allclose(history.history[key], watched_history.history[key],
                                   rtol=1e-5)
        np.testing.assert_allclose(history.history[key], [l[key] for l in recorder.logs],
                                   rtol=1e-5)
    # the validation values are those of the final weights
    p = np.clip(quiet.predict(x[30:]), 1e-7, 1 - 1e-7)
    val_loss = -np.mean(y[30:] * np.log(p) + (1 - y[30:]) * np.log(1 - p))
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)


def test_interrupted_fit_keeps_the_finished_epochs_in_history():
    x, y = _data()
    model = _model()

    class StopAtThirdEpoch(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=5, verbose=0, callbacks=[StopAtThirdEpoch()])
    assert model.history.epoch == [0, 1]
    assert len(model.history.history["loss"]) == 2


def test_waiting_epochs_are_reported_early_when_their_outputs_grow_large(monkeypatch):
    from cornu.training import loops
    monkeypatch.setattr(loops, "PENDING_BYTES", 1)  # every epoch is over the limit
    x, y = _data()
    model = _model()
    reported = []
    original = loops.EpochsToScore.report

    def spy(self, callbacks):
        reported.append([epoch for epoch, _, _ in self.epochs])
        original(self, callbacks)

    monkeypatch.setattr(loops.EpochsToScore, "report", spy)
    history = model.fit(x, y, epochs=3, verbose=0)
    assert reported == [[0], [1], [2], []]  # each epoch scored before the next began
    assert history.epoch == [0, 1, 2] and len(history.history["loss"]) == 3


def test_a_metric_that_cannot_be_computed_fails_on_the_first_batch():
    model = Sequential([layers.Dense(3, activation="softmax", input_shape=(2,))])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["mae"])
    x = np.zeros((40, 2), "float32")
    y = np.zeros((40, 1), "float32")
    with pytest.raises(ValueError, match="mean_absolute_error"):
        model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert model.optimizer.get_weights()[0] == 1  # one step trained, then it failed
