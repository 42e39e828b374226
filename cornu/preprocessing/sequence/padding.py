"""``pad_sequences``: a list of sequences to one array of a common length, as Keras 2 (and
keras-preprocessing 1.0/1.1) does.

Shorter sequences are padded with ``value`` (``padding='pre'``: at the start), longer ones cut
(``truncating='pre'``: their first elements go, the last ``maxlen`` stay). ``maxlen`` defaults
to the longest length. Sequences of arrays keep their trailing dimensions, taken from the
first non-empty sequence. Where Keras failed by accident cornu gives the obvious result:
``maxlen=0`` gives zero columns, ``dtype='object'`` (the string) accepts a string ``value``,
and a bad ``padding`` / ``truncating`` is reported even if every sequence is empty.

Example:
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2).tolist()
    [[2, 3], [0, 4]]
"""
import numbers

import numpy as np

from cornu.utils.suggestions import suggestion

_SIDES = ("pre", "post")


def _check_side(name, side):
    """Raises Keras's ValueError unless ``side`` is 'pre' or 'post'."""
    if side not in _SIDES:
        raise ValueError(f'{name.capitalize()} type "{side}" not understood; use "pre" or '
                         f'"post".' + suggestion(side, _SIDES))


def _lengths_and_sample_shape(sequences):
    """The length of each sequence and the shape of one element of the first non-empty one."""
    lengths, sample_shape = [], None
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError:
            raise ValueError("`sequences` must be a list of iterables. Found non-iterable: "
                             + str(sequence)) from None
        if sample_shape is None and lengths[-1]:
            sample_shape = np.asarray(sequence).shape[1:]
    return lengths, sample_shape or ()


def _check_value(value, dtype):
    """Keras's error for a string padding ``value`` with a dtype that cannot hold it."""
    kind = np.dtype(dtype).kind
    if isinstance(value, str) and kind not in ("O", "U"):
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}\nYou should set `dtype=object` for variable length "
                         f"strings.")


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.):
    """Pads (and truncates) sequences to the same length: an array of shape
    ``(len(sequences), maxlen, *trailing)``.

    Args:
        sequences: a list (or array) of sequences: lists or arrays of numbers, or of arrays
            that all have the same shape.
        maxlen: the common length; None: the longest sequence's.
        dtype: the dtype of the result; ``object`` (or a ``str`` dtype) for strings.
        padding: ``'pre'`` or ``'post'``: pad at the start or at the end.
        truncating: ``'pre'`` or ``'post'``: drop the first or the last elements of the
            sequences longer than ``maxlen``.
        value: the padding value (a string needs ``dtype=object`` or a ``str`` dtype).

    Raises:
        ValueError: ``sequences`` or one of its elements has no length, an unknown
            ``padding`` / ``truncating``, a string ``value`` with a numeric dtype, elements
            of another shape than the first sequence's, no sequences and no ``maxlen``.

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2, padding='post', truncating='post',
        ...               value=-1).tolist()
        [[1, 2], [4, -1]]
        >>> pad_sequences([['a'], ['b', 'c']], dtype=object, value='').tolist()
        [['', 'a'], ['b', 'c']]
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    _check_side("padding", padding)
    _check_side("truncating", truncating)
    lengths, sample_shape = _lengths_and_sample_shape(sequences)
    if maxlen is None:
        if not lengths:
            raise ValueError("pad_sequences received no sequences: pass `maxlen` to get an "
                             "empty array of that width.")
        maxlen = max(lengths)
    if isinstance(maxlen, bool) or not isinstance(maxlen, numbers.Integral) or maxlen < 0:
        raise ValueError(f"`maxlen` must be None or an integer >= 0, received {maxlen!r}.")
    maxlen = int(maxlen)
    _check_value(value, dtype)
    padded = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for position, (sequence, length) in enumerate(zip(sequences, lengths)):
        kept = min(length, maxlen)
        if not kept:
            continue
        cut = sequence[length - kept:] if truncating == "pre" else sequence[:kept]
        cut = np.asarray(cut, dtype=dtype)
        if cut.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {cut.shape[1:]} of sequence at position "
                             f"{position} is different from expected shape {sample_shape}")
        if padding == "post":
            padded[position, :kept] = cut
        else:
            padded[position, maxlen - kept:] = cut
    return padded
