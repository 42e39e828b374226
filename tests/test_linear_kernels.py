"""The dense product kernels: BLAS and oneDNN give the same numbers."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers, optimizers
from cornu.engine import linear_kernels
from cornu.engine.linear_kernels import linear, numpy_max_rows, onednn_min_rows
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


def test_numpy_takes_tiny_products_only():
    assert numpy_max_rows(torch.empty(9, 8)) == 131_072 // 72  # the 9-8-1 textbook network
    assert numpy_max_rows(torch.empty(784, 512)) == 0
    assert numpy_max_rows(torch.empty(9, 8, dtype=torch.float64)) == 0


@pytest.mark.parametrize("kernel_choice", ["numpy", "torch", "onednn"])
def test_dense_step_matches_autograd_on_each_kernel(monkeypatch, kernel_choice):
    monkeypatch.setattr(linear_kernels, "NUMPY_MAX_WORK",
                        10 ** 12 if kernel_choice == "numpy" else 0)
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
def test_plain_descent_inside_the_products_matches_autograd(monkeypatch, make_optimizer, frozen):
    monkeypatch.setattr(linear_kernels, "NUMPY_MAX_WORK", 0)  # every product on torch
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
