"""Image files and arrays: ``load_img``, ``save_img``, ``img_to_array``, ``array_to_img``,
``list_pictures`` (Keras 2's ``keras.preprocessing.image`` functions, on Pillow).

Example:
    >>> img = array_to_img(np.zeros((2, 3, 3)), scale=False)
    >>> img.size, img.mode
    ((3, 2), 'RGB')
    >>> img_to_array(img).shape
    (2, 3, 3)
"""
import io
import os
import warnings

import numpy as np
from PIL import Image

from cornu.preprocessing.image.choices import (COLOR_MODES, check_choice, resolve_data_format,
                                               resolve_dtype)

_RESAMPLING = getattr(Image, "Resampling", Image)
#: PIL's resampling filter for each ``interpolation`` name Keras 2 accepts
INTERPOLATIONS = {"nearest": _RESAMPLING.NEAREST, "bilinear": _RESAMPLING.BILINEAR,
                  "bicubic": _RESAMPLING.BICUBIC, "hamming": _RESAMPLING.HAMMING,
                  "box": _RESAMPLING.BOX, "lanczos": _RESAMPLING.LANCZOS}
#: the file extensions ``flow_from_directory`` and ``flow_from_dataframe`` read
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")
#: the Pillow mode of each color mode; grayscale keeps 16- and 32-bit integer images as they are
_GRAYSCALE_MODES = ("L", "I;16", "I")


def load_img(path, grayscale=False, color_mode="rgb", target_size=None,
             interpolation="nearest"):
    """Loads an image file as a PIL image, converted to ``color_mode`` and resized to
    ``target_size``.

    Args:
        path: path of the image file (or a file object).
        grayscale: deprecated, the same as ``color_mode='grayscale'``.
        color_mode: ``'rgb'`` (3 channels), ``'rgba'`` (4) or ``'grayscale'`` (1).
        target_size: ``(height, width)`` to resize to, or None to keep the file's size.
        interpolation: the resampling filter when resizing: ``'nearest'``, ``'bilinear'``,
            ``'bicubic'``, ``'lanczos'``, ``'box'`` or ``'hamming'``.

    Example:
        >>> img = load_img('cat.1700.jpg', target_size=(150, 150))  # doctest: +SKIP
        >>> img.size  # doctest: +SKIP
        (150, 150)
    """
    if grayscale is True:
        warnings.warn('grayscale is deprecated. Please use color_mode = "grayscale"',
                      DeprecationWarning, stacklevel=2)
        color_mode = "grayscale"
    check_choice("color_mode", color_mode, COLOR_MODES)
    if target_size is not None:
        check_choice("interpolation", interpolation, tuple(INTERPOLATIONS))
    if hasattr(path, "read"):
        img = Image.open(io.BytesIO(path.read()))
    else:
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"load_img: no image file at {path!r}. Check the path "
                                    "(relative paths start from the current directory, "
                                    f"{os.getcwd()!r}).")
        with open(path, "rb") as file:
            img = Image.open(io.BytesIO(file.read()))
    if color_mode == "grayscale":
        if img.mode not in _GRAYSCALE_MODES:
            img = img.convert("L")
    elif img.mode != color_mode.upper():
        img = img.convert(color_mode.upper())
    if target_size is not None:
        width_height = (int(target_size[1]), int(target_size[0]))
        if img.size != width_height:
            img = img.resize(width_height, INTERPOLATIONS[interpolation])
    return img


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image (or anything ``np.asarray`` takes) as a rank-3 array: ``(height, width,
    channels)`` in ``channels_last``, ``(channels, height, width)`` in ``channels_first``; a
    grayscale image gets one channel.

    Args:
        img: the PIL image.
        data_format: ``'channels_last'`` or ``'channels_first'``; None for
            ``keras.backend.image_data_format()``.
        dtype: the array's dtype; None for ``keras.backend.floatx()`` (``'float32'``).

    Example:
        >>> img_to_array(Image.new('L', (4, 2))).shape
        (2, 4, 1)
    """
    data_format = resolve_data_format(data_format)
    x = np.asarray(img, dtype=resolve_dtype(dtype))
    if x.ndim == 2:
        x = x[:, :, np.newaxis]
    elif x.ndim != 3:
        raise ValueError(f"img_to_array: unsupported image shape {x.shape}. Expected an image "
                         "of shape (height, width) or (height, width, channels).")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A rank-3 array (one image with 1, 3 or 4 channels) as a PIL image (``'L'``, ``'RGB'`` or
    ``'RGBA'``).

    Args:
        x: the image array.
        data_format: ``'channels_last'`` or ``'channels_first'``; None for
            ``keras.backend.image_data_format()``.
        scale: shift negative values up to 0 and stretch the largest value to 255 (as Keras 2
            does), so that e.g. an image rescaled to [0, 1] shows; False takes values as they
            are (cast to ``uint8``).
        dtype: the float type the values are computed in; None for ``keras.backend.floatx()``.

    Example:
        >>> array_to_img(np.array([[[0.], [0.5]]])).getpixel((1, 0))
        255
    """
    data_format = resolve_data_format(data_format)
    x = np.array(x, dtype=resolve_dtype(dtype))
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). Got array with "
                         f"shape: {x.shape}. Pass one image, e.g. batch[0].")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x += max(-np.min(x), 0)
        largest = np.max(x)
        if largest != 0:
            x /= largest
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # a 32-bit integer grayscale image
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels} (image shape {x.shape}, "
                     f"{data_format}). Expected 1 (grayscale), 3 (RGB) or 4 (RGBA) channels; "
                     "check data_format.")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves a rank-3 image array as an image file.

    Args:
        path: the file's path (or a file object, then give ``file_format``).
        x: the image array (1, 3 or 4 channels).
        data_format: ``'channels_last'`` or ``'channels_first'``; None for
            ``keras.backend.image_data_format()``.
        file_format: ``'png'``, ``'jpeg'`` ...; None to take it from the path's extension.
        scale: stretch the values to [0, 255] (see ``array_to_img``).
        **kwargs: passed to ``PIL.Image.Image.save`` (e.g. ``quality=95``).

    Example:
        >>> save_img('augmented.png', np.random.rand(8, 8, 3))  # doctest: +SKIP
    """
    img = array_to_img(x, data_format=data_format, scale=scale)
    if file_format is not None and file_format.lower() == "jpg":
        file_format = "jpeg"
    if img.mode == "RGBA" and file_format is not None and file_format.lower() == "jpeg":
        warnings.warn("The JPG format does not support RGBA images, converting to RGB.",
                      stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def list_pictures(directory, ext=("jpg", "jpeg", "bmp", "png", "ppm", "tif", "tiff")):
    """The paths of the pictures (by extension, any case) in ``directory`` and its
    subdirectories, sorted.

    Args:
        directory: the folder to search.
        ext: an extension or a tuple of extensions, without the dot.

    Example:
        >>> list_pictures('data/train/cats')  # doctest: +SKIP
        ['data/train/cats/cat.0.jpg', 'data/train/cats/cat.1.jpg']
    """
    suffixes = tuple(f".{e.lower()}" for e in ((ext,) if isinstance(ext, str) else ext))
    return sorted(os.path.join(root, name) for root, _, names in os.walk(directory)
                  for name in names if name.lower().endswith(suffixes))
