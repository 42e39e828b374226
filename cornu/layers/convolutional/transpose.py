"""Transposed convolutions (``Conv1DTranspose``, ``Conv2DTranspose``, ``Conv3DTranspose``): the
gradient of a convolution with respect to its input, used to upsample learned feature maps.

The kernel has the Keras layout ``(*kernel_size, filters, in_channels)``. The output length
along an axis is ``n * stride`` with ``'same'``, ``n * stride + max(k - stride, 0)`` with
``'valid'``, or ``(n - 1) * stride + k - 2 * pad + output_padding`` when ``output_padding`` is
given (``pad`` is ``k // 2`` with ``'same'``, else 0), as in Keras 2.

Example:
    >>> Conv2DTranspose(8, 3, strides=2, padding='same')(torch.zeros(1, 4, 4, 3)).shape
    torch.Size([1, 8, 8, 8])
"""
from cornu.kernels.convolution import conv_transpose
from cornu.layers.convolutional import geometry
from cornu.layers.convolutional.base import Conv


class ConvTranspose(Conv):
    """Base class of the transposed convolutions.

    Args:
        rank: the number of spatial axes.
        filters: the number of output channels.
        kernel_size: an int or a tuple of ``rank`` ints.
        strides: an int or a tuple of ``rank`` ints.
        padding: ``'valid'`` or ``'same'``.
        output_padding: an int or a tuple of ``rank`` ints (each below its stride), or None.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        dilation_rate: an int or a tuple of ``rank`` ints.
        **kwargs: activation, use_bias, initializers, regularizers, constraints (see ``Conv``).
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, **kwargs):
        super().__init__(rank, filters, kernel_size, strides, padding, data_format,
                         dilation_rate, **kwargs)
        if self.groups != 1:
            raise ValueError(f"{self.name}: transposed convolutions take no `groups` (received "
                             f"groups={self.groups}).")
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = geometry.normalize_tuple(output_padding, rank, "output_padding")
            for stride, extra in zip(self.strides, self.output_padding):
                if extra >= stride:
                    raise ValueError(f"{self.name}: strides {self.strides} must be greater than "
                                     f"output padding {self.output_padding}.")

    def make_weights(self, channels):
        self.kernel = self.add_kernel(self.kernel_size + (self.filters, channels))
        self.bias = self.add_bias(self.filters)

    def output_spatial(self, spatial):
        extras = self.output_padding or (None,) * self.rank
        return tuple(geometry.deconv_output_length(n, k, self.padding, s, extra, d)
                     for n, k, s, extra, d in zip(spatial, self.kernel_size, self.strides,
                                                  extras, self.dilation_rate))

    def convolve(self, x):
        spatial = tuple(x.shape[2:])
        output = self.output_spatial(spatial)
        before = tuple(geometry.transpose_pads_before(n, size, k, s, self.padding, d)
                       for n, size, k, s, d in zip(spatial, output, self.kernel_size,
                                                   self.strides, self.dilation_rate))
        return conv_transpose(x, self.kernel, self.bias, output, self.strides, before,
                              self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        config["output_padding"] = self.output_padding
        return config


class Conv1DTranspose(ConvTranspose):
    """Transposed 1D convolution over ``(batch, steps, channels)``.

    Args:
        filters: the number of output channels.
        kernel_size: the window length.
        strides: the stride.
        padding: ``'valid'`` or ``'same'``.
        output_padding: extra steps at the end (below the stride), or None.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        dilation_rate: the dilation rate.
        **kwargs: see ``Conv``.

    Example:
        >>> Conv1DTranspose(2, 3, strides=2)(torch.zeros(1, 5, 4)).shape
        torch.Size([1, 11, 2])
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format="channels_last", dilation_rate=1, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, **kwargs)


class Conv2DTranspose(ConvTranspose):
    """Transposed 2D convolution (sometimes called deconvolution) over images.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a pair.
        strides: an int or a pair.
        padding: ``'valid'`` or ``'same'``.
        output_padding: an int or a pair (each below its stride), or None.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        dilation_rate: an int or a pair.
        **kwargs: see ``Conv``.

    Example:
        >>> Conv2DTranspose(1, (2, 2), strides=(2, 2))(torch.zeros(1, 3, 3, 4)).shape
        torch.Size([1, 6, 6, 1])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, **kwargs)


class Conv3DTranspose(ConvTranspose):
    """Transposed 3D convolution over volumes.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a triple.
        strides: an int or a triple.
        padding: ``'valid'`` or ``'same'``.
        output_padding: an int or a triple (each below its stride), or None.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        dilation_rate: an int or a triple.
        **kwargs: see ``Conv``.

    Example:
        >>> Conv3DTranspose(2, 2, strides=2)(torch.zeros(1, 2, 2, 2, 3)).shape
        torch.Size([1, 4, 4, 4, 2])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1, 1), **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, **kwargs)


Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
Deconvolution2D = Conv2DTranspose
Deconvolution3D = Conv3DTranspose
