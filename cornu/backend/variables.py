"""Reading and writing values held in tensors: ``get_value``, ``set_value``, ``int_shape``."""
import numpy as np
import torch


def get_value(x):
    """Returns the value of a variable (a tensor, Parameter or number) as NumPy.

    Args:
        x: a torch tensor, a ``torch.nn.Parameter``, or a Python number.

    Example:
        >>> float(get_value(torch.tensor(0.5)))
        0.5
    """
    if isinstance(x, torch.Tensor):
        value = x.detach().cpu().numpy()
        return value[()] if value.ndim == 0 else value
    return np.asarray(x)[()] if np.ndim(x) == 0 else np.asarray(x)


def set_value(x, value):
    """Writes a value into a variable in place.

    Args:
        x: a torch tensor or ``torch.nn.Parameter``.
        value: a number or array of x's shape.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"set_value expects a tensor variable, received {type(x).__name__}. "
                        "Pass e.g. model.optimizer.lr.")
    with torch.no_grad():
        x.copy_(torch.as_tensor(np.asarray(value), dtype=x.dtype))


def batch_get_value(xs):
    """Returns ``[get_value(x) for x in xs]``.

    Args:
        xs: a list of variables.
    """
    return [get_value(x) for x in xs]


def batch_set_value(tuples):
    """Sets many values: ``[(variable, value), ...]``.

    Args:
        tuples: a list of ``(variable, value)`` pairs.
    """
    for x, value in tuples:
        set_value(x, value)


def int_shape(x):
    """Returns the shape of a tensor or symbolic tensor as a tuple of ints (or None).

    Args:
        x: a torch tensor, a symbolic Keras tensor, or a NumPy array.
    """
    shape = getattr(x, "_keras_shape", None)
    if shape is not None:
        return tuple(shape)
    return tuple(int(d) for d in x.shape)


def count_params(x):
    """Returns the number of scalars in a variable.

    Args:
        x: a torch tensor or Parameter.
    """
    return int(np.prod(int_shape(x)))
