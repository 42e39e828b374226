"""NumPy references of the spatial layers, written from Keras's (TensorFlow's) definitions:
cross-correlation with TensorFlow's 'same' rule (the extra pad at the end), transposed
convolution as the scatter of each input cell times the kernel, depthwise as one group per
channel, and pooling that ignores padded cells. Inputs and kernels use the Keras layouts.
"""
import math

import numpy as np


def tf_pads(size, kernel, stride, dilation, padding):
    """(before, after) of TensorFlow's padding of one axis."""
    extent = (kernel - 1) * dilation + 1
    if padding == "same":
        total = max((math.ceil(size / stride) - 1) * stride + extent - size, 0)
        return total // 2, total - total // 2
    if padding == "causal":
        return extent - 1, 0
    return 0, 0


def _ntuple(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)


def conv(x, kernel, bias=None, strides=1, padding="valid", dilation=1, groups=1,
         channels_first=False):
    """Cross-correlation of ``x`` (N, *spatial, C) with ``kernel`` (*k, C / groups, F)."""
    if channels_first:
        x = np.moveaxis(x, 1, -1)
    rank = kernel.ndim - 2
    window = kernel.shape[:rank]
    strides, dilation = _ntuple(strides, rank), _ntuple(dilation, rank)
    pads = [tf_pads(x.shape[1 + i], window[i], strides[i], dilation[i], padding)
            for i in range(rank)]
    xp = np.pad(x.astype(np.float64), [(0, 0)] + pads + [(0, 0)])
    sizes = [(xp.shape[1 + i] - (window[i] - 1) * dilation[i] - 1) // strides[i] + 1
             for i in range(rank)]
    in_group, filters = kernel.shape[-2], kernel.shape[-1]
    per_group = filters // groups
    out = np.zeros((x.shape[0], *sizes, filters))
    for offset in np.ndindex(*window):
        cells = tuple(slice(o * d, o * d + s * (n - 1) + 1, s)
                      for o, d, s, n in zip(offset, dilation, strides, sizes))
        patch = xp[(slice(None),) + cells]
        for g in range(groups):
            out[..., g * per_group:(g + 1) * per_group] += (
                patch[..., g * in_group:(g + 1) * in_group]
                @ kernel[offset][:, g * per_group:(g + 1) * per_group])
    if bias is not None:
        out = out + bias
    return np.moveaxis(out, -1, 1) if channels_first else out


def depthwise(x, kernel, bias=None, strides=1, padding="valid", dilation=1):
    """Each channel of ``x`` filtered by ``kernel[..., c, m]`` into channel ``c * M + m``."""
    rank = kernel.ndim - 2
    channels, multiplier = kernel.shape[-2:]
    grouped = kernel.reshape(kernel.shape[:rank] + (1, channels * multiplier))
    return conv(x, grouped, bias, strides, padding, dilation, groups=channels)


def separable(x, depthwise_kernel, pointwise_kernel, bias=None, strides=1, padding="valid",
              dilation=1):
    """Depthwise, then a 1x1 convolution."""
    return conv(depthwise(x, depthwise_kernel, None, strides, padding, dilation),
                pointwise_kernel, bias)


def deconv_length(length, kernel, stride, padding, output_padding=None, dilation=1):
    """Keras 2's ``deconv_length``."""
    extent = (kernel - 1) * dilation + 1
    if output_padding is None:
        return length * stride + (max(extent - stride, 0) if padding == "valid" else 0)
    cut = extent // 2 if padding == "same" else 0
    return (length - 1) * stride + extent - 2 * cut + output_padding


def conv_transpose(x, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                   dilation=1):
    """Transposed convolution of ``x`` (N, *spatial, C) with ``kernel`` (*k, F, C): the
    gradient of ``conv`` with TensorFlow's padding of an input of the output's size."""
    rank = kernel.ndim - 2
    window = kernel.shape[:rank]
    strides, dilation = _ntuple(strides, rank), _ntuple(dilation, rank)
    extras = (None,) * rank if output_padding is None else _ntuple(output_padding, rank)
    lengths = x.shape[1:1 + rank]
    sizes = [deconv_length(n, k, s, padding, e, d)
             for n, k, s, e, d in zip(lengths, window, strides, extras, dilation)]
    full_sizes = [(n - 1) * s + (k - 1) * d + 1
                  for n, k, s, d in zip(lengths, window, strides, dilation)]
    full = np.zeros((x.shape[0], *full_sizes, kernel.shape[-2]))
    for offset in np.ndindex(*window):
        cells = tuple(slice(o * d, o * d + s * (n - 1) + 1, s)
                      for o, d, s, n in zip(offset, dilation, strides, lengths))
        full[(slice(None),) + cells] += x.astype(np.float64) @ kernel[offset].T
    out = np.zeros((x.shape[0], *sizes, kernel.shape[-2]))
    source, target = [slice(None)], [slice(None)]
    for size, full_size, k, s, d in zip(sizes, full_sizes, window, strides, dilation):
        before = tf_pads(size, k, s, d, padding)[0]
        count = min(size, full_size - before)
        source.append(slice(before, before + count))
        target.append(slice(0, count))
    out[tuple(target)] = full[tuple(source)]
    return out if bias is None else out + bias


def pool(x, size, strides=None, padding="valid", mode="max", channels_first=False):
    """Max or average pooling of ``x`` (N, *spatial, C); padded cells are ignored."""
    if channels_first:
        x = np.moveaxis(x, 1, -1)
    rank = x.ndim - 2
    size = _ntuple(size, rank)
    strides = size if strides is None else _ntuple(strides, rank)
    pads = [tf_pads(x.shape[1 + i], size[i], strides[i], 1, padding) for i in range(rank)]
    fill = -np.inf if mode == "max" else np.nan
    xp = np.pad(x.astype(np.float64), [(0, 0)] + pads + [(0, 0)], constant_values=fill)
    lengths = [(xp.shape[1 + i] - size[i]) // strides[i] + 1 for i in range(rank)]
    out = np.zeros((x.shape[0], *lengths, x.shape[-1]))
    for index in np.ndindex(*lengths):
        cells = tuple(slice(i * s, i * s + k) for i, s, k in zip(index, strides, size))
        window = xp[(slice(None),) + cells + (slice(None),)].reshape(x.shape[0], -1, x.shape[-1])
        value = window.max(axis=1) if mode == "max" else np.nanmean(window, axis=1)
        out[(slice(None),) + index] = value
    return np.moveaxis(out, -1, 1) if channels_first else out


def bilinear_upsample(x, factors):
    """Bilinear resize of (N, H, W, C) by integer factors with half-pixel centres."""
    out = x.astype(np.float64)
    for axis, factor in zip((1, 2), factors):
        n = out.shape[axis]
        centres = (np.arange(n * factor) + 0.5) / factor - 0.5
        centres = np.clip(centres, 0, n - 1)
        low = np.floor(centres).astype(int)
        high = np.minimum(low + 1, n - 1)
        weight = (centres - low).reshape([-1 if a == axis else 1 for a in range(out.ndim)])
        out = np.take(out, low, axis=axis) * (1 - weight) + np.take(out, high, axis=axis) * weight
    return out
