"""``EarlyStopping``: stops training when a monitored quantity has stopped improving.

Example (the Zero to Deep Learning exercise; with ``verbose=1`` it prints, when it stops,
``Epoch 00006: early stopping``):
    >>> stopper = EarlyStopping(monitor='val_loss', patience=1, verbose=1)
    >>> model.fit(x, y, epochs=20, validation_split=0.2, callbacks=[stopper])  # doctest: +SKIP
"""
import warnings

from cornu.callbacks.arguments import non_negative_int
from cornu.callbacks.base import Callback
from cornu.callbacks.monitoring import (available_keys, monitor_op, monitored_value,
                                        resolved_mode, worst_value)


class EarlyStopping(Callback):
    """Stops training once ``monitor`` has not improved for ``patience`` epochs (Keras 2.2.4).

    Each epoch, the monitored value improves when it beats the best so far by more than
    ``min_delta``; otherwise a counter grows, and when it reaches ``patience`` the model's
    ``stop_training`` flag ends ``fit`` after this epoch.

    Args:
        monitor: the log key to watch (``'val_loss'``, ``'acc'``, ``'val_accuracy'`` ...; any
            Keras spelling of a metric works).
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement before stopping (0: stop at the first one).
        verbose: 1 prints ``Epoch 00006: early stopping`` at the end of training.
        mode: ``'min'``, ``'max'``, or ``'auto'`` (``'max'`` for names holding ``acc``).
        baseline: a value the monitored quantity must beat; training stops after ``patience``
            epochs that do not beat it (or the best since).
        restore_best_weights: when stopping, set the model's weights back to those of the best
            epoch.

    Example:
        >>> stopper = EarlyStopping(monitor='acc', patience=1)
        >>> stopper.monitor, stopper.patience
        ('acc', 1)
    """

    def __init__(self, monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto',
                 baseline=None, restore_best_weights=False):
        super().__init__()
        self.monitor = monitor
        self.patience = non_negative_int(patience, 'patience', 'EarlyStopping')
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.mode = resolved_mode(monitor, mode, 'EarlyStopping')
        self.monitor_op = monitor_op(self.mode)
        # signed as in Keras 2, so that monitor_op(current - min_delta, best) tests improvement
        self.min_delta = abs(min_delta) if self.mode == 'max' else -abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.best = worst_value(self.mode)
        self.best_weights = None

    def on_train_begin(self, logs=None):
        """Starts counting afresh (the callback may serve several ``fit`` calls)."""
        self.wait = 0
        self.stopped_epoch = 0
        self.best = worst_value(self.mode) if self.baseline is None else self.baseline
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        """Compares the epoch's value with the best so far; sets ``model.stop_training`` when
        ``patience`` epochs have passed without improvement."""
        current = self.get_monitor_value(logs)
        if current is None:
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print('Restoring model weights from the end of the best epoch.')
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        """Prints ``Epoch 000NN: early stopping`` (``verbose=1``) when training was stopped."""
        if self.stopped_epoch > 0 and self.verbose > 0:
            print('Epoch %05d: early stopping' % (self.stopped_epoch + 1))

    def get_monitor_value(self, logs):
        """The monitored value in ``logs``, or None with Keras 2's warning when it is missing.

        Args:
            logs: the epoch logs.
        """
        value = monitored_value(logs, self.monitor)
        if value is None:
            warnings.warn('Early stopping conditioned on metric `%s` which is not available. '
                          'Available metrics are: %s' % (self.monitor, available_keys(logs)),
                          RuntimeWarning)
        return value
