"""``text_to_word_sequence``: Keras 2's word splitter, the first step of every text tool.

The text is lower-cased (``lower=True``), every character of ``filters`` becomes the separator
``split``, the text is cut at ``split`` and the empty pieces are dropped.

Example:
    >>> text_to_word_sequence("The cat sat on the mat.")
    ['the', 'cat', 'sat', 'on', 'the', 'mat']
"""
import functools

#: Keras's default ``filters``: the ASCII punctuation but the apostrophe, tab and newline.
DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


@functools.lru_cache(maxsize=64)
def _translation(filters, split):
    """The ``str.translate`` table that turns each character of ``filters`` into ``split``."""
    return str.maketrans({character: split for character in filters})


def text_to_word_sequence(text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Splits a text into words (tokens), as Keras 2 does.

    Args:
        text: the text, a string.
        filters: the characters to remove (each is replaced by ``split``), a string or a list
            of characters; by default the punctuation but the apostrophe, tabs and newlines.
        lower: lower-case the text first.
        split: the separator between words (a non-empty string).

    Returns:
        The list of non-empty words.

    Raises:
        TypeError: ``text`` is not a string.

    Example:
        >>> text_to_word_sequence("Hello, World!  Hi", lower=False)
        ['Hello', 'World', 'Hi']
        >>> text_to_word_sequence("a-b c", filters="", split="-")
        ['a', 'b c']
    """
    if not isinstance(text, str):
        raise TypeError(f"text_to_word_sequence expects a string, received "
                        f"{type(text).__name__} {text!r:.60}.")
    if lower:
        text = text.lower()
    hashable_filters = filters if isinstance(filters, str) else tuple(filters)
    text = text.translate(_translation(hashable_filters, split))
    return [word for word in text.split(split) if word]
