"""``load_weights``: by position and by name, ``skip_mismatch``, clear errors that name the
file, the layers and the shapes, and a model left unchanged by a load that fails."""
import h5py
import numpy as np
import pytest

from cornu import layers
from cornu.models import Sequential
from cornu.saving.errors import SavedFileError

RNG = np.random.default_rng(3)


def mlp(hidden=8, name_prefix=None):
    names = [f"{name_prefix}_{i}" for i in range(3)] if name_prefix else [None] * 3
    return Sequential([layers.Dense(hidden, activation="relu", input_shape=(4,), name=names[0]),
                       layers.Dropout(0.5, name=names[1]),
                       layers.Dense(2, name=names[2])])


def saved(model, path):
    model.set_weights([RNG.standard_normal(w.shape).astype("float32")
                       for w in model.get_weights()])
    model.save_weights(str(path))
    return model


def snapshot(model):
    return [w.copy() for w in model.get_weights()]


def assert_unchanged(model, before):
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_topological_loading_ignores_names(tmp_path):
    source = saved(mlp(name_prefix="old"), tmp_path / "w.h5")
    target = mlp(name_prefix="new")
    target.load_weights(str(tmp_path / "w.h5"))
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_by_name_loads_matching_layers_and_leaves_the_others(tmp_path):
    source = saved(Sequential([layers.Dense(8, input_shape=(4,), name="shared"),
                               layers.Dense(2, name="old_head")]), tmp_path / "w.h5")
    target = Sequential([layers.Dense(8, input_shape=(4,), name="shared"),
                         layers.Dense(5, name="new_head")])
    head_before = target.get_layer("new_head").get_weights()
    target.load_weights(str(tmp_path / "w.h5"), by_name=True)
    for a, b in zip(source.get_layer("shared").get_weights(),
                    target.get_layer("shared").get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(head_before, target.get_layer("new_head").get_weights()):
        np.testing.assert_array_equal(a, b)


def test_by_name_shape_mismatch_raises_naming_layer_and_shapes(tmp_path):
    saved(mlp(name_prefix="l"), tmp_path / "w.h5")
    target = mlp(hidden=16, name_prefix="l")
    before = snapshot(target)
    with pytest.raises(SavedFileError, match=r"w\.h5.*'l_0'.*\(4, 8\).*\(4, 16\).*skip_mismatch"):
        target.load_weights(str(tmp_path / "w.h5"), by_name=True)
    assert_unchanged(target, before)


def test_skip_mismatch_warns_and_loads_what_fits(tmp_path):
    source = saved(mlp(name_prefix="l"), tmp_path / "w.h5")
    target = Sequential([layers.Dense(8, activation="relu", input_shape=(4,), name="l_0"),
                         layers.Dense(3, name="l_2")])
    head_before = target.get_layer("l_2").get_weights()
    with pytest.warns(UserWarning) as record:
        target.load_weights(str(tmp_path / "w.h5"), by_name=True, skip_mismatch=True)
    messages = [str(w.message) for w in record]
    assert len(messages) == 2 and all("Skipping loading" in m and "'l_2'" in m for m in messages)
    assert "(8, 2)" in messages[0] and "(8, 3)" in messages[0]
    assert "(2,)" in messages[1] and "(3,)" in messages[1]
    for a, b in zip(source.get_layer("l_0").get_weights(), target.get_layer("l_0").get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(head_before[0], target.get_layer("l_2").get_weights()[0])


def test_skip_mismatch_needs_by_name(tmp_path):
    saved(mlp(), tmp_path / "w.h5")
    with pytest.raises(ValueError, match="by_name=True"):
        mlp().load_weights(str(tmp_path / "w.h5"), skip_mismatch=True)


def test_layer_count_mismatch_names_both_sides(tmp_path):
    saved(mlp(), tmp_path / "w.h5")
    target = Sequential([layers.Dense(8, input_shape=(4,))])
    before = snapshot(target)
    with pytest.raises(SavedFileError, match=r"w\.h5 holds weights for 2 layers \(dense_1, "
                                             r"dense_2\), but the model has 1 .*by_name=True"):
        target.load_weights(str(tmp_path / "w.h5"))
    assert_unchanged(target, before)


def test_an_unbuilt_model_is_told_to_build_first(tmp_path):
    saved(mlp(), tmp_path / "w.h5")
    unbuilt = Sequential([layers.Dense(8), layers.Dense(2)])
    with pytest.raises(SavedFileError, match=r"not built yet.*model\.build"):
        unbuilt.load_weights(str(tmp_path / "w.h5"))


def test_shape_mismatch_in_a_later_layer_leaves_earlier_layers_unchanged(tmp_path):
    saved(mlp(), tmp_path / "w.h5")
    target = Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(3)])
    before = snapshot(target)
    with pytest.raises(SavedFileError) as error:
        target.load_weights(str(tmp_path / "w.h5"))
    message = str(error.value)
    assert "w.h5" in message and "layer #1 'dense_4'" in message and "'dense_2'" in message
    assert "(8, 2)" in message and "(8, 3)" in message
    assert_unchanged(target, before)


def test_weight_count_mismatch_is_reported(tmp_path):
    saved(Sequential([layers.Dense(3, input_shape=(4,), use_bias=False)]), tmp_path / "w.h5")
    target = Sequential([layers.Dense(3, input_shape=(4,))])
    with pytest.raises(SavedFileError, match=r"holds 1 weights .*has 2"):
        target.load_weights(str(tmp_path / "w.h5"))


def test_tf_keras_nested_cell_names_are_accepted(tmp_path):
    """tf.keras names an LSTM's weights ``lstm/lstm_cell/kernel:0``; loading goes by order."""
    model = Sequential([layers.LSTM(3, input_shape=(5, 2), name="lstm")])
    values = [RNG.standard_normal(w.shape).astype("float32") for w in model.get_weights()]
    with h5py.File(tmp_path / "tf.h5", "w") as f:
        f.attrs["layer_names"] = np.array([b"lstm"])
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        group = f.create_group("lstm")
        names = ["lstm/lstm_cell/kernel:0", "lstm/lstm_cell/recurrent_kernel:0",
                 "lstm/lstm_cell/bias:0"]
        group.attrs["weight_names"] = np.array(names, dtype=h5py.string_dtype())
        for name, value in zip(names, values):
            group.create_dataset(name, data=value)
    for by_name in (False, True):
        target = Sequential([layers.LSTM(3, input_shape=(5, 2), name="lstm")])
        target.load_weights(str(tmp_path / "tf.h5"), by_name=by_name)
        for a, b in zip(values, target.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_loading_a_model_file_without_weights_groups_is_clear(tmp_path):
    with h5py.File(tmp_path / "empty.h5", "w") as f:
        f.create_group("something")
    with pytest.raises(SavedFileError, match="no 'layer_names' attribute"):
        mlp().load_weights(str(tmp_path / "empty.h5"))


def test_missing_file_and_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No file at"):
        mlp().load_weights(str(tmp_path / "nope.h5"))
    with pytest.raises(IsADirectoryError, match="folder"):
        mlp().load_weights(str(tmp_path))


def test_a_file_that_is_not_hdf5(tmp_path):
    (tmp_path / "w.h5").write_bytes(b"not an hdf5 file at all" * 10)
    with pytest.raises(SavedFileError, match="cannot be opened as an HDF5 .*signature"):
        mlp().load_weights(str(tmp_path / "w.h5"))


def test_an_incomplete_keras_3_archive_is_reported(tmp_path):
    import zipfile
    with zipfile.ZipFile(tmp_path / "model.keras", "w") as archive:
        archive.writestr("config.json", "{}")
    with pytest.raises(SavedFileError, match=r"archive has no 'metadata\.json'"):
        mlp().load_weights(str(tmp_path / "model.keras"))


def test_a_truncated_file_is_reported(tmp_path):
    saved(mlp(), tmp_path / "w.h5")
    data = (tmp_path / "w.h5").read_bytes()
    (tmp_path / "w.h5").write_bytes(data[:len(data) // 2])
    target = mlp()
    before = snapshot(target)
    with pytest.raises(SavedFileError, match=r"w\.h5.*interrupted"):
        target.load_weights(str(tmp_path / "w.h5"))
    assert_unchanged(target, before)


def test_external_links_are_refused(tmp_path):
    saved(mlp(), tmp_path / "other.h5")
    with h5py.File(tmp_path / "w.h5", "w") as f:
        f.attrs["layer_names"] = np.array([b"dense_1", b"dense_2"])
        f["dense_1"] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/dense_1")
        f["dense_2"] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/dense_2")
    target = mlp()
    before = snapshot(target)
    with pytest.raises(SavedFileError, match="ExternalLink"):
        target.load_weights(str(tmp_path / "w.h5"))
    assert_unchanged(target, before)


def test_string_datasets_are_refused(tmp_path):
    saved(Sequential([layers.Dense(2, input_shape=(1,), use_bias=False)]), tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "a") as f:
        del f["dense_1/dense_1/kernel:0"]
        f["dense_1/dense_1/kernel:0"] = np.array([b"ab", b"cd"])
    with pytest.raises(SavedFileError, match="not numbers"):
        Sequential([layers.Dense(2, input_shape=(1,), use_bias=False)]).load_weights(
            str(tmp_path / "w.h5"))


def test_an_absurd_dataset_is_never_read(tmp_path):
    """A dataset declared with 2**40 values (stored as nothing: chunked, never written) is
    rejected from its shape, before any read."""
    saved(Sequential([layers.Dense(2, input_shape=(3,))]), tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "a") as f:
        del f["dense_1/dense_1/kernel:0"]
        f.create_dataset("dense_1/dense_1/kernel:0", shape=(2 ** 20, 2 ** 20), dtype="f4",
                         chunks=(1, 16))
    for by_name, skip in ((False, False), (True, False)):
        with pytest.raises(SavedFileError, match=r"\(1048576, 1048576\)"):
            Sequential([layers.Dense(2, input_shape=(3,), name="dense_1")]).load_weights(
                str(tmp_path / "w.h5"), by_name=by_name, skip_mismatch=skip)
    with pytest.warns(UserWarning, match="more values"):
        Sequential([layers.Dense(2, input_shape=(3,), name="dense_1")]).load_weights(
            str(tmp_path / "w.h5"), by_name=True, skip_mismatch=True)
