"""Argument coercion shared by the backend tensor functions: values to torch tensors, axes and
shapes to Python ints.

Example:
    >>> to_tensor([1.5, 2.0]).dtype
    torch.float32
    >>> axes_tuple(None, 3)
    (0, 1, 2)
"""
import numpy as np
import torch

from cornu.config import torch_dtype


def to_tensor(x, dtype=None):
    """A torch tensor for x (floats become floatx unless ``dtype`` says otherwise).

    Args:
        x: a tensor, array, list or number.
        dtype: the torch dtype to convert to (default: keep tensors as they are, floatx for
            floating arrays).

    Example:
        >>> to_tensor(np.array([1.0], dtype=np.float64)).dtype
        torch.float32
    """
    if isinstance(x, torch.Tensor):
        return x if dtype is None else x.to(dtype)
    array = np.asarray(x)
    if dtype is None and array.dtype.kind == "f":
        dtype = torch_dtype()
    return torch.as_tensor(array, dtype=dtype)


def to_float(x):
    """x as a floating tensor (integers and booleans become floatx).

    Args:
        x: a tensor, array, list or number.

    Example:
        >>> to_float(torch.tensor([1, 2])).dtype
        torch.float32
    """
    x = to_tensor(x)
    return x if x.is_floating_point() else x.to(torch_dtype())


def axes_tuple(axis, ndim):
    """An axis argument as a tuple of ints; None means every axis.

    Args:
        axis: None, an int, or a list or tuple of ints.
        ndim: the number of axes of the tensor.

    Example:
        >>> axes_tuple([0, -1], 3)
        (0, -1)
    """
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return (int(axis),)


def int_list(shape):
    """A shape given as ints, 0-d tensors or a 1-D tensor -> a list of Python ints.

    Args:
        shape: an int, a sequence of ints or 0-d tensors, or a 1-D tensor or array.

    Example:
        >>> int_list(torch.tensor([2, 3]))
        [2, 3]
    """
    if isinstance(shape, (torch.Tensor, np.ndarray)):
        return [int(d) for d in shape.reshape(-1).tolist()]
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    return [int(d) for d in shape]


def tensor_pair(x, y):
    """Both as tensors; a number or array takes the other's dtype when that is floating.

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).

    Example:
        >>> tensor_pair(torch.tensor([1.0], dtype=torch.float64), 2)[1].dtype
        torch.float64
    """
    if isinstance(x, torch.Tensor):
        if isinstance(y, torch.Tensor):
            return x, y
        return x, to_tensor(y, x.dtype if x.is_floating_point() else None)
    if isinstance(y, torch.Tensor):
        return to_tensor(x, y.dtype if y.is_floating_point() else None), y
    return to_tensor(x), to_tensor(y)
