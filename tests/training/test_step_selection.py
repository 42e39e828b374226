"""Which step trains a model (``steps.select``): accelerators admit only what they compute
exactly, and every step gives the same results. The first four tests are results the Dense
accelerator once got wrong."""
import numpy as np
import pytest
import torch

from cornu import activations, layers, optimizers
from cornu import backend as K
from cornu.callbacks import Callback
from cornu.models import Model, Sequential
from cornu.training.accelerators.dense.admission import graph_plan


class DoubledDense(layers.Dense):
    """A Dense subclass doubling its output: not a Dense the accelerator may compute."""

    def call(self, inputs):
        return 2 * super().call(inputs)


def test_a_dense_subclass_that_overrides_call_is_trained_and_scored_as_written():
    model = Sequential([DoubledDense(1, input_shape=(1,), kernel_initializer="ones",
                                     use_bias=False)])
    model.compile(optimizers.SGD(lr=0.0), "mse")
    assert model._step().name == "reference"
    plan, reason = graph_plan(model, model._ensure_objective())
    assert plan is None and "DoubledDense" in reason
    x, y = np.array([[3.0]]), np.zeros((1, 1))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(36.0)  # (2 * 3) ** 2
    history = model.fit(x, y, verbose=0)
    assert history.history["loss"] == [pytest.approx(36.0)]


def _dropout_model():
    model = Sequential([layers.Dense(4, input_shape=(4,), kernel_initializer="ones",
                                     use_bias=False),
                        layers.Dropout(0.5),
                        layers.Dense(1, kernel_initializer="ones", use_bias=False)])
    model.compile(optimizers.SGD(lr=0.0), "mse")
    return model


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_set_learning_phase_0_turns_dropout_off_in_fit(run_eagerly):
    K.set_learning_phase(0)
    model = _dropout_model()
    model.compile(optimizers.SGD(lr=0.0), "mse", run_eagerly=run_eagerly)
    x, y = np.full((64, 4), 2.0, "float32"), np.zeros((64, 1), "float32")
    history = model.fit(x, y, batch_size=64, verbose=0)
    assert history.history["loss"] == [pytest.approx(1024.0)]  # (4 * 4 * 2) ** 2, no dropout


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_set_learning_phase_1_turns_dropout_on_in_evaluate(run_eagerly):
    K.set_learning_phase(1)
    model = _dropout_model()
    model.compile(optimizers.SGD(lr=0.0), "mse", run_eagerly=run_eagerly)
    x, y = np.full((512, 4), 2.0, "float32"), np.zeros((512, 1), "float32")
    loss = model.evaluate(x, y, batch_size=512, verbose=0)
    assert loss != pytest.approx(1024.0) and loss == pytest.approx(1280.0, rel=0.1)


@pytest.mark.parametrize("model_kind", ["sequential", "functional"])
def test_an_activation_changed_after_building_is_used(model_kind):
    x = np.array([[1.0, -2.0, 0.5]], "float32")
    if model_kind == "sequential":
        model = Sequential([layers.Dense(2, input_shape=(3,)),
                            layers.Dense(2, activation="softmax")])
    else:
        inputs = layers.Input(shape=(3,))
        model = Model(inputs, layers.Dense(2, activation="softmax")(layers.Dense(2)(inputs)))
    model.compile("sgd", "categorical_crossentropy")
    before = model.predict(x)
    model.layers[-1].activation = activations.linear  # the saliency recipe
    logits = model.predict(x)
    kernel1, bias1, kernel2, bias2 = model.get_weights()
    expected = (x @ kernel1 + bias1) @ kernel2 + bias2
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(before, np.exp(expected) / np.exp(expected).sum(), rtol=1e-5)
    y = np.array([[1.0, 0.0]], "float32")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(
        -np.log(np.clip(logits[0, 0] / logits.sum(), 1e-7, 1 - 1e-7)), rel=1e-4)


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_callbacks_see_the_gradients_of_every_step(run_eagerly):
    model = Sequential([layers.Dense(2, activation="relu", input_shape=(3,)),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizers.SGD(lr=0.1), "binary_crossentropy", run_eagerly=run_eagerly)
    twin = Sequential([layers.Dense(2, activation="relu", input_shape=(3,)),
                       layers.Dense(1, activation="sigmoid")])
    twin.set_weights(model.get_weights())
    rng = np.random.RandomState(0)
    x, y = rng.randn(8, 3).astype("float32"), rng.randint(0, 2, (8, 1)).astype("float32")
    seen = []

    class Gradients(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append([p.grad.clone() for p in self.model.trainable_weights])

    weights_before = model.get_weights()
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[Gradients()])
    out = twin(torch.from_numpy(x))
    loss = torch.nn.functional.binary_cross_entropy(out.clamp(1e-7, 1 - 1e-7),
                                                    torch.from_numpy(y))
    loss.backward()
    assert len(seen) == 1
    for grad, param, before, after in zip(seen[0], twin.trainable_weights, weights_before,
                                          model.get_weights()):
        np.testing.assert_allclose(grad.numpy(), param.grad.numpy(), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(after, before - 0.1 * grad.numpy(), rtol=1e-5, atol=1e-6)


def test_run_eagerly_takes_the_reference_step_and_gets_the_same_results():
    rng = np.random.RandomState(1)
    x, y = rng.randn(40, 5).astype("float32"), rng.randn(40, 1).astype("float32")

    def trained(run_eagerly):
        K.clear_session()
        np.random.seed(3)
        torch.manual_seed(3)
        model = Sequential([layers.Dense(8, activation="tanh", input_shape=(5,)),
                            layers.Dense(1)])
        model.compile("adam", "mse", metrics=["mae"], run_eagerly=run_eagerly)
        assert model._step().name == ("reference" if run_eagerly else "dense-graph")
        history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
        return history.history, model.get_weights(), model.evaluate(x, y, verbose=0)

    fast, slow = trained(False), trained(True)
    for key in fast[0]:
        np.testing.assert_allclose(fast[0][key], slow[0][key], rtol=1e-5)
    for a, b in zip(fast[1], slow[1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(fast[2], slow[2], rtol=1e-5)


def test_run_eagerly_and_jit_compile_together_are_refused():
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="pick one"):
        model.compile("sgd", "mse", run_eagerly=True, jit_compile=True)


def test_a_gradient_hook_on_a_weight_takes_the_reference_step():
    model = Sequential([layers.Dense(1, input_shape=(2,), use_bias=False,
                                     kernel_initializer="ones")])
    model.compile(optimizers.SGD(lr=1.0), "mse")
    assert model._step().name == "dense-graph"
    model.layers[0].kernel.register_hook(lambda grad: grad * 0)  # freezes the kernel
    assert model._step().name == "reference"
    model.fit(np.ones((4, 2)), np.zeros((4, 1)), verbose=0)
    np.testing.assert_array_equal(model.get_weights()[0], np.ones((2, 1)))


def test_layers_with_added_losses_take_the_reference_step():
    model = Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    model.layers[0].add_loss(lambda: 0.0 * model.layers[0].kernel.sum() + 1.5)
    model.compile("sgd", "mse")
    assert model._step().name == "reference"
    loss = model.evaluate(np.zeros((2, 3)), np.zeros((2, 1)), verbose=0)
    assert loss == pytest.approx(1.5)
