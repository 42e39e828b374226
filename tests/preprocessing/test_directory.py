"""flow_from_directory / DirectoryIterator on folders of real PNG and JPEG files."""
import os

import numpy as np
import pytest

from cornu.preprocessing.image import DirectoryIterator, ImageDataGenerator
from tests.preprocessing.conftest import write_image

FILENAMES = ["cats/cat0.png", "cats/cat1.png", "cats/cat2.png", "cats/cat3.jpg",
             "dogs/dog0.png", "dogs/dog1.png", "dogs/deeper/dog2.jpg"]
GRAY_LEVELS = [0, 10, 20, 30, 200, 210, 220]  # each file is one constant colour


def _flow(root, **options):
    options.setdefault("shuffle", False)
    options.setdefault("target_size", (4, 5))
    return ImageDataGenerator().flow_from_directory(str(root), **options)


def test_listing_labels_and_the_found_line(class_folders, capsys):
    it = _flow(class_folders, batch_size=7)
    assert capsys.readouterr().out == "Found 7 images belonging to 2 classes.\n"
    assert isinstance(it, DirectoryIterator)
    assert [f.replace(os.sep, "/") for f in it.filenames] == FILENAMES
    assert it.filepaths == [os.path.join(str(class_folders), f) for f in it.filenames]
    assert it.class_indices == {"cats": 0, "dogs": 1}
    assert it.classes.tolist() == [0, 0, 0, 0, 1, 1, 1] and it.classes.dtype == np.int32
    assert it.labels is it.classes
    assert (it.samples, it.n, it.num_classes, it.image_shape) == (7, 7, 2, (4, 5, 3))
    x, y = next(it)
    assert x.shape == (7, 4, 5, 3) and x.dtype == np.float32
    np.testing.assert_allclose(x.mean(axis=(1, 2, 3)), GRAY_LEVELS, atol=2)  # JPEG: close
    np.testing.assert_array_equal(y, np.eye(2, dtype=np.float32)[[0, 0, 0, 0, 1, 1, 1]])
    assert y.dtype == np.float32


@pytest.mark.parametrize("class_mode, check", [
    ("binary", lambda x, y: y.tolist() == [0, 0, 0, 0, 1, 1, 1] and y.dtype == np.float32),
    ("sparse", lambda x, y: y.tolist() == [0, 0, 0, 0, 1, 1, 1] and y.dtype == np.float32),
    ("input", lambda x, y: np.array_equal(x, y) and x is not y),
])
def test_class_modes(class_folders, class_mode, check):
    x, y = next(_flow(class_folders, class_mode=class_mode, batch_size=7))
    assert check(x, y)


def test_class_mode_none_gives_images_only(class_folders):
    batch = next(_flow(class_folders, class_mode=None, batch_size=3))
    assert isinstance(batch, np.ndarray) and batch.shape == (3, 4, 5, 3)


@pytest.mark.parametrize("color_mode, channels", [("grayscale", 1), ("rgb", 3), ("rgba", 4)])
def test_color_modes(class_folders, color_mode, channels):
    it = _flow(class_folders, color_mode=color_mode, batch_size=2)
    x, _ = next(it)
    assert it.image_shape == (4, 5, channels) and x.shape == (2, 4, 5, channels)
    np.testing.assert_allclose(x[0, ..., :min(channels, 3)], 0)
    if channels == 4:
        np.testing.assert_array_equal(x[..., 3], 255)


def test_target_size_and_channels_first(class_folders):
    datagen = ImageDataGenerator(data_format="channels_first")
    it = datagen.flow_from_directory(str(class_folders), target_size=(3, 2), shuffle=False,
                                     batch_size=5, interpolation="bicubic")
    x, _ = next(it)
    assert it.image_shape == (3, 3, 2) and x.shape == (5, 3, 3, 2)
    np.testing.assert_allclose(x[4], 200)


def test_subsets_take_the_first_fraction_of_each_class(class_folders, capsys):
    datagen = ImageDataGenerator(validation_split=0.34)
    validation = datagen.flow_from_directory(str(class_folders), subset="validation",
                                             shuffle=False)
    training = datagen.flow_from_directory(str(class_folders), subset="training",
                                           shuffle=False)
    assert capsys.readouterr().out == ("Found 2 images belonging to 2 classes.\n"
                                       "Found 5 images belonging to 2 classes.\n")
    names = lambda it: [f.replace(os.sep, "/") for f in it.filenames]  # noqa: E731
    assert names(validation) == ["cats/cat0.png", "dogs/dog0.png"]
    assert names(training) == [f for f in FILENAMES if f not in names(validation)]
    assert training.classes.tolist() == [0, 0, 0, 1, 1]


def test_given_classes_and_extensions(class_folders):
    write_image(class_folders / "dogs" / "DOG9.PNG", np.zeros((2, 2, 3)))
    it = _flow(class_folders, classes=["dogs"])
    assert it.class_indices == {"dogs": 0} and it.samples == 4
    it = _flow(class_folders, classes=["dogs", "cats"])
    assert it.class_indices == {"dogs": 0, "cats": 1}
    assert it.filenames[:4] == [os.path.join("dogs", n) for n in
                                ("DOG9.PNG", "dog0.png", "dog1.png", os.path.join("deeper",
                                                                                  "dog2.jpg"))]


def test_follow_links(class_folders, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    write_image(elsewhere / "linked.png", np.zeros((2, 2, 3)))
    os.symlink(elsewhere, class_folders / "cats" / "link", target_is_directory=True)
    assert _flow(class_folders).samples == 7
    followed = _flow(class_folders, follow_links=True)
    assert os.path.join("cats", "link", "linked.png") in followed.filenames


def test_seeded_shuffle_is_keras_order(class_folders):
    it = _flow(class_folders, shuffle=True, seed=3, batch_size=7, class_mode="sparse")
    np.random.seed(3)
    order = np.random.permutation(7)
    assert next(it)[1].tolist() == [[0, 0, 0, 0, 1, 1, 1][i] for i in order]


def test_augmentation_and_rescale_apply(class_folders):
    datagen = ImageDataGenerator(rescale=1. / 255, horizontal_flip=True)
    x, _ = next(datagen.flow_from_directory(str(class_folders), target_size=(4, 5),
                                            shuffle=False, batch_size=7))
    np.testing.assert_allclose(x.mean(axis=(1, 2, 3)), np.array(GRAY_LEVELS) / 255, atol=0.01)


def test_save_to_dir(class_folders, tmp_path):
    out = tmp_path / "augmented"
    out.mkdir()
    next(_flow(class_folders, batch_size=3, save_to_dir=str(out), save_prefix="p"))
    assert len(list(out.glob("p_*.png"))) == 3


def test_errors(class_folders, tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a folder.*one subfolder per class"):
        _flow(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="Class 'dog' has no folder.*Did you mean 'dogs'"):
        _flow(class_folders, classes=["dog"])
    with pytest.raises(ValueError, match="Invalid class_mode: 'categorial'.*'categorical'"):
        _flow(class_folders, class_mode="categorial")
    with pytest.raises(ValueError, match="Invalid color_mode: 'greyscale'.*'grayscale'"):
        _flow(class_folders, color_mode="greyscale")
    with pytest.raises(ValueError, match="Invalid interpolation: 'bicubc'.*'bicubic'"):
        _flow(class_folders, interpolation="bicubc")
    with pytest.raises(ValueError, match="Invalid subset: 'train'.*'training'"):
        ImageDataGenerator(validation_split=0.2).flow_from_directory(str(class_folders),
                                                                      subset="train")


def test_empty_folder(tmp_path, capsys):
    it = _flow(tmp_path)
    assert capsys.readouterr().out == "Found 0 images belonging to 0 classes.\n"
    assert len(it) == 0
