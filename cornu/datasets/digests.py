"""Content digests of dataset arrays: a cached file is accepted when its arrays are right; and
the errors of the data set files (wrong content, local source not installed).

A dataset file rebuilt offline holds the same arrays as the upstream file but never the same
bytes (zip timestamps differ), so besides the upstream file hash the loaders accept a file whose
arrays have the expected dtype, shape and sha256 of ``array.tobytes()`` (C order).

Example:
    >>> array_digest(np.zeros(2, dtype='uint8'))[:16]
    '96a296d224f285c6'
"""
import hashlib

import numpy as np


class DatasetIntegrityError(ValueError):
    """A cached dataset file is not the data it should be (corrupt, truncated or different)."""


class SourceNotFoundError(FileNotFoundError):
    """The local copy of a data set that the cache is filled from is not installed."""


def array_digest(array):
    """Returns the sha256 hex digest of ``array.tobytes()`` in C order.

    Args:
        array: a NumPy array.
    """
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def array_problems(arrays, expected):
    """Lists how ``arrays`` differ from ``expected``; an empty list means they match.

    Args:
        arrays: dict name -> NumPy array.
        expected: dict name -> ``(dtype, shape, sha256)``.

    Example:
        >>> array_problems({'y': np.zeros(2, 'uint8')}, {'y': ('uint8', (3,), 'ab')})
        ['y: shape (2,), expected (3,)']
    """
    problems = []
    for name, (dtype, shape, digest) in expected.items():
        if name not in arrays:
            problems.append(f"{name}: missing")
            continue
        array = arrays[name]
        if array.dtype != np.dtype(dtype):
            problems.append(f"{name}: dtype {array.dtype}, expected {dtype}")
        elif array.shape != tuple(shape):
            problems.append(f"{name}: shape {array.shape}, expected {tuple(shape)}")
        elif array_digest(array) != digest:
            problems.append(f"{name}: content sha256 {array_digest(array)}, expected {digest}")
    return problems
