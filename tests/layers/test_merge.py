"""Merge layers: Keras 2.2.4 shape rules and messages, values against NumPy, functional forms
in trained models. (Per-layer values, configs and training also run in tests/layers/test_layers.py.)"""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.layers import Dense, Input
from cornu.layers.merge import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply,
                                Subtract)
from cornu.models import Model

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")

RNG = np.random.RandomState(0)


def _rand(*shape):
    return RNG.uniform(-1, 1, size=shape).astype("float32")


# ----------------------------------------------------------------- elementwise shapes
@pytest.mark.parametrize("shapes, expected", [
    ([(3,), (3,)], (None, 3)),
    ([(None, 3), (4, 1)], (None, None, 3)),
    ([(1,), (5,)], (None, 5)),
    ([(4, 3), (3,)], (None, 4, 3)),
    ([(3,), (2, 4, 3)], (None, 2, 4, 3)),
    ([(4, 1), (1, 6), (4, 6)], (None, 4, 6)),
])
def test_elementwise_shape_rules(shapes, expected):
    inputs = [Input(shape=s) for s in shapes]
    assert Add()(inputs).shape == expected
    assert Maximum()(inputs).shape == expected


def test_known_batch_size_is_kept():
    a = Input(batch_shape=(4, 3))
    b = Input(shape=(3,))
    assert layers.add([a, b]).shape == (4, 3)


def test_different_batch_sizes_are_refused():
    a, b = Input(batch_shape=(4, 3)), Input(batch_shape=(5, 3))
    with pytest.raises(ValueError, match=r"Can not merge tensors with different batch sizes. "
                                         r"Got tensors with shapes : \[\(4, 3\), \(5, 3\)\]"):
        layers.add([a, b])


def test_incompatible_shapes_name_both():
    with pytest.raises(ValueError, match=r"Operands could not be broadcast together with shapes "
                                         r"\(3,\) \(4,\)"):
        layers.multiply([Input(shape=(3,)), Input(shape=(4,))])


def test_different_ranks_broadcast_after_the_batch_axis():
    a, b = _rand(2, 4, 3), _rand(2, 3)
    out = layers.add([torch.from_numpy(a), torch.from_numpy(b)]).numpy()
    np.testing.assert_allclose(out, a + b[:, None, :], rtol=1e-6)
    x = Input(shape=(4, 3))
    y = Input(shape=(3,))
    model = Model([x, y], layers.subtract([x, y]))
    np.testing.assert_allclose(model.predict([a, b]), a - b[:, None, :], rtol=1e-6)


# ----------------------------------------------------------------- list errors
@pytest.mark.parametrize("cls", [Add, Multiply, Average, Maximum, Minimum])
def test_merge_needs_a_list(cls):
    with pytest.raises(ValueError, match="A merge layer should be called on a list of inputs."):
        cls()(Input(shape=(3,)))
    with pytest.raises(ValueError, match="A merge layer should be called on a list of inputs."):
        cls()(torch.ones(2, 3))


@pytest.mark.parametrize("cls", [Add, Multiply, Average, Maximum, Minimum, Subtract])
def test_merge_needs_two_inputs(cls):
    with pytest.raises(ValueError, match="A merge layer should be called on a list of at least "
                                         "2 inputs. Got 1 inputs."):
        cls()([Input(shape=(3,))])


def test_subtract_needs_exactly_two():
    with pytest.raises(ValueError, match="A `Subtract` layer should be called on exactly 2 inputs"):
        layers.subtract([Input(shape=(3,))] * 3)


def test_concatenate_errors():
    with pytest.raises(ValueError, match="A `Concatenate` layer should be called on a list of "
                                         "inputs."):
        Concatenate()(Input(shape=(3,)))
    with pytest.raises(ValueError, match="A `Concatenate` layer should be called on a list of "
                                         "at least 2 inputs"):
        Concatenate()([Input(shape=(3,))])
    with pytest.raises(ValueError, match=r"A `Concatenate` layer requires inputs with matching "
                                         r"shapes except for the concat axis. Got inputs shapes: "
                                         r"\[\(None, 2, 3\), \(None, 4, 3\)\]"):
        layers.concatenate([Input(shape=(2, 3)), Input(shape=(4, 3))])
    with pytest.raises(ValueError, match="matching shapes except for the concat axis"):
        layers.concatenate([Input(shape=(3,)), Input(shape=(4, 3))])
    with pytest.raises(ValueError, match="Invalid `axis` 3"):
        layers.concatenate([Input(shape=(2, 3)), Input(shape=(2, 3))], axis=3)


def test_dot_errors():
    a, b = Input(shape=(3,)), Input(shape=(4,))
    with pytest.raises(ValueError, match="A `Dot` layer should be called on a list of 2 inputs."):
        Dot(axes=1)([a, a, a])
    with pytest.raises(ValueError, match="A `Dot` layer should be called on a list of 2 inputs."):
        Dot(axes=1)(a)
    with pytest.raises(ValueError, match=r"Dimension incompatibility 3 != 4. Layer shapes: "
                                         r"\(None, 3\), \(None, 4\)"):
        layers.dot([a, b], axes=1)
    with pytest.raises(ValueError, match="batch axis"):
        layers.dot([a, a], axes=0)
    with pytest.raises(ValueError, match="between -2 and 1"):
        layers.dot([a, a], axes=2)
    with pytest.raises(TypeError, match="Invalid type for `axes` - should be a list or an int."):
        Dot(axes="1")
    with pytest.raises(ValueError, match="Invalid format for `axes` - should contain two "
                                         "elements."):
        Dot(axes=(1, 1, 1))
    with pytest.raises(ValueError, match="Invalid format for `axes` - list elements should be "
                                         "\"int\"."):
        Dot(axes=(1, 1.0))


# ----------------------------------------------------------------- values
def test_elementwise_values_against_numpy():
    a, b, c = _rand(3, 2, 5), _rand(3, 2, 5), _rand(3, 2, 5)
    ts = [torch.from_numpy(v) for v in (a, b, c)]
    np.testing.assert_allclose(layers.add(ts).numpy(), a + b + c, rtol=1e-6)
    np.testing.assert_allclose(layers.subtract(ts[:2]).numpy(), a - b, rtol=1e-6)
    np.testing.assert_allclose(layers.multiply(ts).numpy(), a * b * c, rtol=1e-6)
    np.testing.assert_allclose(layers.average(ts).numpy(), (a + b + c) / 3, rtol=1e-6)
    np.testing.assert_allclose(layers.maximum(ts).numpy(), np.maximum(np.maximum(a, b), c))
    np.testing.assert_allclose(layers.minimum(ts).numpy(), np.minimum(np.minimum(a, b), c))


def test_numpy_arrays_are_accepted_and_inputs_left_alone():
    a, b, c = _rand(2, 3), _rand(2, 3), _rand(2, 3)
    kept = [a.copy(), b.copy(), c.copy()]
    out = layers.add([a, b, c])
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.numpy(), a + b + c, rtol=1e-6)
    for before, after in zip(kept, (a, b, c)):
        np.testing.assert_array_equal(before, after)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    layers.average([ta, tb])
    np.testing.assert_array_equal(ta.numpy(), kept[0])


@pytest.mark.parametrize("merge, grads", [
    (layers.add, lambda a, b, c: (np.ones_like(a),) * 3),
    (layers.average, lambda a, b, c: (np.full_like(a, 1 / 3),) * 3),
    (layers.multiply, lambda a, b, c: (b * c, a * c, a * b)),
])
def test_gradients_flow_to_every_input(merge, grads):
    arrays = [_rand(2, 3) for _ in range(3)]
    ts = [torch.tensor(v, requires_grad=True) for v in arrays]
    merge(ts).sum().backward()
    for t, expected in zip(ts, grads(*arrays)):
        np.testing.assert_allclose(t.grad.numpy(), expected, rtol=1e-5)


def test_concatenate_axes():
    a, b = _rand(2, 3, 4), _rand(2, 3, 2)
    out = layers.concatenate([torch.from_numpy(a), torch.from_numpy(b)])
    np.testing.assert_array_equal(out.numpy(), np.concatenate([a, b], axis=-1))
    x, y = Input(shape=(3, 4)), Input(shape=(5, 4))
    assert layers.concatenate([x, y], axis=1).shape == (None, 8, 4)
    assert layers.concatenate([x, y], axis=-2).shape == (None, 8, 4)
    assert layers.concatenate([Input(shape=(None, 4)), x], axis=1).shape == (None, None, 4)
    assert layers.concatenate([Input(shape=(None, 4)), x], axis=2).shape == (None, 3, 8)


def test_concatenate_along_the_batch_axis_as_multi_gpu_model_does():
    a, b = Input(shape=(1,)), Input(shape=(1,))
    merged = layers.concatenate([a, b], axis=0, name="dense_2")
    assert merged.shape == (None, 1)
    out = Model([a, b], merged).predict([np.ones((2, 1)), np.zeros((3, 1))])
    np.testing.assert_array_equal(out, [[1], [1], [0], [0], [0]])


# ----------------------------------------------------------------- Dot
def _l2n(x, axis):
    return x / np.sqrt(np.maximum((x ** 2).sum(axis=axis, keepdims=True), 1e-12))


@pytest.mark.parametrize("shapes, axes, normalize, expected_shape, reference", [
    ([(4, 3), (4, 3)], 1, False, (None, 1), lambda a, b: (a * b).sum(1, keepdims=True)),
    ([(4, 3), (4, 3)], -1, True, (None, 1),
     lambda a, b: (_l2n(a, 1) * _l2n(b, 1)).sum(1, keepdims=True)),
    ([(4, 2, 3), (4, 5, 3)], -1, False, (None, 2, 5),
     lambda a, b: np.einsum("bik,bjk->bij", a, b)),
    ([(4, 2, 3), (4, 3, 5)], (2, 1), False, (None, 2, 5),
     lambda a, b: np.einsum("bik,bkj->bij", a, b)),
    ([(4, 3, 2), (4, 3, 5)], (1, 1), True, (None, 2, 5),
     lambda a, b: np.einsum("bki,bkj->bij", _l2n(a, 1), _l2n(b, 1))),
    ([(4, 2, 3), (4, 3)], (-1, -1), False, (None, 2),
     lambda a, b: np.einsum("bik,bk->bi", a, b)),
    ([(4, 3), (4, 3, 2)], (1, 1), False, (None, 2),
     lambda a, b: np.einsum("bk,bkj->bj", a, b)),
    ([(4, 2, 3, 6), (4, 6, 5)], (3, 1), False, (None, 2, 3, 5),
     lambda a, b: np.einsum("bijk,bkl->bijl", a, b)),
])
def test_dot_against_numpy(shapes, axes, normalize, expected_shape, reference):
    a, b = _rand(*shapes[0]), _rand(*shapes[1])
    out = layers.dot([torch.from_numpy(a), torch.from_numpy(b)], axes=axes, normalize=normalize)
    np.testing.assert_allclose(out.numpy(), reference(a, b), rtol=1e-5, atol=1e-6)
    x, y = Input(shape=shapes[0][1:]), Input(shape=shapes[1][1:])
    assert layers.dot([x, y], axes=axes, normalize=normalize).shape == expected_shape
    assert out.shape == (4,) + expected_shape[1:]


def test_dot_normalized_is_cosine_in_minus_one_one():
    a = _rand(6, 8)
    out = layers.dot([torch.from_numpy(a), torch.from_numpy(-2 * a)], axes=1, normalize=True)
    np.testing.assert_allclose(out.numpy(), -np.ones((6, 1)), rtol=1e-5)


# ----------------------------------------------------------------- functional forms in models
FUNCTIONAL = {
    "add": lambda ts: layers.add(ts),
    "subtract": lambda ts: layers.subtract(ts),
    "multiply": lambda ts: layers.multiply(ts),
    "average": lambda ts: layers.average(ts),
    "maximum": lambda ts: layers.maximum(ts),
    "minimum": lambda ts: layers.minimum(ts),
    "concatenate": lambda ts: layers.concatenate(ts, axis=-1),
    "dot": lambda ts: layers.dot(ts, axes=1),
    "dot_normalize": lambda ts: layers.dot(ts, axes=-1, normalize=True),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_form_builds_and_trains_a_model(name):
    a, b = Input(shape=(3,)), Input(shape=(4,))
    merged = FUNCTIONAL[name]([Dense(5)(a), Dense(5)(b)])
    model = Model([a, b], Dense(1)(merged))
    model.compile("sgd", "mse")
    x1, x2, y = _rand(16, 3), _rand(16, 4), _rand(16, 1)
    before = [w.copy() for w in model.get_weights()]
    history = model.fit([x1, x2], y, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    after = model.get_weights()
    assert all(not np.allclose(w0, w1) for w0, w1 in zip(before[:2], after[:2]))
    assert all(not np.allclose(w0, w1) for w0, w1 in zip(before[2:4], after[2:4]))


def test_question_answering_head_matches_numpy():
    """DLwP 7.1.2: two encoded branches, concatenated, then a softmax classifier."""
    text, question = Input(shape=(6,), name="text"), Input(shape=(4,), name="question")
    encoded_text = Dense(8, activation="relu")(text)
    encoded_question = Dense(5, activation="relu")(question)
    concatenated = layers.concatenate([encoded_text, encoded_question], axis=-1)
    answer = Dense(3, activation="softmax")(concatenated)
    model = Model([text, question], answer)
    assert concatenated.shape == (None, 13)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["acc"])
    x1, x2 = _rand(10, 6), _rand(10, 4)
    w1, b1, w2, b2, w3, b3 = model.get_weights()
    hidden = np.concatenate([np.maximum(x1 @ w1 + b1, 0), np.maximum(x2 @ w2 + b2, 0)], axis=-1)
    logits = hidden @ w3 + b3
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict([x1, x2]), expected, rtol=1e-5, atol=1e-6)
    y = np.eye(3, dtype="float32")[RNG.randint(0, 3, size=10)]
    model.fit([x1, x2], y, epochs=1, batch_size=5, verbose=0)


def test_functional_form_passes_layer_arguments():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    out = layers.add([a, b], name="merged")
    model = Model([a, b], out)
    assert model.get_layer("merged").__class__ is Add
    assert layers.concatenate([a, b], name="cat")._keras_history[0].name == "cat"


def test_layer_reuse_on_new_inputs():
    layer = Multiply()
    a, b, c = Input(shape=(3,)), Input(shape=(3,)), Input(shape=(3,))
    assert layer([a, b]).shape == (None, 3)
    assert layer([b, c]).shape == (None, 3)
    assert len(layer._inbound_nodes) == 2


# ----------------------------------------------------------------- configs
@pytest.mark.parametrize("layer", [
    Concatenate(axis=1, name="c"), Dot(axes=(1, 2), normalize=True, name="d"),
    Dot(axes=-1, name="e"), Add(name="f"), Subtract(name="g"),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    if isinstance(layer, Concatenate):
        assert config["axis"] == 1
    if isinstance(layer, Dot) and layer.name == "d":
        assert config["axes"] == (1, 2) and config["normalize"] is True
