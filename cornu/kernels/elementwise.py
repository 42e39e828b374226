"""Element-wise kernels where torch's own is slow or inexact on CPU.

``sqrt``: torch's vectorised CPU square root (measured with torch 2.13 on AVX-512) rounds about
0.7% of float32 results one unit off in the last place, and takes 8-15x longer on zeros and
denormals, which optimizer accumulators of never-updated weights are full of (the border
pixels of MNIST, dead ReLU units): an RMSprop epoch grew 1.5x slower as training went on.
NumPy's square root on the same memory is the processor's correctly rounded instruction, as in
TensorFlow, at the same speed for every value.

Example:
    >>> out = torch.empty(3)
    >>> sqrt(torch.tensor([0.0, 4.0, 9.0]), out).tolist()
    [0.0, 2.0, 3.0]
"""
import numpy as np
import torch

_NUMPY_DTYPES = (torch.float32, torch.float64)


def sqrt(source, out):
    """Writes the square root of ``source`` into ``out`` and returns ``out``.

    Args:
        source: a tensor without autograd history.
        out: a tensor of the same shape and dtype (may be ``source`` itself).

    Example:
        >>> x = torch.tensor([16.0])
        >>> sqrt(x, x).tolist()
        [4.0]
    """
    if (source.device.type == "cpu" and out.device.type == "cpu"
            and source.dtype in _NUMPY_DTYPES and out.dtype == source.dtype):
        np.sqrt(source.numpy(), out=out.numpy())
        return out
    return torch.sqrt(source, out=out)
