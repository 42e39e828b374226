"""Checks of argument values shared by layers and the training methods.

Example:
    >>> positive_int(32, "filters", "conv2d_1")
    32
"""
import numbers


def positive_int(value, name, owner=None):
    """``value`` as an int when it is a positive integer (an integral float such as ``32.0``
    too), else a ``ValueError`` naming the argument and, when given, its owner.

    Args:
        value: the argument's value.
        name: the argument's name, for the message.
        owner: the layer (or other object) the argument belongs to, for the message.
    """
    if not isinstance(value, bool) and isinstance(value, numbers.Real) and value >= 1 \
            and float(value).is_integer():
        return int(value)
    where = f"{owner}: `{name}`" if owner else name
    raise ValueError(f"{where} must be a positive integer, received {value!r}.")
