"""``K.learning_phase()``: the learning phase as Keras 2 code sees it.

It returns a symbolic scalar that a ``K.function`` can take as an extra input (``f([x, 0])``
for inference, ``f([x, 1])`` for training); after ``set_learning_phase(value)`` it returns that
Python integer instead, as Keras 2.2.4 does. The phase itself lives in
``cornu.config.learning_phase``.

Example:
    >>> from cornu import backend as K
    >>> K.learning_phase_value() is None
    True
    >>> K.set_learning_phase(0)
    >>> K.learning_phase()
    0
"""
from cornu.config import learning_phase as phase_state
from cornu.graph.input_layer import InputLayer

_PLACEHOLDER = [None]


def learning_phase():
    """Returns the learning phase flag: the integer set with ``set_learning_phase``, or a
    symbolic boolean scalar (named ``keras_learning_phase``) to feed to a ``K.function``.

    Example:
        >>> f = K.function([model.input, K.learning_phase()], [model.output])
        >>> train_mode_output = f([x, 1])[0]
    """
    fixed = phase_state.fixed_learning_phase()
    return learning_phase_placeholder() if fixed is None else fixed


def learning_phase_placeholder():
    """The symbolic learning-phase scalar of this session (created on first use)."""
    if _PLACEHOLDER[0] is None:
        layer = InputLayer(batch_input_shape=(), dtype="bool", name="keras_learning_phase")
        tensor = layer._inbound_nodes[0].output_tensors[0]
        tensor._is_learning_phase = True
        _PLACEHOLDER[0] = tensor
    return _PLACEHOLDER[0]


def is_learning_phase(x):
    """True when ``x`` is a symbolic learning-phase flag.

    Args:
        x: anything.
    """
    return getattr(x, "_is_learning_phase", False) is True


def reset_learning_phase():
    """Forgets the fixed phase and the symbolic flag (``clear_session`` calls it)."""
    phase_state.reset_learning_phase()
    _PLACEHOLDER[0] = None
