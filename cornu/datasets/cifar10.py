"""``keras.datasets.cifar10``: 60,000 32x32 colour images in 10 classes (50,000 for training).

Keras 2 layout: ``$KERAS_HOME/datasets/cifar-10-batches-py.tar.gz``, extracted to
``datasets/cifar-10-batches-py/`` (see :mod:`cornu.datasets.cifar`).

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, y_train.dtype  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1), dtype('uint8'))
"""
import os

import numpy as np

from cornu.datasets.cifar import batches_folder, load_batch, to_image_data_format

DIRNAME = "cifar-10-batches-py"
ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"


def load_data():
    """Loads CIFAR-10, downloading and extracting the archive into the Keras cache the first time.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x uint8 (n, 32, 32, 3), or (n, 3, 32, 32) when
        ``image_data_format()`` is ``'channels_first'``; y uint8 (n, 1) class indices 0..9.

    Raises:
        URLFetchError: the archive is not cached and the download failed.
        DatasetIntegrityError: an extracted batch is missing or not a CIFAR batch.
    """
    folder = batches_folder(DIRNAME, ORIGIN, FILE_HASH, TRAIN_BATCHES + (TEST_BATCH,))
    train = [load_batch(os.path.join(folder, name)) for name in TRAIN_BATCHES]
    x_train = np.concatenate([data for data, _ in train])
    y_train = np.concatenate([np.asarray(labels, dtype=np.int64) for _, labels in train])
    x_test, y_test = load_batch(os.path.join(folder, TEST_BATCH))
    y_train = y_train.astype(np.uint8).reshape(-1, 1)
    y_test = np.asarray(y_test, dtype=np.int64).astype(np.uint8).reshape(-1, 1)
    return (to_image_data_format(x_train), y_train), (to_image_data_format(x_test), y_test)
