"""What ``imdb`` and ``reuters`` share: word-rank sequences and Keras 2's way of encoding them.

Both data sets are ``.npz`` files of object arrays whose elements are lists of word ranks
(1 = most frequent word), plus a JSON ``{word: rank}`` index. Keras turns them into model input
with the same steps: shuffle with ``seed``, prepend ``start_char``, add ``index_from``, drop
sequences of ``maxlen`` tokens or more, and replace (or drop) words outside
``skip_top <= w < num_words``. :class:`Sequences` does these steps on one flat token array
instead of Python lists, which gives the same numbers several times faster.

Example:
    >>> seqs = Sequences.from_lists([[1, 2], [3]]).encoded(start_char=1, index_from=3)
    >>> seqs.to_lists()
    [[1, 4, 5], [1, 6]]
"""
import itertools
import json
import os
import warnings

import numpy as np

from cornu.datasets.digests import DatasetIntegrityError
from cornu.datasets.safe_npz import load_npz
from cornu.utils.data_utils import URLFetchError, cache_folder, get_file


class Sequences:
    """Ragged integer sequences stored as one flat int64 token array and their lengths.

    Args:
        tokens: 1-D int64 array, all sequences one after the other.
        lengths: 1-D int64 array, the length of each sequence.

    Example:
        >>> Sequences.from_lists([[5, 6], [], [7]]).lengths.tolist()
        [2, 0, 1]
    """

    def __init__(self, tokens, lengths):
        self.tokens = tokens
        self.lengths = lengths

    @classmethod
    def from_lists(cls, lists, where="sequences"):
        """Builds from an iterable (list or 1-D object array) of integer sequences.

        Args:
            lists: the sequences (lists, tuples or 1-D arrays of ints).
            where: name used in error messages.

        Raises:
            DatasetIntegrityError: an element is not a sequence of integers.
        """
        try:
            lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            tokens = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64,
                                 count=int(lengths.sum()))
        except (TypeError, ValueError, OverflowError) as error:
            raise DatasetIntegrityError(f"{where} must hold sequences of word indices (lists of "
                                        f"ints); reading them failed: {error}.") from error
        return cls(tokens, lengths)

    def __len__(self):
        return len(self.lengths)

    def starts(self):
        """Returns the offset of each sequence in :attr:`tokens`."""
        return np.cumsum(self.lengths) - self.lengths

    def take(self, indices):
        """Returns the sequences at ``indices`` (an int array), in that order."""
        lengths = self.lengths[indices]
        new_starts = np.cumsum(lengths) - lengths
        positions = (np.repeat(self.starts()[indices] - new_starts, lengths)
                     + np.arange(int(lengths.sum()), dtype=np.int64))
        return Sequences(self.tokens[positions], lengths)

    def concatenate(self, other):
        """Returns these sequences followed by ``other``'s."""
        return Sequences(np.concatenate([self.tokens, other.tokens]),
                         np.concatenate([self.lengths, other.lengths]))

    def encoded(self, start_char, index_from):
        """Keras's first step: ``[start_char] + [w + index_from for w in x]`` for every ``x``.

        Args:
            start_char: prepended to every sequence; None prepends nothing.
            index_from: added to every word rank (0 or None adds nothing).
        """
        tokens = self.tokens + index_from if index_from else self.tokens
        if start_char is None:
            return Sequences(tokens, self.lengths)
        lengths = self.lengths + 1
        firsts = np.cumsum(lengths) - lengths
        out = np.empty(tokens.size + len(lengths), dtype=np.int64)
        is_first = np.zeros(out.size, dtype=bool)
        is_first[firsts] = True
        out[firsts] = start_char
        out[~is_first] = tokens
        return Sequences(out, lengths)

    def limit_vocabulary(self, num_words, skip_top, oov_char):
        """Keras's last step: words outside ``skip_top <= w < num_words`` become ``oov_char``.

        Args:
            num_words: exclusive upper bound; a false value means the largest index present,
                which (as in Keras) then itself becomes ``oov_char``.
            skip_top: inclusive lower bound.
            oov_char: replacement; None drops those words instead.
        """
        if not num_words:
            num_words = int(self.tokens.max()) if self.tokens.size else 0
        inside = (self.tokens >= skip_top) & (self.tokens < num_words)
        if oov_char is not None:
            return Sequences(np.where(inside, self.tokens, oov_char), self.lengths)
        owner = np.repeat(np.arange(len(self.lengths)), self.lengths)
        return Sequences(self.tokens[inside], np.bincount(owner[inside],
                                                          minlength=len(self.lengths)))

    def to_lists(self):
        """Returns the sequences as a list of lists of Python ints."""
        flat = self.tokens.tolist()
        ends = np.cumsum(self.lengths).tolist()
        return [flat[end - length:end] for end, length in zip(ends, self.lengths.tolist())]


def object_array(lists):
    """Returns a 1-D object array whose elements are the given lists (as Keras returns them).

    Example:
        >>> object_array([[1, 2], [3, 4]]).shape
        (2,)
    """
    return np.fromiter(lists, dtype=object, count=len(lists))


def shuffled(rng, sequences, labels):
    """Keras's shuffle: ``indices = arange(n)``, ``rng.shuffle(indices)``, then index both.

    Args:
        rng: a ``np.random.RandomState``; Keras 2.2.4 seeds the global one, which gives the same
            permutations as ``RandomState(seed)`` used in the same order.
        sequences: :class:`Sequences`.
        labels: array of the same length.
    """
    indices = np.arange(len(sequences))
    rng.shuffle(indices)
    return sequences.take(indices), labels[indices]


def keep_shorter_than(maxlen, sequences, labels):
    """Keras's ``maxlen`` filter: keeps the sequences with ``len(x) < maxlen`` and their labels.

    Raises:
        ValueError: no sequence is short enough.
    """
    keep = np.flatnonzero(sequences.lengths < maxlen)
    if not len(keep):
        raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                         f"sequence was kept. Increase maxlen.")
    return sequences.take(keep), labels[keep]


def read_sequence_arrays(fpath, pairs):
    """Reads ``x`` object arrays and their ``y`` label arrays from a Keras ``.npz``.

    Args:
        fpath: path of the file.
        pairs: dict x name -> y name, e.g. ``{'x': 'y'}``.

    Returns:
        dict x name -> ``(Sequences, labels)``.

    Raises:
        DatasetIntegrityError: missing arrays, or x and y that do not fit together.
    """
    arrays = load_npz(fpath, [name for pair in pairs.items() for name in pair])
    result = {}
    for x_name, y_name in pairs.items():
        x, y = arrays[x_name], arrays[y_name]
        if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
            raise DatasetIntegrityError(
                f"{fpath}: {x_name} and {y_name} must be 1-D arrays of the same length, got "
                f"shapes {x.shape} and {y.shape}.")
        result[x_name] = (Sequences.from_lists(x, f"{fpath}[{x_name}]"), y)
    return result


def train_test_split(lists, labels, split):
    """Keras's return value: the first ``split`` sequences and labels for training, the rest for
    testing, sequences as 1-D object arrays of lists.

    Args:
        lists: list of sequences (lists of ints).
        labels: array of the same length.
        split: the number of training samples.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = train_test_split([[1], [2, 3]], np.arange(2), 1)
        >>> x_test.tolist(), y_test.tolist()
        ([[2, 3]], [1])
    """
    return ((object_array(lists[:split]), np.array(labels[:split])),
            (object_array(lists[split:]), np.array(labels[split:])))


def legacy_num_words(kwargs, num_words):
    """Handles Keras 1's ``nb_words`` (renamed ``num_words``); other keywords are errors.

    Example:
        >>> legacy_num_words({}, 100)
        100
    """
    if "nb_words" in kwargs:
        warnings.warn("The `nb_words` argument in `load_data` has been renamed `num_words`.")
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs}. load_data takes path, "
                        f"num_words, skip_top, maxlen, seed, start_char, oov_char and "
                        f"index_from (and test_split for reuters).")
    return num_words


def dataset_file(path, origin, file_hash, title):
    """Returns the local path of a data set file, downloading it into the cache if needed.

    A file name is looked up in ``$KERAS_HOME/datasets/`` and downloaded (again) when missing or
    when it does not match Keras's hash, as Keras does; the old file is only replaced once the
    new one verified. An absolute path to an existing file is your own copy and is used as is.

    Args:
        path: file name in the cache, or an absolute path.
        origin: Keras's download URL.
        file_hash: Keras's sha256 or md5 of the file.
        title: data set name for error messages.

    Raises:
        URLFetchError: the file is not (correctly) cached and could not be downloaded.
    """
    if os.path.isabs(path) and os.path.isfile(path):
        return path
    try:
        return get_file(path, origin=origin, file_hash=file_hash)
    except URLFetchError as error:
        raise URLFetchError(
            f"{title}: {path} has no verified copy in the Keras cache "
            f"({cache_folder('datasets')}) and could not be downloaded: {error}. Copy Keras's "
            f"file there, or pass the absolute path of your own copy as `path=`.") from error


def read_word_index(fpath):
    """Reads a Keras ``*_word_index.json`` file: ``{word: rank}``.

    Raises:
        DatasetIntegrityError: the file is not a JSON object.
    """
    try:
        with open(fpath, encoding="utf-8") as f:
            index = json.load(f)
    except (ValueError, UnicodeDecodeError) as error:
        raise DatasetIntegrityError(f"{fpath} is not a JSON word index ({error}). Delete it so "
                                    f"that it is downloaded again.") from error
    if not isinstance(index, dict):
        raise DatasetIntegrityError(f"{fpath} holds a JSON {type(index).__name__}, expected an "
                                    f"object {{word: rank}}.")
    return index
