"""A restricted unpickler for dataset files: NumPy arrays, lists, dicts and plain values only.

Old dataset files (deeplearning.net's ``mnist.pkl.gz``, CIFAR batches) are pickles. Loading
them must never run code, so only the few NumPy callables needed to rebuild an array are
allowed; any other global in the stream raises ``pickle.UnpicklingError``.

Example:
    >>> import io, pickle
    >>> data = pickle.dumps({'x': np.arange(3)}, protocol=2)
    >>> load_restricted(io.BytesIO(data))['x'].tolist()
    [0, 1, 2]
"""
import codecs
import pickle

import numpy as np

# The callables NumPy pickles refer to, found from NumPy itself so that both the
# ``numpy.core`` (NumPy 1) and ``numpy._core`` (NumPy 2) spellings resolve to them.
_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(1))[0]
_SCALAR = np.float64(0).__reduce__()[0]
_ALLOWED = {
    "_reconstruct": _RECONSTRUCT,
    "scalar": _SCALAR,
    "ndarray": np.ndarray,
    "dtype": np.dtype,
}
_NUMPY_MODULES = ("numpy", "numpy.core.multiarray", "numpy._core.multiarray")
# Python 3 writes bytes in protocol-2 pickles as _codecs.encode(text, 'latin1'): plain data.
_CODECS_ENCODE = ("_codecs", "encode")


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that only rebuilds NumPy arrays, dtypes, scalars and byte strings.

    Args:
        file: a binary file object.
        **kwargs: passed to ``pickle.Unpickler`` (e.g. ``encoding='latin1'`` for Python 2 files).
    """

    def find_class(self, module, name):
        if module in _NUMPY_MODULES and name in _ALLOWED:
            return _ALLOWED[name]
        if (module, name) == _CODECS_ENCODE:
            return codecs.encode
        raise pickle.UnpicklingError(
            f"Refusing to load {module}.{name} from a data file: only NumPy arrays, dtypes and "
            f"plain Python values are allowed, because unpickling anything else can run code.")


def load_restricted(file, encoding="latin1"):
    """Reads one pickled object from a binary file with :class:`RestrictedUnpickler`.

    Args:
        file: a binary file object (e.g. from ``gzip.open(path, 'rb')``).
        encoding: how Python 2 byte strings are decoded; ``'latin1'`` rebuilds NumPy arrays
            exactly, ``'bytes'`` keeps them as bytes (CIFAR batches).
    """
    return RestrictedUnpickler(file, encoding=encoding).load()
