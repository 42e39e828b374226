"""``keras.datasets.imdb``: 25,000 + 25,000 movie reviews labelled positive (1) or negative (0).

Reviews are lists of word ranks (1 = the most frequent word). The file is Keras's ``imdb.npz``
(object arrays), read without running pickle code (see :mod:`cornu.datasets.safe_npz`).

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), x_train[0][:4], y_train[0]  # doctest: +SKIP
    (25000, [1, 14, 22, 16], 1)
"""
import numpy as np

from cornu.datasets.sequence_data import (dataset_file, keep_shorter_than,
                                          legacy_num_words, read_sequence_arrays, read_word_index,
                                          shuffled, train_test_split)
from cornu.utils.gc_pause import gc_paused

BASE_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
ORIGIN = BASE_ORIGIN + "imdb.npz"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = BASE_ORIGIN + "imdb_word_index.json"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """Loads the IMDB reviews, computed exactly as Keras 2.2.4 does.

    Each split is shuffled with one ``RandomState(seed)`` (train first), ``start_char`` is
    prepended and ``index_from`` added to every rank, reviews with ``len >= maxlen`` are dropped
    from each split, and words outside ``skip_top <= w < num_words`` become ``oov_char``;
    ``num_words=None`` means the largest index, which itself then becomes ``oov_char``.
    Keras 2.2.4 (and 2.3) applied ``maxlen`` to train and test together and then cut at
    25,000, which moved test reviews into the training set; like tf.keras (TensorFlow 2), cornu
    filters each split on its own.

    Args:
        path: file name in ``$KERAS_HOME/datasets/``, or the absolute path of your own copy.
        num_words: keep the words of rank below ``num_words`` (after ``index_from``).
        skip_top: words of index below this become ``oov_char``.
        maxlen: drop reviews of ``maxlen`` tokens or more (counting ``start_char``).
        seed: shuffling seed.
        start_char: index that marks the start of a review; None for none.
        oov_char: index of the words cut by ``num_words``/``skip_top``; None drops them.
        index_from: added to every word rank.
        **kwargs: only ``nb_words``, the Keras 1 name of ``num_words`` (with a warning).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x are 1-D object arrays of lists of ints,
        y arrays of 0/1 labels.

    Raises:
        ValueError: ``maxlen`` dropped every review.
        TypeError: an unknown keyword argument.
    """
    num_words = legacy_num_words(kwargs, num_words)
    fpath = dataset_file(path, ORIGIN, FILE_HASH, "IMDB")
    with gc_paused():
        arrays = read_sequence_arrays(fpath, {"x_train": "y_train", "x_test": "y_test"})
        rng = np.random.RandomState(seed)
        train, labels_train = shuffled(rng, *arrays["x_train"])
        test, labels_test = shuffled(rng, *arrays["x_test"])

        sequences = train.concatenate(test).encoded(start_char, index_from)
        labels = np.concatenate([labels_train, labels_test])
        split = len(train)
        if maxlen:
            split = int(np.count_nonzero(sequences.lengths[:split] < maxlen))
            if split in (0, len(labels) - int(np.count_nonzero(sequences.lengths >= maxlen))):
                raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, "
                                 "no sequence was kept in one of the splits. Increase maxlen.")
            sequences, labels = keep_shorter_than(maxlen, sequences, labels)
        lists = sequences.limit_vocabulary(num_words, skip_top, oov_char).to_lists()
        return train_test_split(lists, labels, split)


def get_word_index(path="imdb_word_index.json"):
    """Returns the IMDB word index ``{word: rank}`` (rank 1 = most frequent; add ``index_from``
    to match the indices of :func:`load_data`).

    Args:
        path: file name in ``$KERAS_HOME/datasets/``, or the absolute path of your own copy.

    Example:
        >>> get_word_index()['the']  # doctest: +SKIP
        1
    """
    return read_word_index(dataset_file(path, WORD_INDEX_ORIGIN, WORD_INDEX_HASH,
                                        "IMDB word index"))
