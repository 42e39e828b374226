import numpy as np
import pytest

from cornu.applications import VGG16
from cornu.layers import Input, ZeroPadding2D
from tests.applications.model_checks import (assert_softmax_row, fresh, predict_one_image,
                                             weight_counts)

BLOCK_LAYERS = ["block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2",
                "block2_pool", "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool",
                "block4_conv1", "block4_conv2", "block4_conv3", "block4_pool", "block5_conv1",
                "block5_conv2", "block5_conv3", "block5_pool"]


@pytest.fixture(scope="module")
def vgg16():
    return fresh(VGG16, weights=None)


def test_full_model(vgg16):
    assert vgg16.name == "vgg16"
    assert weight_counts(vgg16) == (138357544, 138357544, 0)
    assert vgg16.input_shape == (None, 224, 224, 3)
    assert vgg16.output_shape == (None, 1000)
    assert [layer.name for layer in vgg16.layers] == \
        ["input_1"] + BLOCK_LAYERS + ["flatten", "fc1", "fc2", "predictions"]
    assert vgg16.get_layer("fc1").count_params() == 7 * 7 * 512 * 4096 + 4096
    assert vgg16.get_layer("predictions").activation.__name__ == "softmax"


def test_predict_gives_a_softmax_row(vgg16):
    assert_softmax_row(predict_one_image(vgg16, (224, 224, 3)))


def test_conv_base_of_the_book():
    conv_base = VGG16(weights=None, include_top=False, input_shape=(150, 150, 3))
    assert weight_counts(conv_base) == (14714688, 14714688, 0)
    assert conv_base.output_shape == (None, 4, 4, 512)
    assert [layer.name for layer in conv_base.layers][1:] == BLOCK_LAYERS
    assert conv_base.predict(np.zeros((2, 150, 150, 3), np.float32)).shape == (2, 4, 4, 512)


@pytest.mark.parametrize("pooling", ["avg", "max"])
def test_pooling(pooling):
    model = fresh(VGG16, weights=None, include_top=False, pooling=pooling)
    assert model.input_shape == (None, None, None, 3)
    assert model.output_shape == (None, 512)
    assert model.layers[-1].name == f"global_{'average' if pooling == 'avg' else 'max'}" \
                                    f"_pooling2d_1"
    image = np.random.RandomState(1).normal(size=(1, 32, 48, 3)).astype(np.float32)
    assert model.predict(image).shape == (1, 512)


def test_other_classes_and_input_tensor():
    inputs = Input(shape=(64, 64, 3))
    model = VGG16(weights=None, include_top=False, input_tensor=inputs)
    assert model.inputs == [inputs]
    assert model.output_shape == (None, 2, 2, 512)
    small = VGG16(weights=None, classes=10, include_top=True, input_shape=(32, 32, 3))
    assert small.output_shape == (None, 10)
    assert small.get_layer("fc1").count_params() == 512 * 4096 + 4096


def test_input_tensor_from_a_layer_keeps_its_predecessors():
    inputs = Input(shape=(40, 40, 3))
    padded = ZeroPadding2D(2)(inputs)
    model = VGG16(weights=None, include_top=False, input_tensor=padded)
    assert model.inputs == [inputs]
    assert model.layers[1].name.startswith("zero_padding2d")
    assert model.output_shape == (None, 1, 1, 512)


def test_argument_errors():
    with pytest.raises(ValueError, match=r"`input_shape` should be \(224, 224, 3\)"):
        VGG16(weights="imagenet", input_shape=(150, 150, 3))
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        VGG16(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="at least 32x32"):
        VGG16(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="static `input_shape`"):
        VGG16(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="The `weights` argument should be either"):
        VGG16(weights="no/such/file.h5")
    with pytest.raises(TypeError, match="`input_tensor` should be a Keras tensor"):
        VGG16(weights=None, include_top=False, input_tensor=np.zeros((1, 32, 32, 3)))
