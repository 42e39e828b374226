"""``gc_paused``: switch Python's cyclic garbage collector off around allocation-heavy loops.

Example:
    >>> with gc_paused():
    ...     rows = [[i] for i in range(1000)]
"""
import contextlib
import gc


@contextlib.contextmanager
def gc_paused():
    """Pauses the cyclic garbage collector; it is switched back on afterwards if it was on.

    Loops that allocate many short-lived objects (a training loop's tensors, a data set's
    millions of small lists) would otherwise trigger collections that scan every object of the
    process again and again. Reference counting still frees objects at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
