"""Every layer family survives ``model.save``/``load_model`` and ``save_weights``/
``load_weights``: the reloaded model predicts exactly what the original did."""
import h5py
import numpy as np
import pytest

from cornu import layers
from cornu.models import Model, Sequential, load_model

RNG = np.random.default_rng(7)


def mlp():
    return Sequential([layers.Dense(16, activation="relu", input_shape=(6,)), layers.Dropout(0.3),
                       layers.Dense(3, activation="softmax")]), (6,)


def convnet_2d():
    return Sequential([layers.Conv2D(4, 3, activation="relu", input_shape=(10, 10, 2)),
                       layers.BatchNormalization(), layers.MaxPooling2D(),
                       layers.Conv2D(3, 2, padding="same", strides=2), layers.Flatten(),
                       layers.Dense(2)]), (10, 10, 2)


def convnet_channels_first():
    return Sequential([layers.Conv2D(3, 3, data_format="channels_first", input_shape=(2, 8, 8)),
                       layers.BatchNormalization(axis=1),
                       layers.Conv2DTranspose(2, 3, data_format="channels_first"),
                       layers.GlobalAveragePooling2D(data_format="channels_first")]), (2, 8, 8)


def separable_and_depthwise():
    return Sequential([layers.SeparableConv2D(4, 3, depth_multiplier=2, input_shape=(9, 9, 3)),
                       layers.DepthwiseConv2D(3, depth_multiplier=2),
                       layers.Conv2DTranspose(3, 3, strides=2),
                       layers.PReLU(), layers.GlobalMaxPooling2D()]), (9, 9, 3)


def convnet_1d():
    return Sequential([layers.Conv1D(4, 3, input_shape=(12, 2)), layers.SeparableConv1D(3, 3),
                       layers.Conv1DTranspose(2, 3), layers.GlobalAveragePooling1D()]), (12, 2)


def convnet_3d():
    return Sequential([layers.Conv3D(2, 2, input_shape=(5, 5, 5, 1)),
                       layers.Conv3DTranspose(2, 2), layers.Flatten()]), (5, 5, 5, 1)


def recurrent():
    return Sequential([layers.SimpleRNN(4, return_sequences=True, input_shape=(7, 3)),
                       layers.LSTM(5, return_sequences=True), layers.GRU(3, return_sequences=True),
                       layers.GRU(2, reset_after=True)]), (7, 3)


def wrappers():
    return Sequential([layers.Bidirectional(layers.LSTM(3, return_sequences=True),
                                            input_shape=(5, 2)),
                       layers.TimeDistributed(layers.Dense(2)),
                       layers.Bidirectional(layers.GRU(2), merge_mode="sum")]), (5, 2)


def cudnn_recurrent():
    return Sequential([layers.CuDNNLSTM(3, return_sequences=True, input_shape=(5, 2)),
                       layers.CuDNNGRU(2)]), (5, 2)


def text():
    model = Sequential([layers.Embedding(20, 5, input_length=6), layers.LSTM(3),
                        layers.Dense(1, activation="sigmoid")])
    return model, "tokens"


def functional_two_inputs_two_outputs():
    a, b = layers.Input(shape=(4,), name="a"), layers.Input(shape=(4,), name="b")
    shared = layers.Dense(5, activation="tanh", name="shared")
    merged = layers.concatenate([shared(a), shared(b)])
    out_1 = layers.Dense(2, name="out_1")(merged)
    out_2 = layers.Dense(1, name="out_2")(layers.BatchNormalization()(merged))
    return Model([a, b], [out_1, out_2]), [(4,), (4,)]


def nested_models():
    inner = Sequential([layers.Dense(5, input_shape=(4,)), layers.BatchNormalization(),
                        layers.Dense(3)], name="inner")
    x = layers.Input(shape=(4,))
    functional = Model(x, layers.Dense(2)(inner(x)), name="outer")
    return Sequential([functional, layers.Dense(1)]), (4,)


def without_weights():
    return Sequential([layers.Flatten(input_shape=(3, 2)), layers.Activation("tanh")]), (3, 2)


BUILDERS = [mlp, convnet_2d, convnet_channels_first, separable_and_depthwise, convnet_1d,
            convnet_3d, recurrent, wrappers, cudnn_recurrent, text,
            functional_two_inputs_two_outputs, nested_models, without_weights]


def inputs_for(spec):
    if spec == "tokens":
        return RNG.integers(0, 20, (5, 6))
    if isinstance(spec, list):
        return [RNG.standard_normal((5,) + shape).astype("float32") for shape in spec]
    return RNG.standard_normal((5,) + spec).astype("float32")


def randomize(model):
    """Weights away from their initial values (positive, so moving variances stay valid)."""
    model.set_weights([RNG.uniform(0.05, 0.5, w.shape).astype(w.dtype)
                       for w in model.get_weights()])
    return model


def as_list(outputs):
    return outputs if isinstance(outputs, list) else [outputs]


def assert_same_outputs(expected, got):
    for e, g in zip(as_list(expected), as_list(got)):
        np.testing.assert_array_equal(e, g)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_save_and_load_model_predicts_the_same(tmp_path, build):
    model, spec = build()
    randomize(model)
    x = inputs_for(spec)
    expected = model.predict(x)
    model.save(str(tmp_path / "model.h5"))
    loaded = load_model(str(tmp_path / "model.h5"), compile=False)
    assert type(loaded) is type(model)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert_same_outputs(expected, loaded.predict(x))
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_save_and_load_weights_predicts_the_same(tmp_path, build):
    model, spec = build()
    randomize(model)
    x = inputs_for(spec)
    model.save_weights(str(tmp_path / "weights.h5"))
    fresh, _ = build()  # new automatic names: loading goes by position
    fresh.load_weights(str(tmp_path / "weights.h5"))
    assert_same_outputs(model.predict(x), fresh.predict(x))


def test_load_model_of_a_compiled_model_evaluates_the_same(tmp_path):
    model, spec = mlp()
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy", "mae"])
    x = inputs_for(spec)
    y = np.eye(3)[RNG.integers(0, 3, 5)]
    model.fit(x, y, epochs=2, verbose=0)
    model.save(str(tmp_path / "model.h5"))
    loaded = load_model(str(tmp_path / "model.h5"))
    assert loaded.metrics_names == model.metrics_names
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0))


def test_load_model_compile_false_returns_an_uncompiled_model(tmp_path):
    model, spec = mlp()
    model.compile("sgd", "mse")
    model.save(str(tmp_path / "m.h5"))
    loaded = load_model(str(tmp_path / "m.h5"), compile=False)
    assert loaded.optimizer is None
    x = inputs_for(spec)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_uncompiled_model_loads_with_a_warning(tmp_path):
    model, _ = mlp()
    model.save(str(tmp_path / "m.h5"))
    with pytest.warns(UserWarning, match="No training configuration found"):
        loaded = load_model(str(tmp_path / "m.h5"))
    assert loaded.optimizer is None


def test_load_weights_reads_a_whole_model_file(tmp_path):
    model, spec = convnet_2d()
    randomize(model)
    model.save(str(tmp_path / "model.h5"))
    fresh, _ = convnet_2d()
    fresh.load_weights(str(tmp_path / "model.h5"))
    x = inputs_for(spec)
    np.testing.assert_array_equal(model.predict(x), fresh.predict(x))


def test_paths_may_be_pathlib_objects_and_any_name(tmp_path):
    model, spec = mlp()
    model.save(tmp_path / "cats_and_dogs_small_1.model.hdf5")
    model.save_weights(tmp_path / "weights")
    loaded = load_model(tmp_path / "cats_and_dogs_small_1.model.hdf5", compile=False)
    loaded.load_weights(tmp_path / "weights")
    x = inputs_for(spec)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_save_into_an_open_h5py_file(tmp_path):
    import h5py
    model, spec = mlp()
    with h5py.File(tmp_path / "m.h5", "w") as f:
        model.save(f)
    with h5py.File(tmp_path / "m.h5", "r") as f:
        loaded = load_model(f, compile=False)
    x = inputs_for(spec)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_keras_3_names_get_keras_3_formats(tmp_path):
    import zipfile
    model, _ = mlp()
    model.save(str(tmp_path / "model.keras"))
    assert zipfile.is_zipfile(tmp_path / "model.keras")
    model.save_weights(str(tmp_path / "model.weights.h5"))  # Keras 3's layout for this name
    with h5py.File(tmp_path / "model.weights.h5", "r") as handle:
        assert "layers" in handle and "layer_names" not in handle.attrs
    model.load_weights(str(tmp_path / "model.weights.h5"))


def test_multi_output_compile_settings_survive(tmp_path):
    from cornu import losses
    a = layers.Input((4,))
    model = Model(a, [layers.Dense(2, name="o1")(a),
                      layers.Dense(1, activation="sigmoid", name="o2")(a)])
    model.compile("sgd", loss={"o1": losses.MeanSquaredError(),
                               "o2": losses.BinaryCrossentropy()},
                  loss_weights={"o1": 0.5, "o2": 2.0}, metrics={"o2": ["acc"]})
    x = RNG.standard_normal((8, 4)).astype("float32")
    y = [RNG.standard_normal((8, 2)), RNG.integers(0, 2, (8, 1))]
    model.fit(x, y, verbose=0)
    model.save(str(tmp_path / "m.h5"))
    loaded = load_model(str(tmp_path / "m.h5"))
    assert loaded.metrics_names == ["loss", "o1_loss", "o2_loss", "o2_acc"]
    assert loaded.loss_weights == {"o1": 0.5, "o2": 2.0}
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0))


def test_subclassed_model_weights_round_trip(tmp_path):
    class Net(Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(4, activation="relu")
            self.head = layers.Dense(2)

        def call(self, inputs, training=None, mask=None):
            return self.head(self.hidden(inputs))
    model, fresh = Net(), Net()
    model.build((None, 3))
    fresh.build((None, 3))
    randomize(model)
    model.save_weights(str(tmp_path / "w.h5"))
    fresh.load_weights(str(tmp_path / "w.h5"))
    x = inputs_for((3,))
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))
