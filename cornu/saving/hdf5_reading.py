"""Reading HDF5 model files defensively: clear errors for missing, truncated, damaged or
non-HDF5 files; datasets reached only through plain links inside the file, holding plain
numbers, and read only when asked (after their shape was checked).

Every h5py call on a file being read goes through this module, which turns the errors h5py
raises on damaged data (``OSError``, ``RuntimeError``, ``KeyError``, ``ValueError``,
``TypeError``) into ``SavedFileError``. HDF5 can also link to other files (external links,
external raw storage, virtual datasets); a model file never needs them, so they are refused:
loading a file reads that file only.

Example:
    >>> with open_hdf5('weights.h5') as f:  # doctest: +SKIP
    ...     kernel = stored_array(f, 'dense_1/dense_1/kernel:0', 'weights.h5').read()
"""
import contextlib
import os

import h5py
import numpy as np

from cornu.saving.errors import SavedFileError

ZIP_SIGNATURE = b"PK\x03\x04"

#: dtype kinds a weight dataset may have: bool, signed and unsigned integers, floats.
NUMERIC_KINDS = "biuf"


def is_zip_archive(filepath):
    """Whether an existing file is a zip archive (a Keras 3 ``.keras`` file), from its first
    bytes.

    Args:
        filepath: a path.

    Raises:
        FileNotFoundError: there is no such file.
        IsADirectoryError: the path is a folder.
    """
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        raise IsADirectoryError(f"{filepath} is a folder, not a model or weight file. cornu reads "
                                "Keras HDF5 files (.h5, .hdf5); a TensorFlow SavedModel folder "
                                "cannot be loaded.")
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No file at {filepath} (looked in {os.path.abspath(filepath)}). "
                                "Check the path, or save the model there first.")
    with open(filepath, "rb") as handle:
        return handle.read(len(ZIP_SIGNATURE)) == ZIP_SIGNATURE


@contextlib.contextmanager
def guarded(where):
    """Turns the errors h5py raises on damaged data inside the block into ``SavedFileError``.

    Wrap only h5py calls with it, so that other errors keep their meaning.

    Args:
        where: the file (and part of it) being read, for the message.
    """
    try:
        yield
    except (OSError, RuntimeError, KeyError, ValueError, TypeError) as error:
        if isinstance(error, SavedFileError):
            raise
        raise SavedFileError(f"{where}: the HDF5 data cannot be read ({type(error).__name__}: "
                             f"{error}). The file is damaged or truncated (an interrupted copy "
                             "or download); save or download it again.") from error


@contextlib.contextmanager
def open_hdf5(filepath):
    """Opens an HDF5 file for reading, with clear errors when that is impossible.

    Args:
        filepath: a path.

    Raises:
        FileNotFoundError: there is no such file.
        SavedFileError: the file is not HDF5 (a Keras 3 zip archive ...) or is damaged.
    """
    if is_zip_archive(filepath):
        raise SavedFileError(f"{filepath} is a zip archive (the Keras 3 '.keras' format), not "
                             "an HDF5 file. Load it with keras.models.load_model(filepath).")
    try:
        handle = h5py.File(filepath, "r")
    except (OSError, RuntimeError, ValueError) as error:
        raise SavedFileError(f"{filepath} cannot be opened as an HDF5 model or weight file "
                             f"({error}). If a save or download was interrupted, write or fetch "
                             "the file again.") from error
    try:
        yield handle
    finally:
        with contextlib.suppress(Exception):
            handle.close()


def attribute(group, name, where):
    """The attribute ``name`` of ``group`` (as h5py gives it), or None when absent.

    Args:
        group: an h5py File or Group.
        name: the attribute name.
        where: the file (and group) for error messages.
    """
    with guarded(where):
        return group.attrs[name] if name in group.attrs else None


def has_member(group, name, where):
    """Whether ``group`` has a direct member ``name`` (without following it).

    Args:
        group: an h5py File or Group.
        name: the member name.
        where: the file (and group) for error messages.
    """
    with guarded(where):
        return group.get(name, getlink=True) is not None


def child(group, name, where):
    """The member ``name`` of ``group`` (a ``/`` in the name descends through groups), reached
    only through hard links inside the file.

    Args:
        group: an h5py Group.
        name: the member's path relative to ``group``, e.g. ``'dense_1/kernel:0'``.
        where: the file (and group) for error messages.

    Raises:
        SavedFileError: the member is missing or is a link.
    """
    node = group
    with guarded(where):
        for part in name.split("/"):
            if not part:
                continue
            link = node.get(part, getlink=True) if isinstance(node, h5py.Group) else None
            if link is None:
                raise SavedFileError(f"{where}: {name!r} is listed but missing from the file "
                                     f"(no {part!r} in {node.name!r}). The file is damaged or "
                                     "incomplete; save it again.")
            if not isinstance(link, h5py.HardLink):
                raise SavedFileError(f"{where}: {name!r} is a {type(link).__name__}; cornu reads "
                                     "only data stored in the file itself, never linked files.")
            node = node[part]
    return node


class StoredArray:
    """A numeric dataset of the file, described (name, shape, size) but not read yet.

    Args:
        dataset: the h5py Dataset.
        name: its path as listed in the file.
        where: the file (and group) for error messages.
    """

    def __init__(self, dataset, name, where):
        self.name = name
        self.where = where
        self._dataset = dataset
        with guarded(where):
            self.shape = tuple(int(d) for d in dataset.shape)
            self.size = int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1

    def read(self):
        """The values as a NumPy array (call only once the shape is known to fit)."""
        with guarded(f"{self.where}, weight {self.name!r}"):
            return np.asarray(self._dataset[()])


def stored_array(group, name, where):
    """The dataset ``name`` under ``group``, checked to be numeric and stored in this file.

    Args:
        group: an h5py Group.
        name: the dataset's path relative to ``group``.
        where: the file (and group) for error messages.

    Raises:
        SavedFileError: missing, not a dataset, stored outside the file, or not numbers.
    """
    node = child(group, name, where)
    with guarded(where):
        if not isinstance(node, h5py.Dataset):
            raise SavedFileError(f"{where}: {name!r} should be a dataset of weight values, found "
                                 f"a {type(node).__name__}. The file is damaged or not a Keras "
                                 "file.")
        if node.is_virtual or node.external:
            raise SavedFileError(f"{where}: the dataset {name!r} keeps its values in other "
                                 "files; cornu reads only data stored in the file itself.")
        if node.dtype.kind not in NUMERIC_KINDS or node.dtype.subdtype is not None:
            raise SavedFileError(f"{where}: the dataset {name!r} holds {node.dtype}, not "
                                 "numbers. The file is damaged or not a Keras file.")
    return StoredArray(node, name, where)
