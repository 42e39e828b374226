"""``LearningRateScheduler``: sets the learning rate at the start of every epoch from a schedule.

Example:
    >>> def step_decay(epoch, lr):
    ...     return lr * 0.5 if epoch and epoch % 10 == 0 else lr
    >>> scheduler = LearningRateScheduler(step_decay, verbose=1)
    >>> model.fit(x, y, epochs=30, callbacks=[scheduler])  # doctest: +SKIP
"""
import inspect
import math
import numbers

from cornu.callbacks.base import Callback
from cornu.callbacks.learning_rate import learning_rate, logged_learning_rate, set_learning_rate


class LearningRateScheduler(Callback):
    """Calls ``schedule`` at the start of each epoch and sets the optimizer's learning rate to
    what it returns; the epoch logs get the rate under ``'lr'`` (as Keras 2 logs it).

    Args:
        schedule: a function of the epoch index (from 0) and the current learning rate,
            ``schedule(epoch, lr)``, or of the epoch alone, ``schedule(epoch)`` (Keras 2.0),
            returning the new learning rate as a number.
        verbose: 1 prints ``Epoch 00001: LearningRateScheduler setting learning rate to 0.1.``

    Example:
        >>> scheduler = LearningRateScheduler(lambda epoch: 0.1 / (1 + epoch))
        >>> scheduler.schedule(1)
        0.05
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f'LearningRateScheduler: `schedule` must be a function '
                            f'schedule(epoch, lr) or schedule(epoch) returning the learning '
                            f'rate, received {schedule!r}.')
        self.schedule = schedule
        self.verbose = verbose
        self._takes_lr = _takes_two_arguments(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        """Sets the learning rate of this epoch."""
        if self._takes_lr:
            lr = self.schedule(epoch, learning_rate(self.model, 'LearningRateScheduler'))
        else:
            lr = self.schedule(epoch)
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not math.isfinite(lr):
            raise ValueError(f'The output of the "schedule" function should be float: it '
                             f'returned {lr!r} for epoch {epoch}. Return the learning rate as a '
                             'finite number.')
        set_learning_rate(self.model, lr, 'LearningRateScheduler')
        if self.verbose > 0:
            print('\nEpoch %05d: LearningRateScheduler setting learning rate to %s.'
                  % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        """Logs the learning rate under ``'lr'``."""
        if logs is not None:
            logs['lr'] = logged_learning_rate(self.model, 'LearningRateScheduler')


def _takes_two_arguments(function):
    """Whether ``function`` accepts ``(epoch, lr)``; else it is called as ``(epoch)``.

    Keras 2 tried ``schedule(epoch, lr)`` and fell back on a ``TypeError``, which also hid the
    schedule's own type errors; the signature tells the same without calling it.
    """
    try:
        inspect.signature(function).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # a builtin without a signature: assume the Keras 2.2 form
        return True
    return True
