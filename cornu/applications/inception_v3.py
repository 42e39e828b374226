"""``keras.applications.inception_v3``: Inception V3 (Szegedy et al., "Rethinking the Inception
Architecture for Computer Vision", CVPR 2016), 23,851,784 parameters.

Every convolution is followed by a BatchNormalization without scale and a ReLU, all with Keras's
automatic names (``conv2d_1``, ``batch_normalization_1``, ``activation_1`` ...); the inception
modules' concatenations are ``mixed0`` ... ``mixed10`` (and ``mixed9_0``, ``mixed9_1``). Inputs
are 299x299 RGB images by default, preprocessed in ``'tf'`` mode. As in Keras 2.2.4
(keras-applications 1.0.6) the input size is free even with ``include_top=True`` (at least
75x75), since the top is a global average pooling.

Example:
    >>> from cornu.applications.inception_v3 import InceptionV3
    >>> InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3)).output_shape
    (None, 1, 1, 2048)
"""
from cornu.applications import imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (Keras's API)
from cornu.applications.imagenet_utils import check_arguments, obtain_input_shape
from cornu.applications.pretrained import imagenet_weight_file, weights_path, with_weights
from cornu.applications.model_building import channel_axis, image_input, model_inputs, pooled
from cornu.config import image_data_format
from cornu.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense,
                          GlobalAveragePooling2D, MaxPooling2D, concatenate)
from cornu.models import Model


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


def _conv_bn(x, filters, rows, cols, padding="same", strides=(1, 1)):
    """Convolution (no bias), BatchNormalization (no scale), ReLU."""
    x = Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False)(x)
    x = BatchNormalization(axis=channel_axis(3), scale=False)(x)
    return Activation("relu")(x)


def _chain(x, *convs):
    """Convolutions one after the other, each given as ``(filters, rows, cols)``."""
    for filters, rows, cols in convs:
        x = _conv_bn(x, filters, rows, cols)
    return x


def _average_branch(x, filters):
    x = AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return _conv_bn(x, filters, 1, 1)


def _module_35(x, pool_filters, name):
    """35x35 module: 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avgpool-1x1."""
    return concatenate([_conv_bn(x, 64, 1, 1),
                        _chain(x, (48, 1, 1), (64, 5, 5)),
                        _chain(x, (64, 1, 1), (96, 3, 3), (96, 3, 3)),
                        _average_branch(x, pool_filters)], axis=channel_axis(3), name=name)


def _module_17(x, width, name):
    """17x17 module with factorised 7x7 convolutions (``width`` filters inside)."""
    return concatenate([_conv_bn(x, 192, 1, 1),
                        _chain(x, (width, 1, 1), (width, 1, 7), (192, 7, 1)),
                        _chain(x, (width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1),
                               (192, 1, 7)),
                        _average_branch(x, 192)], axis=channel_axis(3), name=name)


def _module_8(x, index):
    """8x8 module with the 3x3 convolutions split into 1x3 and 3x1 branches."""
    axis = channel_axis(3)
    branch1x1 = _conv_bn(x, 320, 1, 1)
    branch3x3 = _conv_bn(x, 384, 1, 1)
    branch3x3 = concatenate([_conv_bn(branch3x3, 384, 1, 3), _conv_bn(branch3x3, 384, 3, 1)],
                            axis=axis, name=f"mixed9_{index}")
    double = _chain(x, (448, 1, 1), (384, 3, 3))
    double = concatenate([_conv_bn(double, 384, 1, 3), _conv_bn(double, 384, 3, 1)], axis=axis)
    return concatenate([branch1x1, branch3x3, double, _average_branch(x, 192)],
                       axis=axis, name=f"mixed{9 + index}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """Builds the Inception V3 model (a convolutional stem, then 11 inception modules).

    Args:
        include_top: whether to add the classifier (``avg_pool``, ``predictions``).
        weights: None (random initialisation), ``'imagenet'`` (Keras's ImageNet weight file,
            downloaded once into ``~/.keras/models``) or the path of a weight file to load.
        input_tensor: a Keras tensor to use as the image input.
        input_shape: the image shape, e.g. ``(299, 299, 3)``; at least 75x75.
        pooling: with ``include_top=False``: None (the 4D ``mixed10`` output), ``'avg'`` or
            ``'max'`` (global pooling to a 2D output).
        classes: the number of classes of the classifier (1000 with ImageNet weights).

    Returns:
        A ``Model`` named ``'inception_v3'``.

    Raises:
        ValueError: invalid ``weights``, ``classes``, ``pooling`` or input shape.
        URLFetchError: the ImageNet weight file could not be downloaded (the message says
            where to put it by hand).

    Example:
        >>> InceptionV3(weights=None).count_params()
        23851784
    """
    check_arguments(weights, include_top, classes, pooling)
    input_shape = obtain_input_shape(input_shape, default_size=299, min_size=75,
                                     data_format=image_data_format(), require_flatten=False,
                                     weights=weights)
    path = weights_path("InceptionV3", weights, imagenet_weight_file("inception_v3", include_top))
    image = image_input(input_tensor, input_shape)
    x = _conv_bn(image, 32, 3, 3, strides=(2, 2), padding="valid")
    x = _conv_bn(x, 32, 3, 3, padding="valid")
    x = _conv_bn(x, 64, 3, 3)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _conv_bn(x, 80, 1, 1, padding="valid")
    x = _conv_bn(x, 192, 3, 3, padding="valid")
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)

    for index, pool_filters in enumerate((32, 64, 64)):
        x = _module_35(x, pool_filters, f"mixed{index}")
    x = concatenate([_conv_bn(x, 384, 3, 3, strides=(2, 2), padding="valid"),
                     _conv_bn(_chain(x, (64, 1, 1), (96, 3, 3)), 96, 3, 3, strides=(2, 2),
                              padding="valid"),
                     MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=channel_axis(3),
                    name="mixed3")
    x = _module_17(x, 128, "mixed4")
    for index in (5, 6):
        x = _module_17(x, 160, f"mixed{index}")
    x = _module_17(x, 192, "mixed7")
    x = concatenate([_conv_bn(_conv_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2),
                              padding="valid"),
                     _conv_bn(_chain(x, (192, 1, 1), (192, 1, 7), (192, 7, 1)), 192, 3, 3,
                              strides=(2, 2), padding="valid"),
                     MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=channel_axis(3),
                    name="mixed8")
    for index in (0, 1):
        x = _module_8(x, index)

    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        x = Dense(classes, activation="softmax", name="predictions")(x)
    else:
        x = pooled(x, pooling)
    model = Model(model_inputs(image, input_tensor), x, name="inception_v3")
    return with_weights(model, path)
