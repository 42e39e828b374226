"""The one entry through which layers run (``run_layer``): the ``training`` argument, masks,
losses added inside ``call`` and activity regularizers, the same for direct calls, graph models,
``Sequential``, nested models and training."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers
from cornu.graph.call_context import CallScope, resolve_training
from cornu.graph.layer_call import run_layer
from cornu.models import Model, Sequential


class ZeroMask(layers.Layer):
    """Masks the timesteps whose features are all zero, as Keras's Masking does."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return inputs.abs().sum(-1) != 0

    def call(self, inputs):
        return inputs


class MaskedNoisyMean(layers.Layer):
    """Uses both: the mean over the unmasked timesteps, plus 100 while training."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.seen = []

    def call(self, inputs, mask=None, training=None):
        self.seen.append((None if mask is None else mask.tolist(), training))
        weights = torch.ones(inputs.shape[:2]) if mask is None else mask.float()
        mean = (inputs * weights[..., None]).sum(1) / weights.sum(1, keepdim=True)
        return mean + (100.0 if training else 0.0)

    def compute_mask(self, inputs, mask=None):
        return None  # the time axis is gone

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


SEQUENCES = np.array([[[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]],
                      [[5.0, 6.0], [0.0, 0.0], [0.0, 0.0]]], "float32")
MEANS = np.array([[2.0, 3.0], [5.0, 6.0]], "float32")  # over the unmasked timesteps only


def _graph_model():
    inputs = layers.Input(shape=(3, 2))
    pooled = MaskedNoisyMean(name="pool")(ZeroMask()(inputs))
    return Model(inputs, pooled)


@pytest.mark.parametrize("build", ["functional", "sequential"])
def test_masks_and_training_reach_a_custom_layer(build):
    if build == "functional":
        model = _graph_model()
    else:
        model = Sequential([ZeroMask(input_shape=(3, 2)), MaskedNoisyMean(name="pool")])
    pool = model.get_layer("pool")
    pool.seen.clear()
    np.testing.assert_allclose(model.predict(SEQUENCES), MEANS)
    assert pool.seen == [([[True, True, False], [True, False, False]], False)]
    pool.seen.clear()
    out = model(torch.from_numpy(SEQUENCES), training=True)
    np.testing.assert_allclose(out.numpy(), MEANS + 100)
    assert pool.seen[0][1] is True
    model.compile("sgd", "mse")
    pool.seen.clear()
    model.fit(SEQUENCES, MEANS, epochs=1, batch_size=2, verbose=0)
    assert pool.seen[0] == ([[True, True, False], [True, False, False]], True)
    assert model.evaluate(SEQUENCES, MEANS, verbose=0) == pytest.approx(0.0)


def test_masks_pass_through_a_nested_model():
    inner = _graph_model()
    inputs = layers.Input(shape=(3, 2))
    outer = Model(inputs, layers.Dense(2, kernel_initializer="identity", use_bias=False)(
        inner(inputs)))
    np.testing.assert_allclose(outer.predict(SEQUENCES), MEANS)
    masked = Model(inputs, ZeroMask()(inputs))
    stacked = Sequential([masked, MaskedNoisyMean(name="pool")])
    np.testing.assert_allclose(stacked.predict(SEQUENCES), MEANS)


def test_model_call_takes_training_and_mask():
    inputs = layers.Input(shape=(3, 2))
    model = Model(inputs, MaskedNoisyMean(name="pool")(inputs))
    x = torch.from_numpy(SEQUENCES)
    np.testing.assert_allclose(model(x).numpy(), SEQUENCES.mean(1))
    mask = torch.tensor([[True, True, False], [True, False, False]])
    np.testing.assert_allclose(model.call(x, training=False, mask=mask).numpy(), MEANS)
    np.testing.assert_allclose(model.call(x, training=True, mask=mask).numpy(), MEANS + 100)
    np.testing.assert_allclose(model(x, mask=mask).numpy(), MEANS)


def test_a_layer_that_does_not_support_masking_drops_the_mask():
    inputs = layers.Input(shape=(3, 2))
    flat = layers.Flatten()(ZeroMask()(inputs))
    model = Model(inputs, flat)
    out = model(torch.from_numpy(SEQUENCES))
    assert getattr(out, "_keras_mask", None) is None
    carried = Model(inputs, layers.Activation("relu")(ZeroMask()(inputs)))
    assert carried(torch.from_numpy(SEQUENCES))._keras_mask.tolist() == [[True, True, False],
                                                                          [True, False, False]]


def test_an_explicit_training_argument_wins_over_the_learning_phase():
    dropout = layers.Dropout(0.5)
    x = torch.ones(1000)
    K.set_learning_phase(1)
    assert (dropout(x, training=False) == 1).all()
    assert set(dropout(x).unique().tolist()) == {0.0, 2.0}
    K.set_learning_phase(0)
    assert set(dropout(x, training=True).unique().tolist()) == {0.0, 2.0}
    with CallScope(training=True):
        assert (dropout(x) == 1).all()  # the fixed phase beats the caller's mode


def test_training_resolution_order():
    assert resolve_training(None) is False
    with CallScope(training=True):
        assert resolve_training(None) is True
        assert resolve_training(False) is False
        with K.learning_phase_scope(0):
            assert resolve_training(None) is False
    K.set_learning_phase(1)
    assert resolve_training(None) is True
    with K.learning_phase_scope(0):  # a fed phase wins, as in K.function
        assert resolve_training(None) is False


def test_a_sublayer_called_inside_call_inherits_the_mode():
    class Wrapper(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dropout = layers.Dropout(0.5)

        def call(self, inputs, training=None):
            return self.dropout(inputs)  # no training passed: inherited

    wrapper = Wrapper()
    x = torch.ones(1000)
    assert (wrapper(x) == 1).all()
    assert set(wrapper(x, training=True).unique().tolist()) == {0.0, 2.0}


def test_losses_added_inside_call_reach_the_step_and_layer_losses():
    class Penalty(layers.Layer):
        def call(self, inputs):
            self.add_loss(inputs.abs().sum())
            return inputs

    penalty = Penalty()
    inner = Sequential([penalty], name="inner")
    with CallScope(training=True) as context:
        run_layer(inner, torch.tensor([[1.0, -2.0]]), training=True)
    assert [float(t) for t in context.losses] == [3.0]
    assert [float(t) for t in penalty.losses] == [3.0]
    assert [float(t) for t in inner.losses] == [3.0]
    penalty(torch.tensor([[4.0]]))
    assert [float(t) for t in penalty.losses] == [4.0]  # the latest call's only


def test_activity_regularizer_adds_its_loss_on_every_call():
    dense = layers.Dense(1, kernel_initializer="ones", use_bias=False,
                         activity_regularizer="l1", input_shape=(2,))
    model = Sequential([dense])
    model.compile("sgd", "mse")
    x = np.array([[1.0, 2.0]], "float32")
    model.predict(x)
    assert [float(t) for t in dense.losses] == [pytest.approx(0.03)]  # l1(0.01) * |3|
    assert model.evaluate(x, np.array([[3.0]]), verbose=0) == pytest.approx(0.03)


def test_predict_does_not_leave_a_call_context_behind():
    from cornu.graph import call_context
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    model.predict(np.ones((3, 2)))
    assert call_context.current_context() is None
