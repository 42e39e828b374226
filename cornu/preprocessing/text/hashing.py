"""``hashing_trick`` and ``one_hot``: words to indices in ``[1, n - 1]`` by hashing, without a
vocabulary (index 0 stays free for padding).

Each word ``w`` becomes ``hash_function(w) % (n - 1) + 1``, Keras 2's formula. Python's
``hash`` (the default, and ``one_hot``'s) changes between processes unless ``PYTHONHASHSEED``
is set; ``'md5'`` gives the same indices everywhere. Different words may share an index.

Example:
    >>> hashing_trick("The cat sat on the mat.", 100, hash_function='md5')
    [51, 3, 10, 28, 51, 26]
"""
import hashlib
import numbers

from cornu.preprocessing.text.words import DEFAULT_FILTERS, text_to_word_sequence
from cornu.utils.suggestions import suggestion


def md5_hash(word):
    """The word's MD5 digest as an integer (Keras's ``hash_function='md5'``).

    Args:
        word: a string.

    Example:
        >>> md5_hash("cat") % 1000
        632
    """
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


_NAMED_HASHES = {"md5": md5_hash}


def _hash_function(hash_function):
    """The callable behind ``hash_function`` (None: Python's ``hash``; 'md5'; a callable)."""
    if hash_function is None:
        return hash
    if isinstance(hash_function, str):
        if hash_function not in _NAMED_HASHES:
            raise ValueError(f"Unknown hash_function {hash_function!r}: use None (Python's "
                             f"hash), 'md5' or a function of a string that returns an int."
                             + suggestion(hash_function, list(_NAMED_HASHES)))
        return _NAMED_HASHES[hash_function]
    if not callable(hash_function):
        raise TypeError(f"hash_function must be None, 'md5' or a callable, received "
                        f"{hash_function!r}.")
    return hash_function


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Converts a text to word indices in a hashing space of size ``n`` (Keras 2 semantics).

    Args:
        text: the text, a string.
        n: the size of the hashing space; indices fall in ``[1, n - 1]``.
        hash_function: None (Python's ``hash``, which differs between runs), ``'md5'`` (the
            same in every run) or a function of a word that returns an int.
        filters: the characters removed from the text (see ``text_to_word_sequence``).
        lower: lower-case the text first.
        split: the separator between words.

    Returns:
        The list of word indices.

    Raises:
        ValueError: ``n`` is smaller than 2, or ``hash_function`` an unknown name.

    Example:
        >>> hashing_trick("cat cat dog", 10, hash_function=len)
        [4, 4, 4]
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"n, the size of the hashing space, must be an integer >= 2 (indices "
                         f"fall in [1, n - 1]), received {n!r}.")
    function = _hash_function(hash_function)
    words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    modulus = int(n) - 1
    return [function(word) % modulus + 1 for word in words]


def one_hot(text, n, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Word indices in ``[1, n - 1]`` by Python's ``hash``: ``hashing_trick`` with the default
    hash, as Keras 2's ``one_hot`` (indices differ between runs unless ``PYTHONHASHSEED`` is
    set).

    Args:
        text: the text, a string.
        n: the size of the hashing space.
        filters: the characters removed from the text.
        lower: lower-case the text first.
        split: the separator between words.

    Example:
        >>> indices = one_hot("The cat sat on the mat.", 50)
        >>> len(indices), indices[0] == indices[4], all(1 <= i < 50 for i in indices)
        (6, True, True)
    """
    return hashing_trick(text, n, hash_function=hash, filters=filters, lower=lower, split=split)
