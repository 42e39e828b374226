"""NumPy's BLAS (the OpenBLAS its wheels bundle) as a kernel for small products, with its own
thread pool kept asleep.

OpenBLAS wakes its threads for products above ``OPENBLAS_THREADING_WORK`` multiply-adds; next to
torch's threads they fight for the cores (10x slower, measured). ``numpy_blas_one_thread``
keeps every product of a block on the calling thread, through
``openblas_set_num_threads_local`` (OpenBLAS 0.3.27+, in NumPy 2 wheels). The count is
process-wide (measured: other threads see it), so overlapping blocks from several threads share
one setting: the first sets it, the last restores it (``SharedSetting``).

Example:
    >>> with numpy_blas_one_thread():
    ...     _ = np.ones((256, 1024), np.float32) @ np.ones((1024, 10), np.float32)
"""
import ctypes
import glob
import os
from contextlib import nullcontext

import numpy as np

from cornu.utils.shared_setting import SharedSetting

# NumPy's OpenBLAS runs products of up to this many multiply-adds on the calling thread;
# larger ones wake its own thread pool, which fights torch's threads for the cores (10x slower
# here) unless ``numpy_blas_one_thread`` keeps it asleep.
OPENBLAS_THREADING_WORK = 262_144


def _openblas_thread_setter():
    """``openblas_set_num_threads_local`` (OpenBLAS 0.3.27+) of the OpenBLAS that NumPy's wheel
    bundles, or None (another BLAS, or an older OpenBLAS). It returns the previous count."""
    root = os.path.dirname(np.__file__)
    for path in sorted(glob.glob(root + ".libs/*openblas*") +
                       glob.glob(os.path.join(root, ".dylibs", "*openblas*"))):
        try:
            setter = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        setter.argtypes, setter.restype = [ctypes.c_int], ctypes.c_int
        return setter
    return None


_SET_OPENBLAS_THREADS = _openblas_thread_setter()

# Multiply-adds per call up to which NumPy's BLAS takes a product. With OpenBLAS's threads
# under control, NumPy on one thread matches or beats torch on two up to about a million
# (128x784x10, MNIST's logistic regression, measured here); otherwise stay below its threading.
NUMPY_MAX_WORK = 1_048_576 if _SET_OPENBLAS_THREADS else OPENBLAS_THREADING_WORK // 2


def _read_threads():
    previous = _SET_OPENBLAS_THREADS(1)
    _SET_OPENBLAS_THREADS(previous)
    return previous


def _write_threads(count):
    _SET_OPENBLAS_THREADS(count)


_OPENBLAS_THREADS = SharedSetting(_read_threads, _write_threads)


def numpy_blas_one_thread(needed=True):
    """A context in which NumPy's BLAS keeps its own threads asleep (a no-op when not needed).

    The count is process-wide: while a block runs, NumPy products of other threads also run on
    one thread.

    Args:
        needed: whether NumPy products above ``OPENBLAS_THREADING_WORK`` may run in the block.

    Example:
        >>> with numpy_blas_one_thread():
        ...     _ = np.ones((256, 1024), np.float32) @ np.ones((1024, 10), np.float32)
    """
    if needed and _SET_OPENBLAS_THREADS is not None:
        return _OPENBLAS_THREADS(1)
    return nullcontext()
