"""keras.preprocessing: ``keras.preprocessing.image`` (``ImageDataGenerator``, ``load_img`` ...),
the image pipeline the textbooks feed ``fit_generator`` with.

Example:
    >>> from cornu.preprocessing import image
    >>> image.ImageDataGenerator(rescale=1. / 255).rescale
    0.00392156862745098
"""
from cornu.preprocessing import image

__all__ = ["image"]
