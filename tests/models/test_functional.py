"""The functional API: graphs, shared layers, nested and subclassed models, multi-I/O training."""
import numpy as np
import pytest
import torch

from cornu import layers, optimizers
from cornu.models import Model, Sequential

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")

RNG = np.random.RandomState(0)
X1 = RNG.rand(8, 3).astype("float32")
X2 = RNG.rand(8, 4).astype("float32")


def relu(x):
    return np.maximum(x, 0)


def test_graph_matches_hand_computation():
    a = layers.Input(shape=(3,), name="a")
    hidden = layers.Dense(5, activation="relu", name="hidden")(a)
    out = layers.Dense(2, name="out")(hidden)
    model = Model(inputs=a, outputs=out)
    w1, b1, w2, b2 = model.get_weights()
    np.testing.assert_allclose(model.predict(X1), relu(X1 @ w1 + b1) @ w2 + b2, rtol=1e-5)
    assert [l.name for l in model.layers] == ["a", "hidden", "out"]
    assert model.input_names == ["a"] and model.output_names == ["out"]
    assert model.input_shape == (None, 3) and model.output_shape == (None, 2)
    assert model.get_layer("hidden").output.shape == (None, 5)


def test_symbolic_shapes_with_unknown_dims():
    x = layers.Input(shape=(None, 6))
    y = layers.Dense(2)(x)
    assert y.shape == (None, None, 2)
    model = Model(x, y)
    assert model.predict(np.ones((2, 7, 6))).shape == (2, 7, 2)


def test_shared_layer_has_two_nodes_and_one_set_of_weights():
    a = layers.Input(shape=(3,))
    b = layers.Input(shape=(3,))
    shared = layers.Dense(2, name="shared")
    out_a, out_b = shared(a), shared(b)
    model = Model([a, b], [out_a, out_b])
    assert len(shared._inbound_nodes) == 2
    assert shared.get_input_at(0) is a and shared.get_input_at(1) is b
    assert shared.get_output_at(1) is out_b
    with pytest.raises(AttributeError, match="multiple inbound nodes"):
        shared.input
    assert shared.output_shape == (None, 2)
    assert len(model.weights) == 2
    pa, pb = model.predict([X1, X1 * 2])
    w, bias = shared.get_weights()
    np.testing.assert_allclose(pa, X1 @ w + bias, rtol=1e-5)
    np.testing.assert_allclose(pb, 2 * X1 @ w + bias, rtol=1e-5)


def test_multi_input_multi_output_training_lists_and_dicts():
    a = layers.Input(shape=(3,), name="a")
    b = layers.Input(shape=(4,), name="b")
    ya = layers.Dense(1, name="ya")(a)
    yb = layers.Dense(2, activation="softmax", name="yb")(b)
    model = Model([a, b], [ya, yb])
    model.compile(optimizers.SGD(lr=0.0), loss={"ya": "mse", "yb": "categorical_crossentropy"},
                  loss_weights={"ya": 2.0, "yb": 1.0}, metrics={"yb": ["accuracy"]})
    assert model.metrics_names == ["loss", "ya_loss", "yb_loss", "yb_acc"]
    t1 = RNG.rand(8, 1).astype("float32")
    t2 = np.eye(2, dtype="float32")[RNG.randint(0, 2, 8)]
    pa, pb = model.predict({"a": X1, "b": X2})
    mse = np.mean((pa - t1) ** 2)
    cce = np.mean(-np.sum(t2 * np.log(np.clip(pb, 1e-7, 1 - 1e-7)), axis=1))
    acc = np.mean(pb.argmax(1) == t2.argmax(1))
    values = model.evaluate([X1, X2], [t1, t2], verbose=0)
    np.testing.assert_allclose(values, [2 * mse + cce, mse, cce, acc], rtol=1e-5)
    history = model.fit({"a": X1, "b": X2}, {"ya": t1, "yb": t2}, epochs=2, verbose=0)
    assert list(history.history) == ["loss", "ya_loss", "yb_loss", "yb_acc"]
    assert history.history["yb_accuracy"] == history.history["yb_acc"]


def test_model_is_a_layer_and_nests_in_sequential():
    inner_in = layers.Input(shape=(3,))
    inner = Model(inner_in, layers.Dense(4, activation="relu")(inner_in), name="inner")
    x = layers.Input(shape=(3,))
    outer = Model(x, layers.Dense(1)(inner(x)))
    assert outer.output_shape == (None, 1)
    assert "inner" in [l.name for l in outer.layers]
    stacked = Sequential([inner, layers.Dense(2)])
    assert stacked.output_shape == (None, 2)
    w, b = inner.get_weights()
    np.testing.assert_allclose(inner(torch.from_numpy(X1)).detach().numpy(), relu(X1 @ w + b),
                               rtol=1e-5)
    lines = []
    stacked.summary(print_fn=lines.append)
    assert lines[4].startswith("inner (Model)                (None, 4)                 16")


def test_freezing_a_nested_model_after_recompiling():
    base_in = layers.Input(shape=(3,))
    base = Model(base_in, layers.Dense(4)(base_in), name="base")
    model = Sequential([base, layers.Dense(1)])
    model.compile("sgd", "mse")
    base.trainable = False
    model.compile("sgd", "mse")
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 5" in lines and "Non-trainable params: 16" in lines
    before = base.get_weights()
    head_before = model.layers[1].get_weights()
    model.fit(X1, np.ones((8, 1)), epochs=2, verbose=0)
    for b, a in zip(before, base.get_weights()):
        np.testing.assert_array_equal(b, a)
    assert not np.allclose(head_before[0], model.layers[1].get_weights()[0])


def test_intermediate_outputs_model():
    model = Sequential([layers.Dense(5, activation="relu", input_shape=(3,)), layers.Dense(4),
                        layers.Dense(2)])
    activations = Model(model.input, [layer.output for layer in model.layers[:2]])
    first, second = activations.predict(X1)
    w1, b1, w2, b2 = model.get_weights()[:4]
    np.testing.assert_allclose(first, relu(X1 @ w1 + b1), rtol=1e-5)
    np.testing.assert_allclose(second, first @ w2 + b2, rtol=1e-5)


def test_subclassed_model_trains_and_summarises():
    class TwoLayer(Model):
        def __init__(self):
            super().__init__(name="two_layer")
            self.hidden = layers.Dense(6, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = TwoLayer()
    model.compile(optimizers.Adam(lr=0.05), "mse")
    y = X1.sum(axis=1, keepdims=True)
    first = model.fit(X1, y, epochs=1, verbose=0).history["loss"][0]
    last = model.fit(X1, y, epochs=50, verbose=0).history["loss"][-1]
    assert last < first
    assert [l.name for l in model.layers] == ["dense_1", "dense_2"]
    assert model.count_params() == 6 * 3 + 6 + 7


def test_legacy_input_output_keywords():
    a = layers.Input(shape=(3,))
    model = Model(input=a, output=layers.Dense(2)(a))
    assert model.output_shape == (None, 2)


def test_graph_disconnected_error():
    a = layers.Input(shape=(3,))
    b = layers.Input(shape=(3,))
    out = layers.Dense(1)(b)
    with pytest.raises(ValueError, match="Graph disconnected"):
        Model(a, out)


def test_model_whose_output_is_an_input_gradient_predicts_it():
    from cornu import backend as K
    x = layers.Input(shape=(3,))
    dense = layers.Dense(1)
    score = dense(x)
    gradient = K.gradients(K.sum(score), x)[0]
    model = Model(x, gradient)
    w = dense.get_weights()[0][:, 0]
    np.testing.assert_allclose(model.predict(X1), np.tile(w, (len(X1), 1)), rtol=1e-6)
