"""Reading and writing the learning rate of a model's optimizer, for the callbacks that change
it (``LearningRateScheduler``, ``ReduceLROnPlateau``).

The optimizers keep ``lr`` (alias ``learning_rate``) as a 0-d float32 tensor that every step
reads, so writing it takes effect on the next batch, as ``K.set_value(model.optimizer.lr, x)``
did in Keras 2.

Example:
    >>> from cornu.optimizers import SGD
    >>> class Compiled:
    ...     optimizer = SGD(lr=0.5)
    >>> set_learning_rate(Compiled, 0.25, 'LearningRateScheduler')
    >>> learning_rate(Compiled, 'LearningRateScheduler')
    0.25
"""
import numpy as np


def _optimizer(model, owner):
    optimizer = getattr(model, 'optimizer', None)
    if optimizer is None or not hasattr(optimizer, 'lr'):
        raise ValueError(f'{owner} changes the learning rate of the model\'s optimizer, but the '
                         f'model has no optimizer with an "lr" attribute ({optimizer!r}); '
                         'compile the model (e.g. model.compile(optimizer="sgd", ...)) before '
                         'fit.')
    return optimizer


def learning_rate(model, owner):
    """The optimizer's learning rate as a Python float (of its float32 value).

    Args:
        model: the compiled model.
        owner: the callback's class name, for the error message.
    """
    return float(np.asarray(_optimizer(model, owner).lr))


def set_learning_rate(model, value, owner):
    """Writes ``value`` into the optimizer's learning rate (used from the next batch on).

    Args:
        model: the compiled model.
        value: the new learning rate.
        owner: the callback's class name, for the error message.
    """
    _optimizer(model, owner).lr = value


def logged_learning_rate(model, owner):
    """The learning rate as logged under ``'lr'``: the float32 value as a float with its
    shortest digits (``0.001``, as Keras 2 showed ``K.get_value(lr)``, not
    ``0.0010000000474974513``).

    Args:
        model: the compiled model.
        owner: the callback's class name, for the error message.
    """
    return float(str(np.float32(learning_rate(model, owner))))
