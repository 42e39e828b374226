"""Activations against NumPy versions of the Keras 2.2.4 formulas."""
import numpy as np
import pytest
import torch

from cornu import activations
from cornu.utils.serialization import custom_object_scope

X = np.linspace(-6.0, 6.0, 49).reshape(7, 7).astype("float32")
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def run(fn, x=X, **kwargs):
    return fn(torch.tensor(x), **kwargs).numpy()


def np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras 2.2.4 tensorflow_backend.relu, step by step."""
    negative_part = np.maximum(threshold - x, 0)
    kept = x * (x > threshold) if threshold else np.maximum(x, 0)
    if max_value is not None:
        kept = np.clip(kept, 0, max_value)
    return kept - alpha * negative_part


@pytest.mark.parametrize("name, reference", [
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x))),
    ("tanh", np.tanh),
    ("softplus", lambda x: np.log1p(np.exp(x))),
    ("softsign", lambda x: x / (1 + np.abs(x))),
    ("hard_sigmoid", lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    ("exponential", np.exp),
    ("linear", lambda x: x),
    ("relu", lambda x: np.maximum(x, 0)),
    ("elu", np_elu),
    ("selu", lambda x: SELU_SCALE * np_elu(x, SELU_ALPHA)),
    ("softmax", np_softmax),
])
def test_elementwise_formulas_match_numpy(name, reference):
    np.testing.assert_allclose(run(activations.get(name)), reference(X), rtol=1e-5, atol=1e-6)


def test_hand_computed_values():
    x = np.array([-3.0, -2.5, 0.0, 1.0, 2.5, 3.0], dtype="float32")
    np.testing.assert_allclose(run(activations.hard_sigmoid, x), [0, 0, 0.5, 0.7, 1, 1],
                               atol=1e-7)
    np.testing.assert_allclose(run(activations.softsign, x[3:4]), [0.5])
    np.testing.assert_allclose(run(activations.elu, np.array([-1.0], "float32"), alpha=2.0),
                               [2 * (np.exp(-1) - 1)], rtol=1e-6)
    np.testing.assert_allclose(run(activations.selu, np.array([1.0], "float32")), [SELU_SCALE])


@pytest.mark.parametrize("kwargs", [
    dict(alpha=0.1),
    dict(max_value=6.0),
    dict(max_value=2.5, alpha=0.2),
    dict(threshold=1.5),
    dict(threshold=1.5, alpha=0.3),
    dict(threshold=-1.0, max_value=3.0, alpha=0.5),
    dict(threshold=-1.0, alpha=0.5),
])
def test_relu_options_match_keras_backend(kwargs):
    np.testing.assert_allclose(run(activations.relu, **kwargs), np_relu(X, **kwargs),
                               rtol=1e-6, atol=1e-6)


def test_relu_hand_computed():
    x = np.array([-2.0, 0.5, 1.0, 2.0, 8.0], dtype="float32")
    assert run(activations.relu, x, alpha=0.5, max_value=6.0).tolist() == [-1, 0.5, 1, 2, 6]
    assert run(activations.relu, x, threshold=1.0).tolist() == [0, 0, 0, 2, 8]
    np.testing.assert_allclose(run(activations.relu, x, alpha=0.1, threshold=1.0),
                               [-0.3, -0.05, 0, 2, 8], rtol=1e-6)


def test_relu_with_options_is_differentiable():
    x = torch.tensor([-2.0, 0.5, 3.0, 8.0], requires_grad=True)
    activations.relu(x, alpha=0.1, max_value=6.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.1, 1.0, 1.0, 0.0], rtol=1e-6)


def test_softmax_axis_and_higher_rank():
    x3 = np.random.RandomState(0).randn(2, 3, 4).astype("float32")
    for axis in (-1, 1, 0):
        np.testing.assert_allclose(run(activations.softmax, x3, axis=axis),
                                   np_softmax(x3, axis=axis), rtol=1e-5)
    np.testing.assert_allclose(run(activations.softmax, X, axis=0), np_softmax(X, 0), rtol=1e-5)
    np.testing.assert_allclose(run(activations.softmax, np.array([[0.0, np.log(3.0)]], "float32")),
                               [[0.25, 0.75]], rtol=1e-6)


def test_softmax_rejects_1d_input_like_keras():
    with pytest.raises(ValueError, match="1D.*reshape"):
        activations.softmax(torch.tensor([1.0, 2.0]))


def test_numpy_input_is_accepted():
    out = activations.tanh(np.array([0.0, 1.0]))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), np.tanh([0.0, 1.0]), rtol=1e-6)


def test_get_resolves_none_names_callables_and_dicts():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get(torch.sigmoid) is torch.sigmoid
    assert activations.get({"class_name": "tanh", "config": {}}) is activations.tanh
    keras3 = {"module": "keras.activations", "class_name": "function", "config": "softmax",
              "registered_name": "softmax"}
    assert activations.get(keras3) is activations.softmax


def test_serialize_deserialize_round_trip_for_every_name():
    names = ["softmax", "elu", "selu", "softplus", "softsign", "relu", "tanh", "sigmoid",
             "hard_sigmoid", "exponential", "linear"]
    for name in names:
        fn = activations.deserialize(name)
        assert activations.serialize(fn) == name
        assert activations.get(activations.serialize(fn)) is fn


def test_unknown_name_lists_valid_names_and_suggests():
    with pytest.raises(ValueError) as info:
        activations.get("rleu")
    message = str(info.value)
    assert "Unknown activation function: 'rleu'" in message
    assert "Did you mean 'relu'?" in message
    assert "hard_sigmoid" in message and "softmax" in message


def test_uninterpretable_identifier():
    with pytest.raises(ValueError, match="Could not interpret activation"):
        activations.get(3)


def test_custom_functions_by_name():
    def double(x):
        return 2 * x

    assert activations.deserialize("double", custom_objects={"double": double}) is double
    with custom_object_scope({"double": double}):
        assert activations.get("double") is double
        assert activations.get({"class_name": "double", "config": {}}) is double
    assert activations.serialize(double) == "double"
    with pytest.raises(ValueError, match="Unknown activation"):
        activations.get("double")
