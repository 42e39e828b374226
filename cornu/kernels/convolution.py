"""Convolutions and pooling with Keras's padding rules, on torch's channels-first tensors.

Keras (TensorFlow) pads ``'same'`` convolutions with ``total = max((ceil(n / s) - 1) * s +
k_eff - n, 0)`` cells, ``total // 2`` before and the rest after: one more at the end when the
total is odd, where torch's ``padding=`` pads both sides alike. These functions take torch's
layouts (``(N, C, *spatial)`` data, ``(out, in / groups, *kernel)`` weights) and an explicit
pair of pads per spatial axis, and reach torch's symmetric kernels whenever the pads allow
(padding the input first only when they differ).

Example:
    >>> x = torch.ones(1, 1, 4, 4)
    >>> conv(x, torch.ones(1, 1, 2, 2), strides=(2, 2), pads=same_pads((4, 4), (2, 2), (2, 2))).shape
    torch.Size([1, 1, 2, 2])
"""
import math

import torch
import torch.nn.functional as F

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def effective_kernel(kernel, dilation):
    """The extent of a dilated kernel: ``(k - 1) * d + 1``.

    Args:
        kernel: the kernel size along one axis.
        dilation: the dilation rate along that axis.
    """
    return (kernel - 1) * dilation + 1


def same_pads(spatial, kernel, strides, dilation=None):
    """Keras's ``'same'`` padding: a ``(before, after)`` pair per spatial axis.

    Args:
        spatial: the input's spatial sizes.
        kernel: the kernel (or pool) sizes.
        strides: the strides.
        dilation: the dilation rates (default 1).

    Example:
        >>> same_pads((28,), (3,), (2,))
        ((0, 1),)
    """
    dilation = dilation or (1,) * len(spatial)
    pads = []
    for size, k, s, d in zip(spatial, kernel, strides, dilation):
        total = max((math.ceil(size / s) - 1) * s + effective_kernel(k, d) - size, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def _flat_pad(pads):
    """``F.pad``'s argument (last axis first) for per-axis ``(before, after)`` pairs."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return flat


def _symmetric_or_padded(x, pads, value=0.0):
    """Returns ``(x, symmetric_pads)``: the input padded ahead when the pads differ per side."""
    if all(before == after for before, after in pads):
        return x, tuple(before for before, _ in pads)
    return F.pad(x, _flat_pad(pads), value=value), (0,) * len(pads)


def conv(x, weight, bias=None, strides=None, pads=None, dilation=None, groups=1):
    """An N-d cross-correlation (Keras's convolution) with explicit per-side pads.

    Args:
        x: data ``(N, C_in, *spatial)``.
        weight: kernel ``(C_out, C_in / groups, *kernel)``.
        bias: ``(C_out,)`` or None.
        strides: per-axis strides (default 1).
        pads: per-axis ``(before, after)`` pairs (default none).
        dilation: per-axis dilation rates (default 1).
        groups: number of channel groups.

    Example:
        >>> conv(torch.ones(1, 2, 5), torch.ones(3, 2, 3)).shape
        torch.Size([1, 3, 3])
    """
    rank = weight.dim() - 2
    ones = (1,) * rank
    pads, strides, dilation = pads or ((0, 0),) * rank, strides or ones, dilation or ones
    if rank == 1 and _steps_last(x):
        y = conv(x.unsqueeze(2), weight.unsqueeze(2), bias, (1,) + tuple(strides),
                 ((0, 0),) + tuple(pads), (1,) + tuple(dilation), groups)
        return y.squeeze(2)
    x, padding = _symmetric_or_padded(x, pads)
    return _CONV[rank](x, weight, bias, strides, padding, dilation, groups)


def _steps_last(x):
    """Whether a ``(N, C, L)`` tensor is a view of ``(N, L, C)`` memory (Keras's layout):
    torch's 1-d kernels would copy it, while the 2-d ones take it as a ``channels_last``
    ``(N, C, 1, L)`` image (2x faster for the books' Conv1D, measured)."""
    return x.stride(1) == 1 and x.shape[1] > 1


def conv_transpose(x, weight, bias, output_spatial, strides, pads_before, dilation=None):
    """The transpose of ``conv`` (Keras's ``Conv2DTranspose``): the gradient of a convolution
    whose input has ``output_spatial`` sizes, padded ``pads_before`` cells at the start.

    Output cell ``o`` holds cell ``o + pads_before`` of the full transposed convolution (of
    length ``(n - 1) * s + k_eff``); cells past its end are zeros.

    Args:
        x: data ``(N, C_in, *spatial)``.
        weight: kernel ``(C_in, C_out, *kernel)``.
        bias: ``(C_out,)`` or None.
        output_spatial: the output's spatial sizes.
        strides: per-axis strides.
        pads_before: per-axis cells cut from the start of the full output.
        dilation: per-axis dilation rates (default 1).

    Example:
        >>> conv_transpose(torch.ones(1, 1, 3), torch.ones(1, 1, 2), None, (6,), (2,), (0,)).tolist()
        [[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]]
    """
    rank = weight.dim() - 2
    dilation = dilation or (1,) * rank
    extra = []  # output_padding torch would need: cells beyond the symmetric crop's end
    for n, size, k, s, d, before in zip(x.shape[2:], output_spatial, weight.shape[2:], strides,
                                        dilation, pads_before):
        full = (n - 1) * s + effective_kernel(k, d)
        extra.append(size - (full - 2 * before))
    allowed = all(0 <= e < max(s, d) for e, s, d in zip(extra, strides, dilation))
    if allowed:
        return _CONV_TRANSPOSE[rank](x, weight, bias, strides, tuple(pads_before), tuple(extra),
                                     1, dilation)
    y = _CONV_TRANSPOSE[rank](x, weight, None, strides, tuple(pads_before), 0, 1, dilation)
    y = _fit_spatial(y, output_spatial)
    return y if bias is None else y + bias.view((1, -1) + (1,) * rank)


def _fit_spatial(y, output_spatial):
    """Crops, or extends with zeros, the end of each spatial axis to ``output_spatial``."""
    y = y[(slice(None), slice(None)) + tuple(slice(0, size) for size in output_spatial)]
    grow = [(0, size - have) for size, have in zip(output_spatial, y.shape[2:])]
    return F.pad(y, _flat_pad(grow)) if any(after for _, after in grow) else y


def _torch_pool_padding(pads, pool_size):
    """The ``padding`` torch's pooling takes for these pads (the same on both sides, at most
    half a window), or None when they need padding ahead."""
    if all(before == after and before * 2 <= k for (before, after), k in zip(pads, pool_size)):
        return tuple(before for before, _ in pads)
    return None


def _pool_as_image(pool, x, pool_size, strides, pads):
    """A 1-d pooling run by ``pool`` on the ``(N, C, 1, L)`` image view (see ``_steps_last``)."""
    return pool(x.unsqueeze(2), (1,) + tuple(pool_size), (1,) + tuple(strides),
                ((0, 0),) + tuple(pads)).squeeze(2)


def max_pool(x, pool_size, strides, pads):
    """Max pooling; padded cells never win (they are ``-inf``).

    Args:
        x: data ``(N, C, *spatial)``.
        pool_size: per-axis window sizes.
        strides: per-axis strides.
        pads: per-axis ``(before, after)`` pairs.

    Example:
        >>> max_pool(torch.arange(4.).view(1, 1, 4), (2,), (2,), ((0, 0),)).tolist()
        [[[1.0, 3.0]]]
    """
    rank = len(pool_size)
    if rank == 1 and _steps_last(x):
        return _pool_as_image(max_pool, x, pool_size, strides, pads)
    padding = _torch_pool_padding(pads, pool_size)
    if padding is not None:
        return _MAX_POOL[rank](x, pool_size, strides, padding)
    x = F.pad(x, _flat_pad(pads), value=float("-inf"))
    return _MAX_POOL[rank](x, pool_size, strides)


def avg_pool(x, pool_size, strides, pads):
    """Average pooling over the cells inside the input only (padded cells are not counted).

    Args:
        x: data ``(N, C, *spatial)``.
        pool_size: per-axis window sizes.
        strides: per-axis strides.
        pads: per-axis ``(before, after)`` pairs.

    Example:
        >>> avg_pool(torch.tensor([[[2., 4., 6.]]]), (2,), (2,), ((0, 1),)).tolist()
        [[[3.0, 6.0]]]
    """
    rank = len(pool_size)
    if rank == 1 and _steps_last(x):
        return _pool_as_image(avg_pool, x, pool_size, strides, pads)
    padding = _torch_pool_padding(pads, pool_size)
    if padding is not None:
        return _AVG_POOL[rank](x, pool_size, strides, padding, count_include_pad=False)
    sums = _AVG_POOL[rank](F.pad(x, _flat_pad(pads)), pool_size, strides)
    inside = F.pad(x.new_ones((1, 1) + tuple(x.shape[2:])), _flat_pad(pads))
    return sums / _AVG_POOL[rank](inside, pool_size, strides)
