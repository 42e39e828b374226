"""Checks of the callbacks' counting arguments (``patience``, ``period``, ``cooldown`` ...).

Example:
    >>> non_negative_int(2, 'patience', 'EarlyStopping')
    2
"""
import numbers


def non_negative_int(value, name, owner):
    """``value`` as an int when it is a whole number >= 0 (``2.0`` too), else a ``ValueError``
    naming the argument and its callback.

    Args:
        value: the argument's value.
        name: the argument's name.
        owner: the callback's class name.

    Example:
        >>> non_negative_int(3.0, 'period', 'ModelCheckpoint')
        3
    """
    if not isinstance(value, bool) and isinstance(value, numbers.Real) and value >= 0 \
            and float(value).is_integer():
        return int(value)
    raise ValueError(f'{owner}: `{name}` must be a whole number >= 0, received {value!r}.')
