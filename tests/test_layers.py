"""Generic checks run on every row of the layer table (tests/layer_cases.py)."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.models import Sequential
from tests.layer_cases import CASES


def _random_input(shape, seed=0):
    return np.random.RandomState(seed).uniform(-2, 2, size=shape).astype("float32")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_symbolic_output_shape(case):
    x = layers.Input(batch_shape=(None,) + case.input_shape[1:])
    y = case.cls(**case.kwargs)(x)
    assert y.shape == case.output_shape


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_values_match_numpy_reference(case):
    layer = case.cls(**case.kwargs)
    x = _random_input(case.input_shape)
    y = layer(torch.from_numpy(x)).detach().numpy()
    expected = case.reference(x, layer.get_weights())
    assert y.shape == (case.input_shape[0],) + case.output_shape[1:]
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_weight_counts(case):
    layer = case.cls(**case.kwargs)
    layer(torch.from_numpy(_random_input(case.input_shape)))
    assert len(layer.trainable_weights) == case.trainable_weights
    assert len(layer.non_trainable_weights) == case.non_trainable_weights
    assert len(layer.get_weights()) == case.trainable_weights + case.non_trainable_weights


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_config_round_trip(case):
    layer = case.cls(**case.kwargs)
    layer(torch.from_numpy(_random_input(case.input_shape)))
    config = layer.get_config()
    clone = case.cls.from_config(config)
    assert clone.get_config() == config
    x = _random_input(case.input_shape, seed=1)
    clone(torch.from_numpy(x))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(torch.from_numpy(x)).detach().numpy(),
                               layer(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_trains_in_a_model(case):
    model = Sequential([case.cls(**case.kwargs, input_shape=case.input_shape[1:]),
                        layers.Flatten() if len(case.output_shape) > 2 else layers.Activation("linear"),
                        layers.Dense(1)])
    model.compile("sgd", "mse")
    x = _random_input((8,) + case.input_shape[1:])
    y = np.ones((8, 1), dtype="float32")
    before = [w.copy() for w in model.get_weights()]
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)
    after = model.get_weights()
    assert any(not np.allclose(b, a) for b, a in zip(before, after))
