import hashlib
import json

import numpy as np
import pytest
import torch

from cornu.applications import imagenet_utils, inception_v3, mobilenet, resnet50, vgg16, vgg19
from cornu.applications import xception
from cornu.applications.imagenet_utils import (check_arguments, decode_predictions,
                                               obtain_input_shape, preprocess_input)
from cornu.layers import Input
from cornu.models import Model

BGR_MEAN = np.array([103.939, 116.779, 123.68], dtype=np.float32)
RGB_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
RGB_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def images(shape=(2, 4, 5, 3), seed=0):
    return np.random.RandomState(seed).uniform(0, 255, size=shape).astype(np.float32)


# ----------------------------------------------------------------------------- preprocess_input

def test_caffe_mode_is_bgr_minus_the_imagenet_means():
    x = images()
    expected = x[..., ::-1] - BGR_MEAN
    np.testing.assert_array_equal(preprocess_input(x.copy()), expected)
    np.testing.assert_array_equal(preprocess_input(x.copy(), mode="caffe"), expected)


def test_tf_mode_scales_to_minus_one_one():
    x = images()
    expected = x / np.float32(127.5) - np.float32(1)
    np.testing.assert_array_equal(preprocess_input(x.copy(), mode="tf"), expected)
    assert preprocess_input(np.array([0.0, 127.5, 255.0]), mode="tf").tolist() == [-1, 0, 1]


def test_torch_mode_normalises_with_the_rgb_statistics():
    x = images()
    expected = (x / np.float32(255) - RGB_MEAN) / RGB_STD
    np.testing.assert_allclose(preprocess_input(x.copy(), mode="torch"), expected, rtol=1e-6)


def test_channels_first_batch_and_single_image():
    x = images((2, 3, 4, 5))
    expected = x[:, ::-1] - BGR_MEAN.reshape(1, 3, 1, 1)
    np.testing.assert_array_equal(preprocess_input(x.copy(), data_format="channels_first"),
                                  expected)
    image = x[0].copy()
    np.testing.assert_array_equal(preprocess_input(image, data_format="channels_first"),
                                  expected[0])
    torch_expected = (x / np.float32(255) - RGB_MEAN.reshape(1, 3, 1, 1)) / \
        RGB_STD.reshape(1, 3, 1, 1)
    np.testing.assert_allclose(preprocess_input(x.copy(), "channels_first", mode="torch"),
                               torch_expected, rtol=1e-6)


def test_float_arrays_are_changed_in_place_as_in_keras():
    x = images()
    original = x.copy()
    out = preprocess_input(x, mode="tf")
    assert out is x
    np.testing.assert_array_equal(x, original / np.float32(127.5) - 1)

    x = original.copy()
    out = preprocess_input(x)  # caffe: the BGR view of the caller's array is returned
    assert np.shares_memory(out, x)
    np.testing.assert_array_equal(x, original - BGR_MEAN[::-1])
    np.testing.assert_array_equal(out, original[..., ::-1] - BGR_MEAN)


def test_integer_arrays_become_floatx_and_stay_unchanged():
    x = np.arange(2 * 2 * 2 * 3, dtype=np.uint8).reshape(2, 2, 2, 3)
    original = x.copy()
    out = preprocess_input(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, original[..., ::-1].astype(np.float32) - BGR_MEAN)
    np.testing.assert_array_equal(x, original)
    assert preprocess_input(np.array([0, 255]), mode="tf").tolist() == [-1.0, 1.0]


def test_copy_as_the_books_do_keeps_the_original():
    x = images()
    original = x.copy()
    xception.preprocess_input(np.copy(x))
    np.testing.assert_array_equal(x, original)


def test_model_modules_use_their_modes():
    x = images()
    for module in (vgg16, vgg19, resnet50):
        np.testing.assert_array_equal(module.preprocess_input(x.copy()),
                                      x[..., ::-1] - BGR_MEAN)
    for module in (xception, inception_v3, mobilenet):
        np.testing.assert_array_equal(module.preprocess_input(x.copy()), x / np.float32(127.5) - 1)
    np.testing.assert_array_equal(vgg16.preprocess_input(x.copy(), mode="tf"),
                                  x / np.float32(127.5) - 1)


def test_torch_tensors_and_keras_tensors():
    x = images()
    for mode in ("caffe", "tf", "torch"):
        expected = preprocess_input(x.copy(), mode=mode)
        out = preprocess_input(torch.from_numpy(x.copy()), mode=mode)
        assert isinstance(out, torch.Tensor)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-5)
        inputs = Input(shape=(4, 5, 3))
        model = Model(inputs, preprocess_input(inputs, mode=mode))
        np.testing.assert_allclose(model.predict(x), expected, rtol=1e-6, atol=1e-5)


def test_preprocess_errors_are_clear():
    with pytest.raises(ValueError, match="mode to be one of `caffe`, `tf` or `torch`"):
        preprocess_input(images(), mode="keras")
    with pytest.raises(ValueError, match="data_format to be one of"):
        preprocess_input(images(), data_format="channels_middle")
    with pytest.raises(ValueError, match="expects 3 colour channels on axis 3"):
        preprocess_input(images((1, 4, 4, 1)))
    with pytest.raises(ValueError, match="expects 3 colour channels on axis 1"):
        preprocess_input(images(), data_format="channels_first", mode="torch")


# ----------------------------------------------------------------------------- decode_predictions

CLASSES = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}


@pytest.fixture
def class_index(tmp_path, home, monkeypatch):
    """A made-up class index served from a file:// origin, with its md5 as the pinned hash."""
    source = tmp_path / "origin" / "imagenet_class_index.json"
    source.parent.mkdir()
    source.write_text(json.dumps(CLASSES))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", source.as_uri())
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_MD5",
                        hashlib.md5(source.read_bytes()).hexdigest())
    return source


def test_decode_predictions_top_classes(class_index, home):
    preds = np.zeros((2, 1000), dtype=np.float32)
    preds[0, [7, 3, 999]] = [0.5, 0.3, 0.2]
    preds[1, 42] = 1.0
    decoded = decode_predictions(preds, top=3)
    assert decoded[0] == [("n00000007", "class_7", np.float32(0.5)),
                          ("n00000003", "class_3", np.float32(0.3)),
                          ("n00000999", "class_999", np.float32(0.2))]
    assert decoded[1][0] == ("n00000042", "class_42", 1.0)
    assert len(decoded[1]) == 3
    assert all(len(row) == 5 for row in decode_predictions(preds))
    assert (home / "models" / "imagenet_class_index.json").read_text() == class_index.read_text()


def test_decode_predictions_reads_the_cache_without_downloading(class_index, home):
    decode_predictions(np.eye(1, 1000))  # fills the cache
    class_index.unlink()  # the origin is gone: the cached copy must be enough
    assert decode_predictions(np.eye(1, 1000), top=1) == [[("n00000000", "class_0", 1.0)]]


def test_decode_predictions_replaces_a_corrupted_cache(class_index, home):
    cached = home / "models" / "imagenet_class_index.json"
    cached.parent.mkdir(parents=True)
    cached.write_text("{}")
    assert decode_predictions(np.eye(1, 1000, 5), top=1)[0][0][1] == "class_5"
    assert cached.read_text() == class_index.read_text()


def test_decode_predictions_uses_keras_url_and_hash():
    assert imagenet_utils.CLASS_INDEX_PATH == (
        "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json")
    assert imagenet_utils.CLASS_INDEX_MD5 == "c2c37ea517e94d9795004a39431a14cb"


@pytest.mark.parametrize("shape", [(1000,), (2, 10), (1, 1000, 1)])
def test_decode_predictions_rejects_other_shapes(shape):
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\)\)\. Found array with shape: "
                                         + str(shape).replace("(", r"\(").replace(")", r"\)")):
        decode_predictions(np.zeros(shape))


# ----------------------------------------------------------------------------- input-shape rules

def test_default_shapes():
    assert obtain_input_shape(None, 224, 32, "channels_last", True) == (224, 224, 3)
    assert obtain_input_shape(None, 224, 32, "channels_first", True) == (3, 224, 224)
    assert obtain_input_shape(None, 224, 32, "channels_last", False) == (None, None, 3)
    assert obtain_input_shape(None, 299, 71, "channels_first", False) == (3, None, None)
    assert obtain_input_shape(None, 224, 32, "channels_last", True, "imagenet") == (224, 224, 3)


def test_given_shapes_are_kept():
    assert obtain_input_shape((150, 150, 3), 224, 32, "channels_last", False,
                              "imagenet") == (150, 150, 3)
    assert obtain_input_shape((1, 64, 64), 224, 32, "channels_first", True) == (1, 64, 64)
    assert obtain_input_shape((None, None, 3), 224, 32, "channels_last", False) == \
        (None, None, 3)


def test_input_shape_errors_have_keras_messages():
    with pytest.raises(ValueError, match=r"When setting `include_top=True` and loading "
                                         r"`imagenet` weights, `input_shape` should be "
                                         r"\(224, 224, 3\)\."):
        obtain_input_shape((150, 150, 3), 224, 32, "channels_last", True, "imagenet")
    with pytest.raises(ValueError, match=r"Input size must be at least 32x32; got "
                                         r"`input_shape=\(31, 64, 3\)`"):
        obtain_input_shape((31, 64, 3), 224, 32, "channels_last", False)
    with pytest.raises(ValueError, match="at least 71x71"):
        obtain_input_shape((3, 100, 70), 299, 71, "channels_first", False)
    with pytest.raises(ValueError, match=r"The input must have 3 channels; got "
                                         r"`input_shape=\(64, 64, 1\)`"):
        obtain_input_shape((64, 64, 1), 224, 32, "channels_last", False, "imagenet")
    with pytest.raises(ValueError, match="must be a tuple of three integers"):
        obtain_input_shape((64, 64), 224, 32, "channels_last", False)
    with pytest.raises(ValueError, match=r"If `include_top` is True, you should specify a "
                                         r"static `input_shape`. Got `input_shape=\(None, "
                                         r"None, 3\)`"):
        obtain_input_shape((None, None, 3), 224, 32, "channels_last", True)


def test_unusual_channel_counts_warn():
    with pytest.warns(UserWarning, match="usually expects 1 or 3 input channels. However, it "
                                         "was passed an input_shape with 4 input channels"):
        assert obtain_input_shape((64, 64, 4), 224, 32, "channels_last", False) == (64, 64, 4)


def test_keras_private_name_is_kept():
    assert imagenet_utils._obtain_input_shape is obtain_input_shape


# ----------------------------------------------------------------------------- weights argument

def test_weights_classes_and_pooling_arguments(tmp_path):
    weight_file = tmp_path / "w.h5"
    weight_file.write_bytes(b"")
    for weights in (None, "imagenet", str(weight_file), weight_file):
        check_arguments(weights, include_top=True, classes=1000, pooling=None)
    with pytest.raises(ValueError, match="The `weights` argument should be either `None` "
                                         r"\(random initialization\), `imagenet`"):
        check_arguments(str(tmp_path / "missing.h5"), True, 1000, None)
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        check_arguments("imagenet", True, 10, None)
    check_arguments("imagenet", False, 10, "max")
    check_arguments(None, True, 10, "avg")
    with pytest.raises(ValueError, match="`pooling` should be None"):
        check_arguments(None, False, 1000, "average")
