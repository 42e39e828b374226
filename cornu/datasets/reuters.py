"""``keras.datasets.reuters``: 11,228 Reuters newswires labelled with one of 46 topics.

Newswires are lists of word ranks (1 = the most frequent word). The file is Keras's
``reuters.npz`` (object arrays), read without running pickle code (see
:mod:`cornu.datasets.safe_npz`).

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), len(x_test), x_train[0][:2]  # doctest: +SKIP
    (8982, 2246, [1, 2])
"""
import numpy as np

from cornu.datasets.sequence_data import (dataset_file, keep_shorter_than,
                                          legacy_num_words, read_sequence_arrays, read_word_index,
                                          shuffled, train_test_split)
from cornu.utils.gc_pause import gc_paused

BASE_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
ORIGIN = BASE_ORIGIN + "reuters.npz"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_ORIGIN = BASE_ORIGIN + "reuters_word_index.json"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3, **kwargs):
    """Loads the Reuters newswires, computed exactly as Keras 2.2.4 does.

    The newswires are shuffled with ``RandomState(seed)``, ``start_char`` is prepended and
    ``index_from`` added to every rank, newswires with ``len >= maxlen`` are dropped, words
    outside ``skip_top <= w < num_words`` become ``oov_char``, and the first
    ``int(n * (1 - test_split))`` newswires are the training set. ``num_words=None`` means the
    largest index, which itself then becomes ``oov_char`` (as in Keras).

    Args:
        path: file name in ``$KERAS_HOME/datasets/``, or the absolute path of your own copy.
        num_words: keep the words of index below ``num_words`` (after ``index_from``).
        skip_top: words of index below this become ``oov_char``.
        maxlen: drop newswires of ``maxlen`` tokens or more (counting ``start_char``).
        test_split: fraction of the newswires used for testing.
        seed: shuffling seed.
        start_char: index that marks the start of a newswire; None for none.
        oov_char: index of the words cut by ``num_words``/``skip_top``; None drops them.
        index_from: added to every word rank.
        **kwargs: only ``nb_words``, the Keras 1 name of ``num_words`` (with a warning).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x are 1-D object arrays of lists of ints,
        y arrays of topic indices 0..45.

    Raises:
        ValueError: ``maxlen`` dropped every newswire.
        TypeError: an unknown keyword argument.
    """
    num_words = legacy_num_words(kwargs, num_words)
    fpath = dataset_file(path, ORIGIN, FILE_HASH, "Reuters")
    with gc_paused():
        sequences, labels = shuffled(np.random.RandomState(seed),
                                     *read_sequence_arrays(fpath, {"x": "y"})["x"])
        sequences = sequences.encoded(start_char, index_from)
        if maxlen:
            sequences, labels = keep_shorter_than(maxlen, sequences, labels)
        lists = sequences.limit_vocabulary(num_words, skip_top, oov_char).to_lists()
        split = int(len(lists) * (1 - test_split))
        return train_test_split(lists, labels, split)


def get_word_index(path="reuters_word_index.json"):
    """Returns the Reuters word index ``{word: rank}`` (rank 1 = most frequent; add
    ``index_from`` to match the indices of :func:`load_data`).

    Args:
        path: file name in ``$KERAS_HOME/datasets/``, or the absolute path of your own copy.

    Example:
        >>> get_word_index()['the']  # doctest: +SKIP
        1
    """
    return read_word_index(dataset_file(path, WORD_INDEX_ORIGIN, WORD_INDEX_HASH,
                                        "Reuters word index"))
