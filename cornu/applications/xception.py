"""``keras.applications.xception``: Xception (Chollet, "Xception: Deep Learning with Depthwise
Separable Convolutions", CVPR 2017), 22,910,480 parameters (54,528 of them BatchNormalization
moving statistics).

Inputs are 299x299 RGB images by default, preprocessed in ``'tf'`` mode (``x / 127.5 - 1``).
As in Keras 2.2.4 (keras-applications 1.0.6, which it shipped with) the top is a global average
pooling, so the input size is free even with ``include_top=True`` (at least 71x71): the default
input is ``(None, None, 3)``, as the books' summaries print it. The residual 1x1 convolutions,
their BatchNormalizations and the adds keep Keras's automatic names (``conv2d_1``,
``batch_normalization_1``, ``add_1`` ...), which books index.

Example:
    >>> from cornu.applications.xception import Xception
    >>> Xception(weights=None, include_top=False, pooling='avg').output_shape
    (None, 2048)
"""
from cornu.applications import imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (Keras's API)
from cornu.applications.imagenet_utils import check_arguments, obtain_input_shape
from cornu.applications.pretrained import imagenet_weight_file, weights_path, with_weights
from cornu.applications.model_building import channel_axis, image_input, model_inputs, pooled
from cornu.config import image_data_format
from cornu.layers import (Activation, BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D,
                          MaxPooling2D, SeparableConv2D, add)
from cornu.models import Model


def preprocess_input(x, data_format=None):
    """Scales images from [0, 255] to [-1, 1] (``imagenet_utils.preprocess_input``, mode 'tf').

    Args:
        x: a NumPy array or tensor of images; a float array is modified in place, as in Keras.
        data_format: accepted for Keras compatibility (the scaling does not depend on it).

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.array([0.0, 127.5, 255.0]))
        array([-1.,  0.,  1.])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def _separable(x, filters, name, relu_first):
    """[ReLU,] 3x3 separable convolution, BatchNormalization: ``<name>``, ``<name>_bn``."""
    if relu_first:
        x = Activation("relu", name=f"{name}_act")(x)
    x = SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return BatchNormalization(axis=channel_axis(), name=f"{name}_bn")(x)


def _downsampling_block(x, block, filters, first_relu=True):
    """Two separable convolutions and a strided max pooling, added to a strided 1x1
    projection of the input (auto-named, as in Keras)."""
    residual = Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = BatchNormalization(axis=channel_axis())(residual)
    x = _separable(x, filters[0], f"block{block}_sepconv1", relu_first=first_relu)
    x = _separable(x, filters[1], f"block{block}_sepconv2", relu_first=True)
    x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000):
    """Builds the Xception model (entry flow, 8 middle blocks, exit flow).

    Args:
        include_top: whether to add the classifier (``avg_pool``, ``predictions``).
        weights: None (random initialisation), ``'imagenet'`` (Keras's ImageNet weight file,
            downloaded once into ``~/.keras/models``) or the path of a weight file to load.
        input_tensor: a Keras tensor to use as the image input.
        input_shape: the image shape, e.g. ``(299, 299, 3)``; at least 71x71.
        pooling: with ``include_top=False``: None (the 4D ``block14_sepconv2_act`` output),
            ``'avg'`` or ``'max'`` (global pooling to a 2D output).
        classes: the number of classes of the classifier (1000 with ImageNet weights).

    Returns:
        A ``Model`` named ``'xception'``.

    Raises:
        ValueError: invalid ``weights``, ``classes``, ``pooling`` or input shape.
        URLFetchError: the ImageNet weight file could not be downloaded (the message says
            where to put it by hand).

    Example:
        >>> Xception(weights=None).count_params()
        22910480
    """
    check_arguments(weights, include_top, classes, pooling)
    input_shape = obtain_input_shape(input_shape, default_size=299, min_size=71,
                                     data_format=image_data_format(), require_flatten=False,
                                     weights=weights)
    path = weights_path("Xception", weights, imagenet_weight_file("xception", include_top))
    image = image_input(input_tensor, input_shape)
    x = Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(image)
    x = BatchNormalization(axis=channel_axis(), name="block1_conv1_bn")(x)
    x = Activation("relu", name="block1_conv1_act")(x)
    x = Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = BatchNormalization(axis=channel_axis(), name="block1_conv2_bn")(x)
    x = Activation("relu", name="block1_conv2_act")(x)

    x = _downsampling_block(x, 2, (128, 128), first_relu=False)
    x = _downsampling_block(x, 3, (256, 256))
    x = _downsampling_block(x, 4, (728, 728))
    for block in range(5, 13):
        residual = x
        for conv in range(1, 4):
            x = _separable(x, 728, f"block{block}_sepconv{conv}", relu_first=True)
        x = add([x, residual])
    x = _downsampling_block(x, 13, (728, 1024))

    for conv, filters in ((1, 1536), (2, 2048)):
        x = _separable(x, filters, f"block14_sepconv{conv}", relu_first=False)
        x = Activation("relu", name=f"block14_sepconv{conv}_act")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        x = Dense(classes, activation="softmax", name="predictions")(x)
    else:
        x = pooled(x, pooling)
    model = Model(model_inputs(image, input_tensor), x, name="xception")
    return with_weights(model, path)
