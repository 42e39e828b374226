"""flow_from_dataframe / DataFrameIterator with pandas DataFrames (and a plain dict)."""
import os

import numpy as np
import pandas as pd
import pytest

from cornu.preprocessing.image import DataFrameIterator, ImageDataGenerator
from tests.preprocessing.conftest import write_image


@pytest.fixture
def images(tmp_path):
    """Six PNG/JPEG files of constant gray levels 0, 40, ... 200, and their table."""
    for index in range(6):
        ext = "png" if index % 2 == 0 else "jpg"
        write_image(tmp_path / f"img{index}.{ext}", np.full((5, 6, 3), 40 * index))
    frame = pd.DataFrame({
        "filename": [f"img{i}.{'png' if i % 2 == 0 else 'jpg'}" for i in range(6)],
        "class": ["cat", "dog", "cat", "bird", "dog", "cat"],
        "weight": [1., 2., 3., 4., 5., 6.],
        "score": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
    })
    return tmp_path, frame


def _flow(images, frame=None, datagen=None, **options):
    directory, table = images
    options.setdefault("shuffle", False)
    options.setdefault("target_size", (3, 4))
    options.setdefault("batch_size", 6)
    return (datagen or ImageDataGenerator()).flow_from_dataframe(
        table if frame is None else frame, str(directory), **options)


def test_categorical_and_the_found_line(images, capsys):
    it = _flow(images)
    assert capsys.readouterr().out == ("Found 6 validated image filenames belonging to 3 "
                                       "classes.\n")
    assert isinstance(it, DataFrameIterator)
    assert it.class_indices == {"bird": 0, "cat": 1, "dog": 2}
    assert it.classes == [1, 2, 1, 0, 2, 1] and it.labels == it.classes
    assert it.filepaths == [os.path.join(str(images[0]), f) for f in images[1]["filename"]]
    x, y = next(it)
    assert x.shape == (6, 3, 4, 3) and y.dtype == np.float32
    np.testing.assert_allclose(x.mean(axis=(1, 2, 3)), [0, 40, 80, 120, 160, 200], atol=2)
    np.testing.assert_array_equal(y, np.eye(3)[[1, 2, 1, 0, 2, 1]])


def test_sparse_with_sample_weights(images):
    x, y, w = next(_flow(images, class_mode="sparse", weight_col="weight"))
    assert y.tolist() == [1, 2, 1, 0, 2, 1] and y.dtype == np.float32
    assert w.tolist() == [1, 2, 3, 4, 5, 6]


def test_binary_needs_two_classes(images):
    _, frame = images
    two = frame[frame["class"] != "bird"]
    _, y = next(_flow(images, two, class_mode="binary", batch_size=5))
    assert y.tolist() == [0, 1, 0, 1, 0]
    with pytest.raises(ValueError, match='class_mode="binary" there must be 2 classes. Found 3'):
        _flow(images, class_mode="binary")
    kept = _flow(images, class_mode="binary", classes=["cat", "dog"])
    assert kept.samples == 5 and kept.class_indices == {"cat": 0, "dog": 1}


def test_given_classes_filter_rows(images, capsys):
    it = _flow(images, classes=["dog", "bird"])
    assert capsys.readouterr().out.endswith("Found 3 validated image filenames belonging to 2 "
                                            "classes.\n")
    assert it.filenames == ["img1.jpg", "img3.jpg", "img4.png"]
    assert it.classes == [1, 0, 1]


def test_multi_label_categorical(images):
    _, frame = images
    multi = frame.assign(tags=[["cat"], ["cat", "dog"], ["dog"], [], ("cat",), ["dog"]])
    _, y = next(_flow(images, multi, y_col="tags"))
    assert y.tolist() == [[1, 0], [1, 1], [0, 1], [0, 0], [1, 0], [0, 1]]


def test_raw_multi_output_input_and_none(images, capsys):
    _, y = next(_flow(images, class_mode="raw", y_col="score"))
    assert y.tolist() == [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]
    _, y = next(_flow(images, class_mode="raw", y_col=["score", "weight"], batch_size=2))
    assert y.tolist() == [[0.5, 1.], [1.5, 2.]]
    _, (scores, names) = next(_flow(images, class_mode="multi_output",
                                    y_col=["score", "class"], batch_size=2))
    assert scores.tolist() == [0.5, 1.5] and names.tolist() == ["cat", "dog"]
    x, y = next(_flow(images, class_mode="input", batch_size=2))
    np.testing.assert_array_equal(x, y)
    capsys.readouterr()
    it = _flow(images, class_mode=None, batch_size=2)
    assert capsys.readouterr().out == "Found 6 validated image filenames.\n"
    assert next(it).shape == (2, 3, 4, 3)
    with pytest.raises(TypeError, match="y_col must be a list"):
        _flow(images, class_mode="multi_output", y_col="score")


def test_invalid_filenames_are_dropped_with_a_warning(images, capsys):
    _, frame = images
    broken = frame.copy()
    broken.loc[0, "filename"] = "missing.png"
    broken.loc[1, "filename"] = "notes.txt"
    (images[0] / "notes.txt").write_text("x")
    with pytest.warns(UserWarning, match='Found 2 invalid image filename'):
        it = _flow(images, broken)
    assert it.filenames == ["img2.png", "img3.jpg", "img4.png", "img5.jpg"]
    unchecked = _flow(images, broken, validate_filenames=False)
    assert unchecked.samples == 6
    assert "non-validated" in capsys.readouterr().out


def test_subsets_split_rows_in_order(images):
    datagen = ImageDataGenerator(validation_split=0.5)
    validation = _flow(images, datagen=datagen, subset="validation")
    training = _flow(images, datagen=datagen, subset="training")
    assert validation.filenames == ["img0.png", "img1.jpg", "img2.png"]
    assert training.filenames == ["img3.jpg", "img4.png", "img5.jpg"]
    assert training.class_indices == {"bird": 0, "cat": 1, "dog": 2}


def test_a_dict_of_columns_works(images):
    directory, frame = images
    table = {"filename": list(frame["filename"]), "class": list(frame["class"])}
    it = ImageDataGenerator().flow_from_dataframe(table, str(directory), target_size=(2, 2),
                                                  class_mode="sparse", shuffle=False)
    assert it.classes == [1, 2, 1, 0, 2, 1]


def test_full_paths_without_directory(images):
    directory, frame = images
    absolute = frame.assign(filename=[str(directory / f) for f in frame["filename"]])
    it = ImageDataGenerator().flow_from_dataframe(absolute, target_size=(2, 2))
    assert it.samples == 6


def test_deprecated_arguments(images):
    with pytest.warns(DeprecationWarning, match="has_ext is deprecated"):
        _flow(images, has_ext=True)
    with pytest.warns(DeprecationWarning, match="sort is deprecated"):
        _flow(images, sort=False)
    with pytest.warns(DeprecationWarning, match='"other" is deprecated'):
        it = _flow(images, class_mode="other", y_col="score")
    assert it.class_mode == "raw"


def test_errors(images):
    with pytest.raises(TypeError, match="unexpected keyword argument 'target_sise'.*Did you "
                                        "mean 'target_size'"):
        _flow(images, target_sise=(2, 2))
    with pytest.raises(KeyError, match="x_col='file' is not a column.*Did you mean "
                                       "'filename'"):
        _flow(images, x_col="file")
    with pytest.raises(ValueError, match="Invalid class_mode: 'sparce'.*'sparse'"):
        _flow(images, class_mode="sparce")
    with pytest.raises(TypeError, match='class_mode="sparse", y_col="score" column values must '
                                        'be strings'):
        _flow(images, class_mode="sparse", y_col="score")
    with pytest.raises(TypeError, match="weight_col=class must be numeric"):
        _flow(images, weight_col="class")
    _, frame = images
    with pytest.raises(TypeError, match="x_col=filename must be strings"):
        _flow(images, frame.assign(filename=range(6)))
