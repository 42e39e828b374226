"""Read ``.npz`` files that hold object arrays (Keras's ``imdb.npz``, ``reuters.npz``) safely.

``np.load(path, allow_pickle=True)`` unpickles object arrays with the full pickle machinery,
so a crafted file could run code. Here each ``.npy`` member is parsed by hand: plain arrays are
read from their raw bytes, and object arrays (a pickled ``ndarray`` after the ``.npy`` header)
go through :class:`cornu.datasets.safe_pickle.RestrictedUnpickler`, which rebuilds NumPy arrays,
lists, ints and strings and refuses every other global.

Example:
    >>> arrays = load_npz('imdb.npz', ['x_train', 'y_train'])  # doctest: +SKIP
    >>> arrays['x_train'].dtype, arrays['x_train'][0][:3]  # doctest: +SKIP
    (dtype('O'), [23022, 309, 6])
"""
import pickle
import zipfile

import numpy as np

from cornu.datasets.digests import DatasetIntegrityError
from cornu.datasets.safe_pickle import RestrictedUnpickler

_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}


def load_npz(fpath, names):
    """Reads the named arrays of an ``.npz`` file; object arrays are unpickled restrictively.

    Args:
        fpath: path of the ``.npz`` (zip) file.
        names: array names to read (the members ``<name>.npy``).

    Returns:
        dict name -> NumPy array.

    Raises:
        DatasetIntegrityError: the file is not a zip, a member is missing or truncated, or an
            object array holds something other than plain data.

    Example:
        >>> load_npz('reuters.npz', ['x', 'y'])['y'][:3]  # doctest: +SKIP
        array([3, 4, 3])
    """
    if not zipfile.is_zipfile(fpath):
        raise DatasetIntegrityError(f"{fpath} is not an npz (zip) file; it may be truncated or "
                                    f"be another kind of file.")
    arrays = {}
    try:
        with zipfile.ZipFile(fpath) as archive:
            members = set(archive.namelist())
            for name in names:
                if name + ".npy" not in members:
                    raise DatasetIntegrityError(
                        f"{fpath} has no array {name!r}; it holds "
                        f"{', '.join(sorted(m[:-4] for m in members if m.endswith('.npy')))}.")
                with archive.open(name + ".npy") as f:
                    arrays[name] = read_npy(f, f"{fpath}[{name}]")
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise DatasetIntegrityError(f"{fpath} cannot be read as an npz file "
                                    f"({type(error).__name__}: {error}).") from error
    return arrays


def read_npy(f, where="array"):
    """Reads one ``.npy`` stream (format 1.0 or 2.0) without running code.

    Args:
        f: binary file object positioned at the ``.npy`` magic string.
        where: name used in error messages.

    Raises:
        DatasetIntegrityError: bad header, wrong size, or a refused pickle.

    Example:
        >>> import io; buf = io.BytesIO(); np.save(buf, np.arange(3)); _ = buf.seek(0)
        >>> read_npy(buf).tolist()
        [0, 1, 2]
    """
    try:
        version = np.lib.format.read_magic(f)
        if version not in _HEADER_READERS:
            raise ValueError(f".npy format version {version} is not supported (1.0 or 2.0)")
        shape, fortran_order, dtype = _HEADER_READERS[version](f)
    except ValueError as error:
        raise DatasetIntegrityError(f"{where}: not a valid .npy array ({error}).") from error
    if dtype.hasobject:
        return _read_object_array(f, shape, where)
    count = int(np.prod(shape))
    data = f.read(count * dtype.itemsize)
    if len(data) != count * dtype.itemsize:
        raise DatasetIntegrityError(f"{where}: {len(data)} bytes of data, expected "
                                    f"{count * dtype.itemsize} for shape {shape} {dtype}; the "
                                    f"file is truncated.")
    array = np.frombuffer(bytearray(data), dtype, count)  # bytearray: writable, like np.load
    return array.reshape(shape, order="F" if fortran_order else "C")


def _read_object_array(f, shape, where):
    try:
        array = RestrictedUnpickler(f, encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, KeyError,
            IndexError) as error:
        raise DatasetIntegrityError(f"{where}: the object array cannot be read safely "
                                    f"({error}).") from error
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise DatasetIntegrityError(f"{where}: the pickled data is not an array of shape "
                                    f"{tuple(shape)} as the .npy header says.")
    return array
