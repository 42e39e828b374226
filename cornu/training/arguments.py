"""Checks of the arguments of ``compile``/``fit``/``evaluate``/``predict``, with messages that
say what was wrong and how to fix it.

Example:
    >>> check_keywords({'epoch': 5}, ['epochs', 'verbose'], 'fit')
    Traceback (most recent call last):
    ...
    TypeError: fit() got an unexpected keyword argument 'epoch'. Did you mean 'epochs'?
"""
from cornu.utils.suggestions import suggestion


def check_keywords(kwargs, allowed, where):
    """Raises ``TypeError`` for the first keyword argument not in ``allowed``.

    Args:
        kwargs: the extra keyword arguments received.
        allowed: the method's argument names.
        where: the method's name, e.g. ``'fit'``.
    """
    for key in kwargs:
        raise TypeError(f"{where}() got an unexpected keyword argument {key!r}."
                        f"{suggestion(key, allowed)}")
