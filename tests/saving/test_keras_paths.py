"""Book code reaches saving where Keras 2 had it: ``keras.models.load_model``/``save_model``,
``keras.engine.saving``, ``keras.utils.io_utils``, ``keras.utils.CustomObjectScope``."""
import h5py
import numpy as np
import pytest

from cornu import compat


@pytest.fixture
def keras():
    compat.install_keras_alias()
    import keras
    yield keras
    compat.uninstall_keras_alias()


def test_chollet_save_and_load_model(keras, tmp_path):
    from keras import layers, models
    from keras.models import load_model
    model = models.Sequential()
    model.add(layers.Conv2D(8, (3, 3), activation="relu", input_shape=(12, 12, 1)))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Flatten())
    model.add(layers.Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.RMSprop(lr=1e-4),
                  metrics=["acc"])
    x = np.random.default_rng(0).standard_normal((4, 12, 12, 1)).astype("float32")
    model.save(str(tmp_path / "cats_and_dogs_small_1.h5"))
    model_2 = load_model(str(tmp_path / "cats_and_dogs_small_1.h5"))
    np.testing.assert_array_equal(model_2.predict(x), model.predict(x))
    keras.models.save_model(model, str(tmp_path / "again.h5"))
    assert keras.models.load_model(str(tmp_path / "again.h5")).count_params() == \
        model.count_params()


def test_keras_engine_saving_functions(keras, tmp_path):
    import keras.engine.saving as saving
    from keras.layers import Dense
    from keras.models import Sequential
    model = Sequential([Dense(3, input_shape=(2,), name="d")])
    with h5py.File(tmp_path / "w.h5", "w") as f:
        saving.save_weights_to_hdf5_group(f, model.layers)
        assert saving.load_attributes_from_hdf5_group(f, "layer_names") == ["d"]
    other = Sequential([Dense(3, input_shape=(2,), name="d")])
    with h5py.File(tmp_path / "w.h5", "r") as f:
        saving.load_weights_from_hdf5_group(f, other.layers)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    renamed = Sequential([Dense(3, input_shape=(2,), name="e")])
    before = renamed.get_weights()
    with h5py.File(tmp_path / "w.h5", "r") as f:
        saving.load_weights_from_hdf5_group_by_name(f, renamed.layers)
    np.testing.assert_array_equal(before[0], renamed.get_weights()[0])  # no layer named 'd'
    saving.save_model(model, str(tmp_path / "m.h5"))
    assert saving.load_model(str(tmp_path / "m.h5"), compile=False).layers[0].name == "d"


def test_keras_utils_paths(keras):
    from keras.utils import CustomObjectScope, custom_object_scope
    from keras.utils.io_utils import ask_to_proceed_with_overwrite
    assert callable(ask_to_proceed_with_overwrite)
    assert isinstance(custom_object_scope({}), CustomObjectScope)
