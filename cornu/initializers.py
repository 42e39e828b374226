"""``keras.initializers``: starting values for weights, as Keras 2 draws them.

An initializer is called with a shape in Keras layout (a Dense kernel is ``(in, out)``, a Conv2D
kernel ``(kh, kw, in, out)``) and returns a new torch tensor of dtype ``floatx()``.
Without a seed, values come from torch's global generator (so ``torch.manual_seed`` or cornu's
``set_random_seed`` makes runs repeat); with ``seed=n``, every call gives the same values.

Example:
    >>> from cornu import initializers
    >>> init = initializers.get('glorot_uniform')
    >>> tuple(init((784, 10)).shape)
    (784, 10)
    >>> initializers.Constant(2.0)((2,)).tolist()
    [2.0, 2.0]
"""
import math

import numpy as np
import torch

from cornu.config import torch_dtype
from cornu.utils.serialization import deserialize_instance, get_instance, serialize_keras_object

# Standard deviation of a unit normal truncated to [-2, 2]
# (scipy.stats.truncnorm.std(a=-2, b=2)); Keras 2.2 divides by it so that a truncated
# VarianceScaling draw has the intended variance.
TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def _shape_tuple(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        return tuple(int(dim) for dim in shape)
    except (TypeError, ValueError):
        raise ValueError(f"An initializer needs a shape of known ints, received {shape!r}. "
                         "Pass e.g. (784, 10).") from None


def _float_dtype(dtype):
    """The requested dtype, and the dtype to draw random numbers in (float32 or float64)."""
    target = torch_dtype(dtype)
    return target, (torch.float64 if target == torch.float64 else torch.float32)


def _generator(seed):
    if seed is None:
        return None
    return torch.Generator().manual_seed(int(seed))


def compute_fans(shape):
    """``(fan_in, fan_out)`` of a weight shape in Keras (channels-last) layout.

    2-D ``(in, out)``: ``(in, out)``. 3-D to 5-D convolution kernels ``(*window, in, out)``:
    each multiplied by the receptive field ``prod(window)``. Any other rank:
    ``sqrt(prod(shape))`` for both, as Keras 2 does.

    Args:
        shape: the weight shape.

    Example:
        >>> compute_fans((3, 3, 16, 32))
        (144, 288)
    """
    shape = _shape_tuple(shape)
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (3, 4, 5):
        receptive_field = math.prod(shape[:-2])
        return shape[-2] * receptive_field, shape[-1] * receptive_field
    side = math.sqrt(math.prod(shape))
    return side, side


class Initializer:
    """Base class: ``initializer(shape, dtype=None)`` returns a new tensor.

    Example:
        >>> class Halves(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return torch.full(shape, 0.5, dtype=torch_dtype(dtype))
        >>> Halves()((2,)).tolist()
        [0.5, 0.5]
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype).")

    def get_config(self):
        """Returns the constructor arguments as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Builds the initializer from ``get_config()`` output.

        Args:
            config: dict of constructor arguments (a tf.keras ``'dtype'`` entry is ignored).
        """
        config = {key: value for key, value in config.items() if key != "dtype"}
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros.

    Example:
        >>> Zeros()((2,)).tolist()
        [0.0, 0.0]
    """

    def __call__(self, shape, dtype=None):
        return torch.zeros(_shape_tuple(shape), dtype=torch_dtype(dtype))


class Ones(Initializer):
    """All ones.

    Example:
        >>> Ones()((2,)).tolist()
        [1.0, 1.0]
    """

    def __call__(self, shape, dtype=None):
        return torch.ones(_shape_tuple(shape), dtype=torch_dtype(dtype))


class Constant(Initializer):
    """Every entry equal to ``value`` (or an array of ``value`` broadcast to the shape).

    Args:
        value: a number, or an array that fits or broadcasts to the shape.

    Example:
        >>> Constant(0.1)((2,)).tolist()
        [0.10000000149011612, 0.10000000149011612]
    """

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        value = torch.as_tensor(np.asarray(self.value), dtype=torch_dtype(dtype))
        if value.dim() == 0:
            return torch.full(shape, value.item(), dtype=value.dtype)
        if value.numel() == math.prod(shape) and tuple(value.shape) != shape:
            return value.reshape(shape).clone()
        try:
            return value.broadcast_to(shape).clone()
        except RuntimeError:
            raise ValueError(f"Constant value of shape {tuple(value.shape)} does not fit the "
                             f"weight shape {shape}. Pass a number or an array of that shape."
                             ) from None

    def get_config(self):
        value = self.value
        if isinstance(value, (np.ndarray, np.generic, torch.Tensor)):
            value = np.asarray(value).tolist()
        return {"value": value}


class RandomNormal(Initializer):
    """Normal draws: ``N(mean, stddev**2)``.

    Args:
        mean: mean of the values.
        stddev: standard deviation of the values.
        seed: int for repeatable values, or None for the global generator.

    Example:
        >>> w = RandomNormal(stddev=1.0, seed=1)((1000,))
        >>> bool(abs(float(w.std()) - 1.0) < 0.1)
        True
    """

    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        target, work = _float_dtype(dtype)
        values = torch.empty(_shape_tuple(shape), dtype=work)
        values.normal_(float(self.mean), float(self.stddev), generator=_generator(self.seed))
        return values.to(target)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Uniform draws in ``[minval, maxval)``.

    Args:
        minval: lower bound.
        maxval: upper bound.
        seed: int for repeatable values, or None for the global generator.

    Example:
        >>> w = RandomUniform(-1.0, 1.0, seed=1)((1000,))
        >>> bool(w.min() >= -1.0 and w.max() < 1.0)
        True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed

    def __call__(self, shape, dtype=None):
        target, work = _float_dtype(dtype)
        values = torch.empty(_shape_tuple(shape), dtype=work)
        values.uniform_(float(self.minval), float(self.maxval), generator=_generator(self.seed))
        return values.to(target)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal(shape, mean, stddev, seed, dtype):
    """Normal draws kept within two standard deviations of the mean (inverse-CDF sampling)."""
    target, work = _float_dtype(dtype)
    values = torch.empty(_shape_tuple(shape), dtype=work)
    # erf(-sqrt(2)) and erf(sqrt(2)) bound the uniform draw; erfinv maps it back to [-2, 2].
    bound = math.erf(math.sqrt(2.0))
    values.uniform_(-bound, bound, generator=_generator(seed))
    values.erfinv_().mul_(math.sqrt(2.0)).clamp_(-2.0, 2.0)
    return values.mul_(float(stddev)).add_(float(mean)).to(target)


class TruncatedNormal(Initializer):
    """Normal draws ``N(mean, stddev**2)`` redrawn when further than ``2 * stddev`` from the mean.

    Args:
        mean: mean of the untruncated normal.
        stddev: standard deviation of the untruncated normal.
        seed: int for repeatable values, or None for the global generator.

    Example:
        >>> w = TruncatedNormal(stddev=1.0, seed=1)((1000,))
        >>> bool(w.abs().max() <= 2.0)
        True
    """

    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        return _truncated_normal(shape, self.mean, self.stddev, self.seed, dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


_FAN_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("normal", "uniform", "truncated_normal", "untruncated_normal")


class VarianceScaling(Initializer):
    """Draws scaled to the weight's fans: variance ``scale / n``.

    ``n`` is ``fan_in``, ``fan_out`` or their mean (``mode``), see ``compute_fans``.
    ``'normal'`` (also ``'truncated_normal'``): a normal truncated at two standard deviations,
    with ``stddev = sqrt(scale / n) / 0.8796...`` so that the truncated values have variance
    ``scale / n`` (Keras 2.2). ``'uniform'``: ``U(-limit, limit)``, ``limit = sqrt(3 * scale / n)``.
    ``'untruncated_normal'`` (tf.keras): a plain normal with ``stddev = sqrt(scale / n)``.

    Args:
        scale: positive scaling factor.
        mode: ``'fan_in'``, ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'normal'``, ``'uniform'``, ``'truncated_normal'`` or
            ``'untruncated_normal'``.
        seed: int for repeatable values, or None for the global generator.

    Example:
        >>> init = VarianceScaling(scale=2.0, mode='fan_in', distribution='uniform', seed=0)
        >>> bool(init((50, 10)).abs().max() <= (6.0 / 50) ** 0.5)
        True
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="normal", seed=None):
        if not scale > 0:
            raise ValueError(f"VarianceScaling `scale` must be a positive float, received "
                             f"{scale!r}.")
        mode, distribution = str(mode).lower(), str(distribution).lower()
        if mode not in _FAN_MODES:
            raise ValueError(f"Invalid VarianceScaling `mode`: {mode!r}. Expected one of "
                             f"{', '.join(_FAN_MODES)}.")
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(f"Invalid VarianceScaling `distribution`: {distribution!r}. "
                             f"Expected one of {', '.join(_DISTRIBUTIONS)}.")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        variance = self.scale / max(1.0, fan[self.mode])
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return RandomUniform(-limit, limit, self.seed)(shape, dtype)
        if self.distribution == "untruncated_normal":
            return RandomNormal(0.0, math.sqrt(variance), self.seed)(shape, dtype)
        stddev = math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV
        return _truncated_normal(shape, 0.0, stddev, self.seed, dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


class Orthogonal(Initializer):
    """A random orthogonal matrix times ``gain`` (Saxe et al., 2014).

    The shape is flattened to ``(prod(shape[:-1]), shape[-1])``; the shorter side gets
    orthonormal vectors, so a ``(n, m)`` kernel with ``n >= m`` has ``W.T @ W = gain**2 * I``.

    Args:
        gain: multiplicative factor.
        seed: int for repeatable values, or None for the global generator.

    Example:
        >>> w = Orthogonal(seed=0)((4, 4))
        >>> bool(torch.allclose(w.T @ w, torch.eye(4), atol=1e-5))
        True
    """

    def __init__(self, gain=1., seed=None):
        self.gain = gain
        self.seed = seed

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        if not shape:
            raise ValueError("Orthogonal initializer needs a shape with at least one dimension, "
                             "received ().")
        target, work = _float_dtype(dtype)
        rows, cols = math.prod(shape[:-1]), shape[-1]
        tall = torch.empty((max(rows, cols), min(rows, cols)), dtype=work)
        tall.normal_(0.0, 1.0, generator=_generator(self.seed))
        q, r = torch.linalg.qr(tall)
        # Signs of R's diagonal make Q uniformly distributed over orthogonal matrices.
        q = q * torch.where(torch.diagonal(r) < 0, -1.0, 1.0).to(work)
        if rows < cols:
            q = q.T
        return (float(self.gain) * q).reshape(shape).to(target).contiguous()

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """The identity matrix times ``gain`` (ones on the main diagonal of a 2-D shape).

    Args:
        gain: multiplicative factor.

    Example:
        >>> Identity(gain=2.0)((2, 2)).tolist()
        [[2.0, 0.0], [0.0, 2.0]]
    """

    def __init__(self, gain=1.):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity initializer can only be used for 2D matrices, received "
                             f"shape {shape}. Use it for Dense or recurrent kernels.")
        target, work = _float_dtype(dtype)
        return (float(self.gain) * torch.eye(shape[0], shape[1], dtype=work)).to(target)

    def get_config(self):
        return {"gain": self.gain}


def lecun_uniform(seed=None):
    """LeCun uniform: ``U(-limit, limit)``, ``limit = sqrt(3 / fan_in)``.

    Args:
        seed: int for repeatable values, or None.

    Example:
        >>> lecun_uniform().get_config()['mode']
        'fan_in'
    """
    return VarianceScaling(scale=1., mode="fan_in", distribution="uniform", seed=seed)


def lecun_normal(seed=None):
    """LeCun normal: truncated normal with variance ``1 / fan_in``.

    Args:
        seed: int for repeatable values, or None.

    Example:
        >>> lecun_normal().get_config()['scale']
        1.0
    """
    return VarianceScaling(scale=1., mode="fan_in", distribution="normal", seed=seed)


def glorot_normal(seed=None):
    """Glorot (Xavier) normal: truncated normal with variance ``2 / (fan_in + fan_out)``.

    Args:
        seed: int for repeatable values, or None.

    Example:
        >>> glorot_normal().get_config()['mode']
        'fan_avg'
    """
    return VarianceScaling(scale=1., mode="fan_avg", distribution="normal", seed=seed)


def glorot_uniform(seed=None):
    """Glorot (Xavier) uniform, the Keras default kernel initializer:
    ``U(-limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    Args:
        seed: int for repeatable values, or None.

    Example:
        >>> glorot_uniform().get_config()['distribution']
        'uniform'
    """
    return VarianceScaling(scale=1., mode="fan_avg", distribution="uniform", seed=seed)


def he_normal(seed=None):
    """He normal: truncated normal with variance ``2 / fan_in``.

    Args:
        seed: int for repeatable values, or None.

    Example:
        >>> he_normal().get_config()['scale']
        2.0
    """
    return VarianceScaling(scale=2., mode="fan_in", distribution="normal", seed=seed)


def he_uniform(seed=None):
    """He uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / fan_in)``.

    Args:
        seed: int for repeatable values, or None.

    Example:
        >>> he_uniform().get_config()['distribution']
        'uniform'
    """
    return VarianceScaling(scale=2., mode="fan_in", distribution="uniform", seed=seed)


def _named_variance_scaling(name, factory):
    """A class form of a named initializer, for configs written by tf.keras
    (``{'class_name': 'GlorotUniform', 'config': {'seed': None}}``)."""

    def __init__(self, seed=None):
        VarianceScaling.__init__(self, **factory(seed).get_config())

    def get_config(self):
        return {"seed": self.seed}

    doc = f"Class form of ``{factory.__name__}``, as tf.keras names it in saved configs."
    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                            "__doc__": doc, "__module__": __name__})


GlorotNormal = _named_variance_scaling("GlorotNormal", glorot_normal)
GlorotUniform = _named_variance_scaling("GlorotUniform", glorot_uniform)
HeNormal = _named_variance_scaling("HeNormal", he_normal)
HeUniform = _named_variance_scaling("HeUniform", he_uniform)
LecunNormal = _named_variance_scaling("LecunNormal", lecun_normal)
LecunUniform = _named_variance_scaling("LecunUniform", lecun_uniform)

# Keras 2 aliases.
zero = zeros = Zeros
one = ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
orthogonal = Orthogonal
identity = Identity

_INITIALIZERS = {
    "Zeros": Zeros, "zeros": Zeros, "zero": Zeros,
    "Ones": Ones, "ones": Ones, "one": Ones,
    "Constant": Constant, "constant": Constant,
    "RandomNormal": RandomNormal, "random_normal": RandomNormal, "normal": RandomNormal,
    "RandomUniform": RandomUniform, "random_uniform": RandomUniform, "uniform": RandomUniform,
    "TruncatedNormal": TruncatedNormal, "truncated_normal": TruncatedNormal,
    "VarianceScaling": VarianceScaling, "variance_scaling": VarianceScaling,
    "Orthogonal": Orthogonal, "orthogonal": Orthogonal,
    "Identity": Identity, "identity": Identity,
    "glorot_normal": glorot_normal, "glorot_uniform": glorot_uniform,
    "he_normal": he_normal, "he_uniform": he_uniform,
    "lecun_normal": lecun_normal, "lecun_uniform": lecun_uniform,
    "GlorotNormal": GlorotNormal, "GlorotUniform": GlorotUniform,
    "HeNormal": HeNormal, "HeUniform": HeUniform,
    "LecunNormal": LecunNormal, "LecunUniform": LecunUniform,
}


def serialize(initializer):
    """Returns ``{'class_name': ..., 'config': ...}`` for an initializer.

    Args:
        initializer: an ``Initializer`` instance.

    Example:
        >>> serialize(Zeros())
        {'class_name': 'Zeros', 'config': {}}
    """
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """Builds an initializer from ``{'class_name': ..., 'config': ...}``.

    Args:
        config: the dict produced by ``serialize``.
        custom_objects: optional dict of user initializers by name.

    Example:
        >>> deserialize({'class_name': 'Constant', 'config': {'value': 3}}).value
        3
    """
    return deserialize_instance(config, _INITIALIZERS, custom_objects, "initializer")


def get(identifier):
    """Resolves what a layer receives as ``kernel_initializer=`` and similar arguments.

    Args:
        identifier: a name such as ``'he_normal'``, a config dict, a callable, or None.

    Example:
        >>> type(get('zeros')).__name__
        'Zeros'
    """
    return get_instance(identifier, deserialize, "initializer",
                        "a name such as 'glorot_uniform', a config dict, or a callable.")
