"""Weight files in older layouts load into Keras 2 layers: Keras 1 (convolution kernels,
LSTM's 12 and GRU's 9 arrays), Theano kernels, CuDNN recurrent weights, ``reshape=True``.
The files are generated here in those layouts from known Keras 2 weights."""
import h5py
import numpy as np
import pytest

from cornu import layers
from cornu.models import Sequential
from cornu.saving.engine_saving import preprocess_weights_for_loading
from cornu.saving.errors import SavedFileError

RNG = np.random.default_rng(21)


def random_weights(model):
    values = [RNG.standard_normal(w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(values)
    return values


def write_file(path, layer_arrays, keras_version=None, backend=None):
    """A weight file: ``layer_arrays`` maps layer names to lists of arrays (Keras 1 files
    have no ``keras_version`` attribute)."""
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([name.encode() for name in layer_arrays])
        if keras_version is not None:
            f.attrs["keras_version"] = keras_version.encode()
        if backend is not None:
            f.attrs["backend"] = backend.encode()
        for name, arrays in layer_arrays.items():
            group = f.create_group(name)
            names = [f"{name}_param_{i}" for i in range(len(arrays))]
            group.attrs["weight_names"] = np.array([n.encode() for n in names]) if names else []
            for weight_name, array in zip(names, arrays):
                group.create_dataset(weight_name, data=array)


def loaded(model, path, **kwargs):
    model.load_weights(str(path), **kwargs)
    return model.get_weights()


def assert_all_equal(expected, got):
    assert len(expected) == len(got)
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(e, g)


def gate_blocks(array, gates):
    return np.split(array, gates, axis=-1)


def test_keras_1_lstm_twelve_arrays(tmp_path):
    source = Sequential([layers.LSTM(3, input_shape=(4, 2))])
    kernel, recurrent, bias = random_weights(source)
    i, f, c, o = zip(gate_blocks(kernel, 4), gate_blocks(recurrent, 4), gate_blocks(bias, 4))
    keras_1 = [array for gate in (i, c, f, o) for array in gate]  # Keras 1: W, U, b per gate
    write_file(tmp_path / "w.h5", {"lstm_1": keras_1})
    target = Sequential([layers.LSTM(3, input_shape=(4, 2))])
    assert_all_equal([kernel, recurrent, bias], loaded(target, tmp_path / "w.h5"))


def test_keras_1_lstm_arrays_that_do_not_join_are_reported(tmp_path):
    write_file(tmp_path / "w.h5", {"lstm_1": [np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(3)] * 3
                                   + [np.zeros((5, 3)), np.zeros((3, 3)), np.zeros(2)]})
    target = Sequential([layers.LSTM(3, input_shape=(4, 2))])
    before = target.get_weights()
    with pytest.raises(SavedFileError, match=r"do not convert to the layout of layer 'lstm_1'"):
        target.load_weights(str(tmp_path / "w.h5"))
    assert_all_equal(before, target.get_weights())


def test_keras_1_gru_nine_arrays(tmp_path):
    source = Sequential([layers.GRU(3, input_shape=(4, 2))])
    kernel, recurrent, bias = random_weights(source)
    z, r, h = zip(gate_blocks(kernel, 3), gate_blocks(recurrent, 3), gate_blocks(bias, 3))
    write_file(tmp_path / "w.h5", {"gru_1": [array for gate in (z, r, h) for array in gate]})
    target = Sequential([layers.GRU(3, input_shape=(4, 2))])
    assert_all_equal([kernel, recurrent, bias], loaded(target, tmp_path / "w.h5"))


def test_keras_1_conv2d_theano_ordering(tmp_path):
    def model():
        return Sequential([layers.Conv2D(4, (3, 2), data_format="channels_first",
                                         input_shape=(2, 6, 6))])
    kernel, bias = random_weights(model())
    write_file(tmp_path / "w.h5", {"c": [np.transpose(kernel, (3, 2, 0, 1)), bias]})
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "w.h5"))


def test_keras_1_conv2d_tensorflow_ordering_is_unchanged(tmp_path):
    def model():
        return Sequential([layers.Conv2D(4, 3, input_shape=(6, 6, 2))])
    kernel, bias = random_weights(model())
    write_file(tmp_path / "w.h5", {"c": [kernel, bias]})
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "w.h5"))


@pytest.mark.parametrize("layout", ["keras_1_0", "keras_1_1"])
def test_keras_1_conv1d(tmp_path, layout):
    def model():
        return Sequential([layers.Conv1D(4, 3, input_shape=(8, 2))])
    kernel, bias = random_weights(model())                    # (3, 2, 4)
    old = kernel[:, None, :, :]                                # (3, 1, 2, 4)
    if layout == "keras_1_1":
        old = np.transpose(old, (3, 2, 0, 1))                 # (4, 2, 3, 1)
    write_file(tmp_path / "w.h5", {"c": [old, bias]})
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "w.h5"))


@pytest.mark.parametrize("data_format, to_keras_1", [
    ("channels_last", (0, 1, 3, 2)), ("channels_first", (2, 3, 0, 1))])
def test_keras_1_deconvolution2d(tmp_path, data_format, to_keras_1):
    shape = (6, 6, 2) if data_format == "channels_last" else (2, 6, 6)

    def model():
        return Sequential([layers.Conv2DTranspose(3, 3, data_format=data_format,
                                                  input_shape=shape)])
    kernel, bias = random_weights(model())
    inverse = tuple(np.argsort(to_keras_1))
    write_file(tmp_path / "w.h5", {"d": [np.transpose(kernel, inverse), bias]})
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "w.h5"))


def test_keras_1_conv3d_theano_ordering(tmp_path):
    def model():
        return Sequential([layers.Conv3D(3, 2, data_format="channels_first",
                                         input_shape=(2, 4, 4, 4))])
    kernel, bias = random_weights(model())
    write_file(tmp_path / "w.h5", {"c": [np.transpose(kernel, (4, 3, 0, 1, 2)), bias]})
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "w.h5"))


def test_keras_1_dense_and_batch_norm_load_unchanged(tmp_path):
    def model():
        return Sequential([layers.Dense(3, input_shape=(2,)), layers.BatchNormalization(),
                           layers.Dropout(0.5)])
    values = random_weights(model())
    write_file(tmp_path / "w.h5", {"dense_1": values[:2], "batchnormalization_1": values[2:],
                                   "dropout_1": []})
    assert_all_equal(values, loaded(model(), tmp_path / "w.h5"))


def test_theano_kernels_are_flipped(tmp_path):
    def model():
        return Sequential([layers.Conv2D(2, (3, 2), input_shape=(6, 6, 1))])
    kernel, bias = random_weights(model())
    write_file(tmp_path / "w.h5", {"c": [kernel[::-1, ::-1], bias]}, "2.1.6", "theano")
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "w.h5"))
    write_file(tmp_path / "tf.h5", {"c": [kernel, bias]}, "2.1.6", "tensorflow")
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "tf.h5"))


def to_cudnn(kernel, recurrent, gates):
    """Keras kernels in CuDNN's layout (each gate's input kernel in Fortran order, recurrent
    kernels transposed), written independently of the loader's conversion."""
    input_blocks = [block.T.reshape(block.shape) for block in np.split(kernel, gates, axis=1)]
    recurrent_blocks = [block.T for block in np.split(recurrent, gates, axis=1)]
    return np.hstack(input_blocks), np.hstack(recurrent_blocks)


def test_cudnn_lstm_weights_load_into_lstm(tmp_path):
    def model():
        return Sequential([layers.LSTM(3, input_shape=(5, 2))])
    kernel, recurrent, bias = random_weights(model())
    cudnn_kernel, cudnn_recurrent = to_cudnn(kernel, recurrent, 4)
    input_bias = RNG.standard_normal(bias.shape).astype("float32")
    cudnn_bias = np.concatenate([input_bias, bias - input_bias])  # CuDNN: two biases, summed
    write_file(tmp_path / "w.h5", {"cu_dnnlstm_1": [cudnn_kernel, cudnn_recurrent, cudnn_bias]},
               "2.2.4", "tensorflow")
    got = loaded(model(), tmp_path / "w.h5")
    np.testing.assert_array_equal(got[0], kernel)
    np.testing.assert_array_equal(got[1], recurrent)
    np.testing.assert_allclose(got[2], bias, rtol=1e-6, atol=1e-6)


def test_cudnn_gru_weights_load_into_gru_reset_after(tmp_path):
    def model():
        return Sequential([layers.GRU(3, reset_after=True, input_shape=(5, 2))])
    kernel, recurrent, bias = random_weights(model())
    cudnn_kernel, cudnn_recurrent = to_cudnn(kernel, recurrent, 3)
    write_file(tmp_path / "w.h5", {"cu_dnngru_1": [cudnn_kernel, cudnn_recurrent,
                                                   bias.reshape(-1)]}, "2.2.4", "tensorflow")
    assert_all_equal([kernel, recurrent, bias], loaded(model(), tmp_path / "w.h5"))


def test_lstm_and_gru_weights_load_into_cudnn_layers(tmp_path):
    source = Sequential([layers.LSTM(3, return_sequences=True, recurrent_activation="sigmoid",
                                     input_shape=(5, 2)),
                         layers.GRU(2, reset_after=True, recurrent_activation="sigmoid")])
    lstm_kernel, lstm_recurrent, lstm_bias, gru_kernel, gru_recurrent, gru_bias = \
        random_weights(source)
    source.save_weights(str(tmp_path / "w.h5"))
    target = Sequential([layers.CuDNNLSTM(3, return_sequences=True, input_shape=(5, 2)),
                         layers.CuDNNGRU(2)])
    got = loaded(target, tmp_path / "w.h5")
    expected_lstm = list(to_cudnn(lstm_kernel, lstm_recurrent, 4)) + [np.tile(lstm_bias / 2, 2)]
    expected_gru = list(to_cudnn(gru_kernel, gru_recurrent, 3)) + [gru_bias.reshape(-1)]
    for e, g in zip(expected_lstm + expected_gru, got):
        np.testing.assert_allclose(g, e, rtol=1e-6)
    x = RNG.standard_normal((3, 5, 2)).astype("float32")
    np.testing.assert_allclose(target.predict(x), source.predict(x), rtol=1e-4, atol=1e-5)


def test_keras_1_bidirectional_lstm(tmp_path):
    def model():
        return Sequential([layers.Bidirectional(layers.LSTM(3), input_shape=(4, 2))])
    values = random_weights(model())
    keras_1 = []
    for kernel, recurrent, bias in (values[:3], values[3:]):
        i, f, c, o = zip(gate_blocks(kernel, 4), gate_blocks(recurrent, 4), gate_blocks(bias, 4))
        keras_1 += [array for gate in (i, c, f, o) for array in gate]
    write_file(tmp_path / "w.h5", {"bidirectional_1": keras_1})
    assert_all_equal(values, loaded(model(), tmp_path / "w.h5"))


def test_keras_1_time_distributed_convolution(tmp_path):
    def model():
        return Sequential([layers.TimeDistributed(
            layers.Conv2D(2, 3, data_format="channels_first"), input_shape=(3, 1, 5, 5))])
    kernel, bias = random_weights(model())
    write_file(tmp_path / "w.h5", {"td": [np.transpose(kernel, (3, 2, 0, 1)), bias]})
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "w.h5"))


def test_gru_reset_after_weights_do_not_fit_the_default_gru(tmp_path):
    source = Sequential([layers.GRU(3, reset_after=True, input_shape=(5, 2))])
    source.save_weights(str(tmp_path / "w.h5"))
    target = Sequential([layers.GRU(3, input_shape=(5, 2))])
    with pytest.raises(SavedFileError, match=r"\(2, 9\).*\(9,\)"):
        target.load_weights(str(tmp_path / "w.h5"))


def test_reshape_true_reshapes_a_kernel_of_the_right_size(tmp_path):
    def model():
        return Sequential([layers.Conv2D(2, 3, input_shape=(6, 6, 1))])
    kernel, bias = random_weights(model())
    write_file(tmp_path / "w.h5", {"c": [kernel.reshape(9, 2), bias]}, "2.2.4", "tensorflow")
    with pytest.raises(SavedFileError, match=r"\(9, 2\).*\(3, 3, 1, 2\)"):
        model().load_weights(str(tmp_path / "w.h5"))
    assert_all_equal([kernel, bias], loaded(model(), tmp_path / "w.h5", reshape=True))


def test_preprocess_weights_for_loading_keeps_keras_2_arrays():
    layer = layers.LSTM(2)
    layer.build((None, 4, 3))
    arrays = [np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)]
    assert [a.shape for a in preprocess_weights_for_loading(layer, arrays, "2.2.4")] == \
        [(3, 8), (2, 8), (8,)]
    keras_1 = [np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(2)] * 4
    assert [a.shape for a in preprocess_weights_for_loading(layer, keras_1, "1")] == \
        [(3, 8), (2, 8), (8,)]
