"""``keras.applications``: the ImageNet models of Keras 2 (VGG16, VGG19, ResNet50, Xception,
InceptionV3, MobileNet) with Keras's layer names, shapes and parameter counts, and their
``preprocess_input`` and ``decode_predictions``.

``weights='imagenet'`` downloads Keras's own weight file once into ``~/.keras/models`` and loads
it (``pretrained.py``); ``weights=None`` initialises at random; a path loads that file.

Example:
    >>> from cornu.applications import VGG16
    >>> VGG16(weights=None, include_top=False, input_shape=(150, 150, 3)).count_params()
    14714688
"""
from cornu.applications import (imagenet_utils, inception_v3, mobilenet, pretrained, resnet50,
                                vgg16, vgg19, xception)
from cornu.applications.inception_v3 import InceptionV3
from cornu.applications.mobilenet import MobileNet
from cornu.applications.resnet50 import ResNet50
from cornu.applications.vgg16 import VGG16
from cornu.applications.vgg19 import VGG19
from cornu.applications.xception import Xception

__all__ = ["InceptionV3", "MobileNet", "ResNet50", "VGG16", "VGG19", "Xception",
           "imagenet_utils", "inception_v3", "mobilenet", "resnet50", "vgg16", "vgg19",
           "xception"]
