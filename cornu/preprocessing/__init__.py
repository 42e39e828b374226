"""keras.preprocessing: ``image`` (``ImageDataGenerator``, ``load_img`` ...), the image pipeline
the textbooks feed ``fit_generator`` with; ``text`` (``Tokenizer``, ``one_hot`` ...) and
``sequence`` (``pad_sequences``, ``TimeseriesGenerator``, ``skipgrams`` ...), the text and
sequence tools.

Example:
    >>> from cornu.preprocessing import image, sequence
    >>> image.ImageDataGenerator(rescale=1. / 255).rescale
    0.00392156862745098
    >>> sequence.pad_sequences([[1], [2, 3]]).tolist()
    [[0, 1], [2, 3]]
"""
from cornu.preprocessing import image, sequence, text

__all__ = ["image", "sequence", "text"]
