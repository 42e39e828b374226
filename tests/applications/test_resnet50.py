import pytest

from cornu.applications import ResNet50
from cornu.utils.data_utils import URLFetchError
from tests.applications.model_checks import (assert_softmax_row, fresh, predict_one_image,
                                             weight_counts)


@pytest.fixture(scope="module")
def resnet50():
    return fresh(ResNet50, weights=None)


def test_full_model(resnet50):
    assert resnet50.name == "resnet50"
    assert weight_counts(resnet50) == (25636712, 25583592, 53120)
    assert resnet50.input_shape == (None, 224, 224, 3)
    assert resnet50.output_shape == (None, 1000)
    assert len(resnet50.layers) == 177


def test_tf_keras_layer_names(resnet50):
    names = [layer.name for layer in resnet50.layers]
    assert names[:7] == ["input_1", "conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu",
                         "pool1_pad", "pool1_pool"]
    for name in ("conv2_block1_0_conv", "conv2_block1_0_bn", "conv2_block1_1_conv",
                 "conv2_block3_out", "conv3_block4_add", "conv4_block6_3_bn",
                 "conv5_block1_0_conv"):
        assert name in names
    assert names[-3:] == ["conv5_block3_out", "avg_pool", "predictions"]
    assert resnet50.get_layer("conv5_block3_out").output_shape == (None, 7, 7, 2048)
    assert resnet50.get_layer("conv3_block1_1_conv").strides == (2, 2)


def test_batch_normalization_arguments(resnet50):
    bn = resnet50.get_layer("conv2_block1_1_bn")
    assert (bn.axis, bn.epsilon, bn.momentum) == (3, 1.001e-5, 0.99)


def test_predict_gives_a_softmax_row(resnet50):
    assert_softmax_row(predict_one_image(resnet50, (224, 224, 3)))


@pytest.mark.parametrize("pooling, last, output_shape", [
    (None, "conv5_block3_out", (None, 2, 2, 2048)), ("avg", "avg_pool", (None, 2048)),
    ("max", "max_pool", (None, 2048))])
def test_without_top(pooling, last, output_shape):
    model = ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3), pooling=pooling)
    assert weight_counts(model) == (23587712, 23534592, 53120)
    assert model.layers[-1].name == last
    assert model.output_shape == output_shape


def test_argument_errors(offline):
    with pytest.raises(ValueError, match=r"`input_shape` should be \(224, 224, 3\)"):
        ResNet50(weights="imagenet", input_shape=(197, 197, 3))
    with pytest.raises(ValueError, match="at least 32x32"):
        ResNet50(weights=None, include_top=False, input_shape=(31, 31, 3))
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        ResNet50(classes=2)
    with pytest.raises(URLFetchError, match=r"ResNet50\(weights='imagenet'\) needs Keras's weight "
                                            r"file resnet50_weights_tf_dim_ordering_tf_kernels_"
                                            r"notop.h5.*put it at .*models"):
        ResNet50(include_top=False)
