"""Keras 3's ``.keras`` archive and ``.weights.h5`` layout: round trips for every layer family,
the archive's members and keys, resuming training, and hostile archives."""
import json
import stat
import zipfile

import h5py
import numpy as np
import pytest

from cornu import layers
from cornu.models import Model, Sequential, load_model
from cornu.saving.errors import SavedFileError


def fill(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def sequential_families():
    return {
        "dense": (Sequential([layers.Dense(6, activation="relu", input_shape=(5,)),
                              layers.BatchNormalization(), layers.Dropout(0.3),
                              layers.Activation("tanh"), layers.Dense(3, activation="softmax")]),
                  (5,)),
        "convnet": (Sequential([layers.Conv2D(4, 3, activation="relu", input_shape=(9, 9, 2)),
                                layers.MaxPooling2D(), layers.SeparableConv2D(3, 2),
                                layers.DepthwiseConv2D(2), layers.Conv2DTranspose(2, 2),
                                layers.ZeroPadding2D(), layers.AveragePooling2D(),
                                layers.PReLU(), layers.LeakyReLU(0.2), layers.Flatten(),
                                layers.Reshape((4, -1)), layers.GlobalMaxPooling1D(),
                                layers.Dense(2)]), (9, 9, 2)),
        "conv1d": (Sequential([layers.Conv1D(3, 2, input_shape=(7, 2)), layers.MaxPooling1D(),
                               layers.UpSampling1D(), layers.GlobalAveragePooling1D()]), (7, 2)),
        "recurrent": (Sequential([
            layers.Embedding(20, 4, input_length=6),
            layers.SimpleRNN(3, return_sequences=True),
            layers.LSTM(3, recurrent_activation="sigmoid", return_sequences=True),
            layers.Bidirectional(layers.GRU(2, recurrent_activation="sigmoid",
                                            return_sequences=True)),
            layers.TimeDistributed(layers.Dense(2)),
            layers.GRU(2, recurrent_activation="sigmoid", reset_after=True)]), "tokens"),
    }


def inputs_for(spec, rng):
    if spec == "tokens":
        return rng.integers(0, 20, (4, 6))
    if isinstance(spec, list):
        return [rng.standard_normal((4,) + s).astype("float32") for s in spec]
    return rng.standard_normal((4,) + spec).astype("float32")


def functional_models():
    a, b = layers.Input((4,), name="a"), layers.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    left, right = shared(a), shared(b)
    merged = [layers.add([left, right]), layers.subtract([left, right]),
              layers.multiply([left, right]), layers.average([left, right]),
              layers.maximum([left, right]), layers.minimum([left, right]),
              layers.dot([left, right], axes=1)]
    two_inputs = Model([a, b], layers.Dense(2, name="out")(layers.concatenate(merged)))
    inner = Sequential([layers.Dense(4, input_shape=(3,)), layers.BatchNormalization()],
                       name="inner")
    x = layers.Input((3,), name="x")
    inner_functional_input = layers.Input((4,))
    inner_functional = Model(inner_functional_input, layers.Dense(2)(inner_functional_input),
                             name="inner_functional")
    nested = Model(x, inner_functional(inner(x)))
    return {"two_inputs": (two_inputs, [(4,), (4,)]), "nested": (nested, (3,))}


def all_models():
    return {**sequential_families(), **functional_models()}


@pytest.mark.parametrize("name", list(all_models()))
def test_round_trip_predicts_the_same(tmp_path, name):
    model, spec = all_models()[name]
    fill(model)
    x = inputs_for(spec, np.random.default_rng(1))
    expected = model.predict(x)
    model.save(str(tmp_path / "m.keras"))
    loaded = load_model(str(tmp_path / "m.keras"), compile=False)
    np.testing.assert_allclose(loaded.predict(x), expected, rtol=1e-6, atol=1e-6)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]


@pytest.mark.parametrize("name", ["dense", "recurrent", "nested"])
def test_weights_h5_round_trip_in_keras3_layout(tmp_path, name):
    model, spec = all_models()[name]
    fill(model)
    x = inputs_for(spec, np.random.default_rng(1))
    expected = model.predict(x)
    model.save_weights(str(tmp_path / "w.weights.h5"))
    with h5py.File(tmp_path / "w.weights.h5", "r") as handle:
        assert "layers" in handle and "layer_names" not in handle.attrs
    fill(model, seed=5)
    model.load_weights(str(tmp_path / "w.weights.h5"))
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-6, atol=1e-6)


def test_other_weight_names_keep_keras_2_layout(tmp_path):
    model, _ = sequential_families()["dense"]
    model.save_weights(str(tmp_path / "w.h5"))
    with h5py.File(tmp_path / "w.h5", "r") as handle:
        assert "layer_names" in handle.attrs


def test_archive_members_and_keys(tmp_path):
    model = Sequential([layers.Dense(3, activation="relu", input_shape=(4,), name="d1"),
                        layers.Dense(1, name="d2")], name="seq")
    model.compile("adam", "mse", metrics=["mae"])
    model.fit(np.zeros((2, 4)), np.zeros((2, 1)), verbose=0)
    model.save(str(tmp_path / "m.keras"))
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
        archive.extract("model.weights.h5", tmp_path)
    assert sorted(metadata) == ["date_saved", "keras_version"]
    assert metadata["keras_version"].startswith("3.")
    assert config["module"] == "keras" and config["class_name"] == "Sequential"
    assert config["registered_name"] is None
    assert config["build_config"] == {"input_shape": [None, 4]}
    first, dense = config["config"]["layers"][:2]
    assert first["class_name"] == "InputLayer" and first["config"]["batch_shape"] == [None, 4]
    assert dense["module"] == "keras.layers" and dense["class_name"] == "Dense"
    assert dense["config"]["dtype"] == {"module": "keras", "class_name": "DTypePolicy",
                                        "config": {"name": "float32"}, "registered_name": None}
    assert dense["config"]["kernel_initializer"]["module"] == "keras.initializers"
    assert "batch_input_shape" not in dense["config"]
    compiled = config["compile_config"]
    assert compiled["optimizer"]["class_name"] == "Adam"
    assert compiled["optimizer"]["config"]["learning_rate"] == pytest.approx(0.001)
    assert "lr" not in compiled["optimizer"]["config"]
    assert compiled["loss"] == "mse" and compiled["metrics"] == ["mae"]
    with h5py.File(tmp_path / "model.weights.h5", "r") as handle:
        names = []
        handle.visititems(lambda key, value: names.append(key))
        assert handle["layers/dense/vars"].attrs["name"] == "d1"
        assert handle["layers/dense_1/vars"].attrs["name"] == "d2"
        assert handle["optimizer/vars"].attrs["name"] == "adam"
        assert int(handle["optimizer/vars/0"][()]) == 1  # iterations
        assert handle["optimizer/vars/2"].shape == (4, 3)  # m of d1's kernel
        assert handle["optimizer/vars/3"].shape == (4, 3)  # v of d1's kernel
    assert sorted(n for n in names if n.count("/") == 3) == [
        "layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0",
        "layers/dense_1/vars/1"]
    # iterations, learning rate, then (m, v) for each of the 4 weights
    assert sorted(n for n in names if n.startswith("optimizer/vars/")) == sorted(
        f"optimizer/vars/{i}" for i in range(10))


def test_functional_nodes_in_keras3_format(tmp_path):
    model, _ = functional_models()["two_inputs"]
    model.save(str(tmp_path / "m.keras"))
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        config = json.loads(archive.read("config.json"))
    assert config["class_name"] == "Functional"
    entries = {entry["name"]: entry for entry in config["config"]["layers"]}
    shared_calls = entries["shared"]["inbound_nodes"]
    assert [call["args"][0]["config"]["keras_history"] for call in shared_calls] == [
        ["a", 0, 0], ["b", 0, 0]]
    assert shared_calls[0]["args"][0]["class_name"] == "__keras_tensor__"
    concat_args = entries["concatenate_1"]["inbound_nodes"][0]["args"]
    assert len(concat_args) == 1 and len(concat_args[0]) == 7
    assert config["config"]["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["config"]["output_layers"] == ["out", 0, 0]


def test_resume_after_load_equals_uninterrupted_run(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 5)).astype("float32")
    y = rng.standard_normal((32, 2)).astype("float32")

    def build():
        model = fill(Sequential([layers.Conv1D(3, 2, input_shape=(5, 1)), layers.Flatten(),
                                 layers.Dense(2)]))
        model.compile("adam", "mse")
        return model

    xs = x[..., None]
    uninterrupted = build()
    uninterrupted.fit(xs, y, epochs=4, batch_size=8, shuffle=False, verbose=0)
    first = build()
    first.fit(xs, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    first.save(str(tmp_path / "m.keras"))
    resumed = load_model(str(tmp_path / "m.keras"))
    assert int(resumed.optimizer.iterations) == 8
    resumed.fit(xs, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for got, want in zip(resumed.get_weights(), uninterrupted.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_keras_2_hard_sigmoid_is_refused_with_directions(tmp_path):
    model = Sequential([layers.LSTM(2, input_shape=(3, 2))])
    with pytest.raises(ValueError, match=r"recurrent_activation='hard_sigmoid'.*Keras 3's is clip\(x / 6"):
        model.save(str(tmp_path / "m.keras"))
    assert not (tmp_path / "m.keras").exists()


def negate(x):
    return -x


def test_lambda_needs_safe_mode_off(tmp_path):
    model = Sequential([layers.Lambda(negate, input_shape=(2,)), layers.Dense(1)])
    model.save(str(tmp_path / "m.keras"))
    with pytest.raises(SavedFileError, match="safe_mode"):
        load_model(str(tmp_path / "m.keras"))
    with pytest.warns(UserWarning, match="No training configuration found"):
        loaded = load_model(str(tmp_path / "m.keras"), safe_mode=False,
                            custom_objects={"negate": negate})
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(loaded.predict(x), model.predict(x))


# ------------------------------------------------------------------ hostile archives
@pytest.fixture()
def good_archive(tmp_path):
    model = fill(Sequential([layers.Dense(2, input_shape=(3,))]))
    model.save(str(tmp_path / "good.keras"))
    with zipfile.ZipFile(tmp_path / "good.keras") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path, members, symlink=None):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if name == symlink:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return str(path)


@pytest.mark.parametrize("case, message", [
    ("traversal", "points outside"), ("absolute", "points outside"), ("symlink", "symbolic"),
    ("missing", "has no 'model.weights.h5'"), ("bad_json", "not valid JSON"),
    ("json_list", "JSON object"), ("not_a_model", "Sequential or Functional"),
    ("unknown_layer", "cornu does not have"), ("damaged_weights", "HDF5"),
])
def test_hostile_or_damaged_archives_raise_saved_file_error(tmp_path, good_archive, case,
                                                            message):
    members, symlink = dict(good_archive), None
    if case == "traversal":
        members["../evil.txt"] = b"x"
    elif case == "absolute":
        members["/etc/evil"] = b"x"
    elif case == "symlink":
        members["assets/link"], symlink = b"/etc/passwd", "assets/link"
    elif case == "missing":
        del members["model.weights.h5"]
    elif case == "bad_json":
        members["config.json"] = b"{not json"
    elif case == "json_list":
        members["config.json"] = b"[1, 2]"
    elif case == "not_a_model":
        members["config.json"] = json.dumps({"class_name": "MyModel", "config": {}}).encode()
    elif case == "unknown_layer":
        config = json.loads(members["config.json"])
        config["config"]["layers"][1]["class_name"] = "MultiHeadAttention"
        members["config.json"] = json.dumps(config).encode()
    elif case == "damaged_weights":
        members["model.weights.h5"] = b"\x89HDF\r\n\x1a\n" + b"\0" * 100
    path = write_zip(tmp_path / "bad.keras", members, symlink)
    with pytest.raises(SavedFileError, match=message):
        load_model(path)


def test_zip_bomb_is_refused_from_declared_size(tmp_path, good_archive, monkeypatch):
    from cornu.saving import keras_zip
    monkeypatch.setattr(keras_zip, "JSON_LIMIT", 1000)
    members = dict(good_archive)
    members["config.json"] = members["config.json"] + b" " * 5000
    with pytest.raises(SavedFileError, match="zip bomb"):
        load_model(write_zip(tmp_path / "bomb.keras", members))


def test_compression_ratio_bomb_is_refused(tmp_path, good_archive):
    path = tmp_path / "ratio.keras"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in good_archive.items():
            archive.writestr(name, data)
        archive.writestr("assets/zeros", b"\0" * (4 * 2**20))
    with pytest.raises(SavedFileError, match="zip bomb"):
        load_model(str(path))


def test_failed_weight_load_changes_nothing(tmp_path):
    saved = fill(Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(4)]))
    saved.save_weights(str(tmp_path / "w.weights.h5"))
    other = fill(Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(5)]), seed=3)
    before = other.get_weights()
    with pytest.raises(SavedFileError, match="shape"):
        other.load_weights(str(tmp_path / "w.weights.h5"))
    for got, want in zip(other.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_load_weights_from_an_archive(tmp_path):
    model = fill(Sequential([layers.Dense(2, input_shape=(3,))]))
    model.save(str(tmp_path / "m.keras"))
    expected = model.get_weights()
    fill(model, seed=9)
    model.load_weights(str(tmp_path / "m.keras"))
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_array_equal(got, want)
