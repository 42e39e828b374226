"""A data set kept as one ``.npz`` file in the Keras cache and checked by content: what the
``mnist`` and ``boston_housing`` loaders share.

A cached file is accepted when it is byte-for-byte Keras's file (its sha256) or when its arrays
have the right content digests (a copy rebuilt offline by ``python -m cornu.datasets.offline``).
A missing file is downloaded; a cached file that is neither is reported and left in place.
Files are read without pickle.

Example:
    >>> npz = CachedNpz('MNIST', 'mnist.npz', ORIGIN, FILE_HASH, ARRAYS,
    ...                 offline_fill='python -m cornu.datasets.offline mnist',
    ...                 how_to_fix='Delete the file.')
    >>> sorted(npz.load('mnist.npz'))  # doctest: +SKIP
    ['x_test', 'x_train', 'y_test', 'y_train']
"""
import os
import zipfile

import numpy as np

from cornu.datasets.digests import DatasetIntegrityError, array_problems
from cornu.utils.data_utils import URLFetchError, cache_folder, get_file, validate_file


class CachedNpz:
    """One npz data set: where Keras downloads it, how to recognise it, what to tell the user.

    Args:
        title: the data set's name in messages, e.g. ``'MNIST'``.
        file_name: Keras's file name, e.g. ``'mnist.npz'``.
        origin: Keras's download URL.
        file_hash: the sha256 of Keras's file.
        arrays: dict name -> ``(dtype, shape, sha256 of the C-order bytes)``.
        offline_fill: the shell command that fills the cache without network.
        how_to_fix: what to do about a cached file that is wrong.

    Example:
        >>> npz = CachedNpz('Boston housing', 'boston_housing.npz', ORIGIN, FILE_HASH, ARRAYS,
        ...                 offline_fill='...', how_to_fix='...')
        >>> npz.verified_arrays(cached_path)['x'].shape  # doctest: +SKIP
        (506, 13)
    """

    def __init__(self, title, file_name, origin, file_hash, arrays, offline_fill, how_to_fix):
        self.title = title
        self.file_name = file_name
        self.origin = origin
        self.file_hash = file_hash
        self.arrays = arrays
        self.offline_fill = offline_fill
        self.how_to_fix = how_to_fix

    def load(self, path):
        """Returns the arrays of the cached file, downloading it first when it is missing.

        Args:
            path: file name in ``$KERAS_HOME/datasets/`` (or an absolute path).

        Raises:
            DatasetIntegrityError: the cached file is corrupt or holds other data.
            URLFetchError: the file is not cached and the download failed.
        """
        fpath = os.path.join(cache_folder("datasets"), path)
        if os.path.exists(fpath):
            return self.verified_arrays(fpath)
        try:
            fpath = get_file(path, origin=self.origin, file_hash=self.file_hash)
        except URLFetchError as error:
            raise URLFetchError(
                f"{self.title} is not in the cache ({fpath}) and could not be downloaded: "
                f"{error}. To fill the cache without network: `{self.offline_fill}`.") from error
        return self.read_arrays(fpath)

    def read_arrays(self, fpath):
        """Reads the arrays of an npz file (no pickle allowed).

        Args:
            fpath: path of the npz file.

        Returns:
            dict name -> array, for the names of ``arrays``.

        Raises:
            DatasetIntegrityError: the file is not a readable npz with these arrays.
        """
        if not zipfile.is_zipfile(fpath):
            raise DatasetIntegrityError(
                f"The cached {self.title} file {fpath} is not an npz (zip) file; it may be "
                f"truncated. The file was left in place. {self.how_to_fix}")
        try:
            with np.load(fpath, allow_pickle=False) as npz:
                return {name: npz[name] for name in self.arrays}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
            raise DatasetIntegrityError(
                f"The cached {self.title} file {fpath} cannot be read as an npz with the arrays "
                f"{', '.join(self.arrays)} ({type(error).__name__}: {error}). The file was left "
                f"in place. {self.how_to_fix}") from error

    def verified_arrays(self, fpath):
        """Reads a cached file after checking it is Keras's file or has the right content.

        Args:
            fpath: path of the npz file.

        Raises:
            DatasetIntegrityError: neither the file hash nor the array digests match.
        """
        if validate_file(fpath, self.file_hash):
            return self.read_arrays(fpath)
        arrays = self.read_arrays(fpath)
        problems = array_problems(arrays, self.arrays)
        if problems:
            raise DatasetIntegrityError(
                f"The cached {self.title} file {fpath} is neither Keras's {self.file_name} "
                f"(sha256 {self.file_hash}) nor a copy with the same arrays: "
                f"{'; '.join(problems)}. The file was left in place. {self.how_to_fix}")
        return arrays
