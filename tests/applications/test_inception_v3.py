import pytest

from cornu.applications import InceptionV3
from cornu.utils.data_utils import URLFetchError
from tests.applications.model_checks import (assert_softmax_row, fresh, predict_one_image,
                                             weight_counts)


@pytest.fixture(scope="module")
def inception():
    return fresh(InceptionV3, weights=None)


def test_full_model(inception):
    assert inception.name == "inception_v3"
    assert weight_counts(inception) == (23851784, 23817352, 34432)
    assert inception.input_shape == (None, None, None, 3)
    assert inception.output_shape == (None, 1000)
    assert len(inception.layers) == 313


def test_layer_names(inception):
    names = [layer.name for layer in inception.layers]
    assert names[:5] == ["input_1", "conv2d_1", "batch_normalization_1", "activation_1",
                         "conv2d_2"]
    assert [n for n in names if n.startswith("mixed")] == \
        [f"mixed{i}" for i in range(9)] + ["mixed9_0", "mixed9", "mixed9_1", "mixed10"]
    assert names[-2:] == ["avg_pool", "predictions"]
    assert names.count("conv2d_94") == 1 and "conv2d_95" not in names
    bn = inception.get_layer("batch_normalization_1")
    assert bn.scale is False and bn.center is True


def test_feature_map_shapes_at_299():
    sized = InceptionV3(weights=None, include_top=False, input_shape=(299, 299, 3))
    for name, shape in (("mixed0", (35, 35, 256)), ("mixed2", (35, 35, 288)),
                        ("mixed3", (17, 17, 768)), ("mixed7", (17, 17, 768)),
                        ("mixed8", (8, 8, 1280)), ("mixed10", (8, 8, 2048))):
        assert sized.get_layer(name).output_shape == (None,) + shape
    assert weight_counts(sized) == (21802784, 21768352, 34432)


def test_predict_gives_a_softmax_row(inception):
    assert_softmax_row(predict_one_image(inception, (107, 107, 3)))


@pytest.mark.parametrize("pooling, output_shape", [(None, (None, 1, 1, 2048)),
                                                   ("avg", (None, 2048)), ("max", (None, 2048))])
def test_without_top_at_the_minimum_size(pooling, output_shape):
    model = InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3),
                        pooling=pooling)
    assert model.output_shape == output_shape


def test_argument_errors(offline):
    with pytest.raises(ValueError, match="at least 75x75"):
        InceptionV3(weights=None, include_top=False, input_shape=(74, 74, 3))
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        InceptionV3(classes=5)
    with pytest.raises(URLFetchError, match=r"InceptionV3\(weights='imagenet'\) needs"):
        InceptionV3(include_top=False)
