"""keras.preprocessing.text: ``Tokenizer``, ``tokenizer_from_json``, ``text_to_word_sequence``,
``one_hot`` and ``hashing_trick``, with Keras 2 (keras-preprocessing 1.1) semantics.

Example:
    >>> from keras.preprocessing.text import Tokenizer  # doctest: +SKIP
    >>> tokenizer = Tokenizer(num_words=1000)
    >>> tokenizer.fit_on_texts(['The cat sat on the mat.', 'The dog ate my homework.'])
    >>> tokenizer.texts_to_matrix(['The cat sat on the mat.'], mode='binary')[0, :6].tolist()
    [0.0, 1.0, 1.0, 1.0, 1.0, 1.0]
"""
from cornu.preprocessing.text.hashing import hashing_trick, one_hot
from cornu.preprocessing.text.tokenizer import Tokenizer
from cornu.preprocessing.text.tokenizer_json import tokenizer_from_json
from cornu.preprocessing.text.words import text_to_word_sequence

__all__ = ["Tokenizer", "hashing_trick", "one_hot", "text_to_word_sequence",
           "tokenizer_from_json"]
