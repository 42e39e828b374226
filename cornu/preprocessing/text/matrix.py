"""Sequences of word indices to a ``(samples, num_words)`` matrix, the vectorization behind
``Tokenizer.sequences_to_matrix`` and ``texts_to_matrix``, with Keras 2's four modes.

For the count ``c`` of word ``j`` in a sequence of ``length`` indices (indices ``>= num_words``
are dropped but still count in ``length``):

- ``'binary'``: 1;
- ``'count'``: ``c``;
- ``'freq'``: ``c / length``;
- ``'tfidf'``: ``(1 + log(c)) * log(1 + document_count / (1 + docs[j]))``, where ``docs[j]`` is
  the number of fitted documents that contain ``j``.

Every other cell is 0. The matrix is float64, as in Keras.

Example:
    >>> sequences_matrix([[1, 1, 2], []], num_words=4, mode='count').tolist()
    [[0.0, 2.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
"""
import itertools

import numpy as np

from cornu.utils.suggestions import suggestion

#: the vectorization modes of ``sequences_to_matrix``
MODES = ("binary", "count", "tfidf", "freq")


def check_mode(mode):
    """Raises ValueError unless ``mode`` is one of :data:`MODES`.

    Args:
        mode: the requested vectorization mode.

    Example:
        >>> check_mode('tfidf')
    """
    if mode not in MODES:
        raise ValueError(f"Unknown vectorization mode: {mode!r}. Use one of "
                         f"{', '.join(map(repr, MODES))}." + suggestion(mode, MODES))


def _flat_indices(sequences):
    """The lengths of the sequences and all their indices, one after the other (int64)."""
    try:
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
        values = np.fromiter(itertools.chain.from_iterable(sequences), dtype=np.float64,
                             count=int(lengths.sum()))
    except (TypeError, ValueError, OverflowError) as error:
        raise TypeError(f"sequences must be a list of sequences of integer word indices; "
                        f"reading them failed: {error}.") from error
    if not np.array_equal(values, np.floor(values)):
        raise TypeError("sequences must hold integer word indices, found fractional values.")
    if values.size and values.min() < 0:
        raise ValueError(f"Word indices must be >= 0, found {int(values.min())}.")
    return lengths, values.astype(np.int64)


def _inverse_document_frequency(columns, document_count, index_docs):
    """``log(1 + document_count / (1 + docs[j]))`` for each index ``j`` in ``columns``."""
    present, positions = np.unique(columns, return_inverse=True)
    docs = np.array([index_docs.get(int(j), 0) for j in present], dtype=np.int64)
    return np.log(1 + document_count / (1 + docs))[positions]


def sequences_matrix(sequences, num_words, mode, document_count=0, index_docs=None):
    """The ``(len(sequences), num_words)`` float64 matrix of the sequences in ``mode``.

    Args:
        sequences: a list of sequences of word indices (ints >= 0).
        num_words: the number of columns; larger indices are dropped.
        mode: ``'binary'``, ``'count'``, ``'tfidf'`` or ``'freq'``.
        document_count: the number of fitted documents (``'tfidf'``).
        index_docs: dict index -> number of fitted documents containing it (``'tfidf'``).

    Raises:
        ValueError: an unknown mode or a negative index.
        TypeError: ``sequences`` does not hold sequences of integers.

    Example:
        >>> sequences_matrix([[3, 1, 1, 5]], num_words=4, mode='freq').tolist()
        [[0.0, 0.5, 0.0, 0.25]]
    """
    check_mode(mode)
    if not hasattr(sequences, "__len__"):
        sequences = list(sequences)
    matrix = np.zeros((len(sequences), num_words))
    lengths, tokens = _flat_indices(sequences)
    rows = np.repeat(np.arange(len(sequences), dtype=np.int64), lengths)
    kept = tokens < num_words
    cells, counts = np.unique(rows[kept] * num_words + tokens[kept], return_counts=True)
    if mode == "binary":
        values = 1.
    elif mode == "count":
        values = counts
    elif mode == "freq":
        values = counts / lengths[cells // num_words]
    else:
        values = (1 + np.log(counts)) * _inverse_document_frequency(
            cells % num_words, document_count, index_docs or {})
    matrix.reshape(-1)[cells] = values
    return matrix
