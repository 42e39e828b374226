"""``keras.datasets.cifar100``: 60,000 32x32 colour images in 100 fine or 20 coarse classes.

Keras 2 layout: ``$KERAS_HOME/datasets/cifar-100-python.tar.gz``, extracted to
``datasets/cifar-100-python/`` with the batches ``train`` and ``test`` (see
:mod:`cornu.datasets.cifar`).

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data(label_mode='coarse')  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, int(y_train.max())  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1), 19)
"""
import os

import numpy as np

from cornu.datasets.cifar import batches_folder, load_batch, to_image_data_format

DIRNAME = "cifar-100-python"
ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
BATCHES = ("train", "test")


def load_data(label_mode="fine"):
    """Loads CIFAR-100, downloading and extracting the archive into the Keras cache the first time.

    Args:
        label_mode: ``'fine'`` (100 classes) or ``'coarse'`` (20 superclasses).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x uint8 (n, 32, 32, 3), or (n, 3, 32, 32) when
        ``image_data_format()`` is ``'channels_first'``; y int64 (n, 1) class indices.

    Raises:
        ValueError: ``label_mode`` is neither ``'fine'`` nor ``'coarse'``.
        URLFetchError: the archive is not cached and the download failed.
        DatasetIntegrityError: an extracted batch is missing or not a CIFAR batch.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f'Received: label_mode={label_mode!r}.')
    folder = batches_folder(DIRNAME, ORIGIN, FILE_HASH, BATCHES)
    (x_train, y_train), (x_test, y_test) = (
        load_batch(os.path.join(folder, name), label_key=label_mode + "_labels")
        for name in BATCHES)
    y_train = np.asarray(y_train, dtype=np.int64).reshape(-1, 1)
    y_test = np.asarray(y_test, dtype=np.int64).reshape(-1, 1)
    return (to_image_data_format(x_train), y_train), (to_image_data_format(x_test), y_test)
