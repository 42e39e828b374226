"""The Dense-graph step on each product kernel (NumPy's BLAS, torch's, oneDNN) and with each
optimizer option: the same updates as the reference step."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers, optimizers
from cornu.kernels import linear as linear_kernels
from cornu.kernels import openblas
from cornu.models import Sequential
from cornu.training.accelerators.dense import ops as dense_ops
from tests.training.accelerators.test_dense_step import dense_step, reference_step


def _twins(make, optimizer, loss):
    fast, slow = make(), make()
    slow.set_weights(fast.get_weights())
    for model in (fast, slow):
        model.compile(optimizer(), loss)
    return fast, slow


def _assert_same_weights(fast, slow, rtol=1e-4, atol=1e-6):
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def test_large_dense_stack_matches_the_reference_step():
    rng = np.random.RandomState(3)
    x = torch.from_numpy(rng.rand(128, 300).astype("float32"))
    y = torch.from_numpy(np.eye(10, dtype="float32")[rng.randint(0, 10, 128)])

    def model():
        return Sequential([layers.Dense(256, activation="relu", input_shape=(300,)),
                           layers.Dense(64, activation="tanh"),
                           layers.Dense(10, activation="softmax")])

    fast, slow = _twins(model, lambda: optimizers.SGD(lr=0.1), "categorical_crossentropy")
    fast_step, slow_step = dense_step(fast), reference_step(slow)
    for _ in range(3):
        fast_step.train([x], [y], [None])
        slow_step.train([x], [y], [None])
    _assert_same_weights(fast, slow, atol=1e-5)
    np.testing.assert_allclose(fast.predict(x.numpy()), slow.predict(x.numpy()), rtol=1e-4,
                               atol=1e-6)


@pytest.mark.parametrize("kernel_choice", ["numpy", "torch", "torch-wide", "onednn"])
def test_dense_step_matches_the_reference_on_each_kernel(monkeypatch, kernel_choice):
    monkeypatch.setattr(linear_kernels, "NUMPY_MAX_WORK",
                        10 ** 12 if kernel_choice == "numpy" else 0)
    if kernel_choice == "torch-wide":  # no layer takes its kernel gradient transposed
        monkeypatch.setattr(dense_ops, "NARROW_UNITS", 0)
    monkeypatch.setattr(linear_kernels, "ONEDNN_MIN_WORK",
                        0 if kernel_choice == "onednn" else 10 ** 12)
    rng = np.random.RandomState(5)
    x = torch.from_numpy(rng.rand(32, 7).astype("float32"))
    y = torch.from_numpy(rng.randint(0, 2, (32, 1)).astype("float32"))

    def model():
        return Sequential([layers.Dense(6, activation="relu", input_shape=(7,)),
                           layers.Dense(5, activation="tanh", use_bias=False),
                           layers.Dense(1, activation="sigmoid")])

    fast, slow = _twins(model, lambda: optimizers.RMSprop(lr=0.01), "binary_crossentropy")
    fast_step, slow_step = dense_step(fast), reference_step(slow)
    for _ in range(3):
        out_fast, _ = fast_step.train([x], [y], [None])
        out_slow, _ = slow_step.train([x], [y], [None])
        np.testing.assert_allclose(out_fast[0].numpy(), out_slow[0].numpy(), rtol=1e-5,
                                   atol=1e-6)
    _assert_same_weights(fast, slow)
    np.testing.assert_allclose(fast.evaluate(x.numpy(), y.numpy(), verbose=0),
                               slow.evaluate(x.numpy(), y.numpy(), verbose=0), rtol=1e-5)


@pytest.mark.parametrize("make_optimizer", [
    lambda: optimizers.SGD(lr=0.1, decay=0.5),
    lambda: optimizers.SGD(lr=0.1, momentum=0.9),
    lambda: optimizers.SGD(lr=0.1, clipvalue=0.01)])
@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("numpy_work,narrow_units", [(0, 16), (0, 0), (16 * 6 * 3, 16),
                                                      (10 ** 12, 16)],
                         ids=["torch", "torch-wide", "numpy-last-layer", "numpy"])
def test_optimizer_options_and_frozen_layers_on_each_kernel(monkeypatch, make_optimizer, frozen,
                                                            numpy_work, narrow_units):
    monkeypatch.setattr(linear_kernels, "NUMPY_MAX_WORK", numpy_work)
    monkeypatch.setattr(dense_ops, "NARROW_UNITS", narrow_units)
    rng = np.random.RandomState(6)
    x = torch.from_numpy(rng.rand(16, 7).astype("float32"))
    y = torch.from_numpy(np.eye(3, dtype="float32")[rng.randint(0, 3, 16)])

    def model():
        made = Sequential([layers.Dense(6, activation="relu", input_shape=(7,)),
                           layers.Dense(3, activation="softmax")])
        made.layers[0].trainable = not frozen
        return made

    fast, slow = _twins(model, make_optimizer, "categorical_crossentropy")
    fast_step, slow_step = dense_step(fast), reference_step(slow)
    for index in range(3):
        if index == 2:
            for m in (fast, slow):
                K.set_value(m.optimizer.lr, 0.05)
        fast_step.train([x], [y], [None])
        slow_step.train([x], [y], [None])
    _assert_same_weights(fast, slow, rtol=1e-5)
    assert int(fast.optimizer.iterations) == 3


def test_narrow_layers_take_their_kernel_gradient_transposed():
    model = Sequential([layers.Dense(32, activation="relu", input_shape=(20,)),
                        layers.Dense(10, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    wide, narrow = dense_step(model).dense_ops
    assert wide.kernel_grad_t is None
    assert narrow.kernel_grad_t.shape == (10, 32)


def test_fit_and_evaluate_keep_openblas_on_one_thread_when_numpy_products_are_large(monkeypatch):
    state = {"threads": 2, "seen": set()}

    def set_threads(count):
        previous, state["threads"] = state["threads"], count
        return previous

    real_dot = np.dot

    def dot(*args, **kwargs):
        state["seen"].add(state["threads"])
        return real_dot(*args, **kwargs)

    monkeypatch.setattr(openblas, "_SET_OPENBLAS_THREADS", set_threads)
    monkeypatch.setattr(linear_kernels, "NUMPY_MAX_WORK", 10 ** 12)
    monkeypatch.setattr(linear_kernels, "OPENBLAS_THREADING_WORK", 50)  # 7x6 from 2 rows on
    monkeypatch.setattr(np, "dot", dot)
    model = Sequential([layers.Dense(6, activation="relu", input_shape=(7,)),
                        layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    x, y = np.ones((8, 7), "float32"), np.ones((8, 1), "float32")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.evaluate(x, y, batch_size=8, verbose=0)
    assert state == {"threads": 2, "seen": {1}}
    model.evaluate(x[:1], y[:1], verbose=0)  # one row is below the threshold: count unchanged
    assert state == {"threads": 2, "seen": {1, 2}}
