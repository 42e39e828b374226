"""keras.preprocessing.image: ``ImageDataGenerator`` and its iterators, ``load_img``,
``img_to_array``, ``array_to_img``, ``save_img``, ``list_pictures`` and the transform helpers,
with Keras 2 (keras-preprocessing 1.0/1.1) semantics.

Example:
    >>> from keras.preprocessing.image import ImageDataGenerator  # doctest: +SKIP
    >>> train_datagen = ImageDataGenerator(rescale=1. / 255)
    >>> train_datagen.rescale
    0.00392156862745098
"""
from cornu.preprocessing.image.affine import (apply_affine_transform, flip_axis,
                                              random_rotation, random_shear, random_shift,
                                              random_zoom, transform_matrix_offset_center)
from cornu.preprocessing.image.dataframe import DataFrameIterator
from cornu.preprocessing.image.directory import DirectoryIterator
from cornu.preprocessing.image.files import (array_to_img, img_to_array, list_pictures,
                                             load_img, save_img)
from cornu.preprocessing.image.generator import ImageDataGenerator
from cornu.preprocessing.image.intensity import (apply_brightness_shift, apply_channel_shift,
                                                 random_brightness, random_channel_shift)
from cornu.preprocessing.image.iterator import Iterator
from cornu.preprocessing.image.numpy_array import NumpyArrayIterator

__all__ = ["DataFrameIterator", "DirectoryIterator", "ImageDataGenerator", "Iterator",
           "NumpyArrayIterator", "apply_affine_transform", "apply_brightness_shift",
           "apply_channel_shift", "array_to_img", "flip_axis", "img_to_array", "list_pictures",
           "load_img", "random_brightness", "random_channel_shift", "random_rotation",
           "random_shear", "random_shift", "random_zoom", "save_img",
           "transform_matrix_offset_center"]
