"""The Layer base: weights, trainability, constructor keywords, custom layers."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.graph.layer import Layer, Weight
from cornu.models import Sequential

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")


class Scale(Layer):
    """A custom layer as the books write them."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
        self.moving = self.add_weight(name="moving", shape=(1,), initializer="zeros",
                                      trainable=False)
        super().build(input_shape)

    def call(self, inputs):
        return inputs * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_add_weight_orders_trainable_then_non_trainable():
    layer = Scale()
    layer(torch.ones(2, 3))
    assert [tuple(w.shape) for w in layer.weights] == [(3,), (1,)]
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 1
    assert layer.count_params() == 4
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    assert not layer.w.requires_grad


def test_custom_layer_output_shape_inferred_and_trains():
    model = Sequential([Scale(input_shape=(3,)), layers.Dense(1)])
    assert model.output_shape == (None, 1)
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 1)), verbose=0)
    assert not np.allclose(model.layers[0].get_weights()[0], 1.0)
    np.testing.assert_array_equal(model.layers[0].get_weights()[1], [0.0])


def test_unknown_keyword_rejected():
    with pytest.raises(TypeError, match="Keyword argument not understood: 'unitz'"):
        layers.Dense(3, unitz=4)


def test_input_dim_and_batch_size_keywords():
    assert layers.Dense(2, input_dim=5).batch_input_shape == (None, 5)
    assert layers.Dense(2, input_shape=(5,), batch_size=16).batch_input_shape == (16, 5)
    assert layers.Dense(2, batch_input_shape=(None, 7)).get_config()["batch_input_shape"] == \
        (None, 7)


def test_weights_keyword_sets_initial_weights():
    kernel = np.arange(6, dtype="float32").reshape(3, 2)
    layer = layers.Dense(2, weights=[kernel, np.array([1.0, -1.0], "float32")])
    out = layer(torch.ones(1, 3)).detach().numpy()
    np.testing.assert_allclose(out, [[7.0, 8.0]])


def test_set_weights_errors():
    layer = layers.Dense(2)
    layer(torch.ones(1, 3))
    with pytest.raises(ValueError, match="expecting 2 weights"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"not compatible with provided weight shape \(2, 3\)"):
        layer.set_weights([np.zeros((2, 3)), np.zeros(2)])


def test_count_params_before_build_errors():
    with pytest.raises(ValueError, match="isn't built"):
        layers.Dense(2).count_params()


def test_dense_kernel_is_keras_layout_and_glorot_uniform():
    layer = layers.Dense(300)
    layer(torch.ones(1, 200))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (200, 300)
    limit = np.sqrt(6 / 500)
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    np.testing.assert_array_equal(bias, np.zeros(300))


def test_weight_layout_permutes_at_the_edge():
    class Stored(Layer):
        def build(self, input_shape):
            self.k = self.add_weight("k", (2, 3), initializer="zeros",
                                     layout=Weight(permutation=(1, 0)))
            super().build(input_shape)

    layer = Stored()
    layer(torch.ones(1, 1))
    assert tuple(layer.k.shape) == (3, 2)
    value = np.arange(6, dtype="float32").reshape(2, 3)
    layer.set_weights([value])
    np.testing.assert_array_equal(layer.get_weights()[0], value)
    np.testing.assert_array_equal(layer.k.detach().numpy(), value.T)


def test_layer_call_on_numpy_and_losses():
    layer = layers.Dense(1, kernel_regularizer="l2", kernel_initializer="ones")
    layer(np.ones((2, 3)))
    assert float(layer.losses[0].detach()) == pytest.approx(0.03)


def test_dtype_is_kept():
    layer = layers.Dense(2, dtype="float64")
    layer(torch.ones(1, 3, dtype=torch.float64))
    assert layer.get_weights()[0].dtype == np.float64


class PenalisedIdentity(Layer):
    """Adds a VAE-style loss computed from its inputs inside call."""

    def call(self, inputs):
        self.add_loss(0.5 * (inputs ** 2).mean())
        return inputs


def test_add_loss_inside_call_counts_in_training_and_evaluation():
    from cornu import optimizers
    model = Sequential([layers.Dense(2, input_shape=(3,), kernel_initializer="ones"),
                        PenalisedIdentity()])
    model.compile(optimizers.SGD(lr=0.0), "mse")
    x = np.ones((4, 3), "float32")
    y = np.zeros((4, 2), "float32")
    expected = 9.0 + 0.5 * 9.0
    assert model.evaluate(x, y, verbose=0) == pytest.approx(expected)
    assert model.train_on_batch(x, y) == pytest.approx(expected)
    assert model.layers[1]._losses == []


def test_add_loss_callable_is_evaluated_every_step():
    from cornu import optimizers
    layer = layers.Dense(1, input_shape=(1,), kernel_initializer="ones", use_bias=False)
    model = Sequential([layer])
    layer.add_loss(lambda: layer.kernel.sum() * 10)
    model.compile(optimizers.SGD(lr=0.01), "mse")
    loss = model.train_on_batch(np.zeros((2, 1)), np.zeros((2, 1)))
    assert loss == pytest.approx(10.0)
    assert layer.get_weights()[0][0, 0] == pytest.approx(1 - 0.01 * 10)


def test_input_spec_error_for_custom_layer():
    from cornu.graph.input_spec import InputSpec

    class NeedsFour(Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = InputSpec(ndim=2, axes={-1: 4})

    with pytest.raises(ValueError, match=r"Input 0 is incompatible with layer needs_four_1: "
                                         r"expected axis -1 of input shape to have value 4 but "
                                         r"got shape \(None, 3\)"):
        NeedsFour()(layers.Input(shape=(3,)))
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        NeedsFour()(torch.ones(1, 2, 4))


def test_add_update_is_recorded():
    layer = Scale()
    layer.add_update(["update"])
    assert layer.updates == ["update"]
