"""What ``cifar10`` and ``cifar100`` share: the Toronto archive and its pickled batches.

Keras 2 downloads ``<dirname>.tar.gz`` into ``$KERAS_HOME/datasets/`` and extracts it there, so
the batches live in ``datasets/cifar-10-batches-py/`` (``data_batch_1`` .. ``data_batch_5``,
``test_batch``) or ``datasets/cifar-100-python/`` (``train``, ``test``). Each batch is a Python 2
pickle of a dict with bytes keys: ``b'data'`` (n, 3072) uint8, the R, G and B planes of each
32x32 image, and the labels as a list of ints. Batches are read with the restricted unpickler
(:mod:`cornu.datasets.safe_pickle`), never with plain pickle.

Example:
    >>> x, labels = load_batch('datasets/cifar-10-batches-py/test_batch')  # doctest: +SKIP
    >>> x.shape, labels[:3]  # doctest: +SKIP
    ((10000, 3, 32, 32), [3, 8, 8])
"""
import os
import pickle

import numpy as np

from cornu.config import image_data_format
from cornu.datasets.digests import DatasetIntegrityError
from cornu.datasets.safe_pickle import load_restricted
from cornu.utils.data_utils import URLFetchError, cache_folder, get_file

_PIXELS = 3 * 32 * 32


def load_batch(fpath, label_key="labels"):
    """Reads one CIFAR batch file.

    Args:
        fpath: path of the batch (a pickle).
        label_key: ``'labels'`` (CIFAR-10), ``'fine_labels'`` or ``'coarse_labels'`` (CIFAR-100).

    Returns:
        ``(data, labels)``: uint8 array (n, 3, 32, 32) and a list of n ints.

    Raises:
        DatasetIntegrityError: the file is not a CIFAR batch, or holds anything but plain data.
    """
    try:
        with open(fpath, "rb") as f:
            batch = load_restricted(f, encoding="bytes")
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as error:
        raise DatasetIntegrityError(f"{fpath} is not a readable CIFAR batch ({error}). "
                                    f"{_HOW_TO_FIX}") from error
    if not isinstance(batch, dict):
        raise DatasetIntegrityError(f"{fpath} holds a {type(batch).__name__}, expected the dict "
                                    f"of a CIFAR batch. {_HOW_TO_FIX}")
    batch = {key.decode("utf8") if isinstance(key, bytes) else key: value
             for key, value in batch.items()}
    data, labels = batch.get("data"), batch.get(label_key)
    if (not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2
            or data.shape[1] != _PIXELS or labels is None or len(labels) != len(data)):
        raise DatasetIntegrityError(
            f"{fpath} is not a CIFAR batch: expected 'data' uint8 (n, {_PIXELS}) and n "
            f"{label_key!r}, got keys {sorted(batch)}. {_HOW_TO_FIX}")
    return data.reshape(len(data), 3, 32, 32), list(labels)


def batches_folder(dirname, origin, file_hash, batch_names):
    """Returns the folder of extracted batches, downloading and extracting the archive if needed.

    When every batch file is already in ``datasets/<dirname>/`` nothing is fetched or hashed;
    otherwise the archive ``datasets/<dirname>.tar.gz`` is downloaded (unless it is there and
    matches ``file_hash``) and extracted.

    Args:
        dirname: folder the archive extracts to, e.g. ``'cifar-10-batches-py'``.
        origin: URL of the ``.tar.gz``.
        file_hash: sha256 of the archive.
        batch_names: file names that must be in the folder.

    Raises:
        URLFetchError: the archive could not be downloaded.
        DatasetIntegrityError: the folder lacks some batches after extraction.
    """
    folder = os.path.join(cache_folder("datasets"), dirname)
    if all(os.path.isfile(os.path.join(folder, name)) for name in batch_names):
        return folder
    try:
        folder = get_file(dirname, origin=origin, untar=True, file_hash=file_hash)
    except URLFetchError as error:
        raise URLFetchError(f"{dirname} is not in the Keras cache ({folder}) and could not be "
                            f"downloaded: {error}. Copy {dirname}.tar.gz (from {origin}) into "
                            f"{os.path.dirname(folder)} to install it offline.") from error
    missing = [name for name in batch_names if not os.path.isfile(os.path.join(folder, name))]
    if missing:
        raise DatasetIntegrityError(
            f"{folder} lacks {', '.join(missing)}. Delete that folder (and {folder}.tar.gz if "
            f"it is not the archive from {origin}) so that it is extracted again.")
    return folder


def to_image_data_format(images):
    """Turns (n, 3, 32, 32) batches into (n, 32, 32, 3) unless ``image_data_format()`` is
    ``'channels_first'``.

    Example:
        >>> to_image_data_format(np.zeros((2, 3, 32, 32), np.uint8)).shape
        (2, 32, 32, 3)
    """
    if image_data_format() == "channels_first":
        return images
    return np.ascontiguousarray(images.transpose(0, 2, 3, 1))


_HOW_TO_FIX = ("Delete the extracted folder in $KERAS_HOME/datasets/ so that it is extracted "
               "again from the archive.")
