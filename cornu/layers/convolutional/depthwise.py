"""Depthwise and separable convolutions: ``DepthwiseConv2D``, ``SeparableConv1D``,
``SeparableConv2D`` (as in Xception and MobileNet).

A depthwise convolution filters each input channel on its own with ``depth_multiplier``
kernels: output channel ``c * depth_multiplier + m`` is channel ``c`` filtered by its ``m``-th
kernel. A separable convolution follows it with a pointwise (1x1) convolution mixing channels.
Keras layouts: depthwise kernel ``(*kernel_size, in_channels, depth_multiplier)``, pointwise
kernel ``(*ones, in_channels * depth_multiplier, filters)``.

Example:
    >>> layer = SeparableConv2D(64, 3, padding='same')
    >>> layer(torch.zeros(1, 8, 8, 32)).shape
    torch.Size([1, 8, 8, 64])
    >>> [tuple(w.shape) for w in layer.get_weights()]
    [(3, 3, 32, 1), (1, 1, 32, 64), (64,)]
"""
from cornu import constraints, initializers, regularizers
from cornu.graph.layer import Weight
from cornu.kernels.convolution import conv
from cornu.layers.convolutional.base import Conv, conv_pads, kernel_layout
from cornu.utils.validation import positive_int


class DepthwiseKernel(Weight):
    """Keras's depthwise layout ``(*window, in, multiplier)`` stored as torch's grouped kernel
    ``(in * multiplier, 1, *window)``.

    Args:
        keras_shape: the kernel's Keras shape.
    """

    def __init__(self, keras_shape):
        super().__init__()
        self.window = tuple(keras_shape[:-2])
        self.channels, self.multiplier = keras_shape[-2:]

    def from_keras(self, value):
        rank = len(self.window)
        grouped = value.permute((rank, rank + 1) + tuple(range(rank)))
        return grouped.reshape((self.channels * self.multiplier, 1) + self.window)

    def to_keras(self, value):
        rank = len(self.window)
        grouped = value.reshape((self.channels, self.multiplier) + self.window)
        return grouped.permute(tuple(range(2, rank + 2)) + (0, 1))


class DepthwiseConvolution(Conv):
    """Base class of the depthwise and separable convolutions: the depthwise part.

    Args:
        rank: the number of spatial axes.
        filters: output channels of the pointwise part (None: depthwise only).
        kernel_size, strides, padding, data_format, dilation_rate: see ``Conv``.
        depth_multiplier: kernels per input channel.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the depthwise
            kernel.
        **kwargs: activation, use_bias, the bias and activity arguments, and the common layer
            arguments (see ``Conv``).
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, depthwise_initializer="glorot_uniform",
                 depthwise_regularizer=None, depthwise_constraint=None, **kwargs):
        super().__init__(rank, filters, kernel_size, strides, padding, data_format,
                         dilation_rate, **kwargs)
        if self.groups != 1:
            raise ValueError(f"{self.name}: depthwise convolutions take no `groups` (received "
                             f"groups={self.groups}).")
        self.depth_multiplier = positive_int(depth_multiplier, "depth_multiplier", self.name)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def make_depthwise(self, channels):
        """Creates the depthwise kernel."""
        shape = self.kernel_size + (channels, self.depth_multiplier)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape, initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint,
            layout=DepthwiseKernel(shape))

    def depthwise(self, x, bias=None):
        """The depthwise convolution of a channels-first tensor."""
        pads = conv_pads(self.padding, x.shape[2:], self.kernel_size, self.strides,
                         self.dilation_rate)
        return conv(x, self.depthwise_kernel, bias, self.strides, pads, self.dilation_rate,
                    groups=x.shape[1])

    def get_config(self):
        config = super().get_config()
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            del config[key]
        config.update(depth_multiplier=self.depth_multiplier,
                      depthwise_initializer=initializers.serialize(self.depthwise_initializer),
                      depthwise_regularizer=regularizers.serialize(self.depthwise_regularizer),
                      depthwise_constraint=constraints.serialize(self.depthwise_constraint))
        return config


class DepthwiseConv2D(DepthwiseConvolution):
    """Depthwise 2D convolution: each input channel filtered by its own
    ``depth_multiplier`` kernels, without mixing channels.

    Args:
        kernel_size: an int or a pair.
        strides: an int or a pair.
        padding: ``'valid'`` or ``'same'``.
        depth_multiplier: kernels per input channel (output channels = in x multiplier).
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        dilation_rate: an int or a pair.
        activation: activation name or function.
        use_bias: whether to add a bias vector.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.
        **kwargs: the bias and activity arguments, and the common layer arguments.

    Example:
        >>> DepthwiseConv2D(3, depth_multiplier=2)(torch.zeros(1, 5, 5, 3)).shape
        torch.Size([1, 3, 3, 6])
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, None, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, depthwise_initializer, depthwise_regularizer,
                         depthwise_constraint, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)

    def make_weights(self, channels):
        self.make_depthwise(channels)
        self.bias = self.add_bias(channels * self.depth_multiplier)

    def output_channels(self, input_channels):
        return None if input_channels is None else input_channels * self.depth_multiplier

    def convolve(self, x):
        return self.depthwise(x, self.bias)

    def get_config(self):
        config = super().get_config()
        del config["filters"]
        return config


class SeparableConvolution(DepthwiseConvolution):
    """Base class of the separable convolutions: depthwise, then pointwise (1x1).

    Args:
        rank: the number of spatial axes.
        filters: the number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier: see
            ``DepthwiseConvolution``.
        pointwise_initializer, pointwise_regularizer, pointwise_constraint: for the
            pointwise kernel.
        **kwargs: see ``DepthwiseConvolution``.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, pointwise_initializer="glorot_uniform",
                 pointwise_regularizer=None, pointwise_constraint=None, **kwargs):
        super().__init__(rank, filters, kernel_size, strides, padding, data_format,
                         dilation_rate, depth_multiplier, **kwargs)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def make_weights(self, channels):
        self.make_depthwise(channels)
        shape = (1,) * self.rank + (channels * self.depth_multiplier, self.filters)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", shape, initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint,
            layout=kernel_layout(self.rank))
        self.bias = self.add_bias(self.filters)

    def convolve(self, x):
        return conv(self.depthwise(x), self.pointwise_kernel, self.bias)

    def get_config(self):
        return {**super().get_config(),
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                "pointwise_constraint": constraints.serialize(self.pointwise_constraint)}


class SeparableConv1D(SeparableConvolution):
    """Depthwise separable 1D convolution over ``(batch, steps, channels)``.

    Args:
        filters: the number of output channels.
        kernel_size: the window length.
        strides: the stride.
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        dilation_rate: the dilation rate.
        depth_multiplier: depthwise kernels per input channel.
        **kwargs: activation, use_bias, the depthwise, pointwise, bias and activity
            initializers, regularizers and constraints.

    Example:
        >>> SeparableConv1D(4, 3)(torch.zeros(2, 10, 6)).shape
        torch.Size([2, 8, 4])
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, depth_multiplier=1, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, **kwargs)


class SeparableConv2D(SeparableConvolution):
    """Depthwise separable 2D convolution: each channel filtered on its own, then mixed by
    a 1x1 convolution (fewer weights than ``Conv2D``, as in Xception).

    Args:
        filters: the number of output channels.
        kernel_size: an int or a pair.
        strides: an int or a pair.
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        dilation_rate: an int or a pair.
        depth_multiplier: depthwise kernels per input channel.
        **kwargs: activation, use_bias, the depthwise, pointwise, bias and activity
            initializers, regularizers and constraints.

    Example:
        >>> layer = SeparableConv2D(128, (3, 3), padding='same', use_bias=False)
        >>> layer(torch.zeros(1, 19, 19, 64)).shape, layer.count_params()
        (torch.Size([1, 19, 19, 128]), 8768)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, **kwargs)


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
