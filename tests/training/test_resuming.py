"""Resuming with ``load_model`` and ``fit(initial_epoch=)``: the optimizer's moments, Keras 2's
``decay`` (which reads ``iterations``) and the epoch numbering carry over, so an interrupted
run ends with the weights of an uninterrupted one.

With ``shuffle=True`` the order of epoch ``k`` is not a function of ``k`` alone: as in Keras 2,
``fit`` shuffles one index array in place at the start of every epoch from NumPy's global
generator, so epoch ``k`` depends on the shuffles before it, and a new ``fit`` starts from a
fresh index array. A resumed ``fit`` therefore draws other batches than the uninterrupted run
(tested below, it is Keras 2's behaviour); ``BackupAndRestore`` saves the index array and the
generators' states and resumes exactly (tests/callbacks/test_backup_and_restore.py).
"""
import numpy as np
import pytest

from cornu.callbacks import Callback
from cornu.layers import Dense
from cornu.models import Sequential, load_model
from cornu.optimizers import SGD, Adam
from cornu.utils.random import set_random_seed


def data():
    rng = np.random.RandomState(0)
    x = rng.rand(96, 5).astype("float32")
    y = (x @ rng.rand(5, 3)).astype("float32")
    return x, y


def compiled_model(optimizer):
    set_random_seed(7)
    model = Sequential([Dense(8, activation="tanh", input_shape=(5,)), Dense(3)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


OPTIMIZERS = {
    "sgd_decay": lambda: SGD(lr=0.1, momentum=0.9, decay=0.05),
    "adam": lambda: Adam(lr=0.01),
    "adam_decay_amsgrad": lambda: Adam(lr=0.01, decay=0.02, amsgrad=True),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_interrupted_run_ends_with_the_uninterrupted_weights(tmp_path, name, capsys, every_step):
    x, y = data()
    straight = compiled_model(OPTIMIZERS[name]())
    straight_history = straight.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0)

    first = compiled_model(OPTIMIZERS[name]())
    first.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    first.save(str(tmp_path / "run.h5"))
    resumed = load_model(str(tmp_path / "run.h5"))
    capsys.readouterr()
    history = resumed.fit(x, y, batch_size=16, epochs=4, initial_epoch=2, shuffle=False,
                          verbose=1)

    assert int(resumed.optimizer.iterations) == int(straight.optimizer.iterations) == 24
    for got, expected in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert history.epoch == [2, 3]
    np.testing.assert_allclose(history.history["loss"], straight_history.history["loss"][2:],
                               rtol=1e-5)
    out = capsys.readouterr().out
    assert "Epoch 3/4" in out and "Epoch 4/4" in out
    assert "Epoch 1/4" not in out and "Epoch 2/4" not in out


def test_decay_continues_from_the_saved_iterations(tmp_path):
    x, y = data()
    model = compiled_model(SGD(lr=0.1, decay=0.5))
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    model.save(str(tmp_path / "m.h5"))
    resumed = load_model(str(tmp_path / "m.h5"))
    assert int(resumed.optimizer.iterations) == 3
    before = resumed.get_weights()
    resumed.train_on_batch(x[:32], y[:32])
    # SGD without momentum: the step taken is lr / (1 + decay * iterations) * gradient; the
    # same batch on a copy with a fresh optimizer at lr 0.1 / (1 + 0.5 * 3) gives the same step.
    fresh = compiled_model(SGD(lr=0.1 / 2.5))
    fresh.set_weights(before)
    fresh.train_on_batch(x[:32], y[:32])
    for got, expected in zip(resumed.get_weights(), fresh.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_a_new_fit_shuffles_from_a_fresh_index_array_as_keras_2_does():
    """Epoch k's order depends on the epochs shuffled before it in the same fit: with the
    generator in the same state, fit(initial_epoch=2) shuffles np.arange, the uninterrupted
    run the array it already shuffled twice."""
    set_random_seed(3)
    straight = _epoch_orders(epochs=4, initial_epoch=0)
    expected = np.arange(96)
    set_random_seed(3)
    for order in straight:
        np.random.shuffle(expected)
        np.testing.assert_array_equal(order, expected)

    set_random_seed(3)
    for _ in range(2):
        np.random.shuffle(np.arange(96))  # the generator as the uninterrupted run left it
    resumed = _epoch_orders(epochs=4, initial_epoch=2)
    assert len(resumed) == 2
    assert not np.array_equal(resumed[0], straight[2])


def _epoch_orders(epochs, initial_epoch):
    """The sample order of every epoch that fit trains (the index array of the running fit,
    read at each epoch's end)."""
    x = np.zeros((96, 1), dtype="float32")
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile(SGD(lr=0.0), "mse")
    orders = []

    class ReadIndex(Callback):
        def on_epoch_end(self, epoch, logs=None):
            orders.append(self.model._fit_state.shuffle_state())

    model.fit(x, x, batch_size=16, epochs=epochs, initial_epoch=initial_epoch, verbose=0,
              callbacks=[ReadIndex()])
    return orders
