"""The shape rules of spatial layers (convolutions, pooling, padding, cropping), as Keras 2
states them: argument normalisation, output lengths, and moving the channel axis between
Keras's ``channels_last`` layout and torch's channels-first one.

A ``channels_last`` tensor ``(N, *spatial, C)`` is viewed as ``(N, C, *spatial)`` without a
copy (``movedim``): torch's convolution and pooling kernels accept that view as a
``channels_last`` memory-format tensor and return one, whose view back is contiguous again.

Example:
    >>> conv_output_length(28, 3, 'valid', 1)
    26
    >>> normalize_tuple(3, 2, 'kernel_size')
    (3, 3)
"""
from cornu.config import image_data_format
from cornu.kernels.convolution import effective_kernel
from cornu.utils.suggestions import suggestion

DATA_FORMATS = ("channels_last", "channels_first")


def normalize_tuple(value, rank, name):
    """An int or a sequence of ``rank`` ints, as a tuple of ``rank`` ints.

    Args:
        value: an int, or a tuple/list of ints.
        rank: the tuple's length.
        name: the argument's name, for the error message.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * rank
    try:
        values = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        values = ()
    if len(values) != rank or any(float(v) != float(w) for v, w in zip(values, value)):
        raise ValueError(f"The `{name}` argument must be a tuple of {rank} integers (or a single "
                         f"integer). Received: {value!r}.")
    return values


def normalize_data_format(value):
    """``'channels_last'`` or ``'channels_first'`` (None: ``K.image_data_format()``).

    Args:
        value: the ``data_format`` argument.
    """
    if value is None:
        return image_data_format()
    data_format = str(value).lower()
    if data_format not in DATA_FORMATS:
        raise ValueError(f"The `data_format` argument must be one of {DATA_FORMATS}. Received: "
                         f"{value!r}.{suggestion(data_format, DATA_FORMATS)}")
    return data_format


def normalize_padding(value, allowed=("valid", "same")):
    """A lower-cased padding mode, checked against ``allowed``.

    Args:
        value: the ``padding`` argument.
        allowed: the modes the layer takes.
    """
    padding = str(value).lower()
    if padding not in allowed:
        raise ValueError(f"The `padding` argument must be one of {tuple(allowed)}. Received: "
                         f"{value!r}.{suggestion(padding, allowed)}")
    return padding


def conv_output_length(length, kernel, padding, stride, dilation=1):
    """The output length of a convolution or pooling along one axis (None stays None).

    Args:
        length: the input length, or None.
        kernel: the kernel (window) size.
        padding: ``'valid'``, ``'same'``, ``'causal'`` or ``'full'``.
        stride: the stride.
        dilation: the dilation rate.
    """
    if length is None:
        return None
    extent = effective_kernel(kernel, dilation)
    if padding in ("same", "causal"):
        covered = length
    elif padding == "valid":
        covered = length - extent + 1
    else:  # full
        covered = length + extent - 1
    return max((covered + stride - 1) // stride, 0)


def deconv_output_length(length, kernel, padding, stride, output_padding=None, dilation=1):
    """The output length of a transposed convolution along one axis (None stays None).

    Args:
        length: the input length, or None.
        kernel: the kernel size.
        padding: ``'valid'`` or ``'same'``.
        stride: the stride.
        output_padding: extra cells at the end, or None (the smallest length that fits).
        dilation: the dilation rate.
    """
    if length is None:
        return None
    extent = effective_kernel(kernel, dilation)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(extent - stride, 0)
        return length * stride
    cut = extent // 2 if padding == "same" else 0
    return (length - 1) * stride + extent - 2 * cut + output_padding


def transpose_pads_before(length, output_length, kernel, stride, padding, dilation=1):
    """Cells cut from the start of a transposed convolution's full output: the start pad of
    the ``'same'`` convolution it transposes (0 for ``'valid'``).

    Args:
        length: the input length.
        output_length: the output length.
        kernel: the kernel size.
        stride: the stride.
        padding: ``'valid'`` or ``'same'``.
        dilation: the dilation rate.
    """
    if padding == "valid":
        return 0
    extent = effective_kernel(kernel, dilation)
    return max((length - 1) * stride + extent - output_length, 0) // 2


def spatial_axes(rank, data_format):
    """The positions of the spatial axes in a Keras-layout input of ``rank`` spatial axes.

    Args:
        rank: the number of spatial axes.
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """
    start = 1 if data_format == "channels_last" else 2
    return tuple(range(start, start + rank))


def channel_axis(data_format):
    """The channel axis of a Keras-layout input: -1 or 1.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """
    return -1 if data_format == "channels_last" else 1


def to_channels_first(x, data_format):
    """A Keras-layout tensor as torch's ``(N, C, *spatial)``: a view, never a copy.

    Args:
        x: the tensor.
        data_format: its layout.
    """
    return x.movedim(-1, 1) if data_format == "channels_last" else x


def from_channels_first(y, data_format):
    """A torch ``(N, C, *spatial)`` tensor in the Keras ``data_format``: a view.

    Args:
        y: the tensor.
        data_format: the layout wanted.
    """
    return y.movedim(1, -1) if data_format == "channels_last" else y

