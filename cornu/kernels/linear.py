"""The fastest CPU kernel for a dense layer's products, by size.

For large products, oneDNN's linear kernel (what torch's compiler uses on CPU) beats the BLAS
``addmm``, and can apply a ReLU in the same pass; for small ones its fixed cost (~30 us) loses
to BLAS. For small products NumPy's BLAS (OpenBLAS) on the same memory wins: every torch call
costs 7-10 us whatever the size (NumPy's 2-3 us), and torch's MKL is slow on narrow products
such as a 10-class output layer (80 us for 128x512x10, OpenBLAS on one thread 37 us). The
training step runs those through NumPy (``numpy_max_rows``), inside ``numpy_blas_one_thread``
when they are large enough to wake OpenBLAS's own threads. All compute the same products,
rounded differently in the last bits.

Example:
    >>> z = linear(torch.ones(4, 3), torch.ones(3, 2), torch.zeros(2))
    >>> z.tolist()
    [[3.0, 3.0], [3.0, 3.0], [3.0, 3.0], [3.0, 3.0]]
"""
import ctypes
import glob
import math
import os
from contextlib import nullcontext

import numpy as np
import torch

# Multiply-adds per call above which oneDNN's kernel pays for its fixed cost (measured here:
# 128x512x10 is 1.8x faster with oneDNN, 1x784x512 1.4x slower).
ONEDNN_MIN_WORK = 500_000

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


class _OpenBlasOneThread:
    """Within the block, NumPy's OpenBLAS runs every product on the calling thread."""

    def __enter__(self):
        self.previous = _SET_OPENBLAS_THREADS(1)

    def __exit__(self, *exc):
        _SET_OPENBLAS_THREADS(self.previous)


def numpy_blas_one_thread(needed=True):
    """A context in which NumPy's BLAS keeps its own threads asleep (a no-op when not needed).

    OpenBLAS's thread count is process-wide: within the block, NumPy products made on other
    threads run on one thread too.

    Args:
        needed: whether NumPy products above ``OPENBLAS_THREADING_WORK`` may run in the block.

    Example:
        >>> with numpy_blas_one_thread():
        ...     _ = np.ones((256, 1024), np.float32) @ np.ones((1024, 10), np.float32)
    """
    if needed and _SET_OPENBLAS_THREADS is not None:
        return _OpenBlasOneThread()
    return nullcontext()


try:
    _ONEDNN = torch.ops.mkldnn._linear_pointwise if torch.backends.mkldnn.is_available() else None
except (AttributeError, RuntimeError):
    _ONEDNN = None


def _cpu_float32(kernel):
    return kernel.dtype == torch.float32 and kernel.device.type == "cpu"


def _work_per_row(kernel):
    """Multiply-adds per input row of a product with ``kernel`` (at least 1)."""
    return max(kernel.shape[0] * kernel.shape[1], 1)


def _onednn_takes(kernel):
    """Whether oneDNN's kernel is available for products with ``kernel`` at all."""
    return _ONEDNN is not None and _cpu_float32(kernel)


def onednn_min_rows(kernel):
    """The fewest input rows for which a product with ``kernel`` goes to oneDNN (may be inf).

    Args:
        kernel: the ``(in, out)`` kernel.
    """
    if not _onednn_takes(kernel):
        return math.inf
    return math.ceil(ONEDNN_MIN_WORK / _work_per_row(kernel))


def numpy_max_rows(kernel):
    """The most input rows for which products with ``kernel`` go to NumPy's BLAS (may be 0).

    Args:
        kernel: the ``(in, out)`` kernel.
    """
    if not _cpu_float32(kernel):
        return 0
    return NUMPY_MAX_WORK // _work_per_row(kernel)


def numpy_threaded_rows(kernel):
    """The input rows for which NumPy's products with ``kernel`` would wake OpenBLAS's threads
    (a ``range``, empty when NumPy never takes them that large).

    Args:
        kernel: the ``(in, out)`` kernel.
    """
    first = OPENBLAS_THREADING_WORK // _work_per_row(kernel) + 1
    return range(first, numpy_max_rows(kernel) + 1)


def onednn_linear(x, kernel, bias, relu=False):
    """``x @ kernel + bias`` (then ReLU when asked) with oneDNN's kernel, for 2-D float32 ``x``.

    Args:
        x: ``(batch, in)`` tensor.
        kernel: ``(in, out)`` tensor.
        bias: ``(out,)`` tensor or None.
        relu: apply ``max(z, 0)`` in the same pass.
    """
    return _ONEDNN(x, kernel.t(), bias, "relu" if relu else "none", [], "")


def linear(x, kernel, bias, relu=False):
    """``x @ kernel + bias`` (then ReLU when asked) for 2-D ``x``, without autograd support.

    Args:
        x: ``(batch, in)`` float tensor.
        kernel: ``(in, out)`` tensor (the Keras layout).
        bias: ``(out,)`` tensor or None.
        relu: apply ``max(z, 0)`` in the same pass.
    """
    rows, (inputs, units) = x.shape[0], kernel.shape
    # the same rule as onednn_min_rows, the work first: it rules most calls out at once
    if rows * inputs * units >= ONEDNN_MIN_WORK and _onednn_takes(kernel):
        return onednn_linear(x, kernel, bias, relu)
    z = x.mm(kernel) if bias is None else torch.addmm(bias, x, kernel)
    return torch.relu(z) if relu else z
