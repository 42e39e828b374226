"""``keras.applications.imagenet_utils``: what every ImageNet model shares.

- ``preprocess_input``: the three ImageNet input conventions (``'caffe'``, ``'tf'``, ``'torch'``).
  On a float NumPy array the work is done in place, as in Keras 2.2.4 and tf-keras 2.x (both
  modify the caller's array; in ``'caffe'`` mode the caller's array keeps RGB order but has the
  BGR means subtracted, and the returned array is its BGR view). Integer arrays are first
  converted to floatx, so the caller's array is left alone; books call
  ``preprocess_input(np.copy(x))`` and either way works.
- ``decode_predictions``: the top classes of a ``(samples, 1000)`` prediction, named through
  Keras's ImageNet class index, downloaded once into ``~/.keras/models`` by ``get_file``.
- ``obtain_input_shape`` (Keras 2.2.4's ``_obtain_input_shape``): the input-shape rules and
  their error messages.
- ``check_arguments``: the ``weights``/``classes``/``pooling`` rules (``pretrained.py`` loads
  the weights).

Example:
    >>> import numpy as np
    >>> preprocess_input(np.full((1, 2, 2, 3), 255.0), mode='tf')[0, 0, 0]
    array([1., 1., 1.])
"""
import json
import os
import warnings

import numpy as np
import torch

from cornu import backend as K
from cornu.config import floatx, image_data_format
from cornu.graph.keras_tensor import KerasTensor
from cornu.utils.data_utils import get_file

CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"

CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
TORCH_RGB_MEAN = (0.485, 0.456, 0.406)
TORCH_RGB_STD = (0.229, 0.224, 0.225)
_MODES = ("caffe", "tf", "torch")
_DATA_FORMATS = ("channels_first", "channels_last")
_POOLINGS = (None, "avg", "max")


# ---------------------------------------------------------------------------------------------
# preprocess_input


def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocesses a batch of images (or one image) for an ImageNet model.

    Args:
        x: a NumPy array (3D or 4D, values in [0, 255]), a torch tensor or a Keras tensor.
            A float NumPy array is modified in place, as in Keras; pass ``np.copy(x)`` to keep it.
        data_format: ``'channels_last'`` or ``'channels_first'``; default
            ``K.image_data_format()``.
        mode: ``'caffe'`` (RGB to BGR, minus the ImageNet BGR means, no scaling: VGG, ResNet50),
            ``'tf'`` (``x / 127.5 - 1``: Xception, InceptionV3, MobileNet) or ``'torch'``
            (``x / 255``, minus the RGB means, divided by the RGB standard deviations).

    Returns:
        The preprocessed array (float) or tensor.

    Raises:
        ValueError: an unknown ``mode`` or ``data_format``, or an image without 3 channels in
            ``'caffe'``/``'torch'`` mode.

    Example:
        >>> x = np.array([[[[10.0, 20.0, 30.0]]]])
        >>> preprocess_input(x, mode='caffe')[0, 0, 0]  # BGR, minus the means
        array([ -73.939,  -96.779, -113.68 ])
    """
    if mode not in _MODES:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode!r}")
    if data_format is None:
        data_format = image_data_format()
    if data_format not in _DATA_FORMATS:
        raise ValueError(f"Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format!r}")
    if isinstance(x, (torch.Tensor, KerasTensor)):
        return _preprocess_tensor(x, data_format, mode)
    return _preprocess_array(np.asarray(x), data_format, mode)


def _channel_axis(ndim, data_format):
    """The colour axis: the last one, or for channels_first the first of an image (3D) and the
    second of a batch."""
    if data_format == "channels_last":
        return ndim - 1
    return 0 if ndim == 3 else 1


def _per_channel(values, ndim, axis, dtype):
    shape = [1] * ndim
    shape[axis] = len(values)
    return np.asarray(values, dtype=dtype).reshape(shape)


def _check_colour_channels(shape, axis, mode):
    if len(shape) <= axis or shape[axis] != 3:
        raise ValueError(f"preprocess_input in {mode!r} mode works on RGB images: it expects 3 "
                         f"colour channels on axis {axis}, got an input of shape {tuple(shape)}. "
                         f"Check data_format (channels_last puts the colours last).")


def _preprocess_array(x, data_format, mode):
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(floatx())
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    _check_colour_channels(x.shape, axis, mode)
    if mode == "torch":
        x /= 255.0
        x -= _per_channel(TORCH_RGB_MEAN, x.ndim, axis, x.dtype)
        x /= _per_channel(TORCH_RGB_STD, x.ndim, axis, x.dtype)
        return x
    x = np.flip(x, axis=axis)  # a view: the caller's float array changes through it, as in Keras
    x -= _per_channel(CAFFE_BGR_MEAN, x.ndim, axis, x.dtype)
    return x


def _preprocess_tensor(x, data_format, mode):
    """The same on a torch or Keras tensor, returning a new tensor."""
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    axis = _channel_axis(ndim, data_format)
    _check_colour_channels(x.shape, axis, mode)
    channels = (lambda values: torch.tensor(_per_channel(values, ndim, axis, floatx())))
    if mode == "torch":
        return (x / 255.0 - channels(TORCH_RGB_MEAN)) / channels(TORCH_RGB_STD)
    return K.reverse(x, axis) - channels(CAFFE_BGR_MEAN)


# ---------------------------------------------------------------------------------------------
# decode_predictions


def decode_predictions(preds, top=5):
    """Names the ``top`` most likely ImageNet classes of each prediction.

    The class index (``imagenet_class_index.json``) is downloaded on first use from Keras's URL
    into ``~/.keras/models`` and checked against its md5.

    Args:
        preds: an array of shape ``(samples, 1000)`` (the output of an ImageNet classifier).
        top: how many classes to return per sample.

    Returns:
        One list per sample of ``(class_id, class_name, score)`` tuples, best first.

    Raises:
        ValueError: ``preds`` is not of shape ``(samples, 1000)``.

    Example:
        >>> decode_predictions(model.predict(x), top=3)[0]  # doctest: +SKIP
        [('n02504458', 'African_elephant', 0.78), ('n01871265', 'tusker', 0.17), ...]
    """
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(f"`decode_predictions` expects a batch of predictions (i.e. a 2D array "
                         f"of shape (samples, 1000)). Found array with shape: {preds.shape}")
    path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                    file_hash=CLASS_INDEX_MD5)
    with open(path) as f:
        class_index = json.load(f)
    results = []
    for pred in preds:
        best = np.argsort(pred, kind="stable")[::-1][:top]
        results.append([tuple(class_index[str(i)]) + (pred[i],) for i in best])
    return results


# ---------------------------------------------------------------------------------------------
# Arguments of the model functions


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """Checks a model's ``input_shape`` argument, or picks the default, as Keras 2 does.

    Args:
        input_shape: the user's shape of one image (or None).
        default_size: the model's default height and width (224 or 299).
        min_size: the smallest height and width the model accepts.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        require_flatten: True when the top needs a fixed size (a Flatten or a fixed classifier):
            then the shape must be static, and with ImageNet weights exactly the default one.
        weights: ``None``, ``'imagenet'`` or a file path (``'imagenet'`` requires 3 channels).

    Returns:
        The input shape (may hold None for the height and width).

    Raises:
        ValueError: the shape breaks one of the rules above.

    Example:
        >>> obtain_input_shape(None, 224, 32, 'channels_last', require_flatten=False)
        (None, None, 3)
        >>> obtain_input_shape((150, 150, 3), 224, 32, 'channels_last', require_flatten=False)
        (150, 150, 3)
    """
    channels_first = data_format == "channels_first"
    default_shape = _default_shape(input_shape, default_size, channels_first, weights)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(f"When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.")
        return default_shape
    if input_shape:
        _check_given_shape(input_shape, min_size, channels_first, weights)
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(f"If `include_top` is True, you should specify a static `input_shape`. "
                         f"Got `input_shape={input_shape}`")
    return input_shape


_obtain_input_shape = obtain_input_shape  # Keras 2.2.4's name, imported by some Keras 2 code


def _default_shape(input_shape, default_size, channels_first, weights):
    """The default shape, keeping the user's channel count when no ImageNet weights are loaded
    (with a warning for an unusual one)."""
    channels = 3
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(f"This model usually expects 1 or 3 input channels. However, it was "
                          f"passed an input_shape with {channels} input channels.", stacklevel=4)
    if channels_first:
        return (channels, default_size, default_size)
    return (default_size, default_size, channels)


def _check_given_shape(input_shape, min_size, channels_first, weights):
    if len(input_shape) != 3:
        raise ValueError("`input_shape` must be a tuple of three integers.")
    channels = input_shape[0] if channels_first else input_shape[-1]
    if channels != 3 and weights == "imagenet":
        raise ValueError(f"The input must have 3 channels; got `input_shape={input_shape}`")
    height, width = input_shape[1:] if channels_first else input_shape[:2]
    if any(size is not None and size < min_size for size in (height, width)):
        raise ValueError(f"Input size must be at least {min_size}x{min_size}; got "
                         f"`input_shape={input_shape}`")


def check_arguments(weights, include_top, classes, pooling):
    """Checks the ``weights``, ``classes`` and ``pooling`` arguments of a model function.

    Args:
        weights: ``None``, ``'imagenet'`` or the path of an existing weight file.
        include_top: whether the model has its classifier.
        classes: the classifier's size (1000 with ImageNet weights).
        pooling: ``None``, ``'avg'`` or ``'max'``.

    Raises:
        ValueError: any other value.

    Example:
        >>> check_arguments('imagenet', include_top=False, classes=10, pooling='avg')
    """
    if not (weights is None or weights == "imagenet" or
            isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), `imagenet` (pre-training on ImageNet), or the path "
                         f"to the weights file to be loaded. Got weights={weights!r}.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, '
                         '`classes` should be 1000')
    if pooling not in _POOLINGS:
        raise ValueError(f"`pooling` should be None (the last feature map), 'avg' (global "
                         f"average pooling) or 'max' (global max pooling). Got "
                         f"pooling={pooling!r}.")
