"""``keras.backend`` linear algebra: ``dot``, ``batch_dot``, ``transpose``, ``gather``.

Example:
    >>> from cornu import backend as K
    >>> K.dot(torch.ones(2, 3), torch.ones(3, 4)).shape
    torch.Size([2, 4])
"""
import numpy as np
import torch

from cornu.backend.coercion import tensor_pair, to_tensor
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.op_layer import symbolic_call


def dot(x, y):
    """Matrix product; for N-D tensors, contracts x's last axis with y's second-to-last, so
    ``(2, 3, 4) . (4, 5)`` gives ``(2, 3, 5)`` and ``(2, 3) . (4, 3, 5)`` gives ``(2, 4, 5)``.

    Example:
        >>> K.dot(torch.ones(2, 3, 4), torch.ones(4, 5)).shape
        torch.Size([2, 3, 5])
    """
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return symbolic_call(dot, x, y)
    x, y = tensor_pair(x, y)
    if x.dim() > 2 or y.dim() > 2:
        if y.dim() < 2:
            raise ValueError(f"dot of a {x.dim()}-D tensor needs y with at least 2 axes; "
                             f"received y of shape {tuple(y.shape)}.")
        return torch.tensordot(x, y, dims=([x.dim() - 1], [y.dim() - 2]))
    return torch.matmul(x, y)


def batch_dot(x, y, axes=None):
    """Dot product of each sample of x with the same sample of y (Keras 2.2.4 semantics).

    The axes to contract are ``axes`` (an int for both, or ``(axis_x, axis_y)``; default the last
    axis of x and the second-to-last of y). Inputs of different ranks are padded with trailing
    axes of size 1, removed again afterwards; a rank-1 result becomes ``(batch, 1)``.

    Args:
        x: tensor with ndim >= 2.
        y: tensor with ndim >= 2.
        axes: int or pair of ints.

    Example:
        >>> K.batch_dot(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([[5., 6.], [7., 8.]]), 1)
        tensor([[17.],
                [53.]])
    """
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return symbolic_call(batch_dot, x, y, axes)
    x, y = tensor_pair(x, y)
    x_ndim, y_ndim = x.dim(), y.dim()
    if isinstance(axes, (int, np.integer)):
        axes = (axes, axes)
    if axes is None:
        axes = (x_ndim - 1, y_ndim - 2)
    if any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError("Multiple target dimensions are not supported. Expected: None, int, "
                         f"(int, int), Provided: {axes}")
    axes = (int(axes[0]) % x_ndim, int(axes[1]) % y_ndim)
    diff = abs(x_ndim - y_ndim)
    if x_ndim > y_ndim:
        y = y.reshape(tuple(y.shape) + (1,) * diff)
    elif y_ndim > x_ndim:
        x = x.reshape(tuple(x.shape) + (1,) * diff)
    if x.dim() == 2 and y.dim() == 2:
        if axes[0] == axes[1]:
            out = torch.sum(x * y, dim=axes[0])
        else:
            out = torch.sum(x.transpose(0, 1) * y, dim=axes[1])
    else:
        if axes[0] != x.dim() - 1:
            x = x.transpose(-1, -2)
        if axes[1] == y.dim() - 1:
            y = y.transpose(-1, -2)
        out = torch.matmul(x, y)
    if diff:
        start = x_ndim + y_ndim - 3 if x_ndim > y_ndim else x_ndim - 1
        out = out.reshape([d for i, d in enumerate(out.shape)
                           if not start <= i < start + diff])
    if out.dim() == 1:
        out = out.unsqueeze(1)
    return out


def transpose(x):
    """Reverses the order of the axes (a matrix transpose for 2-D).

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(transpose, x)
    x = to_tensor(x)
    return x.permute(tuple(reversed(range(x.dim()))))


def gather(reference, indices):
    """Rows ``reference[indices]`` (along the first axis).

    Args:
        reference: a tensor.
        indices: an int tensor, array or list of indices.
    """
    if isinstance(reference, KerasTensor) or isinstance(indices, KerasTensor):
        return symbolic_call(gather, reference, indices)
    return to_tensor(reference)[to_tensor(indices).long()]
