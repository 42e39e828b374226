"""The learning phase: whether layers such as Dropout behave as in training (1) or inference (0).

Keras 2 keeps one flag per session. ``set_learning_phase(value)`` fixes it for the process;
``learning_phase_scope(value)`` sets it for a block (``K.function`` feeds it so), for the
calling thread only. ``learning_phase_value()`` is what layers consult: the scoped phase (a fed
value wins, as in a ``K.function`` call), else the fixed one, else None (then the caller decides: training inside ``fit``, inference in
``predict`` and ``evaluate``).

Example:
    >>> learning_phase_value() is None
    True
    >>> with learning_phase_scope(1):
    ...     learning_phase_value()
    1
"""
import contextlib
import threading

_FIXED = [None]


class _Scoped(threading.local):
    def __init__(self):  # runs in each thread on its first use
        super().__init__()
        self.phase = None


_SCOPED = _Scoped()


def _check(value):
    if isinstance(value, str) or value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1, received {value!r}.")
    return int(value)


def set_learning_phase(value):
    """Fixes the learning phase for the process: 0 (inference) or 1 (training).

    After ``set_learning_phase(0)``, ``fit`` too trains with Dropout off, as in Keras 2.

    Args:
        value: 0 or 1.

    Raises:
        ValueError: for any other value.
    """
    _FIXED[0] = _check(value)


def fixed_learning_phase():
    """The phase set with ``set_learning_phase``, or None."""
    return _FIXED[0]


def learning_phase_value():
    """The phase in force for layers: the scoped one, else the fixed one, else None."""
    scoped = _SCOPED.phase
    return _FIXED[0] if scoped is None else scoped


@contextlib.contextmanager
def learning_phase_scope(value):
    """Runs a block with the learning phase set to ``value`` (this thread only).

    Args:
        value: 0 or 1.
    """
    previous, _SCOPED.phase = _SCOPED.phase, _check(value)
    try:
        yield
    finally:
        _SCOPED.phase = previous


def reset_learning_phase():
    """Forgets the fixed phase (``clear_session`` calls it)."""
    _FIXED[0] = None
