"""The dense product kernels: BLAS and oneDNN give the same numbers."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers, optimizers
from cornu.training.accelerators.dense import ops as dense_ops
from cornu.kernels import linear as linear_kernels
from cornu.kernels.linear import (OPENBLAS_THREADING_WORK, linear, numpy_blas_one_thread,
                                         numpy_max_rows, numpy_threaded_rows, onednn_min_rows)
from cornu.models import Sequential


@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("with_bias", [False, True])
@pytest.mark.parametrize("threshold", [0, 10 ** 12])
def test_linear_matches_numpy_on_both_kernels(monkeypatch, relu, with_bias, threshold):
    monkeypatch.setattr(linear_kernels, "ONEDNN_MIN_WORK", threshold)
    rng = np.random.RandomState(0)
    x, kernel, bias = rng.randn(7, 5), rng.randn(5, 3), rng.randn(3)
    out = linear(torch.tensor(x, dtype=torch.float32), torch.tensor(kernel, dtype=torch.float32),
                 torch.tensor(bias, dtype=torch.float32) if with_bias else None, relu=relu)
    expected = x @ kernel + (bias if with_bias else 0)
    if relu:
        expected = np.maximum(expected, 0)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_kernel_choice_by_work():
    assert linear_kernels._ONEDNN is not None  # the pinned CPU wheel ships oneDNN
    assert onednn_min_rows(torch.empty(784, 512)) == 2  # 500,000 multiply-adds or more
    assert onednn_min_rows(torch.empty(13, 64)) == 601
    assert onednn_min_rows(torch.empty(9, 8, dtype=torch.float64)) == float("inf")


def test_large_dense_stack_fast_step_matches_autograd():
    rng = np.random.RandomState(3)
    x = torch.from_numpy(rng.rand(128, 300).astype("float32"))
    y = torch.from_numpy(np.eye(10, dtype="float32")[rng.randint(0, 10, 128)])

    def model():
        return Sequential([layers.Dense(256, activation="relu", input_shape=(300,)),
                           layers.Dense(64, activation="tanh"),
                           layers.Dense(10, activation="softmax")])

    fast, slow = model(), model()
    slow.set_weights(fast.get_weights())
    for m in (fast, slow):
        m.compile(optimizers.SGD(lr=0.1), "categorical_crossentropy")
    assert (128 >= onednn_min_rows(fast.layers[0].kernel)) == (linear_kernels._ONEDNN is not None)
    slow_step = slow._step()
    slow_step.dense = None
    for _ in range(3):
        fast._step().train([x], [y], [None])
        slow_step.train([x], [y], [None])
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(fast.predict(x.numpy()), slow.predict(x.numpy()), rtol=1e-4,
                               atol=1e-6)


def test_numpy_takes_small_products_only():
    # NumPy's wheels bundle an OpenBLAS whose threads can be kept asleep: NumPy then takes
    # products up to 128x784x10 (MNIST's logistic regression at batch 128)
    assert linear_kernels._SET_OPENBLAS_THREADS is not None
    assert numpy_max_rows(torch.empty(9, 8)) == 1_048_576 // 72  # the 9-8-1 textbook network
    assert numpy_max_rows(torch.empty(784, 10)) == 133
    assert numpy_max_rows(torch.empty(784, 512)) == 2
    assert numpy_max_rows(torch.empty(9, 8, dtype=torch.float64)) == 0
    # the 512x10 output layer wakes OpenBLAS's threads from 52 rows on
    assert numpy_threaded_rows(torch.empty(512, 10)) == range(52, 205)
    assert numpy_threaded_rows(torch.empty(9, 8)) == range(3641, 14564)


def test_numpy_blas_one_thread_switches_openblas_and_restores_it():
    setter = linear_kernels._SET_OPENBLAS_THREADS
    original = setter(1)
    setter(original)
    a = np.random.RandomState(0).rand(256, 1024).astype("float32")
    b = np.random.RandomState(1).rand(1024, 10).astype("float32")
    with numpy_blas_one_thread():
        product = a @ b
        inside = setter(1)
    after = setter(1)
    setter(after)
    assert (inside, after) == (1, original)
    np.testing.assert_allclose(product, a.astype("float64") @ b, rtol=1e-5)


def test_numpy_blas_one_thread_only_when_needed(monkeypatch):
    calls = []
    monkeypatch.setattr(linear_kernels, "_SET_OPENBLAS_THREADS",
                        lambda count: calls.append(count) or 4)
    with numpy_blas_one_thread(needed=False):
        pass
    assert calls == []
    with numpy_blas_one_thread():
        assert calls == [1]
    assert calls == [1, 4]  # the count found on entry comes back
    monkeypatch.setattr(linear_kernels, "_SET_OPENBLAS_THREADS", None)  # another BLAS
    with numpy_blas_one_thread():
        pass
    assert calls == [1, 4]


def test_fit_and_evaluate_keep_openblas_on_one_thread_when_numpy_products_are_large(monkeypatch):
    state = {"threads": 2, "seen": set()}

    def set_threads(count):
        previous, state["threads"] = state["threads"], count
        return previous

    real_dot = np.dot

    def dot(*args, **kwargs):
        state["seen"].add(state["threads"])
        return real_dot(*args, **kwargs)

    monkeypatch.setattr(linear_kernels, "_SET_OPENBLAS_THREADS", set_threads)
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


@pytest.mark.parametrize("kernel_choice", ["numpy", "torch", "torch-wide", "onednn"])
def test_dense_step_matches_autograd_on_each_kernel(monkeypatch, kernel_choice):
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

    fast, slow = model(), model()
    slow.set_weights(fast.get_weights())
    for m in (fast, slow):
        m.compile(optimizers.RMSprop(lr=0.01), "binary_crossentropy")
    slow_step = slow._step()
    slow_step.dense = None
    for _ in range(3):
        out_fast, _ = fast._step().train([x], [y], [None])
        out_slow, _ = slow_step.train([x], [y], [None])
        np.testing.assert_allclose(out_fast[0].numpy(), out_slow[0].numpy(), rtol=1e-5,
                                   atol=1e-6)
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
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
def test_plain_descent_inside_the_products_matches_autograd(monkeypatch, make_optimizer, frozen,
                                                            numpy_work, narrow_units):
    monkeypatch.setattr(linear_kernels, "NUMPY_MAX_WORK", numpy_work)
    monkeypatch.setattr(dense_ops, "NARROW_UNITS", narrow_units)
    rng = np.random.RandomState(6)
    x = torch.from_numpy(rng.rand(16, 7).astype("float32"))
    y = torch.from_numpy(np.eye(3, dtype="float32")[rng.randint(0, 3, 16)])

    def model():
        return Sequential([layers.Dense(6, activation="relu", input_shape=(7,)),
                           layers.Dense(3, activation="softmax")])

    fast, slow = model(), model()
    slow.set_weights(fast.get_weights())
    for m in (fast, slow):
        m.layers[0].trainable = not frozen
        m.compile(make_optimizer(), "categorical_crossentropy")
    slow_step = slow._step()
    slow_step.dense = None
    for index in range(3):
        if index == 2:
            for m in (fast, slow):
                K.set_value(m.optimizer.lr, 0.05)
        fast._step().train([x], [y], [None])
        slow_step.train([x], [y], [None])
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(fast.optimizer.iterations) == 3
    plain = fast.optimizer.plain_descent_rate()
    assert (plain is not None) == (fast.optimizer.get_config()["momentum"] == 0
                                   and "clipvalue" not in fast.optimizer.get_config())


def test_narrow_layers_take_their_kernel_gradient_transposed():
    model = Sequential([layers.Dense(32, activation="relu", input_shape=(20,)),
                        layers.Dense(10, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    wide, narrow = model._step().dense.ops
    assert wide.kernel_grad_t is None
    assert narrow.kernel_grad_t.shape == (10, 32)
