"""Merge layers: combine a list of tensors into one (Keras 2 ``keras.layers.merge``).

Elementwise: ``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum``, ``Minimum``;
structural: ``Concatenate``, ``Dot``. Each has a functional form taking the list of tensors
(``add``, ``subtract``, ``multiply``, ``average``, ``maximum``, ``minimum``, ``concatenate``,
``dot``). Elementwise merges broadcast as Keras 2 does: sample shapes are aligned on their last
axes, size-1 axes stretch, and inputs of lower rank gain axes right after the batch axis.
Masks merge as in Keras 2: an elementwise merge outputs the AND of its inputs' masks,
``Concatenate`` their concatenation along its axis, ``Dot`` none.

Example:
    >>> from cornu.layers import Input
    >>> a, b = Input(shape=(16,)), Input(shape=(8,))
    >>> concatenate([a, b]).shape
    (None, 24)
    >>> add([torch.ones(2, 3), torch.ones(2, 3)]).tolist()
    [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]
"""
import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from cornu.config import torch_dtype
from cornu.graph.layer import Layer


def _broadcast_sample_shapes(shape1, shape2):
    """The shape of an elementwise result of two sample shapes (batch axis excluded).

    Aligns the shapes on their last axes, as Keras 2's ``_compute_elemwise_op_output_shape``:
    ``None`` with anything gives ``None``, a size 1 takes the other size, equal sizes stay.
    """
    if len(shape1) < len(shape2):
        return _broadcast_sample_shapes(shape2, shape1)
    if not shape2:
        return tuple(shape1)
    output_shape = list(shape1[:-len(shape2)])
    for i, j in zip(shape1[-len(shape2):], shape2):
        if i is None or j is None:
            output_shape.append(None)
        elif i == 1:
            output_shape.append(j)
        elif j == 1 or i == j:
            output_shape.append(i)
        else:
            raise ValueError(f"Operands could not be broadcast together with shapes "
                             f"{tuple(shape1)} {tuple(shape2)}")
    return tuple(output_shape)


def _common_batch_size(input_shapes):
    """The one known batch size of the inputs (or None); raises when they disagree."""
    batch_sizes = {tuple(s)[0] for s in input_shapes if s} - {None}
    if len(batch_sizes) > 1:
        raise ValueError(f"Can not merge tensors with different batch sizes. Got tensors with "
                         f"shapes : {[tuple(s) for s in input_shapes]}")
    return batch_sizes.pop() if batch_sizes else None


def _input_mask_list(inputs, mask):
    """``mask`` as a list with one entry per input (all None when ``mask`` is None)."""
    if mask is None:
        return [None] * len(inputs)
    if not isinstance(mask, (list, tuple)) or len(mask) != len(inputs):
        raise ValueError(f"A merge layer expects one mask (or None) per input: the lists "
                         f"`inputs` and `mask` should have the same length, got "
                         f"{len(inputs)} inputs and mask {mask!r}.")
    return list(mask)


class _Merge(Layer):
    """Base of the merge layers: called on a list of at least two tensors.

    Subclasses define ``_merge_function(inputs)`` on tensors of equal rank; inputs of lower
    rank are first given size-1 axes after the batch axis, so that torch broadcasting follows
    Keras 2's alignment of sample shapes.
    """

    _not_a_list = "A merge layer should be called on a list of inputs."

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_input_count(self, count):
        if count < 2:
            raise ValueError(f"A merge layer should be called on a list of at least 2 inputs. "
                             f"Got {count} inputs.")

    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(self._not_a_list + f" Got a single {type(inputs).__name__} of "
                             f"shape {tuple(getattr(inputs, 'shape', ()))}; pass a list, e.g. "
                             "layer([x1, x2]).")
        self._check_input_count(len(inputs))
        dtype = torch_dtype(self.dtype)
        inputs = [torch.as_tensor(x, dtype=dtype) if isinstance(x, np.ndarray) else x
                  for x in inputs]
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        batch_size = _common_batch_size(input_shape)
        output_shape = tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            output_shape = _broadcast_sample_shapes(output_shape, tuple(shape[1:]))
        return (batch_size,) + output_shape

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(self._not_a_list)
        max_ndim = max(x.dim() for x in inputs)
        inputs = [x if x.dim() == max_ndim else x.reshape(x.shape[:1] + (1,) * (max_ndim - x.dim())
                                                          + x.shape[1:])
                  for x in inputs]
        return self._merge_function(inputs)

    def _merge_function(self, inputs):
        raise NotImplementedError

    def compute_mask(self, inputs, mask=None):
        """The output mask: the AND of the inputs' masks (broadcast), as Keras 2 merges them;
        None when no input is masked.

        Args:
            inputs: the list of input tensors.
            mask: None, or a list with one mask (or None) per input.
        """
        masks = [m for m in _input_mask_list(inputs, mask) if m is not None]
        if not masks:
            return None
        output_mask = masks[0]
        for other in masks[1:]:
            output_mask = torch.logical_and(output_mask, other)
        return output_mask


def _accumulate_sum(inputs):
    """Sum of the inputs, adding in place into a fresh tensor where shapes allow."""
    total = inputs[0] + inputs[1]
    for x in inputs[2:]:
        if torch.broadcast_shapes(total.shape, x.shape) == total.shape:
            total.add_(x)
        else:
            total = total + x
    return total


class Add(_Merge):
    """Adds a list of tensors elementwise.

    Input: a list of at least 2 tensors of compatible shapes. Output: their sum.

    Example:
        >>> Add()([torch.ones(2, 3), torch.ones(2, 3)]).shape
        torch.Size([2, 3])
    """

    def _merge_function(self, inputs):
        return _accumulate_sum(inputs)


class Subtract(_Merge):
    """Subtracts two tensors: ``inputs[0] - inputs[1]``.

    Input: a list of exactly 2 tensors of compatible shapes.

    Example:
        >>> Subtract()([torch.ones(2, 3), torch.ones(2, 3)]).sum().item()
        0.0
    """

    def _check_input_count(self, count):
        super()._check_input_count(count)
        if count != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs "
                             f"(got {count}).")

    def _merge_function(self, inputs):
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Multiplies a list of tensors elementwise.

    Example:
        >>> Multiply()([torch.full((1, 2), 2.0), torch.full((1, 2), 3.0)]).tolist()
        [[6.0, 6.0]]
    """

    def _merge_function(self, inputs):
        product = inputs[0] * inputs[1]
        for x in inputs[2:]:
            product = product * x
        return product


class Average(_Merge):
    """Averages a list of tensors elementwise.

    Example:
        >>> Average()([torch.ones(1, 2), torch.zeros(1, 2)]).tolist()
        [[0.5, 0.5]]
    """

    def _merge_function(self, inputs):
        total = _accumulate_sum(inputs)
        if total.is_floating_point():
            return total.div_(len(inputs))
        return total / len(inputs)


class Maximum(_Merge):
    """The elementwise maximum of a list of tensors.

    Example:
        >>> Maximum()([torch.tensor([[1.0, 5.0]]), torch.tensor([[3.0, 2.0]])]).tolist()
        [[3.0, 5.0]]
    """

    def _merge_function(self, inputs):
        result = torch.maximum(inputs[0], inputs[1])
        for x in inputs[2:]:
            result = torch.maximum(result, x)
        return result


class Minimum(_Merge):
    """The elementwise minimum of a list of tensors.

    Example:
        >>> Minimum()([torch.tensor([[1.0, 5.0]]), torch.tensor([[3.0, 2.0]])]).tolist()
        [[1.0, 2.0]]
    """

    def _merge_function(self, inputs):
        result = torch.minimum(inputs[0], inputs[1])
        for x in inputs[2:]:
            result = torch.minimum(result, x)
        return result


class Concatenate(_Merge):
    """Concatenates a list of tensors along one axis.

    All inputs must have the same shape except along ``axis``.

    Args:
        axis: the axis to concatenate along (default -1, the last one).

    Example:
        >>> Concatenate(axis=1)([torch.ones(2, 2, 5), torch.ones(2, 1, 5)]).shape
        torch.Size([2, 3, 5])
    """

    _not_a_list = "A `Concatenate` layer should be called on a list of inputs."

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _check_input_count(self, count):
        if count < 2:
            raise ValueError(f"A `Concatenate` layer should be called on a list of at least 2 "
                             f"inputs (got {count}).")

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        if not -rank <= self.axis < rank:
            raise ValueError(f"Invalid `axis` {self.axis} for a `Concatenate` layer on inputs of "
                             f"rank {rank} (shapes {shapes}); use an axis from {-rank} to "
                             f"{rank - 1}.")
        axis = self.axis % rank
        mismatch = ValueError(f"A `Concatenate` layer requires inputs with matching shapes "
                              f"except for the concat axis. Got inputs shapes: {shapes}")
        output_shape = list(shapes[0])
        for shape in shapes[1:]:
            if len(shape) != rank:
                raise mismatch
            for i, (have, new) in enumerate(zip(output_shape, shape)):
                if i == axis:
                    output_shape[i] = None if have is None or new is None else have + new
                elif have is None:
                    output_shape[i] = new
                elif new is not None and new != have:
                    raise mismatch
        return tuple(output_shape)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(self._not_a_list)
        return torch.cat(inputs, dim=self.axis)

    def compute_mask(self, inputs, mask=None):
        """The output mask, as Keras 2 concatenates masks: each input's mask (all True for an
        unmasked input) spread over the input's shape, concatenated along ``axis``, then
        reduced with AND over the last axis; None when no input is masked.

        Args:
            inputs: the list of input tensors.
            mask: None, or a list with one mask (or None) per input.
        """
        masks = _input_mask_list(inputs, mask)
        if all(m is None for m in masks):
            return None
        spread = []
        for tensor, tensor_mask in zip(inputs, masks):
            if tensor_mask is None:
                spread.append(torch.ones(tensor.shape, dtype=torch.bool, device=tensor.device))
                continue
            while tensor_mask.dim() < tensor.dim():
                tensor_mask = tensor_mask.unsqueeze(-1)
            spread.append(tensor_mask.bool().expand(tensor.shape))
        return torch.cat(spread, dim=self.axis).all(dim=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _check_dot_axes(axes):
    if isinstance(axes, numbers.Integral) and not isinstance(axes, bool):
        return int(axes)
    if not isinstance(axes, (list, tuple)):
        raise TypeError(f"Invalid type for `axes` - should be a list or an int. Got {axes!r}.")
    if len(axes) != 2:
        raise ValueError(f"Invalid format for `axes` - should contain two elements. Got {axes!r}.")
    if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axes):
        raise ValueError(f"Invalid format for `axes` - list elements should be \"int\". "
                         f"Got {axes!r}.")
    return (int(axes[0]), int(axes[1]))


class Dot(_Merge):
    """The dot product of two tensors along an axis of each, sample by sample.

    For inputs ``x1`` of shape ``(batch, n)`` and ``x2`` of shape ``(batch, n)`` the output has
    shape ``(batch, 1)``: ``output[i] = sum(x1[i] * x2[i])``. In general the output shape is the
    shape of ``x1`` without ``axes[0]``, followed by the sample shape of ``x2`` without
    ``axes[1]`` (Keras 2 ``batch_dot``); a result with no sample axis gets one of size 1.

    Args:
        axes: an int (the same axis in both inputs) or a pair ``(axis1, axis2)``. Axes count
            from 1 (the batch axis 0 cannot be contracted); negative axes count from the end.
        normalize: whether to L2-normalise both inputs along their dot axes first, which
            makes the output the cosine proximity.

    Example:
        >>> Dot(axes=1)([torch.ones(2, 3), torch.ones(2, 3)]).tolist()
        [[3.0], [3.0]]
    """

    _not_a_list = "A `Dot` layer should be called on a list of 2 inputs."

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = _check_dot_axes(axes)
        self.normalize = bool(normalize)

    def _check_input_count(self, count):
        if count != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. "
                             f"Got {count} inputs.")

    def _axes_for(self, ndim1, ndim2):
        """The two contraction axes as non-negative ints for inputs of these ranks."""
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        axes = []
        for axis, ndim in zip(pair, (ndim1, ndim2)):
            if not -ndim <= axis < ndim:
                raise ValueError(f"Invalid `axes` {self.axes!r} for a `Dot` layer on inputs of "
                                 f"ranks {ndim1} and {ndim2}: each axis must be between "
                                 f"{-ndim} and {ndim - 1}.")
            axes.append(axis % ndim)
        if 0 in axes:
            raise ValueError(f"A `Dot` layer cannot take the dot product along the batch axis "
                             f"(axes={self.axes!r} on inputs of ranks {ndim1} and {ndim2}); use "
                             f"axes from 1 or negative axes, e.g. axes=-1.")
        return axes

    def compute_output_shape(self, input_shape):
        shape1, shape2 = (list(s) for s in input_shape)
        axis1, axis2 = self._axes_for(len(shape1), len(shape2))
        if None not in (shape1[axis1], shape2[axis2]) and shape1[axis1] != shape2[axis2]:
            raise ValueError(f"Dimension incompatibility {shape1[axis1]} != {shape2[axis2]}. "
                             f"Layer shapes: {tuple(shape1)}, {tuple(shape2)}")
        shape1.pop(axis1)
        shape2.pop(axis2)
        output_shape = shape1 + shape2[1:]
        if len(output_shape) == 1:
            output_shape.append(1)
        return tuple(output_shape)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(self._not_a_list)
        x1, x2 = inputs
        axis1, axis2 = self._axes_for(x1.dim(), x2.dim())
        if self.normalize:
            # tf.nn.l2_normalize: x / sqrt(max(sum(x**2), 1e-12)) == x / max(norm, 1e-6).
            x1 = F.normalize(x1, dim=axis1, eps=1e-6)
            x2 = F.normalize(x2, dim=axis2, eps=1e-6)
        if x1.dim() == 2 and x2.dim() == 2:
            return (x1 * x2).sum(dim=1, keepdim=True)
        x1 = x1.movedim(axis1, -1)
        x2 = x2.movedim(axis2, 1)
        batch, size = x1.shape[0], x1.shape[-1]
        rest1, rest2 = tuple(x1.shape[1:-1]), tuple(x2.shape[2:])
        out = torch.bmm(x1.reshape(batch, math.prod(rest1), size),
                        x2.reshape(batch, size, math.prod(rest2)))
        out = out.reshape((batch,) + rest1 + rest2)
        return out.unsqueeze(1) if out.dim() == 1 else out

    def compute_mask(self, inputs, mask=None):
        """None: a dot product has no time steps left to mask (as in Keras 2)."""
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs, **kwargs):
    """Functional form of ``Add``: the elementwise sum of a list of tensors.

    Args:
        inputs: a list of at least 2 tensors (symbolic or real).
        **kwargs: layer arguments (``name`` ...).

    Example:
        >>> add([torch.ones(1, 2), torch.ones(1, 2)]).tolist()
        [[2.0, 2.0]]
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of ``Subtract``: ``inputs[0] - inputs[1]``.

    Args:
        inputs: a list of exactly 2 tensors.
        **kwargs: layer arguments.
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``: the elementwise product of a list of tensors.

    Args:
        inputs: a list of at least 2 tensors.
        **kwargs: layer arguments.
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of ``Average``: the elementwise mean of a list of tensors.

    Args:
        inputs: a list of at least 2 tensors.
        **kwargs: layer arguments.
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``: the elementwise maximum of a list of tensors.

    Args:
        inputs: a list of at least 2 tensors.
        **kwargs: layer arguments.
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``: the elementwise minimum of a list of tensors.

    Args:
        inputs: a list of at least 2 tensors.
        **kwargs: layer arguments.
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``.

    Args:
        inputs: a list of at least 2 tensors, equal in shape except along ``axis``.
        axis: the concatenation axis (default -1).
        **kwargs: layer arguments.

    Example:
        >>> concatenate([torch.ones(2, 3), torch.ones(2, 4)]).shape
        torch.Size([2, 7])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form of ``Dot``.

    Args:
        inputs: a list of 2 tensors.
        axes: an int or a pair of ints, the axes to take the dot product along.
        normalize: whether to L2-normalise the inputs along those axes first.
        **kwargs: layer arguments.
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
