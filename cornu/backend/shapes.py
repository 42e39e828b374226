"""``keras.backend`` shape manipulation: ``concatenate``, ``stack``, ``reshape``,
``permute_dimensions``, ``expand_dims``, ``squeeze``, ``flatten``, ``batch_flatten``, ``repeat``,
``repeat_elements``, ``tile``, ``reverse``, ``one_hot``, ``bias_add``.

Example:
    >>> from cornu import backend as K
    >>> K.concatenate([torch.ones(2, 3), torch.zeros(2, 1)]).shape
    torch.Size([2, 4])
"""
import torch
import torch.nn.functional as F

from cornu.backend.coercion import axes_tuple, int_list, tensor_pair, to_tensor
from cornu.config import image_data_format, torch_dtype
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.op_layer import has_symbolic, symbolic_call


def concatenate(tensors, axis=-1):
    """Joins tensors along an axis.

    Args:
        tensors: a list of tensors.
        axis: the axis.
    """
    if has_symbolic(tensors):
        return symbolic_call(concatenate, list(tensors), axis)
    return torch.cat([to_tensor(t) for t in tensors], dim=axis)


def stack(x, axis=0):
    """Stacks a list of same-shape tensors along a new axis.

    Args:
        x: a list of tensors.
        axis: the position of the new axis.
    """
    if has_symbolic(x):
        return symbolic_call(stack, list(x), axis)
    return torch.stack([to_tensor(t) for t in x], dim=axis)


def reshape(x, shape):
    """Reshapes to ``shape`` (one entry may be -1; entries may be symbolic sizes).

    Args:
        x: a tensor.
        shape: a tuple, or a 1-D int tensor such as ``K.shape(y)``.
    """
    if has_symbolic((x, shape)):
        return symbolic_call(reshape, x, shape)
    return to_tensor(x).reshape(int_list(shape))


def permute_dimensions(x, pattern):
    """Reorders the axes, e.g. ``(0, 2, 1)``.

    Args:
        x: a tensor.
        pattern: the new order of the axes.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(permute_dimensions, x, tuple(pattern))
    return to_tensor(x).permute(tuple(pattern))


def expand_dims(x, axis=-1):
    """Adds an axis of size 1 at ``axis`` (default: last).

    Args:
        x: a tensor.
        axis: the position of the new axis.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(expand_dims, x, axis)
    return to_tensor(x).unsqueeze(axis)


def squeeze(x, axis):
    """Removes an axis of size 1.

    Args:
        x: a tensor.
        axis: the axis to remove.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(squeeze, x, axis)
    return to_tensor(x).squeeze(axis)


def flatten(x):
    """Flattens to 1-D.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(flatten, x)
    return to_tensor(x).reshape(-1)


def batch_flatten(x):
    """Flattens each sample: ``(batch, ...)`` -> ``(batch, features)``.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(batch_flatten, x)
    x = to_tensor(x)
    return x.reshape(x.shape[0], -1)


def repeat_elements(x, rep, axis):
    """Repeats each element ``rep`` times along ``axis`` (like ``np.repeat``).

    Args:
        x: a tensor.
        rep: the number of repetitions.
        axis: the axis.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(repeat_elements, x, rep, axis)
    return torch.repeat_interleave(to_tensor(x), int(rep), dim=axis)


def repeat(x, n):
    """Repeats a 2-D tensor ``(batch, features)`` into ``(batch, n, features)``.

    Args:
        x: a 2-D tensor.
        n: the number of repetitions.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(repeat, x, n)
    return to_tensor(x).unsqueeze(1).repeat(1, int(n), 1)


def tile(x, n):
    """Tiles ``x``: ``n`` repetitions per axis (an int for the last axis, or a list).

    Args:
        x: a tensor.
        n: int, or list of ints (possibly symbolic).
    """
    if has_symbolic((x, n)):
        return symbolic_call(tile, x, n)
    return torch.tile(to_tensor(x), tuple(int_list(n)))


def reverse(x, axes):
    """Reverses a tensor along the given axis or axes.

    Args:
        x: a tensor.
        axes: int or list of ints.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(reverse, x, axes)
    x = to_tensor(x)
    return torch.flip(x, dims=axes_tuple(axes, x.dim()))


def one_hot(indices, num_classes):
    """One-hot encoding of integer indices: adds a last axis of size ``num_classes`` (floatx).

    Args:
        indices: an int tensor.
        num_classes: the number of classes.
    """
    if isinstance(indices, KerasTensor):
        return symbolic_call(one_hot, indices, num_classes)
    return F.one_hot(to_tensor(indices).long(), int(num_classes)).to(torch_dtype())


def bias_add(x, bias, data_format=None):
    """Adds a bias vector to each sample (on the channels axis for ``'channels_first'``).

    Args:
        x: a tensor.
        bias: a tensor of one value per channel (or of x's trailing shape).
        data_format: ``'channels_last'`` or ``'channels_first'`` (default: the global one).
    """
    if isinstance(x, KerasTensor) or isinstance(bias, KerasTensor):
        return symbolic_call(bias_add, x, bias, data_format)
    x, bias = tensor_pair(x, bias)
    data_format = data_format or image_data_format()
    if data_format == "channels_first" and x.dim() > 2:
        if bias.dim() == 1:
            bias = bias.reshape((1, -1) + (1,) * (x.dim() - 2))
        else:
            bias = bias.movedim(-1, 0).unsqueeze(0)
    return x + bias
