"""The learning phase: whether layers such as Dropout behave as in training (1) or inference (0).

Keras 2 keeps one flag per session. ``learning_phase()`` returns a symbolic scalar that a
``K.function`` can take as an extra input (``f([x, 0])`` for inference, ``f([x, 1])`` for
training); after ``set_learning_phase(value)`` it returns that Python integer instead, as Keras
2.2.4 does. Layers consult ``learning_phase_value()``: the phase fed to the running
``K.function``, else the one set globally, else None (then they follow ``model.train()`` /
``model.eval()``, i.e. training inside ``fit`` and inference elsewhere).

Example:
    >>> from cornu import backend as K
    >>> K.learning_phase_value() is None
    True
    >>> K.set_learning_phase(0)
    >>> K.learning_phase()
    0
"""
import contextlib

_STATE = {"value": None, "scoped": [], "tensor": None}


def _check(value):
    if isinstance(value, str) or value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1, received {value!r}.")
    return int(value)


def learning_phase():
    """Returns the learning phase flag: the integer set with ``set_learning_phase``, or a
    symbolic boolean scalar (named ``keras_learning_phase``) to feed to a ``K.function``.

    Example:
        >>> f = K.function([model.input, K.learning_phase()], [model.output])
        >>> train_mode_output = f([x, 1])[0]
    """
    if _STATE["value"] is not None:
        return _STATE["value"]
    return learning_phase_placeholder()


def learning_phase_placeholder():
    """The symbolic learning-phase scalar of this session (created on first use)."""
    if _STATE["tensor"] is None:
        from cornu.engine.input_layer import InputLayer
        layer = InputLayer(batch_input_shape=(), dtype="bool", name="keras_learning_phase")
        tensor = layer._inbound_nodes[0].output_tensors[0]
        tensor._is_learning_phase = True
        _STATE["tensor"] = tensor
    return _STATE["tensor"]


def is_learning_phase(x):
    """True when ``x`` is a symbolic learning-phase flag.

    Args:
        x: anything.
    """
    return getattr(x, "_is_learning_phase", False) is True


def set_learning_phase(value):
    """Sets the learning phase for the session: 0 (inference) or 1 (training).

    Args:
        value: 0 or 1.

    Raises:
        ValueError: for any other value.

    Example:
        >>> K.set_learning_phase(0)   # e.g. before exporting a model for serving
    """
    _STATE["value"] = _check(value)


def learning_phase_value():
    """The phase in force, for layers to consult: the phase fed to the ``K.function`` running
    now, else the one set with ``set_learning_phase``, else None.

    Example:
        >>> K.learning_phase_value() is None
        True
    """
    if _STATE["scoped"]:
        return _STATE["scoped"][-1]
    return _STATE["value"]


@contextlib.contextmanager
def learning_phase_scope(value):
    """Runs a block with the learning phase set to ``value``, restored afterwards.

    Args:
        value: 0 or 1.

    Example:
        >>> with K.learning_phase_scope(1):
        ...     K.learning_phase_value()
        1
    """
    _STATE["scoped"].append(_check(value))
    try:
        yield
    finally:
        _STATE["scoped"].pop()


def reset_learning_phase():
    """Forgets the set phase and the symbolic flag (``clear_session`` calls it)."""
    _STATE["value"] = None
    _STATE["tensor"] = None
    _STATE["scoped"].clear()
