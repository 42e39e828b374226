"""The Dense-graph step against the reference (autograd) step: the same updates."""
import numpy as np
import pytest
import torch

from cornu import layers, optimizers
from cornu.models import Model, Sequential
from cornu.training.accelerators.dense.step import DenseGraphStep
from cornu.training.steps.reference import ReferenceStep


def dense_step(model, training=True):
    """The Dense-graph step of a compiled model (it must be admitted)."""
    step = DenseGraphStep.admit(model, model._ensure_objective(),
                                model.optimizer if training else None)
    assert step is not None
    return step


def reference_step(model):
    return ReferenceStep(model, model._ensure_objective(), model.optimizer)

CONFIGS = [
    ("relu", "relu", "linear", "mse", 1),
    ("tanh", "sigmoid", "linear", "mae", 2),
    ("relu", "relu", "sigmoid", "binary_crossentropy", 1),
    ("relu", "tanh", "sigmoid", "binary_crossentropy", 3),
    ("relu", "relu", "softmax", "categorical_crossentropy", 4),
    ("sigmoid", "relu", "softmax", "sparse_categorical_crossentropy", 4),
    ("relu", "linear", "softmax", "mse", 3),
    ("relu", "relu", "linear", "binary_crossentropy", 1),
    ("relu", "relu", "sigmoid", "categorical_crossentropy", 3),
]


def _targets(loss, units, rng):
    if loss == "sparse_categorical_crossentropy":
        return rng.randint(0, units, size=(16, 1)).astype("float32")
    if loss == "categorical_crossentropy":
        return np.eye(units, dtype="float32")[rng.randint(0, units, size=16)]
    if loss == "binary_crossentropy":
        return rng.randint(0, 2, size=(16, units)).astype("float32")
    return rng.randn(16, units).astype("float32")


def _model(first, second, last, units, use_activation_layer):
    stack = [layers.Dense(6, activation=first, input_shape=(5,))]
    if use_activation_layer:
        stack += [layers.Dense(4), layers.Activation(second)]
    else:
        stack += [layers.Dense(4, activation=second)]
    stack.append(layers.Dense(units, activation=last))
    return Sequential(stack)


def _functional_twin(sequential):
    """The same layers as a functional model (a plain chain)."""
    x = layers.Input(shape=(5,))
    y = x
    for layer in sequential.layers:
        y = layer.__class__.from_config(layer.get_config())(y)
    model = Model(x, y)
    model.set_weights(sequential.get_weights())
    return model


@pytest.mark.parametrize("use_activation_layer", [False, True])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("first,second,last,loss,units", CONFIGS)
def test_dense_step_matches_autograd(first, second, last, loss, units, optimizer,
                                     use_activation_layer):
    rng = np.random.RandomState(0)
    x = torch.from_numpy(rng.randn(16, 5).astype("float32"))
    y = torch.from_numpy(_targets(loss, units, rng))
    fast = _model(first, second, last, units, use_activation_layer)
    slow = _model(first, second, last, units, use_activation_layer)
    slow.set_weights(fast.get_weights())
    fast.compile(optimizers.get(optimizer), loss)
    slow.compile(optimizers.get(optimizer), loss)
    fast_step, slow_step = dense_step(fast), reference_step(slow)
    for _ in range(3):
        out_fast, _ = fast_step.train([x], [y], [None])
        out_slow, _ = slow_step.train([x], [y], [None])
        np.testing.assert_allclose(out_fast[0].numpy(), out_slow[0].numpy(), rtol=1e-5,
                                   atol=1e-6)
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_dense_step_with_dropout_keeps_expected_scale():
    model = Sequential([layers.Dense(3, input_shape=(4,), kernel_initializer="ones"),
                        layers.Dropout(0.5), layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizers.SGD(lr=0.0), "mse")
    step = dense_step(model)
    x = torch.ones(20000, 4)
    out, _ = step.train([x], [torch.zeros(20000, 1)], [None])
    values = out[0].numpy()
    assert set(np.unique(values).round(4)) <= {0.0, 8.0, 16.0, 24.0}
    assert values.mean() == pytest.approx(12.0, rel=0.03)


def test_unsupported_models_take_the_reference_step():
    with_regularizer = Sequential([layers.Dense(2, input_shape=(3,), kernel_regularizer="l2")])
    with_regularizer.compile("sgd", "mse")
    assert with_regularizer._step().name == "reference"
    elu = Sequential([layers.Dense(2, input_shape=(3,), activation="elu")])
    elu.compile("sgd", "mse")
    assert elu._step().name == "reference"
    hinge = Sequential([layers.Dense(2, input_shape=(3,))])
    hinge.compile("sgd", "hinge")
    assert hinge._step().name == "reference"
    frozen = Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    frozen.layers[0].trainable = False
    frozen.compile("sgd", "mse")
    assert frozen._step().name == "dense-graph"
    before = frozen.layers[0].get_weights()
    frozen.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    np.testing.assert_array_equal(before[0], frozen.layers[0].get_weights()[0])


def test_sample_weights_go_to_the_reference_step_per_batch():
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizers.SGD(lr=0.0), "mse")
    loss = model.train_on_batch(np.ones((2, 2)), np.zeros((2, 1)), sample_weight=np.array([1., 0.]))
    pred = model.predict(np.ones((1, 2)))[0, 0]
    assert loss == pytest.approx(pred ** 2, rel=1e-5)


@pytest.mark.parametrize("first,second,last,loss,units", CONFIGS[:5])
def test_functional_chain_takes_the_fast_path_and_matches_its_sequential_twin(
        first, second, last, loss, units):
    rng = np.random.RandomState(1)
    x = rng.randn(16, 5).astype("float32")
    y = _targets(loss, units, rng)
    sequential = _model(first, second, last, units, False)
    functional = _functional_twin(sequential)
    sequential.compile(optimizers.Adam(), loss)
    functional.compile(optimizers.Adam(), loss)
    assert functional._step().name == "dense-graph"
    sequential.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    functional.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(sequential.get_weights(), functional.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_branching_functional_models_take_the_reference_step():
    a = layers.Input(shape=(3,))
    b = layers.Input(shape=(3,))
    model = Model([a, b], layers.Dense(1)(layers.add([a, b])))
    model.compile("sgd", "mse")
    assert model._step().name == "reference"
    shared = layers.Dense(3)
    x = layers.Input(shape=(3,))
    twice = Model(x, shared(shared(x)))
    twice.compile("sgd", "mse")
    assert twice._step().name == "reference"


def test_dense_step_dropout_gradients_follow_the_drawn_mask():
    torch.manual_seed(4)
    model = Sequential([layers.Dense(6, input_shape=(4,), kernel_initializer="ones"),
                        layers.Dropout(0.5), layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizers.SGD(lr=0.01), "mse")
    step = dense_step(model)
    out, _ = step.train([torch.ones(1, 4)], [torch.zeros(1, 1)], [None])
    kernel1, _, kernel2, _ = model.get_weights()
    # h = 4 per unit, kept units scaled by 2: h' = 8 m with m in {0, 1}; out = sum(h')
    total = out[0].item()
    grad_out = 2 * total
    kept = kernel2[:, 0] != 1.0
    assert 0 < kept.sum() < 6 and total == pytest.approx(8.0 * kept.sum())
    np.testing.assert_allclose(kernel2[kept, 0], 1 - 0.01 * 8 * grad_out, rtol=1e-6)
    np.testing.assert_allclose(kernel1[:, kept], 1 - 0.01 * 2 * grad_out, rtol=1e-6)
    np.testing.assert_array_equal(kernel1[:, ~kept], 1.0)


def test_dense_step_trains_batches_of_changing_sizes():
    rng = np.random.RandomState(2)
    model = _model("relu", "relu", "sigmoid", 1, False)
    twin = _model("relu", "relu", "sigmoid", 1, False)
    twin.set_weights(model.get_weights())
    for m in (model, twin):
        m.compile(optimizers.RMSprop(), "binary_crossentropy")
    batches = [(torch.from_numpy(rng.randn(rows, 5).astype("float32")),
                torch.from_numpy(rng.randint(0, 2, (rows, 1)).astype("float32")))
               for rows in (8, 3, 8, 1, 8)]
    step = dense_step(model)
    outs = [step.train([x], [y], [None])[0][0] for x, y in batches]
    twin_step = reference_step(twin)
    for (x, y), out in zip(batches, outs):
        expected, _ = twin_step.train([x], [y], [None])
        np.testing.assert_allclose(out.numpy(), expected[0].numpy(), rtol=1e-5, atol=1e-6)
    assert len({id(o) for o in outs}) == len(outs)  # outputs are kept, not reused buffers
    assert int(model.optimizer.iterations) == 5
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("last,loss,units", [("sigmoid", "binary_crossentropy", 1),
                                             ("softmax", "categorical_crossentropy", 3)])
def test_dense_step_saturated_outputs_get_the_clipped_gradient(last, loss, units):
    rng = np.random.RandomState(7)
    x = torch.from_numpy((rng.randn(16, 5) * 30).astype("float32"))  # outputs at 0 and 1
    y = torch.from_numpy(_targets(loss, units, rng))
    fast = Sequential([layers.Dense(units, activation=last, input_shape=(5,))])
    slow = Sequential([layers.Dense(units, activation=last, input_shape=(5,))])
    slow.set_weights(fast.get_weights())
    for m in (fast, slow):
        m.compile(optimizers.SGD(lr=0.1), loss)
    slow_step = reference_step(slow)
    out, _ = dense_step(fast).train([x], [y], [None])
    p = out[0].numpy()
    assert ((p < 1e-7) | (p > 1 - 1e-7)).any()
    slow_step.train([x], [y], [None])
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam", "nadam", "adadelta"])
def test_the_two_steps_share_optimizer_state_freely(optimizer):
    rng = np.random.RandomState(1)
    x = rng.randn(32, 5).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = _model("relu", "relu", "sigmoid", 1, False)
    model.compile(optimizers.get(optimizer), "binary_crossentropy")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # Dense-graph step, in inference mode
    weights = np.ones(32)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, sample_weight=weights)  # reference
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    state = model.optimizer.weights + [p for layer in model.layers for p in layer.weights]
    assert not any(t.is_inference() for t in state)
    assert int(model.optimizer.iterations) == 12
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_evaluate_of_a_dense_stack_matches_numpy_in_any_batching():
    rng = np.random.RandomState(8)
    x = rng.randn(10, 5).astype("float32")
    y = rng.randn(10, 1).astype("float32")
    model = _model("relu", "tanh", "linear", 1, False)
    model.compile("sgd", "mse", metrics=["mae"])
    assert model._step(training=False).name == "dense-graph"
    kernels = model.get_weights()
    h = np.maximum(x @ kernels[0] + kernels[1], 0)
    h = np.tanh(h @ kernels[2] + kernels[3])
    p = h @ kernels[4] + kernels[5]
    expected = [np.mean((p - y) ** 2), np.mean(np.abs(p - y))]
    for batch_size in (1, 3, 32):
        np.testing.assert_allclose(model.evaluate(x, y, batch_size=batch_size, verbose=0),
                                   expected, rtol=1e-5)
    # sample weights keep Keras's batch-by-batch averaging: batches of 5, weights 1 and 0
    weights = np.array([1.0] * 5 + [0.0, 1.0, 0.0, 1.0, 0.0])
    squared = ((p - y) ** 2)[:, 0]
    batch_values = [np.mean(squared[:5]), np.sum(squared[5:] * weights[5:]) / 5 / 0.4]
    value = model.evaluate(x, y, batch_size=5, sample_weight=weights, verbose=0)[0]
    assert value == pytest.approx(np.mean(batch_values), rel=1e-5)


def _towers(merge):
    inputs = layers.Input(shape=(5,))
    left = layers.Dense(4, activation="relu")(inputs)
    right = layers.Dropout(0.3)(layers.Dense(4, activation="tanh")(inputs))
    merged = merge()([left, right])
    hidden = layers.Dense(3, activation="sigmoid")(merged)
    both = layers.Concatenate()([hidden, left])  # `left` read twice: its gradients add up
    return Model(inputs, layers.Dense(2, activation="softmax")(both))


@pytest.mark.parametrize("merge", [layers.Concatenate, layers.Add])
def test_graphs_with_branches_match_the_reference_step(merge):
    rng = np.random.RandomState(3)
    x = torch.from_numpy(rng.randn(16, 5).astype("float32"))
    y = torch.from_numpy(np.eye(2, dtype="float32")[rng.randint(0, 2, 16)])
    fast, slow = _towers(merge), _towers(merge)
    slow.set_weights(fast.get_weights())
    for model in (fast, slow):
        model.compile(optimizers.Adam(lr=0.01), "categorical_crossentropy")
    fast_step, slow_step = dense_step(fast), reference_step(slow)
    for _ in range(4):
        torch.manual_seed(7)
        out_fast, _ = fast_step.train([x], [y], [None])
        torch.manual_seed(7)
        out_slow, _ = slow_step.train([x], [y], [None])
        np.testing.assert_allclose(out_fast[0].numpy(), out_slow[0].numpy(), rtol=1e-5,
                                   atol=1e-6)
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_what_the_graph_step_refuses_and_why():
    from cornu.training.accelerators.dense.admission import graph_plan

    def reason(model):
        model.compile("sgd", "mse")
        plan, why = graph_plan(model, model._ensure_objective())
        assert plan is None
        return why

    inputs = layers.Input(shape=(4,))
    a, b = layers.Dense(3)(inputs), layers.Dense(3)(inputs)
    assert "Subtract" in reason(Model(inputs, layers.Dense(1)(layers.subtract([a, b]))))
    shared = layers.Dense(4)
    assert "not a graph of single calls" in reason(Model(inputs, layers.Dense(1)(
        shared(shared(inputs)))))
    hidden = layers.Dense(3)(inputs)
    fanned = layers.concatenate([layers.Activation("relu")(hidden), hidden])
    assert "Activation layer reads" in reason(Model(inputs, layers.Dense(1)(fanned)))
    assert "does not come from a Dense" in reason(Model(inputs, layers.add([a, b])))
    other = layers.Input(shape=(4,))
    assert "not a graph" in reason(Model([inputs, other], layers.Dense(1)(
        layers.concatenate([inputs, other]))))
