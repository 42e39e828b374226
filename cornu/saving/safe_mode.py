"""Safe mode: rebuilding models from files never runs code from them.

A ``Lambda`` layer runs arbitrary Python, so rebuilding one from a config is refused unless the
caller opts in: ``model_from_json(..., safe_mode=False)``, ``Lambda.from_config(...,
safe_mode=False)`` or ``with unsafe_deserialization():``. Even then the function is only looked
up by name, never loaded from the file.

Example:
    >>> safe_mode_enabled()
    True
    >>> with unsafe_deserialization():
    ...     safe_mode_enabled()
    False
"""
import contextlib
import threading

_state = threading.local()


def safe_mode_enabled():
    """True unless inside ``unsafe_deserialization()`` (in this thread)."""
    return getattr(_state, "unsafe_depth", 0) == 0


@contextlib.contextmanager
def unsafe_deserialization():
    """Allows ``Lambda.from_config`` (and so model loading) inside the ``with`` block.

    Use it only for models from a source you trust: a Lambda runs arbitrary Python. The
    functions themselves still come from ``custom_objects`` or already imported modules,
    never from the file.

    Example:
        >>> with unsafe_deserialization():
        ...     layer = Lambda.from_config(config, custom_objects={'square': square})
        ... # doctest: +SKIP
    """
    _state.unsafe_depth = getattr(_state, "unsafe_depth", 0) + 1
    try:
        yield
    finally:
        _state.unsafe_depth -= 1
