"""The fastest CPU kernel for a dense layer's products, by size.

For large products, oneDNN's linear kernel (what torch's compiler uses on CPU) beats the BLAS
``addmm``, and can apply a ReLU in the same pass; for small ones its fixed cost (~30 us) loses
to BLAS. For small products NumPy's BLAS (OpenBLAS) on the same memory wins: every torch call
costs 7-10 us whatever the size (NumPy's 2-3 us), and torch's MKL is slow on narrow products
such as a 10-class output layer (80 us for 128x512x10, OpenBLAS on one thread 37 us). The
training step runs those through NumPy (``numpy_max_rows``), inside
``openblas.numpy_blas_one_thread`` when they are large enough to wake OpenBLAS's own threads.
All compute the same products, rounded differently in the last bits.

Example:
    >>> z = linear(torch.ones(4, 3), torch.ones(3, 2), torch.zeros(2))
    >>> z.tolist()
    [[3.0, 3.0], [3.0, 3.0], [3.0, 3.0], [3.0, 3.0]]
"""
import math

import torch

from cornu.kernels.openblas import NUMPY_MAX_WORK, OPENBLAS_THREADING_WORK

# Multiply-adds per call above which oneDNN's kernel pays for its fixed cost (measured here:
# 128x512x10 is 1.8x faster with oneDNN, 1x784x512 1.4x slower).
ONEDNN_MIN_WORK = 500_000

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
