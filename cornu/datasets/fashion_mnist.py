"""``keras.datasets.fashion_mnist``: Zalando's 28x28 clothing images, 10 classes.

Keras keeps the four original IDX files (gzipped) in ``$KERAS_HOME/datasets/fashion-mnist/`` and
checks no hash; so does this loader. ``python -m cornu.datasets.offline fashion_mnist`` fills
that folder from the Debian package ``dataset-fashion-mnist``.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train[:3].tolist()  # doctest: +SKIP
    ((60000, 28, 28), [9, 0, 0])
"""
import gzip
import os
import zlib

import numpy as np

from cornu.datasets.digests import DatasetIntegrityError
from cornu.utils.data_utils import URLFetchError, get_file

BASE_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
# sha256 of the decompressed upstream IDX files (the .gz bytes differ between copies).
DECOMPRESSED_SHA256 = {
    "train-labels-idx1-ubyte.gz":
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "train-images-idx3-ubyte.gz":
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "t10k-labels-idx1-ubyte.gz":
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    "t10k-images-idx3-ubyte.gz":
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
}
_IDX_MAGIC = {2049: 1, 2051: 3}  # labels: 1 dimension, images: 3 dimensions


def load_data():
    """Loads Fashion-MNIST, downloading the four files into the Keras cache the first time.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes (60000, 28, 28),
        (60000,), (10000, 28, 28), (10000,).

    Raises:
        DatasetIntegrityError: a cached file is not a valid gzipped IDX file.
        URLFetchError: a file is not cached and could not be downloaded (the message says how
            to fill the cache offline).
    """
    try:
        paths = [get_file(name, origin=BASE_ORIGIN + name, cache_subdir=CACHE_SUBDIR)
                 for name in FILES]
    except URLFetchError as error:
        raise URLFetchError(
            f"Fashion-MNIST is not in the Keras cache and could not be downloaded: {error}. "
            "To fill the cache without network: `python -m cornu.datasets.offline "
            "fashion_mnist`.") from error
    y_train, x_train, y_test, x_test = (read_idx_gz(path) for path in paths)
    return (x_train, y_train), (x_test, y_test)


def read_idx_gz(fpath):
    """Reads a gzipped IDX file (magic 2049 for labels, 2051 for images) into a uint8 array.

    Args:
        fpath: path of the ``.gz`` file.

    Raises:
        DatasetIntegrityError: the file is not gzip, or its header and size disagree.

    Example:
        >>> read_idx_gz('train-labels-idx1-ubyte.gz')[:3]  # doctest: +SKIP
        array([9, 0, 0], dtype=uint8)
    """
    try:
        with gzip.open(fpath, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetIntegrityError(
            f"{fpath} is not a readable gzip file ({error}). Delete it so that it is "
            f"downloaded again, or refill the cache with `python -m cornu.datasets.offline "
            f"fashion_mnist --force`.") from error
    magic = int.from_bytes(data[:4], "big") if len(data) >= 4 else None
    ndim = _IDX_MAGIC.get(magic)
    header = 4 + 4 * (ndim or 0)
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim or 0))
    if ndim is None or len(data) != header + int(np.prod(shape)):
        raise DatasetIntegrityError(
            f"{fpath} is not a complete IDX file: magic {magic} (expected 2049 or 2051), "
            f"{len(data)} bytes after decompression. Delete it so that it is downloaded again.")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape).copy()
