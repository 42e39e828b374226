"""``keras.backend`` random tensors: ``random_normal``, ``random_uniform``, ``random_binomial``,
``truncated_normal``. Shapes may hold symbolic sizes; a ``seed`` makes samples repeatable.

Example:
    >>> from cornu import backend as K
    >>> K.random_uniform((2, 3), seed=1).shape
    torch.Size([2, 3])
"""
import torch

from cornu.backend.coercion import int_list
from cornu.config import torch_dtype
from cornu.graph.op_layer import has_symbolic, symbolic_call


def _generator(seed):
    return None if seed is None else torch.Generator().manual_seed(int(seed))


def _normal(shape, mean, stddev, dtype, generator):
    return torch.randn(int_list(shape), dtype=dtype, generator=generator) * stddev + mean


def _uniform(shape, minval, maxval, dtype, generator):
    uniform = torch.rand(int_list(shape), dtype=dtype, generator=generator)
    return uniform * (maxval - minval) + minval


def _binomial(shape, p, dtype, generator):
    return (torch.rand(int_list(shape), generator=generator) <= p).to(dtype)


def _truncated(shape, mean, stddev, dtype, generator):
    out = torch.empty(int_list(shape), dtype=dtype)
    return torch.nn.init.trunc_normal_(out, mean, stddev, mean - 2 * stddev, mean + 2 * stddev,
                                       generator=generator)


def _random(sampler, name, shape, *params, dtype=None, seed=None):
    dtype = torch_dtype(dtype)
    if has_symbolic((shape, params)):
        return symbolic_call(sampler, shape, *params, dtype, _generator(seed), op_name=name)
    return sampler(shape, *params, dtype, _generator(seed))


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution.

    Args:
        shape: the output shape; may hold symbolic sizes (``(K.shape(z)[0], 2)``).
        mean: the mean.
        stddev: the standard deviation.
        dtype: the dtype (default floatx).
        seed: an integer for repeatable samples.
    """
    return _random(_normal, "random_normal", shape, mean, stddev, dtype=dtype, seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniformly from ``[minval, maxval)``.

    Args:
        shape: the output shape.
        minval: the lower bound.
        maxval: the upper bound.
        dtype: the dtype (default floatx).
        seed: an integer for repeatable samples.
    """
    return _random(_uniform, "random_uniform", shape, minval, maxval, dtype=dtype, seed=seed)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """1 with probability ``p``, else 0.

    Args:
        shape: the output shape.
        p: the probability of a 1.
        dtype: the dtype (default floatx).
        seed: an integer for repeatable samples.
    """
    return _random(_binomial, "random_binomial", shape, p, dtype=dtype, seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """A normal distribution redrawn beyond two standard deviations from the mean.

    Args:
        shape: the output shape.
        mean: the mean.
        stddev: the standard deviation before truncation.
        dtype: the dtype (default floatx).
        seed: an integer for repeatable samples.
    """
    return _random(_truncated, "truncated_normal", shape, mean, stddev, dtype=dtype, seed=seed)
