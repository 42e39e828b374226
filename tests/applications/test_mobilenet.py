import pytest

from cornu.applications import MobileNet
from cornu.utils.data_utils import URLFetchError
from tests.applications.model_checks import (assert_softmax_row, fresh, predict_one_image,
                                             weight_counts)


@pytest.fixture(scope="module")
def mobilenet():
    return fresh(MobileNet, weights=None)


def test_full_model(mobilenet):
    assert mobilenet.name == "mobilenet_1.00_224"
    assert weight_counts(mobilenet) == (4253864, 4231976, 21888)
    assert mobilenet.input_shape == (None, 224, 224, 3)
    assert mobilenet.output_shape == (None, 1000)
    assert len(mobilenet.layers) == 93


def test_layer_names(mobilenet):
    names = [layer.name for layer in mobilenet.layers]
    assert names[:9] == ["input_1", "conv1_pad", "conv1", "conv1_bn", "conv1_relu", "conv_dw_1",
                         "conv_dw_1_bn", "conv_dw_1_relu", "conv_pw_1"]
    assert "conv_pad_2" in names and "conv_pad_3" not in names
    assert names[-6:] == ["global_average_pooling2d_1", "reshape_1", "dropout", "conv_preds",
                          "reshape_2", "act_softmax"]
    assert mobilenet.get_layer("conv_pw_13_relu").output_shape == (None, 7, 7, 1024)
    assert mobilenet.get_layer("conv1_relu").max_value == 6.0
    assert mobilenet.get_layer("dropout").rate == 1e-3


def test_predict_gives_a_softmax_row(mobilenet):
    assert_softmax_row(predict_one_image(mobilenet, (224, 224, 3)))


def test_alpha_depth_multiplier_and_size():
    model = MobileNet(weights=None, input_shape=(128, 128, 3), alpha=0.5, depth_multiplier=2,
                      dropout=0.2, classes=10)
    assert model.name == "mobilenet_0.50_128"
    assert model.output_shape == (None, 10)
    assert model.get_layer("conv_dw_1").depth_multiplier == 2
    assert model.get_layer("conv_pw_13").filters == 512
    assert_softmax_row(predict_one_image(model, (128, 128, 3)), classes=10)


@pytest.mark.parametrize("pooling, output_shape", [(None, (None, 1, 1, 256)),
                                                   ("avg", (None, 256)), ("max", (None, 256))])
def test_without_top(pooling, output_shape):
    model = MobileNet(weights=None, alpha=0.25, include_top=False, input_shape=(32, 32, 3),
                      pooling=pooling)
    assert model.name == "mobilenet_0.25_32"
    assert model.output_shape == output_shape


def test_argument_errors(offline):
    with pytest.raises(ValueError, match=r"`input_shape` should be \(224, 224, 3\)"):
        MobileNet(input_shape=(100, 100, 3))
    with pytest.raises(ValueError, match="depth multiplier must be 1"):
        MobileNet(depth_multiplier=2)
    with pytest.raises(ValueError, match="alpha can be one of"):
        MobileNet(alpha=0.3)
    with pytest.raises(ValueError, match="static `input_shape`"):
        MobileNet(weights=None, input_shape=(None, None, 3))
    with pytest.raises(URLFetchError, match=r"mobilenet_1_0_160_tf.h5"):
        MobileNet(input_shape=(160, 160, 3))
