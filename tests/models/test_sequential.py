"""Sequential: building, naming, structure access."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers
from cornu.models import Model, Sequential

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")


def book_mlp():
    model = Sequential()
    model.add(layers.Dense(512, activation="relu", input_shape=(784,)))
    model.add(layers.Dense(10, activation="softmax"))
    return model


def test_auto_names_count_across_models_and_reset():
    first = book_mlp()
    second = book_mlp()
    assert [l.name for l in first.layers] == ["dense_1", "dense_2"]
    assert [l.name for l in second.layers] == ["dense_3", "dense_4"]
    assert (first.name, second.name) == ("sequential_1", "sequential_2")
    K.clear_session()
    assert book_mlp().layers[0].name == "dense_1"


def test_structure_properties():
    model = book_mlp()
    assert model.input_shape == (None, 784)
    assert model.output_shape == (None, 10)
    assert model.input.shape == (None, 784) and model.inputs[0] is model.input
    assert model.output.shape == (None, 10) and model.outputs[0] is model.output
    assert model.count_params() == 407050
    assert model.get_layer("dense_2") is model.layers[1]
    assert model.get_layer(index=0) is model.layers[0]
    assert model.layers[0].input_shape == (None, 784)
    assert model.layers[1].output_shape == (None, 10)
    assert model.input_names == ["dense_1_input"]
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only has 2 layers"):
        model.get_layer(index=5)


def test_list_constructor_and_pop():
    model = Sequential([layers.Dense(4, input_dim=3), layers.Dense(2), layers.Dense(1)])
    assert model.output_shape == (None, 1)
    popped = model.pop()
    assert popped.name == "dense_3"
    assert model.output_shape == (None, 2) and len(model.layers) == 2
    model.add(layers.Dense(5))
    assert model.output_shape == (None, 5)
    x = np.ones((2, 3), "float32")
    assert model.predict(x).shape == (2, 5)
    model.pop(), model.pop(), model.pop()
    with pytest.raises(TypeError, match="There are no layers in the model"):
        model.pop()


def test_input_layer_first_and_batch_input_shape():
    model = Sequential([layers.InputLayer(input_shape=(3,)), layers.Dense(2)])
    assert model.layers[0].name == "dense_1" and model.input_shape == (None, 3)
    fixed = Sequential([layers.Dense(2, batch_input_shape=(8, 3))])
    assert fixed.input_shape == (8, 3)


def test_build_for_deferred_model():
    model = Sequential([layers.Dense(4), layers.Dense(1)])
    assert not model.built
    model.build((None, 6))
    assert model.output_shape == (None, 1) and model.count_params() == 33


def test_duplicate_names_rejected():
    model = Sequential([layers.Dense(2, input_shape=(3,), name="same")])
    with pytest.raises(ValueError, match="should have unique names"):
        model.add(layers.Dense(2, name="same"))


def test_non_layer_rejected():
    with pytest.raises(TypeError, match="must be an instance of class Layer"):
        Sequential().add("dense")


def test_incompatible_layer_error_names_layer_and_shapes():
    model = Sequential([layers.Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match=r"Input 0 is incompatible with layer permute_1: "
                                         r"expected ndim=3, found ndim=2"):
        model.add(layers.Permute((2, 1)))


def test_model_nested_in_sequential_and_freezing():
    inner = Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(4)], name="base")
    outer = Sequential([inner, layers.Dense(1)])
    assert outer.output_shape == (None, 1)
    assert outer.count_params() == 16 + 20 + 5
    inner.trainable = False
    assert len(outer.trainable_weights) == 2
    assert len(outer.non_trainable_weights) == 4
    outer.compile("sgd", "mse")
    before = inner.get_weights()
    outer.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=2, verbose=0)
    for b, a in zip(before, inner.get_weights()):
        np.testing.assert_array_equal(b, a)


def test_get_set_weights_layer_by_layer():
    model = book_mlp()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(784, 512), (512,), (512, 10), (10,)]
    new = [np.full_like(w, 0.5) for w in weights]
    model.set_weights(new)
    assert np.all(model.layers[0].get_weights()[0] == 0.5)
    with pytest.raises(ValueError, match="expecting 4 weights"):
        model.set_weights(new[:2])


def test_call_model_on_tensor_and_torch_module():
    model = book_mlp()
    x = torch.rand(3, 784)
    np.testing.assert_allclose(model(x).detach().numpy(), model.predict(x.numpy()), rtol=1e-5)
    assert sum(p.numel() for p in model.parameters()) == 407050


def test_functional_model_of_the_same_layers_matches():
    inputs = layers.Input(shape=(784,))
    hidden = layers.Dense(512, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(hidden)
    functional = Model(inputs, outputs)
    sequential = book_mlp()
    sequential.set_weights(functional.get_weights())
    x = np.random.rand(5, 784).astype("float32")
    np.testing.assert_allclose(functional.predict(x), sequential.predict(x), rtol=1e-6)
    assert [l.__class__.__name__ for l in functional.layers] == ["InputLayer", "Dense", "Dense"]
