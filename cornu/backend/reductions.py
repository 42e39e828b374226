"""``keras.backend`` reductions: ``mean``, ``sum``, ``max``, ``min``, ``prod``, ``var``, ``std``,
``any``, ``all``, ``argmax``, ``argmin`` over an axis, a list of axes, or everything.

Example:
    >>> from cornu import backend as K
    >>> K.sum(torch.tensor([[1., 2.], [3., 4.]]), axis=1)
    tensor([3., 7.])
"""
import builtins

import torch

from cornu.backend.coercion import axes_tuple, to_float, to_tensor
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.op_layer import symbolic_call


def _as_bool(x):
    return to_tensor(x).bool()


def _variance(x, dim, keepdim):
    return torch.var(x, dim=dim, correction=0, keepdim=keepdim)


def _standard_deviation(x, dim, keepdim):
    return torch.std(x, dim=dim, correction=0, keepdim=keepdim)


def _reduce(caller, reduction, x, axis, keepdims, convert=to_tensor):
    """``reduction(convert(x), dim=axes, keepdim=keepdims)``, or an op node for ``caller`` when
    x is symbolic."""
    if isinstance(x, KerasTensor):
        return symbolic_call(caller, x, axis, keepdims)
    x = convert(x)
    return reduction(x, dim=axes_tuple(axis, x.dim()), keepdim=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over an axis (int or list of ints), or over everything when ``axis`` is None.

    Args:
        x: a tensor (booleans and integers are averaged as floats).
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.

    Example:
        >>> K.mean(torch.tensor([[1., 2.], [3., 4.]]))
        tensor(2.5000)
    """
    return _reduce(mean, torch.mean, x, axis, keepdims, to_float)


def sum(x, axis=None, keepdims=False):
    """Sum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    return _reduce(sum, torch.sum, x, axis, keepdims)


def max(x, axis=None, keepdims=False):
    """Maximum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    return _reduce(max, torch.amax, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    return _reduce(min, torch.amin, x, axis, keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(prod, x, axis, keepdims)
    x = to_tensor(x)
    axes = {a % builtins.max(x.dim(), 1) for a in axes_tuple(axis, x.dim())}
    for a in sorted(axes, reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims)
    return x


def var(x, axis=None, keepdims=False):
    """Variance (the mean squared deviation, no Bessel correction) over an axis.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    return _reduce(var, _variance, x, axis, keepdims, to_float)


def std(x, axis=None, keepdims=False):
    """Standard deviation (``sqrt(var)``) over an axis.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    return _reduce(std, _standard_deviation, x, axis, keepdims, to_float)


def any(x, axis=None, keepdims=False):
    """Logical OR over an axis; returns a bool tensor.

    Args:
        x: a tensor (non-zero counts as True).
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    return _reduce(any, torch.any, x, axis, keepdims, _as_bool)


def all(x, axis=None, keepdims=False):
    """Logical AND over an axis; returns a bool tensor.

    Args:
        x: a tensor (non-zero counts as True).
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    return _reduce(all, torch.all, x, axis, keepdims, _as_bool)


def argmax(x, axis=-1):
    """Index of the maximum along an axis (int64).

    Args:
        x: a tensor.
        axis: the axis.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(argmax, x, axis)
    return torch.argmax(to_tensor(x), dim=axis)


def argmin(x, axis=-1):
    """Index of the minimum along an axis (int64).

    Args:
        x: a tensor.
        axis: the axis.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(argmin, x, axis)
    return torch.argmin(to_tensor(x), dim=axis)
