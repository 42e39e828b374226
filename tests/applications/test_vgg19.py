import pytest

from cornu.applications import VGG19
from cornu.utils.data_utils import URLFetchError
from tests.applications.model_checks import (assert_softmax_row, fresh, predict_one_image,
                                             weight_counts)


@pytest.fixture(scope="module")
def vgg19():
    return fresh(VGG19, weights=None)


def test_full_model(vgg19):
    assert vgg19.name == "vgg19"
    assert weight_counts(vgg19) == (143667240, 143667240, 0)
    assert vgg19.output_shape == (None, 1000)
    names = [layer.name for layer in vgg19.layers]
    assert len(names) == 26
    assert names[7:13] == ["block3_conv1", "block3_conv2", "block3_conv3", "block3_conv4",
                           "block3_pool", "block4_conv1"]
    assert names[-5:] == ["block5_pool", "flatten", "fc1", "fc2", "predictions"]


def test_predict_gives_a_softmax_row(vgg19):
    assert_softmax_row(predict_one_image(vgg19, (224, 224, 3)))


@pytest.mark.parametrize("pooling, output_shape", [(None, (None, 4, 4, 512)),
                                                   ("avg", (None, 512)), ("max", (None, 512))])
def test_without_top(pooling, output_shape):
    model = VGG19(weights=None, include_top=False, input_shape=(150, 150, 3), pooling=pooling)
    assert weight_counts(model) == (20024384, 20024384, 0)
    assert model.output_shape == output_shape


def test_argument_errors(offline):
    with pytest.raises(ValueError, match=r"`input_shape` should be \(224, 224, 3\)"):
        VGG19(weights="imagenet", input_shape=(200, 200, 3))
    with pytest.raises(URLFetchError, match=r"vgg19_weights_tf_dim_ordering_tf_kernels.h5"):
        VGG19()
