"""Weights answer to Keras 2's names (``layer.weights[0].name``), as the books print them."""
import copy

from cornu import backend as K
from cornu import layers
from cornu.models import Model, Sequential
from cornu.saving.weight_naming import saved_weights


def test_a_layers_weights_are_named_after_it_in_keras_order():
    K.clear_session()
    model = Sequential([layers.Conv2D(2, 3, input_shape=(5, 5, 1)), layers.BatchNormalization(),
                        layers.Flatten(), layers.Dense(1)])
    assert [w.name for w in model.weights] == [
        "conv2d_1/kernel:0", "conv2d_1/bias:0", "batch_normalization_1/gamma:0",
        "batch_normalization_1/beta:0", "dense_1/kernel:0", "dense_1/bias:0",
        "batch_normalization_1/moving_mean:0", "batch_normalization_1/moving_variance:0"]
    assert [w.name for w in model.layers[1].non_trainable_weights] == [
        "batch_normalization_1/moving_mean:0", "batch_normalization_1/moving_variance:0"]


def test_the_second_embedding_of_a_session_as_zero_to_deep_learning_prints_it():
    K.clear_session()
    Sequential([layers.Embedding(10, 2, input_length=3)])
    viz = layers.Embedding(10, 2, input_length=3)
    Sequential([viz])
    assert viz.weights[0].name == "embedding_2/embeddings:0"
    assert repr(viz.weights[0]) == "<cornu.Variable 'embedding_2/embeddings:0' shape=(10, 2) dtype=float32>"


def test_cells_wrappers_and_directions_name_weights_as_keras_2_built_them():
    K.clear_session()
    model = Sequential([layers.Embedding(10, 2, input_length=3),
                        layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
                        layers.TimeDistributed(layers.Dense(2)), layers.GRU(2)])
    names = [w.name for w in model.weights]
    assert names[1:4] == ["bidirectional_1/forward_lstm_1/kernel:0",
                          "bidirectional_1/forward_lstm_1/recurrent_kernel:0",
                          "bidirectional_1/forward_lstm_1/bias:0"]
    assert names[4] == "bidirectional_1/backward_lstm_1/kernel:0"
    assert names[7:] == ["time_distributed_1/kernel:0", "time_distributed_1/bias:0",
                         "gru_1/kernel:0", "gru_1/recurrent_kernel:0", "gru_1/bias:0"]
    # the names the HDF5 files use are the same
    assert [w.name for layer in model.layers for w in saved_weights(layer)] == names
    assert model.layers[3].cell.kernel.name == "gru_1/kernel:0"


def test_a_nested_model_keeps_its_layers_names_and_a_rename_shows():
    K.clear_session()
    inner = Sequential([layers.Dense(2, input_shape=(3,), name="hidden")])
    inputs = layers.Input(shape=(3,))
    outer = Model(inputs, layers.Dense(1, name="out")(inner(inputs)))
    assert [w.name for w in outer.weights] == ["hidden/kernel:0", "hidden/bias:0",
                                               "out/kernel:0", "out/bias:0"]
    outer.layers[-1].name = "renamed"
    assert outer.layers[-1].kernel.name == "renamed/kernel:0"


def test_a_second_weight_of_the_same_name_gets_tensorflows_suffix():
    layer = layers.Layer(name="custom")
    first = layer.add_weight("w", shape=(1,))
    second = layer.add_weight("w", shape=(2,))
    assert (first.name, second.name) == ("custom/w:0", "custom/w_1:0")


def test_a_deep_copy_of_a_model_names_its_own_weights():
    K.clear_session()
    model = Sequential([layers.Dense(2, input_shape=(3,), name="first")])
    copied = copy.deepcopy(model)
    copied.layers[0].name = "second"
    assert copied.weights[0].name == "second/kernel:0"
    assert model.weights[0].name == "first/kernel:0"
