"""Channel shifts and brightness against hand-computed values."""
import numpy as np
import pytest

from cornu.preprocessing.image import (apply_brightness_shift, apply_channel_shift,
                                       random_brightness, random_channel_shift)


def test_channel_shift_adds_and_clips_to_the_image_range():
    x = np.array([[[0., 10.], [20., 30.]]])  # 1 x 2 pixels, 2 channels
    assert apply_channel_shift(x, 5, channel_axis=2).tolist() == [[[5., 15.], [25., 30.]]]
    assert apply_channel_shift(x, -15, channel_axis=2).tolist() == [[[0., 0.], [5., 15.]]]


def test_random_channel_shift_draws_uniformly():
    x = np.random.RandomState(0).rand(3, 4, 4) * 100
    np.random.seed(3)
    intensity = np.random.uniform(-20, 20)
    np.random.seed(3)
    np.testing.assert_allclose(random_channel_shift(x, 20), apply_channel_shift(x, intensity))


def test_brightness_goes_through_pillow_in_0_255():
    x = np.array([[[0., 0., 0.], [50., 100., 127.5]]])  # stretched by 255 / 127.5 = 2
    assert apply_brightness_shift(x, 1.).tolist() == [[[0, 0, 0], [100, 200, 255]]]
    assert apply_brightness_shift(x, 2.).tolist() == [[[0, 0, 0], [200, 255, 255]]]
    assert apply_brightness_shift(x, 0.).tolist() == [[[0, 0, 0], [0, 0, 0]]]
    first = apply_brightness_shift(x.transpose(2, 0, 1), 2., data_format="channels_first")
    assert first.transpose(1, 2, 0).tolist() == [[[0, 0, 0], [200, 255, 255]]]


def test_random_brightness_draws_uniformly():
    x = np.random.RandomState(0).rand(4, 4, 3) * 255
    np.random.seed(5)
    factor = np.random.uniform(0.5, 1.5)
    np.random.seed(5)
    np.testing.assert_array_equal(random_brightness(x, (0.5, 1.5)),
                                  apply_brightness_shift(x, factor))
    with pytest.raises(ValueError, match="two floats"):
        random_brightness(x, (0.5, 1.0, 1.5))
