"""Layers that add randomness while training and do nothing at inference: ``GaussianNoise``,
``GaussianDropout``, ``AlphaDropout`` and the spatial dropouts (``SpatialDropout1D/2D/3D``,
which drop whole feature maps rather than single values).

Example:
    >>> GaussianNoise(0.1)(torch.ones(2, 2)).tolist()  # inference: unchanged
    [[1.0, 1.0], [1.0, 1.0]]
"""
import math

import torch

from cornu.graph.input_spec import InputSpec
from cornu.graph.layer import Layer
from cornu.kernels.dropout import dropout_mask
from cornu.layers.convolutional import geometry
from cornu.layers.core import Dropout

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _rate(value, name):
    if not 0 <= value < 1:
        raise ValueError(f"{name}: `rate` must be in [0, 1), received {value!r}.")
    return float(value)


class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise of standard deviation ``stddev`` while training.

    Args:
        stddev: the noise's standard deviation.
        seed: accepted for Keras compatibility; seed globally with ``set_random_seed``.

    Example:
        >>> GaussianNoise(0.5)(torch.zeros(1, 3), training=True).shape
        torch.Size([1, 3])
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = float(stddev)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training:
            return inputs
        return inputs + torch.randn_like(inputs) * self.stddev

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies by Gaussian noise of mean 1 and standard deviation
    ``sqrt(rate / (1 - rate))`` while training.

    Args:
        rate: the drop probability of the equivalent dropout, in [0, 1).
        seed: accepted for Keras compatibility; seed globally with ``set_random_seed``.

    Example:
        >>> GaussianDropout(0.2)(torch.ones(1, 2)).tolist()
        [[1.0, 1.0]]
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _rate(rate, self.name)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * (1.0 + torch.randn_like(inputs) * stddev)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout that keeps the mean and variance of self-normalising (SELU) activations: dropped
    values are set to SELU's negative saturation, then an affine map restores the moments.

    Args:
        rate: the fraction to drop, in [0, 1).
        noise_shape: the mask's shape (``None`` entries take the input's size), or None.
        seed: accepted for Keras compatibility; seed globally with ``set_random_seed``.

    Example:
        >>> AlphaDropout(0.1)(torch.ones(1, 2)).tolist()
        [[1.0, 1.0]]
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _rate(rate, self.name)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        saturation = -_SELU_ALPHA * _SELU_SCALE
        keep = dropout_mask(inputs, self.rate, self.noise_shape) > 0
        a = ((1 - self.rate) * (1 + self.rate * saturation ** 2)) ** -0.5
        b = -a * saturation * self.rate
        dropped = torch.where(keep, inputs, torch.full_like(inputs, saturation))
        return a * dropped + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


class SpatialDropout(Dropout):
    """Dropout of whole feature maps: one draw per sample and channel, shared over the
    ``rank`` spatial axes (neighbouring cells are correlated, so single-cell dropout would
    barely regularise).

    Args:
        rank: the number of spatial axes.
        rate: the fraction of channels to drop, in [0, 1).
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """

    def __init__(self, rank, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.rank = rank
        self.data_format = geometry.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        batch, channels = inputs.shape[0], inputs.shape[geometry.channel_axis(self.data_format)]
        ones = (1,) * self.rank
        if self.data_format == "channels_last":
            shape = (batch,) + ones + (channels,)
        else:
            shape = (batch, channels) + ones
        return inputs * dropout_mask(inputs, self.rate, shape)

    def get_config(self):
        config = super().get_config()
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(SpatialDropout):
    """Drops whole channels of ``(batch, steps, channels)`` while training.

    Args:
        rate: the fraction of channels to drop, in [0, 1).

    Example:
        >>> SpatialDropout1D(0.5)(torch.ones(1, 3, 2)).shape
        torch.Size([1, 3, 2])
    """

    def __init__(self, rate, **kwargs):
        super().__init__(1, rate, "channels_last", **kwargs)


class SpatialDropout2D(SpatialDropout):
    """Drops whole feature maps of images while training.

    Args:
        rate: the fraction of channels to drop, in [0, 1).
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> SpatialDropout2D(0.2)(torch.ones(1, 4, 4, 8)).shape
        torch.Size([1, 4, 4, 8])
    """

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(2, rate, data_format, **kwargs)


class SpatialDropout3D(SpatialDropout):
    """Drops whole feature volumes while training.

    Args:
        rate: the fraction of channels to drop, in [0, 1).
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> SpatialDropout3D(0.2)(torch.ones(1, 2, 2, 2, 3)).shape
        torch.Size([1, 2, 2, 2, 3])
    """

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(3, rate, data_format, **kwargs)
