"""Advanced activation layers: LeakyReLU, PReLU, ELU, ThresholdedReLU, ReLU, Softmax.

Example:
    >>> LeakyReLU(alpha=0.1)(torch.tensor([[-10.0, 1.0]])).tolist()
    [[-1.0, 1.0]]
"""
import torch
import torch.nn.functional as F

from cornu import activations, constraints, initializers, regularizers
from cornu.graph.layer import Layer
from cornu.graph.input_spec import InputSpec


class _ElementwiseActivation(Layer):
    """Base of activation layers whose output shape equals the input shape."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


class LeakyReLU(_ElementwiseActivation):
    """``f(x) = alpha * x`` for ``x < 0``, ``x`` otherwise.

    Args:
        alpha: slope for negative inputs (Keras 2 default 0.3).
    """

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return F.leaky_relu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(_ElementwiseActivation):
    """Leaky ReLU with a learned slope per input unit: ``f(x) = alpha * x`` for ``x < 0``.

    Args:
        alpha_initializer: initializer of the slopes (default zeros).
        alpha_regularizer: regularizer of the slopes.
        alpha_constraint: constraint on the slopes.
        shared_axes: axes (counting from 1) along which one slope is shared, e.g. ``[1, 2]``
            for one slope per channel of an image.
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            param_shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", param_shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        axes = {i: input_shape[i] for i in range(1, len(input_shape))
                if i not in (self.shared_axes or [])}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        super().build(input_shape)

    def call(self, inputs):
        return torch.where(inputs >= 0, inputs, inputs * self.alpha)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}


class ELU(_ElementwiseActivation):
    """``f(x) = alpha * (exp(x) - 1)`` for ``x < 0``, ``x`` otherwise.

    Args:
        alpha: scale of the negative part (default 1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return F.elu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class ThresholdedReLU(_ElementwiseActivation):
    """``f(x) = x`` for ``x > theta``, 0 otherwise.

    Args:
        theta: the threshold (default 1.0).
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = float(theta)

    def call(self, inputs):
        return inputs * (inputs > self.theta).to(inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}


class ReLU(_ElementwiseActivation):
    """Rectified linear unit with an optional cap, negative slope and threshold.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x < max_value``,
    ``negative_slope * (x - threshold)`` otherwise.

    Args:
        max_value: the cap, or None.
        negative_slope: slope below the threshold (default 0).
        threshold: where the linear part starts (default 0).
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"max_value of ReLU layer cannot be negative, got {max_value}.")
        if negative_slope < 0:
            raise ValueError(f"negative_slope of ReLU layer cannot be negative, got "
                             f"{negative_slope}.")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def call(self, inputs):
        return activations.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class Softmax(_ElementwiseActivation):
    """Softmax along an axis.

    Args:
        axis: the axis to normalise (default -1).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return torch.softmax(inputs, dim=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
