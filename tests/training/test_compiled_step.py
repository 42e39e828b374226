"""``compile(jit_compile=True)``: the reference step compiled by ``torch.compile``, with the
real inductor backend (the ``every_step`` fixture runs the other tests with ``aot_eager``)."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers
from cornu.models import Model, Sequential
from cornu.training.steps import compiled
from cornu.utils.random import set_random_seed

X = np.random.RandomState(0).randn(64, 6).astype("float32")
Y = (X[:, :1] > 0).astype("float32")


def trained(backend=None, **compile_kwargs):
    K.clear_session()
    set_random_seed(5)
    inputs = layers.Input(shape=(6,))
    left = layers.Dense(4, activation="tanh")(inputs)
    right = layers.Dense(4, activation="relu", kernel_regularizer="l2")(inputs)
    outputs = layers.Dense(1, activation="sigmoid")(layers.concatenate([left, right]))
    model = Model(inputs, outputs)
    model.compile("adam", "binary_crossentropy", metrics=["acc"], **compile_kwargs)
    history = model.fit(X, Y, batch_size=16, epochs=2, validation_split=0.25, verbose=0)
    return model, history.history


def test_inductor_trains_like_the_reference_step():
    model, history = trained(jit_compile=True)
    assert model._step().name == "compiled"
    reference_model, reference = trained(run_eagerly=True)
    for key in reference:
        np.testing.assert_allclose(history[key], reference[key], rtol=1e-4, atol=1e-6)
    for a, b in zip(model.get_weights(), reference_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.evaluate(X, Y, verbose=0),
                               reference_model.evaluate(X, Y, verbose=0), rtol=1e-5)


def test_a_model_keeps_its_compiled_step_until_it_changes(monkeypatch):
    monkeypatch.setattr(compiled, "BACKEND", "aot_eager")
    model = Sequential([layers.Dense(3, activation="relu", input_shape=(6,)), layers.Dense(1)])
    model.compile("sgd", "mse", jit_compile=True)
    first = model._step()
    model.fit(X, Y, epochs=1, verbose=0)
    assert model._step() is first
    model.layers[0].trainable = False  # the weights that train changed
    second = model._step()
    assert second is not first and isinstance(second, compiled.CompiledStep)
    model.compile("adam", "mse", jit_compile=True)  # a new optimizer and objective
    assert model._step() is not second


def test_several_compiled_models_each_get_their_own_code():
    steps = []
    for _ in range(3):
        model = Sequential([layers.Dense(2, input_shape=(6,))])
        model.compile("sgd", "mse", jit_compile=True)
        steps.append(model._step())
    codes = {step.training_loss._torchdynamo_orig_callable.__code__ for step in steps}
    assert len(codes) == 3


@pytest.mark.parametrize("phase", [0, 1])
def test_the_compiled_step_follows_the_learning_phase(monkeypatch, phase):
    monkeypatch.setattr(compiled, "BACKEND", "aot_eager")
    K.set_learning_phase(phase)
    model = Sequential([layers.Dropout(0.5, input_shape=(200,)),
                        layers.Dense(1, kernel_initializer="ones", use_bias=False)])
    model.compile("sgd", "mse", jit_compile=True)
    x = np.ones((4, 200), "float32")
    out = model._step(training=False).test([torch.from_numpy(x)], [], [None])[0][0]
    if phase == 0:
        np.testing.assert_allclose(out.numpy(), 200.0)
    else:
        assert not np.allclose(out.numpy(), 200.0)
