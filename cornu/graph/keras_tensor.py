"""Symbolic tensors: a static shape and dtype, and the record of which layer made them.

``Input(shape=(784,))`` returns a ``KerasTensor``; calling a layer on one infers the output shape
without computing anything, and records a ``Node`` so models can be traced back to their inputs.

Example:
    >>> t = KerasTensor((None, 784), name='x')
    >>> t.shape
    (None, 784)

Python operators (``+ - * / // % ** @``, unary ``-``, ``abs``, ``< <= > >=``, ``& | ^ ~``) and
indexing (``t[:, 0]``) on a ``KerasTensor`` build op-layer nodes (see ``op_layer``), so that
``model.output[:, 386]`` or ``(x - mean) / std`` are symbolic tensors too. ``==`` and ``!=`` keep
their identity meaning; use ``K.equal`` / ``K.not_equal`` for element-wise comparisons.
"""
import operator

import torch

from cornu.config import torch_dtype


class KerasTensor:
    """A placeholder for a batch of data of known shape.

    Args:
        shape: a tuple with ``None`` for unknown dimensions (the batch first).
        dtype: a dtype name or torch dtype (default floatx).
        name: a readable name.
        history: ``(layer, node_index, tensor_index)`` of the layer call that produced it.
    """

    def __init__(self, shape, dtype=None, name=None, history=None):
        self._keras_shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = torch_dtype(dtype)
        self.name = name
        self._keras_history = history

    @property
    def shape(self):
        """The static shape, e.g. ``(None, 784)``."""
        return self._keras_shape

    @property
    def ndim(self):
        """The number of dimensions."""
        return len(self._keras_shape)

    def __repr__(self):
        dtype = str(self.dtype).replace("torch.", "")
        return f"<KerasTensor '{self.name}' shape={self._keras_shape} dtype={dtype}>"

    # numpy defers to the reflected operators (``array * t`` calls ``t.__rmul__``).
    __array_ufunc__ = None

    def _op(self, function, *args, name):
        from cornu.graph.op_layer import symbolic_call
        return symbolic_call(function, *args, op_name=name)

    def __add__(self, other):
        return self._op(operator.add, self, other, name="add")

    def __radd__(self, other):
        return self._op(operator.add, other, self, name="add")

    def __sub__(self, other):
        return self._op(operator.sub, self, other, name="sub")

    def __rsub__(self, other):
        return self._op(operator.sub, other, self, name="sub")

    def __mul__(self, other):
        return self._op(operator.mul, self, other, name="mul")

    def __rmul__(self, other):
        return self._op(operator.mul, other, self, name="mul")

    def __truediv__(self, other):
        return self._op(operator.truediv, self, other, name="truediv")

    def __rtruediv__(self, other):
        return self._op(operator.truediv, other, self, name="truediv")

    def __floordiv__(self, other):
        return self._op(operator.floordiv, self, other, name="floordiv")

    def __rfloordiv__(self, other):
        return self._op(operator.floordiv, other, self, name="floordiv")

    def __mod__(self, other):
        return self._op(operator.mod, self, other, name="mod")

    def __rmod__(self, other):
        return self._op(operator.mod, other, self, name="mod")

    def __pow__(self, other):
        return self._op(operator.pow, self, other, name="pow")

    def __rpow__(self, other):
        return self._op(operator.pow, other, self, name="pow")

    def __matmul__(self, other):
        return self._op(operator.matmul, self, other, name="matmul")

    def __rmatmul__(self, other):
        return self._op(operator.matmul, other, self, name="matmul")

    def __neg__(self):
        return self._op(operator.neg, self, name="neg")

    def __pos__(self):
        return self

    def __abs__(self):
        return self._op(operator.abs, self, name="abs")

    def __lt__(self, other):
        return self._op(operator.lt, self, other, name="less")

    def __le__(self, other):
        return self._op(operator.le, self, other, name="less_equal")

    def __gt__(self, other):
        return self._op(operator.gt, self, other, name="greater")

    def __ge__(self, other):
        return self._op(operator.ge, self, other, name="greater_equal")

    def __and__(self, other):
        return self._op(operator.and_, self, other, name="logical_and")

    def __rand__(self, other):
        return self._op(operator.and_, other, self, name="logical_and")

    def __or__(self, other):
        return self._op(operator.or_, self, other, name="logical_or")

    def __ror__(self, other):
        return self._op(operator.or_, other, self, name="logical_or")

    def __xor__(self, other):
        return self._op(operator.xor, self, other, name="logical_xor")

    def __rxor__(self, other):
        return self._op(operator.xor, other, self, name="logical_xor")

    def __invert__(self):
        return self._op(operator.invert, self, name="logical_not")

    def __getitem__(self, key):
        return self._op(operator.getitem, self, key, name="strided_slice")

    def __iter__(self):
        raise TypeError(f"The symbolic tensor {self.name!r} of shape {self._keras_shape} is not "
                        "iterable: it holds no data. Index it (x[:, 0]) instead, or compute "
                        "values with K.function or a Model.")

    def __len__(self):
        raise TypeError(f"len() is not defined for the symbolic tensor {self.name!r} of shape "
                        f"{self._keras_shape}: it holds no data. Use int_shape(x) instead.")


def is_symbolic(x):
    """True when ``x`` (or the first item of a list/tuple) is a ``KerasTensor``.

    Args:
        x: a tensor, a symbolic tensor, or a list of them.
    """
    if isinstance(x, (list, tuple)):
        return any(isinstance(t, KerasTensor) for t in x)
    return isinstance(x, KerasTensor)


def dummy_value(shape, dtype):
    """A zero-filled torch tensor standing in for a symbolic one (unknown dims become 1).

    Args:
        shape: a static shape with ``None`` entries.
        dtype: a torch dtype.
    """
    return torch.zeros([1 if d is None else d for d in shape], dtype=dtype)
