"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
ActivityRegularization, Masking.

Example:
    >>> layer = Dense(3, activation='relu')
    >>> layer(torch.ones(2, 4)).shape
    torch.Size([2, 3])
"""
import numpy as np
import torch

from cornu import activations, constraints, initializers, regularizers
from cornu.config import image_data_format
from cornu.graph.call_context import resolve_training
from cornu.graph.layer import Layer
from cornu.graph.input_spec import InputSpec
from cornu.kernels.dropout import dropout_mask
from cornu.kernels.linear import linear


class Dense(Layer):
    """A densely connected layer: ``output = activation(dot(input, kernel) + bias)``.

    The kernel has the Keras layout ``(input_dim, units)``. Inputs of rank above 2 are
    multiplied along their last axis.

    Args:
        units: dimensionality of the output.
        activation: activation name or function (default: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of the kernel (default ``'glorot_uniform'``).
        bias_initializer: initializer of the bias (default ``'zeros'``).
        kernel_regularizer: regularizer of the kernel.
        bias_regularizer: regularizer of the bias.
        activity_regularizer: regularizer of the output.
        kernel_constraint: constraint on the kernel.
        bias_constraint: constraint on the bias.

    Input shape: ``(batch, ..., input_dim)``. Output shape: ``(batch, ..., units)``.

    Example:
        >>> Dense(512, activation='relu', input_shape=(784,)).units
        512
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive "
                             f"integer, got {units!r}.")
        self.activity_regularizer = regularizers.get(activity_regularizer)
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"The last dimension of the inputs to Dense layer {self.name} "
                             f"should be defined. Found None (input shape {input_shape}).")
        self.kernel = self.add_weight("kernel", (input_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        super().build(input_shape)

    def call(self, inputs):
        kernel, bias = self.kernel, self.bias
        if inputs.dim() == 2 and not torch.is_grad_enabled():
            out = linear(inputs, kernel, bias)  # inference: the fastest kernel for the size
        elif bias is not None and inputs.dim() == 2:
            out = torch.addmm(bias, inputs, kernel)
        else:
            out = inputs.matmul(kernel)
            if bias is not None:
                out = out + bias
        activation = self.activation
        return out if activation is activations.linear else activation(out)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(),
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
        activation: an activation name (``'relu'``) or function.

    Example:
        >>> Activation('relu')(torch.tensor([[-1.0, 2.0]])).tolist()
        [[0.0, 2.0]]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Sets a random fraction ``rate`` of inputs to 0 while training, scaling the rest by
    ``1 / (1 - rate)``; does nothing at inference.

    Args:
        rate: fraction of the inputs to drop, in [0, 1).
        noise_shape: shape of the binary mask, broadcast over the input (``None`` entries take
            the input's size), e.g. ``(batch, 1, features)`` to drop the same features at every
            timestep.
        seed: accepted for Keras compatibility; seed globally with ``set_random_seed``.

    Example:
        >>> Dropout(0.5)(torch.ones(2, 2)).tolist()  # inference: unchanged
        [[1.0, 1.0], [1.0, 1.0]]
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Invalid value received for `rate`, expected a value between 0 "
                             f"and 1 (excluded), got {rate!r}.")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if training is None:
            training = resolve_training(None)
        if not training or self.rate == 0:
            return inputs
        return inputs * dropout_mask(inputs, self.rate, self.noise_shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


class Flatten(Layer):
    """Flattens every dimension but the batch: ``(batch, 28, 28)`` -> ``(batch, 784)``.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``); with ``channels_first`` inputs are reordered to
            channels-last before flattening, as Keras does, so weights stay interchangeable.

    Example:
        >>> Flatten()(torch.ones(2, 3, 4)).shape
        torch.Size([2, 12])
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or image_data_format()
        self.input_spec = InputSpec(min_ndim=2)

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.dim() > 2:
            inputs = inputs.permute(0, *range(2, inputs.dim()), 1)
        return inputs.reshape(inputs.shape[0], -1)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            raise ValueError(f"The shape of the input to \"Flatten\" is not fully defined (got "
                             f"{tuple(rest)}). Make sure to pass a complete \"input_shape\" or "
                             "\"batch_input_shape\" argument to the first layer in your model.")
        return (input_shape[0], int(np.prod(rest)))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def _resolve_target_shape(input_shape, target_shape, layer_name):
    """Fills in a ``-1`` in ``target_shape`` from the input size (None when unknown)."""
    known_in = [d for d in input_shape]
    unknown = [i for i, d in enumerate(target_shape) if d == -1]
    if len(unknown) > 1:
        raise ValueError(f"Can only specify one unknown dimension (-1) in Reshape "
                         f"{layer_name}; got target_shape={target_shape}.")
    if None in known_in:
        return tuple(None if d == -1 else d for d in target_shape)
    total = int(np.prod(known_in))
    known = int(np.prod([d for d in target_shape if d != -1]))
    if unknown:
        if known == 0 or total % known:
            raise ValueError(f"total size of new array must be unchanged (Reshape {layer_name}: "
                             f"input shape {tuple(input_shape)}, target {target_shape}).")
        return tuple(total // known if d == -1 else d for d in target_shape)
    if known != total:
        raise ValueError(f"total size of new array must be unchanged (Reshape {layer_name}: "
                         f"input shape {tuple(input_shape)} has {total} values, target_shape "
                         f"{target_shape} has {known}).")
    return tuple(target_shape)


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (one entry may be -1).

    Args:
        target_shape: the new sample shape, without the batch dimension.

    Example:
        >>> Reshape((3, 4))(torch.ones(2, 12)).shape
        torch.Size([2, 3, 4])
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return inputs.reshape((inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + _resolve_target_shape(input_shape[1:], self.target_shape,
                                                         self.name)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the sample dimensions; ``dims`` counts from 1 (the batch stays first).

    Args:
        dims: a permutation of ``1..ndim-1``, e.g. ``(2, 1)`` swaps the two sample axes.

    Example:
        >>> Permute((2, 1))(torch.ones(5, 3, 4)).shape
        torch.Size([5, 4, 3])
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Invalid permutation `dims` for Permute layer: {dims}. The set of "
                             f"indices in `dims` must be consecutive and start from 1.")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return inputs.permute((0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a 2-D input ``n`` times: ``(batch, features)`` -> ``(batch, n, features)``.

    Args:
        n: the number of repetitions.

    Example:
        >>> RepeatVector(3)(torch.ones(2, 4)).shape
        torch.Size([2, 3, 4])
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return inputs.unsqueeze(1).expand(-1, self.n, -1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class ActivityRegularization(Layer):
    """Passes its input through and adds an L1/L2 penalty on it to the training loss.

    Args:
        l1: L1 factor.
        l2: L2 factor.

    Example:
        >>> ActivityRegularization(l1=0.01).l1
        0.01
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        self.activity_regularizer = regularizers.L1L2(l1=l1, l2=l2)
        super().__init__(**kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


class Masking(Layer):
    """Masks the time steps whose features all equal ``mask_value``: the output is the input
    with those steps set to 0, and its mask (``any(inputs != mask_value, axis=-1)``) makes the
    layers that support masking (recurrent layers, ``Bidirectional`` ...) skip them.

    Args:
        mask_value: the padding value (default 0.).

    Input shape: ``(batch, timesteps, features)`` (any rank). Output shape: the same.

    Example:
        >>> x = torch.tensor([[[1., 2.], [0., 0.], [3., 0.]]])
        >>> out = Masking()(x)
        >>> out._keras_mask.tolist()
        [[True, False, True]]
    """

    def __init__(self, mask_value=0., **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return torch.ne(inputs, self.mask_value).any(dim=-1)

    def call(self, inputs):
        keep = torch.ne(inputs, self.mask_value).any(dim=-1, keepdim=True)
        return inputs * keep.to(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
