"""The plain convolutions: ``Conv1D`` (temporal), ``Conv2D`` (images), ``Conv3D`` (volumes).

Outputs are cross-correlations, as in Keras: ``out[t] = sum_j in[t * stride + j] * kernel[j]``.
Kernels have the Keras layout ``(*kernel_size, in_channels, filters)`` in ``get_weights``.

Example:
    >>> layer = Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1))
    >>> layer(torch.zeros(1, 28, 28, 1)).shape
    torch.Size([1, 26, 26, 32])
    >>> layer.count_params()
    320
"""
from cornu.layers.convolutional.base import Conv


class Conv1D(Conv):
    """1D convolution over ``(batch, steps, channels)`` (e.g. sequences of word vectors).

    Args:
        filters: the number of output channels.
        kernel_size: the window length (int or 1-tuple).
        strides: the stride.
        padding: ``'valid'``, ``'same'`` or ``'causal'`` (padded at the start only, so output
            step ``t`` depends on input steps up to ``t``).
        data_format: ``'channels_last'`` (the default, whatever ``K.image_data_format()``
            says, as in Keras 2) or ``'channels_first'`` (``(batch, channels, steps)``).
        dilation_rate: the dilation rate.
        **kwargs: the other arguments of ``Conv`` (activation, initializers, ...).

    Example:
        >>> Conv1D(32, 7, activation='relu')(torch.zeros(2, 500, 128)).shape
        torch.Size([2, 494, 32])
    """

    paddings = ("valid", "same", "causal")

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, groups=1, activation=None,
                 use_bias=True, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, **kwargs)


class Conv2D(Conv):
    """2D convolution over images ``(batch, rows, cols, channels)``.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a pair: the window's height and width.
        strides: an int or a pair.
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        dilation_rate: an int or a pair.
        groups: the number of channel groups.
        activation: activation name or function.
        use_bias: whether to add a bias vector.
        **kwargs: initializers, regularizers and constraints (see ``Conv``), and the common
            layer arguments (``input_shape``, ``name`` ...).

    Example:
        >>> Conv2D(64, (3, 3), strides=2, padding='same')(torch.zeros(1, 7, 7, 3)).shape
        torch.Size([1, 4, 4, 64])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, **kwargs)


class Conv3D(Conv):
    """3D convolution over volumes ``(batch, depth, rows, cols, channels)``.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a triple.
        strides: an int or a triple.
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        dilation_rate: an int or a triple.
        groups: the number of channel groups.
        activation: activation name or function.
        use_bias: whether to add a bias vector.
        **kwargs: see ``Conv2D``.

    Example:
        >>> Conv3D(4, 3)(torch.zeros(1, 5, 5, 5, 2)).shape
        torch.Size([1, 3, 3, 3, 4])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         groups, activation, use_bias, **kwargs)


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
