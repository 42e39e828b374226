"""``keras.backend`` tensor information and creation: ``shape``, ``ndim``, ``dtype``, ``cast``,
``variable``, ``constant``, ``placeholder``, ``eval``, ``zeros``/``ones``/``eye`` and the ``_like``
forms.

Example:
    >>> from cornu import backend as K
    >>> K.int_shape(K.zeros((2, 3)))
    (2, 3)
    >>> K.placeholder(shape=(None, 3)).shape
    (None, 3)
"""
import numpy as np
import torch

from cornu.backend.coercion import int_list, to_tensor
from cornu.config import torch_dtype
from cornu.config import get_uid
from cornu.backend.variables import get_value, int_shape
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.op_layer import symbolic_call


def shape(x):
    """The runtime shape of a tensor, as an int32 tensor (symbolic for a symbolic input).

    Args:
        x: a tensor.

    Example:
        >>> K.shape(torch.zeros(2, 3))
        tensor([2, 3], dtype=torch.int32)
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(shape, x)
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
        return symbolic_call(cast, x, dtype)
    return to_tensor(x).to(torch_dtype(dtype))


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
        return torch.full(int_list(shape), float(value), dtype=dtype)
    data = torch.tensor(np.asarray(value), dtype=dtype)
    return data if shape is None else data.reshape(int_list(shape))


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
    from cornu.graph.input_layer import InputLayer
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
    return variable(torch.zeros(int_list(shape), dtype=torch_dtype(dtype)), dtype)


def ones(shape, dtype=None, name=None):
    """A variable filled with ones.

    Args:
        shape: a tuple of ints.
        dtype: the dtype (default floatx).
        name: accepted for Keras compatibility.
    """
    return variable(torch.ones(int_list(shape), dtype=torch_dtype(dtype)), dtype)


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
        return symbolic_call(zeros_like, x, dtype)
    return torch.zeros_like(x, dtype=None if dtype is None else torch_dtype(dtype))


def ones_like(x, dtype=None, name=None):
    """Ones of the shape of ``x``.

    Args:
        x: a tensor.
        dtype: the dtype (default: x's dtype).
        name: accepted for Keras compatibility.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(ones_like, x, dtype)
    return torch.ones_like(x, dtype=None if dtype is None else torch_dtype(dtype))
