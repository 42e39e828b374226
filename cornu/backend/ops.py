"""``keras.backend`` tensor functions, Keras 2.2.4 signatures and semantics, on torch.

Every function works on real tensors (calling torch directly) and on symbolic ``KerasTensor``
inputs, where it records an op-layer node instead of computing (so ``K.mean(layer.output)`` is a
symbolic tensor a ``K.function`` or a ``Model`` can run later). Inside a custom layer's ``call`` or
a custom loss, the arguments are real tensors and the functions compute at once.

Example:
    >>> from cornu import backend as K
    >>> K.mean(torch.tensor([[1., 2.], [3., 4.]]), axis=0)
    tensor([2., 3.])
    >>> K.mean(Input(shape=(3,)), axis=-1).shape
    (None,)
"""
import builtins

import numpy as np
import torch
import torch.nn.functional as F

from cornu import activations
from cornu import losses as losses_module
from cornu.backend.config import epsilon, image_data_format, torch_dtype
from cornu.backend.naming import get_uid
from cornu.backend.variables import get_value, int_shape
from cornu.engine.keras_tensor import KerasTensor
from cornu.engine.op_layer import GradientOp, gradients_of, has_symbolic, symbolic_call

# tf.nn.l2_normalize's floor on the squared norm.
_L2_EPSILON = 1e-12


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------

def _op(function, *args, op_name=None, **kwargs):
    return symbolic_call(function, *args, op_name=op_name, **kwargs)


def _tensor(x, dtype=None):
    """A torch tensor for x (floats become floatx unless ``dtype`` says otherwise)."""
    if isinstance(x, torch.Tensor):
        return x if dtype is None else x.to(dtype)
    array = np.asarray(x)
    if dtype is None and array.dtype.kind == "f":
        dtype = torch_dtype()
    return torch.as_tensor(array, dtype=dtype)


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return (int(axis),)


def _ints(shape):
    """A shape given as ints, 0-d tensors or a 1-D tensor -> a list of Python ints."""
    if isinstance(shape, (torch.Tensor, np.ndarray)):
        return [int(d) for d in shape.reshape(-1).tolist()]
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    return [int(d) for d in shape]


def _float(x):
    x = _tensor(x)
    return x if x.is_floating_point() else x.to(torch_dtype())


# ----------------------------------------------------------------------------------------------
# Tensor information and creation
# ----------------------------------------------------------------------------------------------

def shape(x):
    """The runtime shape of a tensor, as an int32 tensor (symbolic for a symbolic input).

    Args:
        x: a tensor.

    Example:
        >>> K.shape(torch.zeros(2, 3))
        tensor([2, 3], dtype=torch.int32)
    """
    if isinstance(x, KerasTensor):
        return _op(shape, x)
    return torch.tensor(tuple(x.shape), dtype=torch.int32)


def ndim(x):
    """The number of axes of a tensor, as an integer.

    Args:
        x: a tensor, symbolic tensor or array.
    """
    return len(int_shape(x))


def dtype(x):
    """The dtype of a tensor, as a string such as ``'float32'``.

    Args:
        x: a tensor, symbolic tensor or array.
    """
    return str(x.dtype).replace("torch.", "")


def is_keras_tensor(x):
    """True for a symbolic tensor produced by a layer (``Input(...)``, ``layer.output``).

    Args:
        x: anything.
    """
    return isinstance(x, KerasTensor) and x._keras_history is not None


def cast(x, dtype):
    """Casts a tensor to a dtype.

    Args:
        x: a tensor.
        dtype: a dtype name (``'float32'``, ``'int64'``, ``'bool'`` ...) or torch dtype.
    """
    if isinstance(x, KerasTensor):
        return _op(cast, x, dtype)
    return _tensor(x).to(torch_dtype(dtype))


def variable(value, dtype=None, name=None, constraint=None):
    """A variable: a tensor holding a copy of ``value`` that ``get_value``/``set_value`` read and
    write (a ``torch.nn.Parameter``; floating variables can be differentiated).

    Args:
        value: a number, array or tensor.
        dtype: the dtype (default floatx).
        name: accepted for Keras compatibility.
        constraint: accepted for Keras compatibility.

    Example:
        >>> v = K.variable(np.ones((2, 2)))
        >>> K.set_value(v, np.zeros((2, 2))); float(K.get_value(v).sum())
        0.0
    """
    if isinstance(value, torch.Tensor):
        data = value.detach().clone().to(torch_dtype(dtype))
    else:
        data = torch.tensor(np.asarray(value), dtype=torch_dtype(dtype))
    return torch.nn.Parameter(data, requires_grad=data.is_floating_point())


def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor; a scalar ``value`` with a ``shape`` fills that shape.

    Args:
        value: a number, array or tensor.
        dtype: the dtype (default floatx).
        shape: optional shape to fill.
        name: accepted for Keras compatibility.
    """
    dtype = torch_dtype(dtype)
    if shape is not None and np.ndim(value) == 0:
        return torch.full(_ints(shape), float(value), dtype=dtype)
    data = torch.tensor(np.asarray(value), dtype=dtype)
    return data if shape is None else data.reshape(_ints(shape))


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input to feed through ``K.function``.

    Args:
        shape: the full shape, ``None`` for unknown dimensions, e.g. ``(None, 3)``.
        ndim: the number of axes, when the shape is entirely unknown.
        dtype: the dtype (default floatx).
        sparse: accepted for Keras compatibility (inputs are dense).
        name: the placeholder's name (default ``placeholder_<n>``).

    Example:
        >>> K.placeholder(shape=(None, 3)).shape
        (None, 3)
    """
    from cornu.engine.input_layer import InputLayer
    if shape is None:
        if ndim is None:
            raise ValueError("placeholder() needs a `shape` (e.g. (None, 3)) or an `ndim`.")
        shape = (None,) * int(ndim)
    layer = InputLayer(batch_input_shape=tuple(shape), dtype=dtype,
                       name=name or f"placeholder_{get_uid('placeholder')}")
    return layer._inbound_nodes[0].output_tensors[0]


def eval(x):
    """The value of a tensor or variable, as NumPy.

    Args:
        x: a tensor or variable (a symbolic tensor needs ``K.function`` and input values).
    """
    if isinstance(x, KerasTensor):
        raise ValueError(f"Cannot evaluate the symbolic tensor {x.name!r}: it depends on inputs "
                         "that have no value. Use f = K.function([inputs], [tensor]) and call "
                         "f([values]).")
    return get_value(x)


def zeros(shape, dtype=None, name=None):
    """A variable filled with zeros.

    Args:
        shape: a tuple of ints.
        dtype: the dtype (default floatx).
        name: accepted for Keras compatibility.
    """
    return variable(torch.zeros(_ints(shape), dtype=torch_dtype(dtype)), dtype)


def ones(shape, dtype=None, name=None):
    """A variable filled with ones.

    Args:
        shape: a tuple of ints.
        dtype: the dtype (default floatx).
        name: accepted for Keras compatibility.
    """
    return variable(torch.ones(_ints(shape), dtype=torch_dtype(dtype)), dtype)


def eye(size, dtype=None, name=None):
    """An identity-matrix variable.

    Args:
        size: the number of rows (square), or ``(rows, columns)``.
        dtype: the dtype (default floatx).
        name: accepted for Keras compatibility.
    """
    rows, columns = (size, size) if np.ndim(size) == 0 else size
    return variable(torch.eye(int(rows), int(columns), dtype=torch_dtype(dtype)), dtype)


def zeros_like(x, dtype=None, name=None):
    """Zeros of the shape of ``x``.

    Args:
        x: a tensor.
        dtype: the dtype (default: x's dtype).
        name: accepted for Keras compatibility.
    """
    if isinstance(x, KerasTensor):
        return _op(zeros_like, x, dtype)
    return torch.zeros_like(x, dtype=None if dtype is None else torch_dtype(dtype))


def ones_like(x, dtype=None, name=None):
    """Ones of the shape of ``x``.

    Args:
        x: a tensor.
        dtype: the dtype (default: x's dtype).
        name: accepted for Keras compatibility.
    """
    if isinstance(x, KerasTensor):
        return _op(ones_like, x, dtype)
    return torch.ones_like(x, dtype=None if dtype is None else torch_dtype(dtype))


def _generator(seed):
    return None if seed is None else torch.Generator().manual_seed(int(seed))


def _normal(shape, mean, stddev, dtype, generator):
    return torch.randn(_ints(shape), dtype=dtype, generator=generator) * stddev + mean


def _uniform(shape, minval, maxval, dtype, generator):
    return torch.rand(_ints(shape), dtype=dtype, generator=generator) * (maxval - minval) + minval


def _binomial(shape, p, dtype, generator):
    return (torch.rand(_ints(shape), generator=generator) <= p).to(dtype)


def _truncated(shape, mean, stddev, dtype, generator):
    out = torch.empty(_ints(shape), dtype=dtype)
    return torch.nn.init.trunc_normal_(out, mean, stddev, mean - 2 * stddev, mean + 2 * stddev,
                                       generator=generator)


def _random(sampler, name, shape, *params, dtype=None, seed=None):
    dtype = torch_dtype(dtype)
    if has_symbolic((shape, params)):
        return _op(sampler, shape, *params, dtype, _generator(seed), op_name=name)
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


# ----------------------------------------------------------------------------------------------
# Reductions
# ----------------------------------------------------------------------------------------------

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
        return _op(mean, x, axis, keepdims)
    x = _float(x)
    return torch.mean(x, dim=_axes(axis, x.dim()), keepdim=keepdims)


def sum(x, axis=None, keepdims=False):
    """Sum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return _op(sum, x, axis, keepdims)
    x = _tensor(x)
    return torch.sum(x, dim=_axes(axis, x.dim()), keepdim=keepdims)


def max(x, axis=None, keepdims=False):
    """Maximum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return _op(max, x, axis, keepdims)
    x = _tensor(x)
    return torch.amax(x, dim=_axes(axis, x.dim()), keepdim=keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return _op(min, x, axis, keepdims)
    x = _tensor(x)
    return torch.amin(x, dim=_axes(axis, x.dim()), keepdim=keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over an axis (int or list), or over everything.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return _op(prod, x, axis, keepdims)
    x = _tensor(x)
    for a in sorted({a % builtins.max(x.dim(), 1) for a in _axes(axis, x.dim())}, reverse=True):
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
        return _op(var, x, axis, keepdims)
    x = _float(x)
    return torch.var(x, dim=_axes(axis, x.dim()), correction=0, keepdim=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation (``sqrt(var)``) over an axis.

    Args:
        x: a tensor.
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return _op(std, x, axis, keepdims)
    x = _float(x)
    return torch.std(x, dim=_axes(axis, x.dim()), correction=0, keepdim=keepdims)


def any(x, axis=None, keepdims=False):
    """Logical OR over an axis; returns a bool tensor.

    Args:
        x: a tensor (non-zero counts as True).
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return _op(any, x, axis, keepdims)
    x = _tensor(x).bool()
    return torch.any(x, dim=_axes(axis, x.dim()), keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    """Logical AND over an axis; returns a bool tensor.

    Args:
        x: a tensor (non-zero counts as True).
        axis: the axis or axes to reduce.
        keepdims: keep reduced axes with size 1.
    """
    if isinstance(x, KerasTensor):
        return _op(all, x, axis, keepdims)
    x = _tensor(x).bool()
    return torch.all(x, dim=_axes(axis, x.dim()), keepdim=keepdims)


def argmax(x, axis=-1):
    """Index of the maximum along an axis (int64).

    Args:
        x: a tensor.
        axis: the axis.
    """
    if isinstance(x, KerasTensor):
        return _op(argmax, x, axis)
    return torch.argmax(_tensor(x), dim=axis)


def argmin(x, axis=-1):
    """Index of the minimum along an axis (int64).

    Args:
        x: a tensor.
        axis: the axis.
    """
    if isinstance(x, KerasTensor):
        return _op(argmin, x, axis)
    return torch.argmin(_tensor(x), dim=axis)


# ----------------------------------------------------------------------------------------------
# Element-wise
# ----------------------------------------------------------------------------------------------

def square(x):
    """Element-wise square.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(square, x)
    return torch.square(_tensor(x))


def sqrt(x):
    """Element-wise square root; negative inputs are clipped to 0 first (Keras 2).

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(sqrt, x)
    return torch.sqrt(torch.clamp(_tensor(x), min=0.0))


def abs(x):
    """Element-wise absolute value.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(abs, x)
    return torch.abs(_tensor(x))


def exp(x):
    """Element-wise exponential.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(exp, x)
    return torch.exp(_tensor(x))


def log(x):
    """Element-wise natural logarithm.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(log, x)
    return torch.log(_tensor(x))


def round(x):
    """Element-wise rounding to the nearest integer (halves to even).

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(round, x)
    return torch.round(_tensor(x))


def sign(x):
    """Element-wise sign (-1, 0 or 1).

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(sign, x)
    return torch.sign(_tensor(x))


def pow(x, a):
    """Element-wise ``x ** a``.

    Args:
        x: a tensor.
        a: a number or tensor.
    """
    if isinstance(x, KerasTensor) or isinstance(a, KerasTensor):
        return _op(pow, x, a)
    return torch.pow(_tensor(x), a)


def _pair(x, y):
    """Both as tensors; a number or array takes the other's dtype when that is floating.

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    if isinstance(x, torch.Tensor):
        if isinstance(y, torch.Tensor):
            return x, y
        return x, _tensor(y, x.dtype if x.is_floating_point() else None)
    if isinstance(y, torch.Tensor):
        return _tensor(x, y.dtype if y.is_floating_point() else None), y
    return _tensor(x), _tensor(y)


def maximum(x, y):
    """Element-wise maximum of two tensors (or a tensor and a number).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return _op(maximum, x, y)
    return torch.maximum(*_pair(x, y))


def minimum(x, y):
    """Element-wise minimum of two tensors (or a tensor and a number).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return _op(minimum, x, y)
    return torch.minimum(*_pair(x, y))


def clip(x, min_value, max_value):
    """Clips values to ``[min_value, max_value]`` (None: unbounded on that side).

    Args:
        x: a tensor.
        min_value: the lower bound (number or tensor).
        max_value: the upper bound; a number below ``min_value`` is raised to it (Keras 2).
    """
    if has_symbolic((x, min_value, max_value)):
        return _op(clip, x, min_value, max_value)
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) \
            and max_value < min_value:
        max_value = min_value
    return torch.clamp(_tensor(x), min=min_value, max=max_value)


def _comparison(torch_function, x, y, caller):
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return _op(caller, x, y)
    return torch_function(*_pair(x, y))


def equal(x, y):
    """Element-wise ``x == y`` (bool).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    return _comparison(torch.eq, x, y, equal)


def not_equal(x, y):
    """Element-wise ``x != y`` (bool).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    return _comparison(torch.ne, x, y, not_equal)


def greater(x, y):
    """Element-wise ``x > y`` (bool).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    return _comparison(torch.gt, x, y, greater)


def greater_equal(x, y):
    """Element-wise ``x >= y`` (bool).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    return _comparison(torch.ge, x, y, greater_equal)


def less(x, y):
    """Element-wise ``x < y`` (bool).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    return _comparison(torch.lt, x, y, less)


def less_equal(x, y):
    """Element-wise ``x <= y`` (bool).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    return _comparison(torch.le, x, y, less_equal)


def switch(condition, then_expression, else_expression):
    """``then_expression`` where ``condition`` holds, else ``else_expression``.

    A scalar condition picks one whole expression (expressions may be zero-argument callables);
    a tensor condition selects element-wise, broadcast over the expressions' trailing axes.

    Args:
        condition: a bool scalar, or a tensor of rank <= the expressions' rank.
        then_expression: a tensor or a callable returning one.
        else_expression: a tensor or a callable returning one.

    Example:
        >>> K.switch(torch.tensor([True, False]), torch.ones(2), torch.zeros(2))
        tensor([1., 0.])
    """
    if not isinstance(condition, KerasTensor):
        condition = _tensor(condition)
        if condition.dim() == 0:
            chosen = then_expression if bool(condition) else else_expression
            return chosen() if callable(chosen) else chosen
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    if has_symbolic((condition, then_value, else_value)):
        return _op(switch, condition, then_value, else_value)
    then_value, else_value = _pair(then_value, else_value)
    condition = condition.bool()
    while condition.dim() < then_value.dim():
        condition = condition.unsqueeze(-1)
    return torch.where(condition, then_value, else_value)


# ----------------------------------------------------------------------------------------------
# Linear algebra
# ----------------------------------------------------------------------------------------------

def dot(x, y):
    """Matrix product; for N-D tensors, contracts x's last axis with y's second-to-last, so
    ``(2, 3, 4) . (4, 5)`` gives ``(2, 3, 5)`` and ``(2, 3) . (4, 3, 5)`` gives ``(2, 4, 5)``.

    Example:
        >>> K.dot(torch.ones(2, 3, 4), torch.ones(4, 5)).shape
        torch.Size([2, 3, 5])
    """
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return _op(dot, x, y)
    x, y = _pair(x, y)
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
        return _op(batch_dot, x, y, axes)
    x, y = _pair(x, y)
    x_ndim, y_ndim = x.dim(), y.dim()
    if isinstance(axes, (int, np.integer)):
        axes = (axes, axes)
    if axes is None:
        axes = (x_ndim - 1, y_ndim - 2)
    if builtins.any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError("Multiple target dimensions are not supported. Expected: None, int, "
                         f"(int, int), Provided: {axes}")
    axes = (int(axes[0]) % x_ndim, int(axes[1]) % y_ndim)
    diff = builtins.abs(x_ndim - y_ndim)
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
        return _op(transpose, x)
    x = _tensor(x)
    return x.permute(tuple(reversed(range(x.dim()))))


def gather(reference, indices):
    """Rows ``reference[indices]`` (along the first axis).

    Args:
        reference: a tensor.
        indices: an int tensor, array or list of indices.
    """
    if isinstance(reference, KerasTensor) or isinstance(indices, KerasTensor):
        return _op(gather, reference, indices)
    return _tensor(reference)[_tensor(indices).long()]


# ----------------------------------------------------------------------------------------------
# Shape manipulation
# ----------------------------------------------------------------------------------------------

def concatenate(tensors, axis=-1):
    """Joins tensors along an axis.

    Args:
        tensors: a list of tensors.
        axis: the axis.
    """
    if has_symbolic(tensors):
        return _op(concatenate, list(tensors), axis)
    return torch.cat([_tensor(t) for t in tensors], dim=axis)


def stack(x, axis=0):
    """Stacks a list of same-shape tensors along a new axis.

    Args:
        x: a list of tensors.
        axis: the position of the new axis.
    """
    if has_symbolic(x):
        return _op(stack, list(x), axis)
    return torch.stack([_tensor(t) for t in x], dim=axis)


def reshape(x, shape):
    """Reshapes to ``shape`` (one entry may be -1; entries may be symbolic sizes).

    Args:
        x: a tensor.
        shape: a tuple, or a 1-D int tensor such as ``K.shape(y)``.
    """
    if has_symbolic((x, shape)):
        return _op(reshape, x, shape)
    return _tensor(x).reshape(_ints(shape))


def permute_dimensions(x, pattern):
    """Reorders the axes, e.g. ``(0, 2, 1)``.

    Args:
        x: a tensor.
        pattern: the new order of the axes.
    """
    if isinstance(x, KerasTensor):
        return _op(permute_dimensions, x, tuple(pattern))
    return _tensor(x).permute(tuple(pattern))


def expand_dims(x, axis=-1):
    """Adds an axis of size 1 at ``axis`` (default: last).

    Args:
        x: a tensor.
        axis: the position of the new axis.
    """
    if isinstance(x, KerasTensor):
        return _op(expand_dims, x, axis)
    return _tensor(x).unsqueeze(axis)


def squeeze(x, axis):
    """Removes an axis of size 1.

    Args:
        x: a tensor.
        axis: the axis to remove.
    """
    if isinstance(x, KerasTensor):
        return _op(squeeze, x, axis)
    return _tensor(x).squeeze(axis)


def flatten(x):
    """Flattens to 1-D.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(flatten, x)
    return _tensor(x).reshape(-1)


def batch_flatten(x):
    """Flattens each sample: ``(batch, ...)`` -> ``(batch, features)``.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(batch_flatten, x)
    x = _tensor(x)
    return x.reshape(x.shape[0], -1)


def repeat_elements(x, rep, axis):
    """Repeats each element ``rep`` times along ``axis`` (like ``np.repeat``).

    Args:
        x: a tensor.
        rep: the number of repetitions.
        axis: the axis.
    """
    if isinstance(x, KerasTensor):
        return _op(repeat_elements, x, rep, axis)
    return torch.repeat_interleave(_tensor(x), int(rep), dim=axis)


def repeat(x, n):
    """Repeats a 2-D tensor ``(batch, features)`` into ``(batch, n, features)``.

    Args:
        x: a 2-D tensor.
        n: the number of repetitions.
    """
    if isinstance(x, KerasTensor):
        return _op(repeat, x, n)
    return _tensor(x).unsqueeze(1).repeat(1, int(n), 1)


def tile(x, n):
    """Tiles ``x``: ``n`` repetitions per axis (an int for the last axis, or a list).

    Args:
        x: a tensor.
        n: int, or list of ints (possibly symbolic).
    """
    if has_symbolic((x, n)):
        return _op(tile, x, n)
    return torch.tile(_tensor(x), tuple(_ints(n)))


def reverse(x, axes):
    """Reverses a tensor along the given axis or axes.

    Args:
        x: a tensor.
        axes: int or list of ints.
    """
    if isinstance(x, KerasTensor):
        return _op(reverse, x, axes)
    x = _tensor(x)
    return torch.flip(x, dims=_axes(axes, x.dim()))


def one_hot(indices, num_classes):
    """One-hot encoding of integer indices: adds a last axis of size ``num_classes`` (floatx).

    Args:
        indices: an int tensor.
        num_classes: the number of classes.
    """
    if isinstance(indices, KerasTensor):
        return _op(one_hot, indices, num_classes)
    return F.one_hot(_tensor(indices).long(), int(num_classes)).to(torch_dtype())


def bias_add(x, bias, data_format=None):
    """Adds a bias vector to each sample (on the channels axis for ``'channels_first'``).

    Args:
        x: a tensor.
        bias: a tensor of one value per channel (or of x's trailing shape).
        data_format: ``'channels_last'`` or ``'channels_first'`` (default: the global one).
    """
    if isinstance(x, KerasTensor) or isinstance(bias, KerasTensor):
        return _op(bias_add, x, bias, data_format)
    x, bias = _pair(x, bias)
    data_format = data_format or image_data_format()
    if data_format == "channels_first" and x.dim() > 2:
        if bias.dim() == 1:
            bias = bias.reshape((1, -1) + (1,) * (x.dim() - 2))
        else:
            bias = bias.movedim(-1, 0).unsqueeze(0)
    return x + bias


# ----------------------------------------------------------------------------------------------
# Activations, losses, normalisation
# ----------------------------------------------------------------------------------------------

def softmax(x, axis=-1):
    """Softmax along ``axis``.

    Args:
        x: a tensor.
        axis: the axis.
    """
    if isinstance(x, KerasTensor):
        return _op(softmax, x, axis)
    return torch.softmax(_tensor(x), dim=axis)


def sigmoid(x):
    """Element-wise logistic sigmoid.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(sigmoid, x)
    return activations.sigmoid(x)


def hard_sigmoid(x):
    """``clip(0.2 * x + 0.5, 0, 1)``.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(hard_sigmoid, x)
    return activations.hard_sigmoid(x)


def tanh(x):
    """Element-wise hyperbolic tangent.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(tanh, x)
    return activations.tanh(x)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras 2's leak, ceiling and threshold options.

    Args:
        x: a tensor.
        alpha: slope below the threshold.
        max_value: ceiling, or None.
        threshold: values at or below it are not passed through.
    """
    if isinstance(x, KerasTensor):
        return _op(relu, x, alpha, max_value, threshold)
    return activations.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def elu(x, alpha=1.0):
    """Exponential linear unit.

    Args:
        x: a tensor.
        alpha: scale of the negative part.
    """
    if isinstance(x, KerasTensor):
        return _op(elu, x, alpha)
    return activations.elu(x, alpha)


def softplus(x):
    """``log(1 + exp(x))``.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(softplus, x)
    return activations.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return _op(softsign, x)
    return activations.softsign(x)


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary crossentropy (no mean over the last axis, unlike the loss).

    Probabilities are clipped to ``[eps, 1 - eps]`` and turned into logits, as Keras 2.2.4 does.

    Args:
        target: targets in [0, 1].
        output: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``output`` holds logits.
    """
    if isinstance(target, KerasTensor) or isinstance(output, KerasTensor):
        return _op(binary_crossentropy, target, output, from_logits)
    output = _float(output)
    if not from_logits:
        output = torch.logit(output, eps=epsilon())
    return F.binary_cross_entropy_with_logits(output, _tensor(target, output.dtype),
                                              reduction="none")


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``-sum(target * log(output), axis)``, output rescaled to sum to 1 and clipped.

    Args:
        target: one-hot (or soft) targets, output's shape.
        output: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``output`` holds logits.
        axis: the class axis.
    """
    if isinstance(target, KerasTensor) or isinstance(output, KerasTensor):
        return _op(categorical_crossentropy, target, output, from_logits, axis)
    output = _float(output)
    target = _tensor(target, output.dtype)
    if axis not in (-1, output.dim() - 1):
        output, target = output.movedim(axis, -1), target.movedim(axis, -1)
    return losses_module.categorical_crossentropy(target, output, from_logits=from_logits)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy against integer class labels.

    Args:
        target: integer labels of shape ``output.shape[:-1]`` (or with a trailing 1).
        output: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``output`` holds logits.
        axis: the class axis.
    """
    if isinstance(target, KerasTensor) or isinstance(output, KerasTensor):
        return _op(sparse_categorical_crossentropy, target, output, from_logits, axis)
    return losses_module.sparse_categorical_crossentropy(target, output, from_logits=from_logits,
                                                         axis=axis)


def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x ** 2, axis), 1e-12))``, over ``axis`` or the whole tensor.

    Args:
        x: a tensor.
        axis: the axis or axes to normalise along (None: all).
    """
    if isinstance(x, KerasTensor):
        return _op(l2_normalize, x, axis)
    x = _float(x)
    square_sum = torch.sum(x * x, dim=_axes(axis, x.dim()), keepdim=True)
    return x * torch.rsqrt(torch.clamp(square_sum, min=_L2_EPSILON))


# ----------------------------------------------------------------------------------------------
# Gradients
# ----------------------------------------------------------------------------------------------

def gradients(loss, variables):
    """Gradients of ``loss`` (summed if not a scalar) with respect to each variable.

    On symbolic tensors the result is symbolic: run it with ``K.function``. Variables may be model
    inputs, intermediate layer outputs or weights. A variable the loss does not depend on gets
    zeros.

    Args:
        loss: a tensor.
        variables: a tensor or list of tensors.

    Returns:
        A list with one gradient per variable.

    Example:
        >>> grads = K.gradients(K.mean(model.output), model.input)[0]
        >>> f = K.function([model.input], [grads])
    """
    variables = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    if isinstance(loss, KerasTensor):
        layer = GradientOp(loss, variables)
        return layer(layer.symbolic_inputs)
    if has_symbolic(variables):
        raise ValueError("gradients(loss, variables): the loss is a computed tensor but some "
                         "variables are symbolic; build the loss from the same symbolic "
                         "tensors (or pass real tensors for both).")
    return gradients_of(loss, variables, create_graph=torch.is_grad_enabled())


def stop_gradient(variables):
    """The same values, seen by gradients as constants.

    Args:
        variables: a tensor or a list of tensors.
    """
    if isinstance(variables, (list, tuple)):
        return [stop_gradient(v) for v in variables]
    if isinstance(variables, KerasTensor):
        return _op(stop_gradient, variables)
    return _tensor(variables).detach()
