"""Optimizer hyperparameters held as 0-d tensors, like Keras 2's ``K.variable``s.

``K.get_value(opt.lr)`` and ``K.set_value(opt.lr, 0.01)`` work on them, and assigning a number
(``opt.lr = 0.01``) writes into the same tensor, so every reference stays valid.

Example:
    >>> from cornu.optimizers import SGD
    >>> opt = SGD(lr=0.1)
    >>> opt.lr = 0.05
    >>> round(float(opt.learning_rate), 4)
    0.05
"""
import numbers

import numpy as np
import torch



class HyperVariable:
    """A class attribute that stores a hyperparameter as a 0-d tensor on the optimizer.

    Args:
        key: storage name, so two attributes can share one tensor (``lr`` and ``learning_rate``);
            defaults to the attribute's own name.
        dtype: ``torch.float32`` (default) or ``torch.int64`` (for ``iterations``).
    """

    def __init__(self, key=None, dtype=torch.float32):
        self.key = key
        self.dtype = dtype

    def __set_name__(self, owner, name):
        self.name = name
        if self.key is None:
            self.key = name

    def __get__(self, optimizer, owner=None):
        if optimizer is None:
            return self
        try:
            return optimizer._variables[self.key]
        except KeyError:
            raise AttributeError(f"{type(optimizer).__name__} has no variable {self.name!r} yet.")

    def __set__(self, optimizer, value):
        existing = optimizer._variables.get(self.key)
        if existing is not None:
            with torch.no_grad():
                existing.copy_(torch.as_tensor(np.asarray(value), dtype=existing.dtype))
            return
        if not _is_real_number(value):
            raise TypeError(f"{type(optimizer).__name__}({self.name}=...) expects a number, "
                            f"received {value!r} of type {type(value).__name__}.")
        number = value.item() if hasattr(value, "item") else value
        optimizer._variables[self.key] = torch.tensor(number, dtype=self.dtype)


def _is_real_number(value):
    if isinstance(value, torch.Tensor):
        return value.numel() == 1 and not value.is_complex()
    if isinstance(value, np.ndarray):
        return value.size == 1 and np.isrealobj(value)
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
