"""The files cornu writes have Keras 2's HDF5 layout: attributes, names, encodings, shapes (the
expectations are written out by hand from Keras 2.2.4's files)."""
import json

import h5py
import numpy as np
import pytest

from cornu import layers
from cornu.models import Model, Sequential
from cornu.optimizers import SGD, Adam, RMSprop
from cornu.saving.hdf5_attributes import HEADER_LIMIT, read_name_list, write_name_list

RNG = np.random.default_rng(0)


def mnist_mlp():
    """Chollet 2.1: the first network of the book."""
    model = Sequential([layers.Dense(512, activation="relu", input_shape=(784,)),
                        layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def trained(model, x_shape, classes, epochs=1):
    x = RNG.standard_normal((16,) + x_shape).astype("float32")
    y = np.eye(classes)[RNG.integers(0, classes, 16)]
    model.fit(x, y, epochs=epochs, batch_size=8, verbose=0)
    return model


def test_weights_file_root_and_layer_groups(tmp_path):
    path = tmp_path / "weights.h5"
    mnist_mlp().save_weights(str(path))
    with h5py.File(path, "r") as f:
        assert list(f.attrs["layer_names"]) == [b"dense_1", b"dense_2"]
        assert f.attrs["layer_names"].dtype.kind == "S"  # byte strings, as Keras 2 writes
        # variable-length byte strings, as Keras 2 wrote them with h5py 2 (h5py 3 decodes them)
        assert f.attrs["backend"] == "tensorflow" and f.attrs["keras_version"] == "2.2.4"
        assert h5py.check_string_dtype(f.attrs.get_id("backend").dtype).length is None
        assert list(f["dense_1"].attrs["weight_names"]) == [b"dense_1/kernel:0",
                                                            b"dense_1/bias:0"]
        assert f["dense_1/dense_1/kernel:0"].shape == (784, 512)
        assert f["dense_1/dense_1/bias:0"].shape == (512,)
        assert f["dense_2/dense_2/kernel:0"].shape == (512, 10)
        assert f["dense_1/dense_1/kernel:0"].dtype == np.float32
        assert set(f.keys()) == {"dense_1", "dense_2"}


def test_weights_file_holds_the_values(tmp_path):
    model = mnist_mlp()
    model.save_weights(str(tmp_path / "w.h5"))
    kernel, bias = model.layers[0].get_weights()
    with h5py.File(tmp_path / "w.h5", "r") as f:
        np.testing.assert_array_equal(f["dense_1/dense_1/kernel:0"][()], kernel)
        np.testing.assert_array_equal(f["dense_1/dense_1/bias:0"][()], bias)


def test_model_file_attributes_and_groups(tmp_path):
    model = trained(mnist_mlp(), (784,), 10)
    model.save(str(tmp_path / "model.h5"))
    with h5py.File(tmp_path / "model.h5", "r") as f:
        assert set(f.attrs) == {"keras_version", "backend", "model_config", "training_config"}
        assert f.attrs["keras_version"] == "2.2.4" and f.attrs["backend"] == "tensorflow"
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        assert [l["config"]["name"] for l in config["config"]["layers"]] == ["dense_1", "dense_2"]
        assert config["config"]["build_input_shape"] == [None, 784]  # read by Keras 2, 3
        training = json.loads(f.attrs["training_config"])
        assert list(training) == ["optimizer_config", "loss", "metrics", "weighted_metrics",
                                  "sample_weight_mode", "loss_weights"]
        assert training["optimizer_config"]["class_name"] == "RMSprop"
        assert training["optimizer_config"]["config"]["rho"] == pytest.approx(0.9)
        assert "learning_rate" in training["optimizer_config"]["config"]  # Keras 3 refuses lr
        assert training["loss"] == "categorical_crossentropy"
        assert training["metrics"] == ["accuracy"]
        assert training["sample_weight_mode"] is None and training["loss_weights"] is None
        assert set(f.keys()) == {"model_weights", "optimizer_weights"}
        weights = f["model_weights"]
        assert list(weights.attrs["layer_names"]) == [b"dense_1", b"dense_2"]
        assert weights.attrs["keras_version"] == "2.2.4"
        assert weights["dense_1/dense_1/kernel:0"].shape == (784, 512)
        # Keras 2.2.4's RMSprop.weights: the accumulators only, no iterations
        assert list(f["optimizer_weights"].attrs["weight_names"]) == [
            b"training/RMSprop/Variable:0", b"training/RMSprop/Variable_1:0",
            b"training/RMSprop/Variable_2:0", b"training/RMSprop/Variable_3:0"]
        assert f["optimizer_weights/training/RMSprop/Variable:0"].shape == (784, 512)
        assert f["optimizer_weights/training/RMSprop/Variable_3:0"].shape == (10,)


@pytest.mark.parametrize("optimizer, names, shapes", [
    (Adam(), ["Adam/iterations:0"] + [f"training/Adam/Variable{s}:0" for s in
                                      ("", "_1", "_2", "_3", "_4", "_5")],
     [(), (3, 2), (2,), (3, 2), (2,), (1,), (1,)]),            # iterations, ms, vs, vhats
    (SGD(momentum=0.9), ["SGD/iterations:0", "training/SGD/Variable:0",
                         "training/SGD/Variable_1:0"], [(), (3, 2), (2,)]),
    (RMSprop(decay=1e-3), ["RMSprop/iterations:0", "training/RMSprop/Variable:0",
                           "training/RMSprop/Variable_1:0"], [(), (3, 2), (2,)]),
])
def test_optimizer_weights_in_keras_2_order(tmp_path, optimizer, names, shapes):
    model = Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer, "mse")
    model.fit(RNG.standard_normal((4, 3)), RNG.standard_normal((4, 2)), verbose=0)
    model.save(str(tmp_path / "m.h5"))
    with h5py.File(tmp_path / "m.h5", "r") as f:
        group = f["optimizer_weights"]
        assert [n.decode() for n in group.attrs["weight_names"]] == names
        assert [group[n].shape for n in names] == shapes
        assert group[names[0]].dtype == np.int64 and group[names[0]][()] == 1


def test_optimizer_slots_of_convolutions_are_in_the_keras_layout(tmp_path):
    model = Sequential([layers.Conv2D(4, (3, 2), input_shape=(5, 5, 2)),
                        layers.DepthwiseConv2D(2, depth_multiplier=3)])
    model.compile(SGD(momentum=0.9), "mse")
    model.fit(RNG.standard_normal((2, 5, 5, 2)), RNG.standard_normal((2, 2, 3, 12)), verbose=0)
    model.save(str(tmp_path / "m.h5"))
    with h5py.File(tmp_path / "m.h5", "r") as f:
        group = f["optimizer_weights/training/SGD"]
        assert group["Variable:0"].shape == (3, 2, 2, 4)      # conv2d_1 kernel moments
        assert group["Variable_2:0"].shape == (2, 2, 4, 3)    # depthwise kernel moments
        momentum = model.optimizer.get_weights()[1]          # cornu keeps torch's layout
        np.testing.assert_array_equal(group["Variable:0"][()],
                                      np.transpose(momentum, (2, 3, 1, 0)))


def test_untrained_model_has_no_optimizer_group_and_uncompiled_no_training_config(tmp_path):
    model = mnist_mlp()
    model.save(str(tmp_path / "compiled.h5"))
    with h5py.File(tmp_path / "compiled.h5", "r") as f:
        assert "training_config" in f.attrs and "optimizer_weights" not in f
    Sequential([layers.Dense(2, input_shape=(3,))]).save(str(tmp_path / "plain.h5"))
    with h5py.File(tmp_path / "plain.h5", "r") as f:
        assert "training_config" not in f.attrs and set(f.keys()) == {"model_weights"}
    mnist_mlp().save(str(tmp_path / "no_opt.h5"), include_optimizer=False)
    with h5py.File(tmp_path / "no_opt.h5", "r") as f:
        assert "training_config" not in f.attrs


def test_keras_2_weight_names_of_every_layer_family(tmp_path):
    model = Sequential([
        layers.Conv2D(4, 3, input_shape=(9, 9, 2)),
        layers.BatchNormalization(),
        layers.SeparableConv2D(3, 3, depth_multiplier=2),
        layers.DepthwiseConv2D(3),
        layers.Conv2DTranspose(2, 3),
        layers.PReLU(),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(3)])
    model.save_weights(str(tmp_path / "w.h5"))
    with h5py.File(tmp_path / "w.h5", "r") as f:
        def names(layer):
            return [(n.decode(), f[layer][n.decode()].shape)
                    for n in f[layer].attrs["weight_names"]]
        assert names("conv2d_1") == [("conv2d_1/kernel:0", (3, 3, 2, 4)),
                                     ("conv2d_1/bias:0", (4,))]
        assert names("batch_normalization_1") == [
            ("batch_normalization_1/gamma:0", (4,)), ("batch_normalization_1/beta:0", (4,)),
            ("batch_normalization_1/moving_mean:0", (4,)),
            ("batch_normalization_1/moving_variance:0", (4,))]
        assert names("separable_conv2d_1") == [
            ("separable_conv2d_1/depthwise_kernel:0", (3, 3, 4, 2)),
            ("separable_conv2d_1/pointwise_kernel:0", (1, 1, 8, 3)),
            ("separable_conv2d_1/bias:0", (3,))]
        assert names("depthwise_conv2d_1") == [
            ("depthwise_conv2d_1/depthwise_kernel:0", (3, 3, 3, 1)),
            ("depthwise_conv2d_1/bias:0", (3,))]
        assert names("conv2d_transpose_1") == [("conv2d_transpose_1/kernel:0", (3, 3, 2, 3)),
                                               ("conv2d_transpose_1/bias:0", (2,))]
        assert names("p_re_lu_1") == [("p_re_lu_1/alpha:0", (5, 5, 2))]
        assert len(f["max_pooling2d_1"].attrs["weight_names"]) == 0
        assert len(f["flatten_1"].attrs["weight_names"]) == 0


def test_recurrent_and_embedding_weight_names(tmp_path):
    model = Sequential([layers.Embedding(100, 8, input_length=5),
                        layers.SimpleRNN(4, return_sequences=True),
                        layers.LSTM(3, return_sequences=True),
                        layers.GRU(2)])
    model.save_weights(str(tmp_path / "w.h5"))
    with h5py.File(tmp_path / "w.h5", "r") as f:
        assert list(f["embedding_1"].attrs["weight_names"]) == [b"embedding_1/embeddings:0"]
        assert f["embedding_1/embedding_1/embeddings:0"].shape == (100, 8)
        assert list(f["lstm_1"].attrs["weight_names"]) == [
            b"lstm_1/kernel:0", b"lstm_1/recurrent_kernel:0", b"lstm_1/bias:0"]
        assert f["lstm_1/lstm_1/kernel:0"].shape == (4, 12)
        assert f["lstm_1/lstm_1/recurrent_kernel:0"].shape == (3, 12)
        assert f["simple_rnn_1/simple_rnn_1/kernel:0"].shape == (8, 4)
        assert f["gru_1/gru_1/bias:0"].shape == (6,)


def test_wrapper_weight_names(tmp_path):
    model = Sequential([layers.Bidirectional(layers.LSTM(3, return_sequences=True),
                                             input_shape=(5, 2)),
                        layers.TimeDistributed(layers.Dense(4))])
    model.save_weights(str(tmp_path / "w.h5"))
    with h5py.File(tmp_path / "w.h5", "r") as f:
        assert [n.decode() for n in f["bidirectional_1"].attrs["weight_names"]] == [
            "bidirectional_1/forward_lstm_1/kernel:0",
            "bidirectional_1/forward_lstm_1/recurrent_kernel:0",
            "bidirectional_1/forward_lstm_1/bias:0",
            "bidirectional_1/backward_lstm_1/kernel:0",
            "bidirectional_1/backward_lstm_1/recurrent_kernel:0",
            "bidirectional_1/backward_lstm_1/bias:0"]
        assert f["bidirectional_1/bidirectional_1/backward_lstm_1/kernel:0"].shape == (2, 12)
        assert [n.decode() for n in f["time_distributed_1"].attrs["weight_names"]] == [
            "time_distributed_1/kernel:0", "time_distributed_1/bias:0"]
        assert f["time_distributed_1/time_distributed_1/kernel:0"].shape == (6, 4)


def test_nested_model_is_one_group_with_the_inner_weights_trainable_first(tmp_path):
    inner = Sequential([layers.Dense(4, input_shape=(3,)), layers.BatchNormalization(),
                        layers.Dense(2)], name="inner")
    x = layers.Input(shape=(3,))
    model = Model(x, layers.Dense(1)(inner(x)))
    model.save_weights(str(tmp_path / "w.h5"))
    with h5py.File(tmp_path / "w.h5", "r") as f:
        assert list(f.attrs["layer_names"]) == [b"input_1", b"inner", b"dense_3"]
        assert len(f["input_1"].attrs["weight_names"]) == 0
        assert [n.decode() for n in f["inner"].attrs["weight_names"]] == [
            "dense_1/kernel:0", "dense_1/bias:0", "batch_normalization_1/gamma:0",
            "batch_normalization_1/beta:0", "dense_2/kernel:0", "dense_2/bias:0",
            "batch_normalization_1/moving_mean:0", "batch_normalization_1/moving_variance:0"]
        assert f["inner/dense_2/kernel:0"].shape == (4, 2)


def test_frozen_nested_model_keeps_the_keras_order(tmp_path):
    inner = Sequential([layers.BatchNormalization(input_shape=(3,)), layers.Dense(2)],
                       name="inner")
    inner.trainable = False
    x = layers.Input(shape=(3,))
    Model(x, inner(x)).save_weights(str(tmp_path / "w.h5"))
    with h5py.File(tmp_path / "w.h5", "r") as f:
        assert [n.decode() for n in f["inner"].attrs["weight_names"]] == [
            "batch_normalization_1/gamma:0", "batch_normalization_1/beta:0",
            "dense_1/kernel:0", "dense_1/bias:0",
            "batch_normalization_1/moving_mean:0", "batch_normalization_1/moving_variance:0"]


def test_a_long_model_config_fits(tmp_path):
    model = Sequential([layers.Dense(1, input_shape=(1,))] +
                       [layers.Dense(1, name=f"a_long_layer_name_{i:04d}") for i in range(600)])
    model.save(str(tmp_path / "m.h5"))
    with h5py.File(tmp_path / "m.h5", "r") as f:
        assert len(f.attrs["model_config"]) > HEADER_LIMIT


def test_long_name_lists_are_split_into_chunks_as_keras_does(tmp_path):
    names = [f"layer_with_a_rather_long_name_{i:05d}" for i in range(3000)]
    with h5py.File(tmp_path / "a.h5", "w") as f:
        write_name_list(f, "layer_names", names)
        chunks = sorted(key for key in f.attrs if key.startswith("layer_names"))
        assert "layer_names" not in f.attrs and chunks[0] == "layer_names0" and len(chunks) > 1
        assert all(f.attrs[key].nbytes <= HEADER_LIMIT for key in chunks)
        assert read_name_list(f, "layer_names", "a.h5") == names


def test_variable_length_string_attributes_are_read_too(tmp_path):
    """tf.keras 2.13+ writes str attributes (variable-length strings)."""
    with h5py.File(tmp_path / "a.h5", "w") as f:
        f.attrs["layer_names"] = np.array(["dense", "dense_1"], dtype=h5py.string_dtype())
        assert read_name_list(f, "layer_names", "a.h5") == ["dense", "dense_1"]
