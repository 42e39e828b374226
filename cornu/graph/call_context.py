"""What a layer call needs to know besides its inputs: whether it runs in training mode, and
where the losses it adds go.

Every layer call on data runs inside a ``CallContext`` (see ``layer_call``). Contexts nest: a
layer calling sublayers inside its ``call`` gives them its own training mode, and the losses
they add flow up to the outermost context, where a training step collects them. The context
is per thread (``threading.local``, which ``torch.compile`` can trace through), so concurrent
calls from several threads never see each other's.

Example:
    >>> with CallScope(training=True) as context:
    ...     resolve_training(None)
    True
    >>> resolve_training(None)
    False
"""
import threading

from cornu.config import learning_phase_value


class _Current(threading.local):
    def __init__(self):  # runs in each thread on its first use
        super().__init__()
        self.context = None


_CURRENT = _Current()


class CallContext:
    """The state of one layer call.

    Args:
        training: the training mode of the call (sublayers inherit it).
        losses: where losses added during the call are collected.
    """

    __slots__ = ("training", "losses")

    def __init__(self, training, losses=None):
        self.training = training
        self.losses = [] if losses is None else losses


def current_context():
    """The ``CallContext`` of the layer call running now in this thread, or None."""
    return _CURRENT.context


def enter(context):
    """Makes ``context`` current; returns the token (the previous context) ``leave`` needs."""
    previous = _CURRENT.context
    _CURRENT.context = context
    return previous


def leave(token):
    """Restores the context that was current before ``enter`` returned ``token``."""
    _CURRENT.context = token


def call_in_mode(training, function, *args):
    """``function(*args)`` inside a call context of mode ``training``: the current context when
    it has that mode, else a new one whose added losses go to the current one's.

    Args:
        training: the training mode of the call.
        function: what to call.
        *args: its arguments.
    """
    outer = _CURRENT.context
    if outer is not None and outer.training == training:
        return function(*args)
    token = enter(CallContext(training, None if outer is None else outer.losses))
    try:
        return function(*args)
    finally:
        leave(token)


def phase_or(default):
    """The learning phase when one is in force (fed or fixed), else ``default``.

    Args:
        default: the mode of the call asking (True in ``fit``, False in ``evaluate``).
    """
    phase = learning_phase_value()
    return default if phase is None else bool(phase)


def resolve_training(training):
    """The training mode of a layer call, as Keras 2 decides it.

    In order: an explicit ``training=`` argument; the learning phase (fed to a ``K.function``,
    or fixed with ``K.set_learning_phase``); the mode of the enclosing call (``fit`` trains,
    ``evaluate`` and ``predict`` infer); otherwise inference.

    Args:
        training: the ``training`` argument given to the call, or None.
    """
    if training is not None:
        return bool(training)
    phase = learning_phase_value()
    if phase is not None:
        return bool(phase)
    context = _CURRENT.context
    return False if context is None else context.training


class CallScope:
    """A block in which layer calls start from a given training mode, collecting the losses
    they add (``with CallScope(training=True) as context: ...``, then ``context.losses``).

    Args:
        training: the mode layers resolve to when nothing more specific decides it.
    """

    __slots__ = ("context", "token")

    def __init__(self, training):
        self.context = CallContext(training)
        self.token = None

    def __enter__(self):
        self.token = enter(self.context)
        return self.context

    def __exit__(self, *exc):
        leave(self.token)
