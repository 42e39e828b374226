"""Generic checks run on every row of the layer table (tests/layers/layer_cases.py).

Rows whose ``input_shape`` is a list of shapes (merge layers) are called on a list of tensors
and trained inside a functional ``Model`` instead of a ``Sequential``.
"""
import contextlib

import numpy as np
import pytest
import torch

from cornu import layers
from cornu.layers.lambda_layer import unsafe_deserialization
from cornu.models import Model, Sequential
from tests.layers.layer_cases import CASES as CORE_CASES
from tests.layers.spatial_cases import SPATIAL_CASES

CASES = CORE_CASES + SPATIAL_CASES

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")


def _random_input(shape, seed=0):
    return np.random.RandomState(seed).uniform(-2, 2, size=shape).astype("float32")


def _is_multi(case):
    return isinstance(case.input_shape, list)


def _inputs(case, seed=0, batch=None):
    """NumPy inputs for a row: one array, or a list for multi-input rows."""
    def shaped(shape):
        return shape if batch is None else (batch,) + tuple(shape[1:])
    if _is_multi(case):
        return [_random_input(shaped(s), seed + 100 * i) for i, s in enumerate(case.input_shape)]
    return _random_input(shaped(case.input_shape), seed)


def _tensors(x):
    return [torch.from_numpy(a) for a in x] if isinstance(x, list) else torch.from_numpy(x)


def _batch_size(case):
    return (case.input_shape[0] if _is_multi(case) else case.input_shape)[0]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_symbolic_output_shape(case):
    if _is_multi(case):
        x = [layers.Input(batch_shape=(None,) + s[1:]) for s in case.input_shape]
    else:
        x = layers.Input(batch_shape=(None,) + case.input_shape[1:])
    y = case.cls(**case.kwargs)(x)
    assert y.shape == case.output_shape


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_values_match_numpy_reference(case):
    layer = case.cls(**case.kwargs)
    x = _inputs(case)
    y = layer(_tensors(x)).detach().numpy()
    expected = case.reference(x, layer.get_weights())
    assert y.shape == (_batch_size(case),) + case.output_shape[1:]
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_weight_counts(case):
    layer = case.cls(**case.kwargs)
    layer(_tensors(_inputs(case)))
    assert len(layer.trainable_weights) == case.trainable_weights
    assert len(layer.non_trainable_weights) == case.non_trainable_weights
    assert len(layer.get_weights()) == case.trainable_weights + case.non_trainable_weights


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_config_round_trip(case):
    layer = case.cls(**case.kwargs)
    layer(_tensors(_inputs(case)))
    config = layer.get_config()
    with unsafe_deserialization() if case.unsafe_config else contextlib.nullcontext():
        clone = case.cls.from_config(config)
    assert clone.get_config() == config
    x = _inputs(case, seed=1)
    clone(_tensors(x))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(_tensors(x)).detach().numpy(),
                               layer(_tensors(x)).detach().numpy(), rtol=1e-6)


def _head(case):
    return layers.Flatten() if len(case.output_shape) > 2 else layers.Activation("linear")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_trains_in_a_model(case):
    if _is_multi(case):
        inputs = [layers.Input(shape=s[1:]) for s in case.input_shape]
        model = Model(inputs, layers.Dense(1)(_head(case)(case.cls(**case.kwargs)(inputs))))
    else:
        model = Sequential([case.cls(**case.kwargs, input_shape=case.input_shape[1:]),
                            _head(case), layers.Dense(1)])
    model.compile("sgd", "mse")
    x = _inputs(case, batch=8)
    y = np.ones((8, 1), dtype="float32")
    before = [w.copy() for w in model.get_weights()]
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)
    after = model.get_weights()
    assert any(not np.allclose(b, a) for b, a in zip(before, after))
