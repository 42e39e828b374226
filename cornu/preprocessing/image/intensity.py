"""Changes of pixel values: channel shifts (the same offset added to every channel, clipped to
the image's range) and brightness (Pillow's ``ImageEnhance.Brightness``, as Keras 2), with
the ``random_*`` helpers that draw from NumPy's global generator.

Example:
    >>> x = np.array([[[0., 10.]]])
    >>> apply_channel_shift(x, 5, channel_axis=2).tolist()
    [[[5.0, 10.0]]]
"""
import numpy as np
from PIL import ImageEnhance

from cornu.preprocessing.image.files import array_to_img, img_to_array


def apply_channel_shift(x, intensity, channel_axis=0):
    """One image with ``intensity`` added to every channel, clipped to the image's original
    minimum and maximum.

    Args:
        x: the image (rank 3).
        intensity: the value added.
        channel_axis: the image's channel axis (accepted for Keras 2 compatibility: the
            offset and the clipping range are the same for every channel).

    Example:
        >>> apply_channel_shift(np.array([[[1.], [3.]]]), -1, channel_axis=2).ravel().tolist()
        [1.0, 2.0]
    """
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x))


def random_channel_shift(x, intensity_range, channel_axis=0):
    """One image with an offset drawn uniformly from ``[-intensity_range, intensity_range]``
    added to every channel (see ``apply_channel_shift``).

    Args:
        x: the image (rank 3).
        intensity_range: the largest offset.
        channel_axis: the image's channel axis.

    Example:
        >>> random_channel_shift(np.ones((3, 4, 4)), 20.).shape
        (3, 4, 4)
    """
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, data_format="channels_last"):
    """One image with its brightness scaled by ``brightness`` through Pillow, as Keras 2: the
    image is first stretched to [0, 255] (``array_to_img``), so the result is in [0, 255]
    whatever the input's range (1 then keeps a [0, 255] image as it is; 0 makes it black).

    Args:
        x: the image (rank 3, 1, 3 or 4 channels).
        brightness: the factor (1 keeps, below 1 darkens, above 1 brightens).
        data_format: the image's layout.

    Example:
        >>> apply_brightness_shift(np.full((1, 1, 3), 200.), 0.5)[0, 0].tolist()
        [127.0, 127.0, 127.0]
    """
    img = ImageEnhance.Brightness(array_to_img(x, data_format=data_format)).enhance(brightness)
    return img_to_array(img, data_format=data_format)


def random_brightness(x, brightness_range, data_format="channels_last"):
    """One image with its brightness scaled by a factor drawn uniformly from
    ``brightness_range`` (see ``apply_brightness_shift``).

    Args:
        x: the image (rank 3).
        brightness_range: ``(lower, upper)`` factors.
        data_format: the image's layout.

    Example:
        >>> random_brightness(np.ones((4, 4, 3)), (0.5, 1.5)).shape
        (4, 4, 3)
    """
    if len(brightness_range) != 2:
        raise ValueError("`brightness_range` should be a tuple or list of two floats. "
                         f"Received: {brightness_range!r}")
    factor = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, factor, data_format=data_format)
