"""``keras.backend`` element-wise functions: arithmetic (``square``, ``sqrt``, ``exp``,
``pow`` ...), ``maximum``/``minimum``/``clip``, comparisons (``equal``, ``greater`` ...) and
``switch``.

Example:
    >>> from cornu import backend as K
    >>> K.clip(torch.tensor([-1., 0.5, 2.]), 0., 1.)
    tensor([0.0000, 0.5000, 1.0000])
"""
import torch

from cornu.backend.coercion import tensor_pair, to_tensor
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.op_layer import has_symbolic, symbolic_call


def _elementwise(caller, torch_function, x):
    """``torch_function(x)``, or an op node for ``caller`` when x is symbolic."""
    if isinstance(x, KerasTensor):
        return symbolic_call(caller, x)
    return torch_function(to_tensor(x))


def _sqrt_of_clipped(x):
    return torch.sqrt(torch.clamp(x, min=0.0))


def square(x):
    """Element-wise square.

    Args:
        x: a tensor.
    """
    return _elementwise(square, torch.square, x)


def sqrt(x):
    """Element-wise square root; negative inputs are clipped to 0 first (Keras 2).

    Args:
        x: a tensor.
    """
    return _elementwise(sqrt, _sqrt_of_clipped, x)


def abs(x):
    """Element-wise absolute value.

    Args:
        x: a tensor.
    """
    return _elementwise(abs, torch.abs, x)


def exp(x):
    """Element-wise exponential.

    Args:
        x: a tensor.
    """
    return _elementwise(exp, torch.exp, x)


def log(x):
    """Element-wise natural logarithm.

    Args:
        x: a tensor.
    """
    return _elementwise(log, torch.log, x)


def round(x):
    """Element-wise rounding to the nearest integer (halves to even).

    Args:
        x: a tensor.
    """
    return _elementwise(round, torch.round, x)


def sign(x):
    """Element-wise sign (-1, 0 or 1).

    Args:
        x: a tensor.
    """
    return _elementwise(sign, torch.sign, x)


def pow(x, a):
    """Element-wise ``x ** a``.

    Args:
        x: a tensor.
        a: a number or tensor.
    """
    if isinstance(x, KerasTensor) or isinstance(a, KerasTensor):
        return symbolic_call(pow, x, a)
    return torch.pow(to_tensor(x), a)


def maximum(x, y):
    """Element-wise maximum of two tensors (or a tensor and a number).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return symbolic_call(maximum, x, y)
    return torch.maximum(*tensor_pair(x, y))


def minimum(x, y):
    """Element-wise minimum of two tensors (or a tensor and a number).

    Args:
        x: a tensor (or a number).
        y: a tensor (or a number).
    """
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return symbolic_call(minimum, x, y)
    return torch.minimum(*tensor_pair(x, y))


def clip(x, min_value, max_value):
    """Clips values to ``[min_value, max_value]`` (None: unbounded on that side).

    Args:
        x: a tensor.
        min_value: the lower bound (number or tensor).
        max_value: the upper bound; a number below ``min_value`` is raised to it (Keras 2).
    """
    if has_symbolic((x, min_value, max_value)):
        return symbolic_call(clip, x, min_value, max_value)
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) \
            and max_value < min_value:
        max_value = min_value
    return torch.clamp(to_tensor(x), min=min_value, max=max_value)


def _comparison(torch_function, x, y, caller):
    if isinstance(x, KerasTensor) or isinstance(y, KerasTensor):
        return symbolic_call(caller, x, y)
    return torch_function(*tensor_pair(x, y))


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
        condition = to_tensor(condition)
        if condition.dim() == 0:
            chosen = then_expression if bool(condition) else else_expression
            return chosen() if callable(chosen) else chosen
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    if has_symbolic((condition, then_value, else_value)):
        return symbolic_call(switch, condition, then_value, else_value)
    then_value, else_value = tensor_pair(then_value, else_value)
    condition = condition.bool()
    while condition.dim() < then_value.dim():
        condition = condition.unsqueeze(-1)
    return torch.where(condition, then_value, else_value)
