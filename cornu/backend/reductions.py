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
from cornu.engine.keras_tensor import KerasTensor
from cornu.engine.op_layer import symbolic_call


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
    if isinstance(x, KerasTensor):
        return symbolic_call(mean, x, axis, keepdims)
    x = to_float(x)
    return torch.mean(x, dim=axes_tuple(axis, x.dim()), keepdim=keepdims)


def sum(x, axis=None, keepdims=False):
    """Sum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(sum, x, axis, keepdims)
    x = to_tensor(x)
    return torch.sum(x, dim=axes_tuple(axis, x.dim()), keepdim=keepdims)


def max(x, axis=None, keepdims=False):
    """Maximum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(max, x, axis, keepdims)
    x = to_tensor(x)
    return torch.amax(x, dim=axes_tuple(axis, x.dim()), keepdim=keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(min, x, axis, keepdims)
    x = to_tensor(x)
    return torch.amin(x, dim=axes_tuple(axis, x.dim()), keepdim=keepdims)


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
    if isinstance(x, KerasTensor):
        return symbolic_call(var, x, axis, keepdims)
    x = to_float(x)
    return torch.var(x, dim=axes_tuple(axis, x.dim()), correction=0, keepdim=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation (``sqrt(var)``) over an axis.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(std, x, axis, keepdims)
    x = to_float(x)
    return torch.std(x, dim=axes_tuple(axis, x.dim()), correction=0, keepdim=keepdims)


def any(x, axis=None, keepdims=False):
    """Logical OR over an axis; returns a bool tensor.

    Args:
        x: a tensor (non-zero counts as True).
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(any, x, axis, keepdims)
    x = to_tensor(x).bool()
    return torch.any(x, dim=axes_tuple(axis, x.dim()), keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    """Logical AND over an axis; returns a bool tensor.

    Args:
        x: a tensor (non-zero counts as True).
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(all, x, axis, keepdims)
    x = to_tensor(x).bool()
    return torch.all(x, dim=axes_tuple(axis, x.dim()), keepdim=keepdims)


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
