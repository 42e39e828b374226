"""Drawing the shift of ``width_shift_range`` / ``height_shift_range`` as Keras 2 does: a float
is a range ``[-r, r)`` (a fraction of the size if below 1, pixels otherwise); an int ``n``
gives whole pixels ``-(n - 1) ... n - 1``; a list gives one of its values with a random
sign (fractions if all are below 1).

Example:
    >>> np.random.seed(0)
    >>> round(draw_shift(0.1, 100), 4)
    0.9763
"""
import numbers

import numpy as np


def check_shift_range(name, shift_range):
    """``shift_range`` as ``draw_shift`` takes it (a float, an int or a tuple of numbers).

    Args:
        name: the argument's name, for messages.
        shift_range: what the user passed.

    Example:
        >>> check_shift_range('width_shift_range', [-1, 0, 1])
        (-1, 0, 1)
    """
    if isinstance(shift_range, numbers.Real) and not isinstance(shift_range, bool):
        if shift_range < 0:
            raise ValueError(f"{name} must not be negative, received {shift_range!r}.")
        return shift_range
    values = np.asarray(shift_range)
    if values.ndim != 1 or values.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a float (a fraction of the size, or pixels if 1 or "
                         f"more), an int (pixels) or a list of numbers to choose from; "
                         f"received {shift_range!r}.")
    return tuple(values.tolist())


def draw_shift(shift_range, size):
    """One shift in pixels drawn from NumPy's global generator (0 draws nothing).

    Args:
        shift_range: a checked range (see ``check_shift_range``).
        size: the image's size along the shift (rows or columns).

    Example:
        >>> draw_shift((3,), 50) in (-3, 3)
        True
    """
    if not shift_range:
        return 0
    if isinstance(shift_range, numbers.Integral) or isinstance(shift_range, tuple):
        shift = np.random.choice(shift_range)
        shift *= np.random.choice([-1, 1])
    else:
        shift = np.random.uniform(-shift_range, shift_range)
    if np.max(shift_range) < 1:
        shift *= size
    return shift
