"""``keras.applications.vgg19``: VGG19 (Simonyan and Zisserman, "Very Deep Convolutional
Networks for Large-Scale Image Recognition", ICLR 2015), 143,667,240 parameters.

Inputs are 224x224 RGB images by default, preprocessed in ``'caffe'`` mode (BGR, minus the
ImageNet means).

Example:
    >>> from cornu.applications.vgg19 import VGG19
    >>> conv_base = VGG19(weights=None, include_top=False, input_shape=(150, 150, 3))
    >>> conv_base.output_shape
    (None, 4, 4, 512)
"""
from cornu.applications import imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (Keras's API)
from cornu.applications.vgg_family import build_vgg

preprocess_input = imagenet_utils.preprocess_input  # 'caffe' by default, as in Keras


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000):
    """Builds the VGG19 model (16 convolutions in 5 blocks, then 3 dense layers).

    Args:
        include_top: whether to add the classifier (``flatten``, ``fc1``, ``fc2``,
            ``predictions``); it needs a fixed input size.
        weights: None (random initialisation), ``'imagenet'`` (Keras's ImageNet weight file,
            downloaded once into ``~/.keras/models``) or the path of a weight file to load.
        input_tensor: a Keras tensor to use as the image input.
        input_shape: the image shape when ``include_top`` is False (e.g. ``(150, 150, 3)``);
            at least 32x32. With the top and ImageNet weights it must be ``(224, 224, 3)``.
        pooling: with ``include_top=False``: None (the 4D ``block5_pool`` output), ``'avg'`` or
            ``'max'`` (global pooling to a 2D output).
        classes: the number of classes of the classifier (1000 with ImageNet weights).

    Returns:
        A ``Model`` named ``'vgg19'``.

    Raises:
        ValueError: invalid ``weights``, ``classes``, ``pooling`` or input shape.
        URLFetchError: the ImageNet weight file could not be downloaded (the message says
            where to put it by hand).

    Example:
        >>> VGG19(weights=None).count_params()
        143667240
    """
    return build_vgg("VGG19", "vgg19", (2, 2, 4, 4, 4), include_top, weights, input_tensor,
                     input_shape, pooling, classes)
