"""``Conv``: what every convolution layer shares (arguments, kernel layout, shapes, config).

Subclasses (``Conv2D``, ``Conv2DTranspose``, ``SeparableConv2D`` ...) say how many spatial axes
they have, which weights they make (``build``) and how they convolve (``convolve``); the base
class moves the channel axis (a free view, see ``geometry``), adds the activation, and
computes the output shape from ``output_spatial``.

Example:
    >>> Conv2D(8, 3, padding='same')(torch.ones(2, 5, 5, 3)).shape
    torch.Size([2, 5, 5, 8])
"""
import torch

from cornu import activations, constraints, initializers, regularizers
from cornu.graph.input_spec import InputSpec
from cornu.graph.layer import Layer, Weight
from cornu.kernels.convolution import conv, same_pads
from cornu.layers.convolutional import geometry
from cornu.utils.validation import positive_int


def kernel_layout(rank, data_format=None):
    """Keras's kernel layout ``(*window, in, out)`` stored as torch's ``(out, in, *window)``
    (transposed convolutions: Keras ``(*window, out, in)`` as torch ``(in, out, *window)``);
    for ``channels_last`` data, ``channels_last`` in memory too (``in`` innermost), which
    spares oneDNN a reordered copy of the kernel in each pass.

    Args:
        rank: the number of spatial axes.
        data_format: the layer's ``data_format``, or None for torch's default memory order.
    """
    memory_order = None
    if data_format == "channels_last":
        memory_order = (0,) + tuple(range(2, rank + 2)) + (1,)
    return Weight((rank + 1, rank) + tuple(range(rank)), memory_order)


def conv_pads(padding, spatial, kernel, strides, dilation):
    """Per-axis ``(before, after)`` pads of a convolution in Keras's ``padding`` mode.

    Args:
        padding: ``'valid'``, ``'same'`` or ``'causal'``.
        spatial: the input's spatial sizes.
        kernel: the kernel sizes.
        strides: the strides.
        dilation: the dilation rates.
    """
    if padding == "same":
        return same_pads(spatial, kernel, strides, dilation)
    if padding == "causal":
        return tuple(((k - 1) * d, 0) for k, d in zip(kernel, dilation))
    return ((0, 0),) * len(kernel)


class Conv(Layer):
    """Base class of the convolution layers (``rank`` spatial axes).

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: an int or a tuple of ``rank`` ints: the window size.
        strides: an int or a tuple of ``rank`` ints.
        padding: ``'valid'`` (no padding), ``'same'`` (output size ``ceil(n / stride)``, the
            extra cell of an odd padding at the end, as TensorFlow pads), or ``'causal'``
            (``Conv1D`` only: padded at the start, so output ``t`` sees inputs up to ``t``).
        data_format: ``'channels_last'`` (``(batch, *spatial, channels)``, the default of
            ``K.image_data_format()``) or ``'channels_first'``.
        dilation_rate: an int or a tuple of ``rank`` ints, for dilated (atrous) convolution.
        groups: the number of channel groups, each convolved with its own filters.
        activation: activation name or function (default linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of the kernel (default ``'glorot_uniform'``).
        bias_initializer: initializer of the bias (default ``'zeros'``).
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints (applied in the Keras layout).
    """

    paddings = ("valid", "same")

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        self.activity_regularizer = regularizers.get(activity_regularizer)
        super().__init__(**kwargs)
        self.rank = rank
        self.filters = None if filters is None else positive_int(filters, "filters", self.name)
        self.kernel_size = geometry.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = geometry.normalize_tuple(strides, rank, "strides")
        self.padding = geometry.normalize_padding(padding, self.paddings)
        self.data_format = geometry.normalize_data_format(data_format)
        self.dilation_rate = geometry.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.groups = positive_int(groups, "groups", self.name)
        if min(self.kernel_size + self.strides + self.dilation_rate) <= 0:
            raise ValueError(f"{self.name}: `kernel_size`, `strides` and `dilation_rate` must be "
                             f"positive, received kernel_size={self.kernel_size}, "
                             f"strides={self.strides}, dilation_rate={self.dilation_rate}.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{self.name}: `strides > 1` is not compatible with "
                             f"`dilation_rate > 1` (received strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}).")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)

    # ----------------------------------------------------------------- shapes
    def input_channels(self, input_shape):
        """The input's channel count (checked to be known)."""
        channels = input_shape[geometry.channel_axis(self.data_format)]
        if channels is None:
            raise ValueError(f"The channel dimension of the inputs to {self.name} should be "
                             f"defined (data_format={self.data_format!r}). Found None in input "
                             f"shape {tuple(input_shape)}.")
        return int(channels)

    def _fix_input_channels(self, channels):
        axis = geometry.channel_axis(self.data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})

    def add_bias(self, size):
        """Creates the bias vector (when ``use_bias``)."""
        if not self.use_bias:
            return None
        return self.add_weight("bias", (size,), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def build(self, input_shape):
        channels = self.input_channels(input_shape)
        self.make_weights(channels)
        self._fix_input_channels(channels)
        super().build(input_shape)

    def make_weights(self, channels):
        """Creates the kernel and bias for ``channels`` input channels."""
        if channels % self.groups or self.filters % self.groups:
            raise ValueError(f"{self.name}: the number of input channels ({channels}) and of "
                             f"filters ({self.filters}) must both be divisible by "
                             f"groups={self.groups}.")
        self.kernel = self.add_kernel(self.kernel_size + (channels // self.groups, self.filters))
        self.bias = self.add_bias(self.filters)

    def add_kernel(self, shape):
        """Creates the kernel, ``shape`` in the Keras layout (stored in torch's)."""
        return self.add_weight("kernel", shape, initializer=self.kernel_initializer,
                               regularizer=self.kernel_regularizer,
                               constraint=self.kernel_constraint,
                               layout=kernel_layout(self.rank, self.data_format))

    def output_spatial(self, spatial):
        """The output's spatial sizes for the input's (None entries stay None)."""
        return tuple(geometry.conv_output_length(n, k, self.padding, s, d) for n, k, s, d in zip(
            spatial, self.kernel_size, self.strides, self.dilation_rate))

    def output_channels(self, input_channels):
        """The output's channel count for ``input_channels`` input channels."""
        return self.filters

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        axes = geometry.spatial_axes(self.rank, self.data_format)
        spatial = self.output_spatial(tuple(input_shape[a] for a in axes))
        channels = self.output_channels(input_shape[geometry.channel_axis(self.data_format)])
        if self.data_format == "channels_last":
            return (input_shape[0],) + spatial + (channels,)
        return (input_shape[0], channels) + spatial

    # ----------------------------------------------------------------- computing
    def convolve(self, x):
        """The convolution of a channels-first tensor ``(N, C, *spatial)``, bias included."""
        pads = conv_pads(self.padding, x.shape[2:], self.kernel_size, self.strides,
                         self.dilation_rate)
        return conv(x, self.kernel, self.bias, self.strides, pads, self.dilation_rate, self.groups)

    def call(self, inputs):
        x = geometry.to_channels_first(inputs, self.data_format)
        y = self.convolve(x)
        activation = self.activation
        if activation is activations.relu:
            # In place: the convolution's gradient does not need its output, and a second
            # large tensor per layer costs more in page faults than the ReLU itself.
            return geometry.from_channels_first(torch.relu_(y), self.data_format)
        outputs = geometry.from_channels_first(y, self.data_format)
        return outputs if activation is activations.linear else activation(outputs)

    def get_config(self):
        return {**super().get_config(),
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "groups": self.groups,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}
