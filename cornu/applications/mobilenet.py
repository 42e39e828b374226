"""``keras.applications.mobilenet``: MobileNet v1 (Howard et al., "MobileNets: Efficient
Convolutional Neural Networks for Mobile Vision Applications", 2017), 4,253,864 parameters at
``alpha=1.0``.

A strided 3x3 convolution, then 13 depthwise-separable blocks (``conv_dw_<i>`` depthwise 3x3,
``conv_pw_<i>`` pointwise 1x1, each with BatchNormalization and ReLU6), then a 1x1-convolution
classifier (``conv_preds``). Names and the model name (``mobilenet_1.00_224``) follow Keras 2.2.4
(keras-applications 1.0.8). Inputs are RGB images (224x224 by default, at least 32x32),
preprocessed in ``'tf'`` mode.

Example:
    >>> from cornu.applications.mobilenet import MobileNet
    >>> MobileNet(weights=None, alpha=0.25, include_top=False, pooling='avg').output_shape
    (None, 256)
"""
import warnings

from cornu.applications import imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (Keras's API)
from cornu.applications.imagenet_utils import check_arguments, obtain_input_shape
from cornu.applications.pretrained import mobilenet_weight_file, weights_path, with_weights
from cornu.applications.model_building import channel_axis, image_input, model_inputs, pooled
from cornu.config import image_data_format
from cornu.layers import (Activation, BatchNormalization, Conv2D, DepthwiseConv2D, Dropout,
                          GlobalAveragePooling2D, ReLU, Reshape, ZeroPadding2D)
from cornu.models import Model

_IMAGENET_SIZES = (128, 160, 192, 224)
_IMAGENET_ALPHAS = (0.25, 0.50, 0.75, 1.0)
# (pointwise filters, stride) of the 13 depthwise-separable blocks
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def preprocess_input(x, data_format=None):
    """Scales images from [0, 255] to [-1, 1] (``imagenet_utils.preprocess_input``, mode 'tf').

    Args:
        x: a NumPy array or tensor of images; a float array is modified in place, as in Keras.
        data_format: accepted for Keras compatibility (the scaling does not depend on it).

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.array([0.0, 255.0]))
        array([-1.,  1.])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def _square_size(input_shape):
    """The default size: the given one when it is square and one of ImageNet's, else 224."""
    if input_shape is None:
        return 224
    rows, cols = input_shape[1:3] if image_data_format() == "channels_first" else input_shape[:2]
    return rows if rows == cols and rows in _IMAGENET_SIZES else 224


def _separable_block(x, filters, alpha, depth_multiplier, stride, block):
    """Depthwise 3x3 (padded at the bottom right when strided), pointwise 1x1, each with
    BatchNormalization and ReLU6."""
    if stride == 1:
        padding = "same"
    else:
        x = ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block}")(x)
        padding = "valid"
    x = DepthwiseConv2D((3, 3), padding=padding, depth_multiplier=depth_multiplier,
                        strides=(stride, stride), use_bias=False, name=f"conv_dw_{block}")(x)
    x = BatchNormalization(axis=channel_axis(), name=f"conv_dw_{block}_bn")(x)
    x = ReLU(6.0, name=f"conv_dw_{block}_relu")(x)
    x = Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
               name=f"conv_pw_{block}")(x)
    x = BatchNormalization(axis=channel_axis(), name=f"conv_pw_{block}_bn")(x)
    return ReLU(6.0, name=f"conv_pw_{block}_relu")(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights="imagenet", input_tensor=None, pooling=None, classes=1000):
    """Builds the MobileNet (v1) model.

    Args:
        input_shape: the image shape; at least 32x32. With the top it must be static (224x224
            by default, or the given square ImageNet size 128, 160, 192 or 224).
        alpha: the width multiplier: every layer has ``alpha`` times the paper's filters
            (ImageNet weights exist for 0.25, 0.5, 0.75 and 1.0).
        depth_multiplier: the depthwise convolutions' channel multiplier (1 for ImageNet).
        dropout: the dropout rate before the classifier.
        include_top: whether to add the classifier (global average pooling, ``reshape_1``,
            ``dropout``, ``conv_preds``, ``reshape_2``, ``act_softmax``).
        weights: None (random initialisation), ``'imagenet'`` (Keras's ImageNet weight file,
            downloaded once into ``~/.keras/models``) or the path of a weight file to load.
        input_tensor: a Keras tensor to use as the image input.
        pooling: with ``include_top=False``: None (the 4D ``conv_pw_13_relu`` output),
            ``'avg'`` or ``'max'`` (global pooling to a 2D output).
        classes: the number of classes of the classifier (1000 with ImageNet weights).

    Returns:
        A ``Model`` named ``mobilenet_<alpha>_<rows>`` (``'mobilenet_1.00_224'``).

    Raises:
        ValueError: invalid ``weights``, ``classes``, ``pooling``, input shape, or an
            ``alpha``/``depth_multiplier`` without ImageNet weights.
        URLFetchError: the ImageNet weight file could not be downloaded (the message says
            where to put it by hand).

    Example:
        >>> MobileNet(weights=None).count_params()
        4253864
    """
    check_arguments(weights, include_top, classes, pooling)
    input_shape = obtain_input_shape(input_shape, default_size=_square_size(input_shape),
                                     min_size=32, data_format=image_data_format(),
                                     require_flatten=include_top, weights=weights)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1")
        if alpha not in _IMAGENET_ALPHAS:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.25`, "
                             "`0.50`, `0.75` or `1.0` only.")
    rows = input_shape[1] if image_data_format() == "channels_first" else input_shape[0]
    axis = channel_axis()
    weight_file = None
    if weights == "imagenet":
        if _square_size(input_shape) != rows:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [128, "
                          "160, 192, 224]. Weights for input shape (224, 224) will be loaded as "
                          "the default.", stacklevel=2)
        weight_file = mobilenet_weight_file(alpha, _square_size(input_shape), include_top)
    path = weights_path("MobileNet", weights, weight_file)

    image = image_input(input_tensor, input_shape)
    x = ZeroPadding2D(padding=((0, 1), (0, 1)), name="conv1_pad")(image)
    x = Conv2D(int(32 * alpha), (3, 3), padding="valid", use_bias=False, strides=(2, 2),
               name="conv1")(x)
    x = BatchNormalization(axis=axis, name="conv1_bn")(x)
    x = ReLU(6.0, name="conv1_relu")(x)
    for block, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _separable_block(x, filters, alpha, depth_multiplier, stride, block)

    if include_top:
        features = int(1024 * alpha)
        x = GlobalAveragePooling2D()(x)
        x = Reshape((features, 1, 1) if axis == 1 else (1, 1, features), name="reshape_1")(x)
        x = Dropout(dropout, name="dropout")(x)
        x = Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = Reshape((classes,), name="reshape_2")(x)
        x = Activation("softmax", name="act_softmax")(x)
    else:
        x = pooled(x, pooling)
    model = Model(model_inputs(image, input_tensor), x, name=f"mobilenet_{alpha:0.2f}_{rows}")
    return with_weights(model, path)
