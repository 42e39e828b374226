"""``keras.applications.resnet50``: ResNet50 (He et al., "Deep Residual Learning for Image
Recognition", CVPR 2016), 25,636,712 parameters (53,120 of them the BatchNormalization moving
statistics).

Layer names are tf-keras 2.x's (``conv1_conv``, ``conv1_bn``, ``conv2_block1_1_conv`` ...
``conv5_block3_out``, ``avg_pool``, ``predictions``), the names of the ImageNet weight file
Keras serves today (``keras-applications/resnet/resnet50_weights_tf_dim_ordering_tf_kernels.h5``)
and of current tutorials; BatchNormalization uses tf-keras's ``epsilon=1.001e-5``. Keras 2.2.4's
own ``resnet50`` module (keras-applications 1.0.8) built the same network with older names
(``conv1``, ``bn_conv1``, ``res2a_branch2a``, auto-named activations and adds, ``fc1000``) and the
default epsilon 1e-3. Inputs are 224x224 RGB images, preprocessed in ``'caffe'`` mode.

Example:
    >>> from cornu.applications.resnet50 import ResNet50
    >>> ResNet50(weights=None, include_top=False, pooling='avg').output_shape
    (None, 2048)
"""
from cornu.applications import imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (Keras's API)
from cornu.applications.imagenet_utils import check_arguments, obtain_input_shape
from cornu.applications.pretrained import imagenet_weight_file, weights_path, with_weights
from cornu.applications.model_building import channel_axis, image_input, model_inputs
from cornu.config import image_data_format
from cornu.layers import (Activation, Add, BatchNormalization, Conv2D, Dense,
                          GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D,
                          ZeroPadding2D)
from cornu.models import Model

preprocess_input = imagenet_utils.preprocess_input  # 'caffe' by default, as in Keras

_EPSILON = 1.001e-5
# (stage name, bottleneck filters, blocks, stride of the first block)
_STAGES = (("conv2", 64, 3, 1), ("conv3", 128, 4, 2), ("conv4", 256, 6, 2), ("conv5", 512, 3, 2))


def _batch_norm(name):
    return BatchNormalization(axis=channel_axis(3), epsilon=_EPSILON, name=name)


def _bottleneck(x, filters, stride, projection, name):
    """One residual block: 1x1, 3x3, 1x1 (4 * filters) convolutions added to the shortcut
    (a strided 1x1 projection in a stage's first block, else the input itself)."""
    shortcut = x
    if projection:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(f"{name}_0_bn")(shortcut)
    x = Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = Activation("relu", name=f"{name}_1_relu")(x)
    x = Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = Activation("relu", name=f"{name}_2_relu")(x)
    x = Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(f"{name}_3_bn")(x)
    x = Add(name=f"{name}_add")([shortcut, x])
    return Activation("relu", name=f"{name}_out")(x)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000):
    """Builds the ResNet50 model (a 7x7 stem, then 16 bottleneck blocks in 4 stages).

    Args:
        include_top: whether to add the classifier (``avg_pool``, ``predictions``); it needs a
            fixed input size.
        weights: None (random initialisation), ``'imagenet'`` (Keras's ImageNet weight file,
            downloaded once into ``~/.keras/models``) or the path of a weight file to load.
        input_tensor: a Keras tensor to use as the image input.
        input_shape: the image shape when ``include_top`` is False; at least 32x32. With the top
            and ImageNet weights it must be ``(224, 224, 3)``.
        pooling: with ``include_top=False``: None (the 4D ``conv5_block3_out`` output),
            ``'avg'`` or ``'max'`` (global pooling to a 2D output, layers ``avg_pool`` and
            ``max_pool``).
        classes: the number of classes of the classifier (1000 with ImageNet weights).

    Returns:
        A ``Model`` named ``'resnet50'``.

    Raises:
        ValueError: invalid ``weights``, ``classes``, ``pooling`` or input shape.
        URLFetchError: the ImageNet weight file could not be downloaded (the message says
            where to put it by hand).

    Example:
        >>> ResNet50(weights=None).count_params()
        25636712
    """
    check_arguments(weights, include_top, classes, pooling)
    input_shape = obtain_input_shape(input_shape, default_size=224, min_size=32,
                                     data_format=image_data_format(),
                                     require_flatten=include_top, weights=weights)
    path = weights_path("ResNet50", weights, imagenet_weight_file("resnet50", include_top))
    image = image_input(input_tensor, input_shape)
    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(image)
    x = Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    x = _batch_norm("conv1_bn")(x)
    x = Activation("relu", name="conv1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, filters, blocks, stride in _STAGES:
        for block in range(1, blocks + 1):
            first = block == 1
            x = _bottleneck(x, filters, stride if first else 1, projection=first,
                            name=f"{stage}_block{block}")
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        x = Dense(classes, activation="softmax", name="predictions")(x)
    elif pooling == "avg":
        x = GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = GlobalMaxPooling2D(name="max_pool")(x)
    model = Model(model_inputs(image, input_tensor), x, name="resnet50")
    return with_weights(model, path)
