"""The fastest CPU kernel for a dense layer's products, by size.

For large products, oneDNN's linear kernel (what torch's compiler uses on CPU) beats the BLAS
``addmm``, and can apply a ReLU in the same pass; for small ones its fixed cost (~30 us) loses
to BLAS. For tiny products (a few thousand multiply-adds, the textbooks' 9-8-1 networks) every
torch call costs 7-10 us whatever the size, while NumPy's BLAS call on the same memory costs
2-3 us: the training step runs those through NumPy (``numpy_max_rows``). All compute the same
products, rounded differently in the last bits.

Example:
    >>> z = linear(torch.ones(4, 3), torch.ones(3, 2), torch.zeros(2))
    >>> z.tolist()
    [[3.0, 3.0], [3.0, 3.0], [3.0, 3.0], [3.0, 3.0]]
"""
import math

import torch

# Multiply-adds per call above which oneDNN's kernel pays for its fixed cost (measured here:
# 128x512x10 is 1.8x faster with oneDNN, 1x784x512 1.4x slower).
ONEDNN_MIN_WORK = 500_000

# Multiply-adds per call up to which NumPy's BLAS takes a product. NumPy's OpenBLAS runs
# products up to 262,144 multiply-adds on the calling thread; larger ones wake its own thread
# pool, which fights torch's threads for the cores (10x slower here), so stay well below.
NUMPY_MAX_WORK = 131_072

try:
    _ONEDNN = torch.ops.mkldnn._linear_pointwise if torch.backends.mkldnn.is_available() else None
except (AttributeError, RuntimeError):
    _ONEDNN = None


def _cpu_float32(kernel):
    return kernel.dtype == torch.float32 and kernel.device.type == "cpu"


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
    return math.ceil(ONEDNN_MIN_WORK / max(kernel.shape[0] * kernel.shape[1], 1))


def numpy_max_rows(kernel):
    """The most input rows for which products with ``kernel`` go to NumPy's BLAS (may be 0).

    Args:
        kernel: the ``(in, out)`` kernel.
    """
    if not _cpu_float32(kernel):
        return 0
    return NUMPY_MAX_WORK // max(kernel.shape[0] * kernel.shape[1], 1)


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
