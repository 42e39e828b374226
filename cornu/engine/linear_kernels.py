"""The fastest CPU kernel for a dense layer's product ``x @ kernel + bias``.

For large products, oneDNN's linear kernel (what torch's compiler uses on CPU) beats the BLAS
``addmm``, and can apply a ReLU in the same pass; for small ones its fixed cost (~30 us) loses
to BLAS. Both compute the same product, rounded differently in the last bits.

Example:
    >>> z = linear(torch.ones(4, 3), torch.ones(3, 2), torch.zeros(2))
    >>> z.tolist()
    [[3.0, 3.0], [3.0, 3.0], [3.0, 3.0], [3.0, 3.0]]
"""
import torch

# Multiply-adds per call above which oneDNN's kernel pays for its fixed cost (measured here:
# 128x512x10 is 1.8x faster with oneDNN, 1x784x512 1.4x slower).
ONEDNN_MIN_WORK = 500_000

try:
    _ONEDNN = torch.ops.mkldnn._linear_pointwise if torch.backends.mkldnn.is_available() else None
except (AttributeError, RuntimeError):
    _ONEDNN = None


def uses_onednn(rows, kernel):
    """Whether a product of ``rows`` input rows with ``kernel`` goes to oneDNN.

    Args:
        rows: the batch size (rows of ``x``).
        kernel: the ``(in, out)`` kernel.
    """
    shape = kernel.shape
    return (rows * shape[0] * shape[1] >= ONEDNN_MIN_WORK and _ONEDNN is not None
            and kernel.dtype == torch.float32 and kernel.device.type == "cpu")


def linear(x, kernel, bias, relu=False):
    """``x @ kernel + bias`` (then ReLU when asked) for 2-D ``x``, without autograd support.

    Args:
        x: ``(batch, in)`` float tensor.
        kernel: ``(in, out)`` tensor (the Keras layout).
        bias: ``(out,)`` tensor or None.
        relu: apply ``max(z, 0)`` in the same pass.
    """
    if uses_onednn(x.shape[0], kernel):
        return _ONEDNN(x, kernel.t(), bias, "relu" if relu else "none", [], "")
    z = x.mm(kernel) if bias is None else torch.addmm(bias, x, kernel)
    return torch.relu(z) if relu else z
