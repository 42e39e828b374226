"""Symbolic tensors: a static shape and dtype, and the record of which layer made them.

``Input(shape=(784,))`` returns a ``KerasTensor``; calling a layer on one infers the output shape
without computing anything, and records a ``Node`` so models can be traced back to their inputs.

Example:
    >>> t = KerasTensor((None, 784), name='x')
    >>> t.shape
    (None, 784)
"""
import torch

from cornu.backend.config import torch_dtype


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
