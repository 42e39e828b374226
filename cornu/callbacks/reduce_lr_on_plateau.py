"""``ReduceLROnPlateau``: multiplies the learning rate by ``factor`` when a monitored quantity
has stopped improving.

Example (Chollet 7.2.1: "divides the learning rate by 10 when triggered"):
    >>> reducer = ReduceLROnPlateau(monitor='val_loss', factor=0.1, patience=10)
    >>> model.fit(x, y, epochs=10, validation_split=0.2, callbacks=[reducer])  # doctest: +SKIP
"""
import warnings

import numpy as np

from cornu.callbacks.arguments import non_negative_int
from cornu.callbacks.base import Callback
from cornu.callbacks.learning_rate import learning_rate, logged_learning_rate, set_learning_rate
from cornu.callbacks.monitoring import available_keys, monitored_value, resolved_mode, worst_value

_OWNER = 'ReduceLROnPlateau'


class ReduceLROnPlateau(Callback):
    """Reduces the learning rate after ``patience`` epochs without improvement (Keras 2.2.4).

    The epoch logs get the learning rate in use under ``'lr'``. After a reduction, ``cooldown``
    epochs pass before epochs without improvement count again; the rate never goes below
    ``min_lr``.

    Args:
        monitor: the log key to watch (any Keras spelling of a metric).
        factor: the new rate is ``lr * factor``; must be below 1.
        patience: epochs without improvement before reducing.
        verbose: 1 prints ``Epoch 00011: ReduceLROnPlateau reducing learning rate to ...``.
        mode: ``'min'``, ``'max'``, or ``'auto'`` (``'max'`` for names holding ``acc``).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the lower bound of the learning rate.
        **kwargs: ``epsilon``, the Keras 2.0 name of ``min_delta`` (deprecated).

    Example:
        >>> reducer = ReduceLROnPlateau(factor=0.5, patience=2, min_lr=1e-5)
        >>> reducer.factor, reducer.min_lr
        (0.5, 1e-05)
    """

    def __init__(self, monitor='val_loss', factor=0.1, patience=10, verbose=0, mode='auto',
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super().__init__()
        if 'epsilon' in kwargs:
            min_delta = kwargs.pop('epsilon')
            warnings.warn('`epsilon` argument is deprecated and will be removed, use '
                          '`min_delta` instead.', stacklevel=2)
        if kwargs:
            raise TypeError(f'ReduceLROnPlateau got unexpected arguments {sorted(kwargs)}; it '
                            'takes monitor, factor, patience, verbose, mode, min_delta, '
                            'cooldown and min_lr.')
        if factor >= 1.0:
            raise ValueError('ReduceLROnPlateau does not support a factor >= 1.0 (received '
                             f'{factor!r}): the new learning rate is lr * factor; e.g. 0.1 '
                             'divides it by 10.')
        self.monitor = monitor
        self.factor = factor
        self.patience = non_negative_int(patience, 'patience', _OWNER)
        self.verbose = verbose
        self.min_delta = min_delta
        self.cooldown = non_negative_int(cooldown, 'cooldown', _OWNER)
        self.min_lr = min_lr
        self.mode = resolved_mode(monitor, mode, 'Learning Rate Plateau Reducing')
        if self.mode == 'max':
            self.monitor_op = lambda current, best: np.greater(current, best + self.min_delta)
        else:
            self.monitor_op = lambda current, best: np.less(current, best - self.min_delta)
        self.best = worst_value(self.mode)
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs=None):
        """Starts counting afresh."""
        self.best = worst_value(self.mode)
        self.wait = 0
        self.cooldown_counter = 0

    def in_cooldown(self):
        """Whether a recent reduction is still cooling down."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        """Logs ``'lr'``, then reduces the rate when ``patience`` epochs (outside cooldown)
        have passed without improvement."""
        logs = {} if logs is None else logs
        logs['lr'] = logged_learning_rate(self.model, _OWNER)
        current = monitored_value(logs, self.monitor)
        if current is None:
            warnings.warn('Reduce LR on plateau conditioned on metric `%s` which is not '
                          'available. Available metrics are: %s'
                          % (self.monitor, available_keys(logs)), RuntimeWarning)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch):
        old_lr = learning_rate(self.model, _OWNER)
        if old_lr <= self.min_lr:
            return
        new_lr = max(old_lr * self.factor, self.min_lr)
        set_learning_rate(self.model, new_lr, _OWNER)
        if self.verbose > 0:
            print('\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s.'
                  % (epoch + 1, new_lr))
        self.cooldown_counter = self.cooldown
        self.wait = 0
