import pytest

from cornu.applications import Xception
from cornu.utils.data_utils import URLFetchError
from tests.applications.model_checks import (assert_softmax_row, fresh, predict_one_image,
                                             weight_counts)


@pytest.fixture(scope="module")
def base_model():
    """The book's base: Xception(include_top=False, input_shape=(299, 299, 3), pooling='avg')."""
    return fresh(Xception, weights=None, include_top=False, input_shape=(299, 299, 3),
                 pooling="avg")


def test_full_model():
    model = fresh(Xception, weights=None)
    assert model.name == "xception"
    assert weight_counts(model) == (22910480, 22855952, 54528)
    # Keras 2.2.4 (keras-applications 1.0.6): the size is free, as the books' summaries show
    assert model.input_shape == (None, None, None, 3)
    assert model.output_shape == (None, 1000)
    assert [layer.name for layer in model.layers[-3:]] == ["block14_sepconv2_act", "avg_pool",
                                                          "predictions"]
    assert_softmax_row(predict_one_image(model, (96, 96, 3)))


def test_base_model_of_the_book(base_model):
    assert weight_counts(base_model) == (20861480, 20806952, 54528)
    assert base_model.output_shape == (None, 2048)
    names = [layer.name for layer in base_model.layers]
    assert len(names) == 133
    assert names.index("block14_sepconv1") == 126
    assert names[:4] == ["input_1", "block1_conv1", "block1_conv1_bn", "block1_conv1_act"]
    assert names[-1] == "global_average_pooling2d_1"


def test_residual_layers_keep_keras_automatic_names(base_model):
    names = [layer.name for layer in base_model.layers]
    assert [n for n in names if n.startswith("conv2d_")] == [f"conv2d_{i}" for i in range(1, 5)]
    assert [n for n in names if n.startswith("add_")] == [f"add_{i}" for i in range(1, 13)]
    assert names[12:16] == ["conv2d_1", "block2_pool", "batch_normalization_1", "add_1"]
    assert base_model.get_layer("block13_sepconv2").output_shape == (None, 19, 19, 1024)


def test_batch_normalization_arguments(base_model):
    bn = base_model.get_layer("block4_sepconv1_bn")
    assert (bn.epsilon, bn.momentum) == (1e-3, 0.99)


@pytest.mark.parametrize("pooling, output_shape", [(None, (None, 3, 3, 2048)),
                                                   ("max", (None, 2048))])
def test_without_top_at_the_minimum_size(pooling, output_shape):
    model = Xception(weights=None, include_top=False, input_shape=(71, 71, 3), pooling=pooling)
    assert model.output_shape == output_shape


def test_argument_errors(offline):
    with pytest.raises(ValueError, match="at least 71x71"):
        Xception(weights=None, include_top=False, input_shape=(70, 80, 3))
    with pytest.raises(ValueError, match="The input must have 3 channels"):
        Xception(include_top=False, input_shape=(299, 299, 1))
    with pytest.raises(URLFetchError, match=r"Xception\(weights='imagenet'\) needs"):
        Xception()
