"""load_img, img_to_array, array_to_img, save_img, list_pictures; the keras alias path."""
import warnings

import numpy as np
import pytest
from PIL import Image

from cornu.backend import set_image_data_format
from cornu.preprocessing.image import (array_to_img, img_to_array, list_pictures, load_img,
                                       save_img)
from tests.preprocessing.conftest import write_image


@pytest.fixture
def gradient_png(tmp_path):
    array = np.arange(4 * 6 * 3).reshape(4, 6, 3).astype(np.uint8)
    return write_image(tmp_path / "gradient.png", array), array


def test_keras_alias_serves_the_image_module():
    import cornu
    cornu.install_keras_alias()
    try:
        from keras.preprocessing import image
        from keras.preprocessing.image import ImageDataGenerator
        import cornu.preprocessing.image as cornu_image
        assert image is cornu_image and ImageDataGenerator is cornu_image.ImageDataGenerator
    finally:
        cornu.uninstall_keras_alias()


def test_load_img_reads_the_file_as_rgb(gradient_png):
    path, array = gradient_png
    img = load_img(path)
    assert isinstance(img, Image.Image) and img.mode == "RGB" and img.size == (6, 4)
    np.testing.assert_array_equal(img_to_array(img), array.astype(np.float32))


def test_load_img_color_modes(gradient_png):
    path, array = gradient_png
    gray = load_img(path, color_mode="grayscale")
    assert gray.mode == "L"
    expected = np.asarray(Image.fromarray(array).convert("L"), dtype=np.float32)[..., None]
    np.testing.assert_array_equal(img_to_array(gray), expected)
    rgba = img_to_array(load_img(path, color_mode="rgba"))
    assert rgba.shape == (4, 6, 4)
    np.testing.assert_array_equal(rgba[..., 3], 255)


def test_load_img_grayscale_flag_is_deprecated(gradient_png):
    with pytest.warns(DeprecationWarning, match="color_mode"):
        assert load_img(gradient_png[0], grayscale=True).mode == "L"


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear", "bicubic", "lanczos", "box",
                                           "hamming"])
def test_load_img_resizes_with_the_named_filter(gradient_png, interpolation):
    path, array = gradient_png
    filters = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC,
               "lanczos": Image.LANCZOS, "box": Image.BOX, "hamming": Image.HAMMING}
    img = load_img(path, target_size=(3, 5), interpolation=interpolation)
    assert img.size == (5, 3)  # PIL sizes are (width, height)
    expected = Image.fromarray(array).resize((5, 3), filters[interpolation])
    np.testing.assert_array_equal(np.asarray(img), np.asarray(expected))


def test_load_img_errors(gradient_png, tmp_path):
    with pytest.raises(ValueError, match="Invalid interpolation: 'bilinar'.*Did you mean "
                                         "'bilinear'"):
        load_img(gradient_png[0], target_size=(2, 2), interpolation="bilinar")
    with pytest.raises(ValueError, match="Invalid color_mode: 'RGB'.*Did you mean 'rgb'"):
        load_img(gradient_png[0], color_mode="RGB")
    with pytest.raises(FileNotFoundError, match="no image file at"):
        load_img(tmp_path / "missing.jpg")


def test_img_to_array_layouts_and_dtypes():
    img = Image.fromarray(np.arange(6, dtype=np.uint8).reshape(2, 3))
    last = img_to_array(img)
    assert last.shape == (2, 3, 1) and last.dtype == np.float32
    first = img_to_array(img, data_format="channels_first", dtype="float64")
    assert first.shape == (1, 2, 3) and first.dtype == np.float64
    rgb = Image.new("RGB", (3, 2))
    assert img_to_array(rgb, data_format="channels_first").shape == (3, 2, 3)
    with pytest.raises(ValueError, match="Invalid data_format: 'channel_last'.*Did you mean "
                                         "'channels_last'"):
        img_to_array(rgb, data_format="channel_last")


def test_img_to_array_follows_the_backend_data_format():
    set_image_data_format("channels_first")
    try:
        assert img_to_array(Image.new("RGB", (3, 2))).shape == (3, 2, 3)
    finally:
        set_image_data_format("channels_last")


def test_array_to_img_scales_to_255_as_keras():
    x = np.array([[[-1.], [0.], [1.]]])  # shifted up by 1, then divided by the max (2)
    img = array_to_img(x)
    assert img.mode == "L"
    assert np.asarray(img).tolist() == [[0, 127, 255]]
    positive = np.array([[[0.5], [1.0]]])  # no negative value: only divided by the max
    assert np.asarray(array_to_img(positive)).tolist() == [[127, 255]]
    assert np.asarray(array_to_img(positive * 100, scale=False)).tolist() == [[50, 100]]


def test_array_to_img_modes_and_layouts():
    assert array_to_img(np.zeros((2, 3, 3))).mode == "RGB"
    assert array_to_img(np.zeros((2, 3, 4))).mode == "RGBA"
    first = array_to_img(np.zeros((3, 2, 5)), data_format="channels_first")
    assert first.mode == "RGB" and first.size == (5, 2)
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(np.zeros((1, 2, 3, 3)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        array_to_img(np.zeros((2, 3, 2)))


def test_round_trip_through_save_img(tmp_path):
    x = np.random.RandomState(0).randint(0, 256, (5, 4, 3)).astype(np.float32)
    save_img(tmp_path / "out.png", x, scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(tmp_path / "out.png")), x)
    save_img(tmp_path / "first.png", x.transpose(2, 0, 1), data_format="channels_first",
             scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(tmp_path / "first.png")), x)


def test_save_img_drops_alpha_for_jpeg(tmp_path):
    with pytest.warns(UserWarning, match="RGBA"):
        save_img(tmp_path / "out.jpg", np.full((4, 4, 4), 255.), file_format="jpg")
    assert Image.open(tmp_path / "out.jpg").mode == "RGB"


def test_list_pictures_finds_images_in_subfolders(class_folders):
    found = list_pictures(class_folders)
    names = [p.split("train")[-1] for p in found]
    assert names == sorted(names) and len(found) == 7
    assert list_pictures(class_folders, ext="png") == sorted(
        str(p) for p in class_folders.rglob("*.png"))


def test_load_img_leaves_no_file_open(gradient_png):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        load_img(gradient_png[0]).load()
