"""``weights='imagenet'`` and ``weights=<path>`` for every application, without the network:
the weight files are written by cornu itself (the model built with ``weights=None``, then
``save_weights``), served from ``file://`` origins or placed in ``$KERAS_HOME/models`` under
Keras's names, with the expected md5 patched to theirs."""
import hashlib

import numpy as np
import pytest

from cornu.applications import (VGG16, VGG19, InceptionV3, MobileNet, ResNet50, Xception,
                                pretrained)
from cornu.applications.pretrained import imagenet_weight_file, mobilenet_weight_file
from cornu.utils.data_utils import URLFetchError
from cornu.utils.random import set_random_seed

# (function, keyword arguments for a small model, its weight file for include_top=False)
SMALL = {
    "vgg16": (VGG16, dict(include_top=False, input_shape=(32, 32, 3))),
    "vgg19": (VGG19, dict(include_top=False, input_shape=(32, 32, 3))),
    "resnet50": (ResNet50, dict(include_top=False, input_shape=(32, 32, 3))),
    "xception": (Xception, dict(include_top=False, input_shape=(71, 71, 3))),
    "inception_v3": (InceptionV3, dict(include_top=False, input_shape=(75, 75, 3))),
}


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def written_weights(function, kwargs, path):
    """Builds the model with random weights (seeded apart from the test's model), saves them."""
    set_random_seed(2024)
    model = function(weights=None, **kwargs)
    model.save_weights(str(path))
    return model.get_weights()


def with_expected(monkeypatch, key, weight_file):
    """Makes ``weight_file`` the ImageNet file that ``key`` (include_top=False) downloads."""
    files = dict(pretrained.IMAGENET_FILES)
    files[key] = {**files[key], False: weight_file}
    monkeypatch.setattr(pretrained, "IMAGENET_FILES", files)


def assert_same(weights, expected):
    assert len(weights) == len(expected)
    for got, want in zip(weights, expected):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("key", sorted(SMALL))
def test_imagenet_weights_are_downloaded_once_and_loaded(key, home, tmp_path, monkeypatch,
                                                          capsys):
    function, kwargs = SMALL[key]
    keras_file = imagenet_weight_file(key, include_top=False)
    source = tmp_path / "origin" / keras_file.name
    source.parent.mkdir()
    expected = written_weights(function, kwargs, source)
    with_expected(monkeypatch, key, keras_file._replace(origin=source.as_uri(),
                                                        file_hash=md5(source)))
    set_random_seed(1)
    model = function(weights="imagenet", **kwargs)
    assert_same(model.get_weights(), expected)
    assert (home / "models" / keras_file.name).read_bytes() == source.read_bytes()
    assert f"Downloading data from {source.as_uri()}" in capsys.readouterr().out

    source.unlink()  # the cached copy is used from now on
    assert_same(function(weights="imagenet", **kwargs).get_weights(), expected)
    assert "Downloading" not in capsys.readouterr().out


def test_a_file_placed_in_the_cache_by_hand_is_used(offline, tmp_path, monkeypatch, capsys):
    keras_file = imagenet_weight_file("vgg16", include_top=False)
    placed = offline / "models" / keras_file.name
    placed.parent.mkdir(parents=True)
    expected = written_weights(VGG16, SMALL["vgg16"][1], placed)
    with_expected(monkeypatch, "vgg16", keras_file._replace(file_hash=md5(placed)))
    model = VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert_same(model.get_weights(), expected)
    assert "Downloading" not in capsys.readouterr().out


def test_mobilenet_files_follow_alpha_and_size(home, tmp_path, monkeypatch):
    keras_file = mobilenet_weight_file(0.25, 128, include_top=True)
    assert keras_file.name == "mobilenet_2_5_128_tf.h5"
    assert keras_file.origin == ("https://github.com/fchollet/deep-learning-models/releases/"
                                 "download/v0.6/mobilenet_2_5_128_tf.h5")
    placed = home / "models" / keras_file.name
    placed.parent.mkdir(parents=True)
    expected = written_weights(MobileNet, dict(alpha=0.25, input_shape=(128, 128, 3)), placed)
    model = MobileNet(weights="imagenet", alpha=0.25, input_shape=(128, 128, 3))
    assert_same(model.get_weights(), expected)


def test_weights_from_a_path(tmp_path):
    path = tmp_path / "mine.h5"
    expected = written_weights(ResNet50, SMALL["resnet50"][1], path)
    assert_same(ResNet50(weights=str(path), **SMALL["resnet50"][1]).get_weights(), expected)


def test_a_file_of_another_model_is_refused(tmp_path):
    path = tmp_path / "vgg19.h5"
    written_weights(VGG19, SMALL["vgg19"][1], path)
    with pytest.raises(ValueError, match="vgg19.h5"):
        VGG16(weights=str(path), **SMALL["vgg16"][1])


def test_failed_download_says_where_to_put_the_file(offline):
    keras_file = imagenet_weight_file("vgg16", include_top=False)
    with pytest.raises(URLFetchError) as error:
        VGG16(weights="imagenet", include_top=False)
    message = str(error.value)
    assert f"URL fetch failure on {keras_file.origin}: no network in the tests" in message
    assert (f"VGG16(weights='imagenet') needs Keras's weight file {keras_file.name}. Download "
            f"it from {keras_file.origin} by other means and put it at "
            f"{offline / 'models' / keras_file.name}") in message
    assert not (offline / "models" / keras_file.name).exists()


def test_a_corrupted_download_is_refused(home, tmp_path, monkeypatch):
    source = tmp_path / "bad.h5"
    source.write_bytes(b"not the weights")
    keras_file = imagenet_weight_file("vgg16", include_top=False)
    with_expected(monkeypatch, "vgg16", keras_file._replace(origin=source.as_uri()))
    with pytest.raises(ValueError, match="(?s)Incomplete or corrupted file detected.*put it at"):
        VGG16(weights="imagenet", include_top=False)
    assert not (home / "models" / keras_file.name).exists()


def test_keras_file_names_and_hashes():
    """The names, URLs and md5 hashes of keras-applications 1.0.8 (Keras 2.2.4)."""
    vgg16 = imagenet_weight_file("vgg16", include_top=True)
    assert vgg16 == ("vgg16_weights_tf_dim_ordering_tf_kernels.h5",
                     "https://github.com/fchollet/deep-learning-models/releases/download/v0.1/"
                     "vgg16_weights_tf_dim_ordering_tf_kernels.h5",
                     "64373286793e3c8b2b4e3219cbf3544b")
    assert imagenet_weight_file("resnet50", include_top=False).origin == (
        "https://github.com/keras-team/keras-applications/releases/download/resnet/"
        "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5")
    assert imagenet_weight_file("inception_v3", False).file_hash == \
        "bcbd6486424b2319ff4ef7d526e38f63"
    assert imagenet_weight_file("xception", True).origin.endswith(
        "v0.4/xception_weights_tf_dim_ordering_tf_kernels.h5")
    assert mobilenet_weight_file(1.0, 224, False).name == "mobilenet_1_0_224_tf_no_top.h5"
