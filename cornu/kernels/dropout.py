"""The keep-mask of inverted dropout, drawn from torch's generator.

A unit is kept where a uniform draw in [0, 1) is at least ``rate`` (TensorFlow's rule). torch's
``uniform_`` spends one 32-bit draw of its Mersenne Twister on each float, one element at a
time, and at a CIFAR-10 convnet's sizes that is the slowest operation of a ``Dropout`` layer.
When ``rate`` is a multiple of 2**-16 (0.5, 0.25, 0.125, 0.0625 ...), a 16-bit draw decides the
unit exactly as a finer one would, and one 64-bit draw gives four of them: the draws take a
third of the time, the whole mask about 60%. Other rates use ``uniform_``'s float draws, with
their 2**-24 resolution, and so does a step that ``torch.compile`` traces (its
functionalisation cannot view int64 draws as int16).

Example:
    >>> set(dropout_mask(torch.ones(100), 0.5).unique().tolist()) <= {0.0, 2.0}
    True
"""
import math

import torch

_STEPS_16 = 1 << 16


def dropout_mask(inputs, rate, noise_shape=None):
    """The scaled keep-mask of inverted dropout: 0 with probability ``rate``, else
    ``1 / (1 - rate)``, drawn from torch's generator (broadcast along ``noise_shape``'s 1s).

    Args:
        inputs: the tensor to drop from; the mask takes its dtype and device.
        rate: fraction to drop, in (0, 1).
        noise_shape: the mask's shape (``None`` entries take the input's size), or None.

    Example:
        >>> dropout_mask(torch.ones(2, 3), 0.25, noise_shape=(None, 1)).shape
        torch.Size([2, 1])
    """
    if noise_shape is None:
        shape = tuple(inputs.shape)
    else:
        shape = tuple(dim if want is None else want for dim, want in zip(inputs.shape, noise_shape))
    drop_steps = rate * _STEPS_16
    if drop_steps == int(drop_steps) and not torch.compiler.is_compiling():
        kept = _uniform_16_bits(shape, inputs.device).ge_(int(drop_steps) - _STEPS_16 // 2)
        mask = kept.to(inputs.dtype)
    else:
        mask = inputs.new_empty(shape).uniform_().ge_(rate)
    return mask.div_(1.0 - rate)


def _uniform_16_bits(shape, device):
    """Uniform integers in [-2**15, 2**15) of ``shape`` (int16): four per 64-bit draw."""
    count = math.prod(shape)
    draws = torch.empty((count + 3) // 4, dtype=torch.int64, device=device)
    draws.random_(-2 ** 63, None)  # the whole int64 range: one 64-bit draw each
    return draws.view(torch.int16)[:count].view(shape)
