"""Under ``K.set_image_data_format('channels_first')`` the models take (3, rows, cols) images and
compute the same function: the same weights give the same predictions as channels_last."""
import numpy as np
import pytest

from cornu import backend as K
from cornu.applications import InceptionV3, MobileNet, ResNet50, VGG16, Xception


@pytest.fixture
def channels_first():
    K.set_image_data_format("channels_first")
    yield
    K.set_image_data_format("channels_last")


@pytest.mark.parametrize("build, kwargs, output_shape", [
    (ResNet50, dict(include_top=False, input_shape=(3, 64, 64)), (None, 2048, 2, 2)),
    (Xception, dict(include_top=False, input_shape=(3, 71, 71), pooling="max"), (None, 2048)),
    (InceptionV3, dict(input_shape=(3, 75, 75)), (None, 1000)),
])
def test_models_build_channels_first(channels_first, build, kwargs, output_shape):
    model = build(weights=None, **kwargs)
    assert model.input_shape == (None,) + kwargs["input_shape"]
    assert model.output_shape == output_shape


@pytest.mark.parametrize("build, kwargs", [
    (VGG16, dict(input_shape=(32, 32, 3), classes=7)),
    (MobileNet, dict(input_shape=(128, 128, 3), alpha=0.25, classes=5)),
])
def test_same_weights_same_predictions(build, kwargs):
    last = build(weights=None, **kwargs)
    image = np.random.RandomState(0).uniform(-1, 1, size=(2,) + kwargs["input_shape"])
    image = image.astype(np.float32)
    expected = last.predict(image)
    K.set_image_data_format("channels_first")
    try:
        rows, cols, channels = kwargs["input_shape"]
        first = build(weights=None, **dict(kwargs, input_shape=(channels, rows, cols)))
    finally:
        K.set_image_data_format("channels_last")
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(first.predict(image.transpose(0, 3, 1, 2)), expected, rtol=1e-4,
                               atol=1e-6)
