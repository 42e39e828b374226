"""``ModelCheckpoint``: saves the model (or its weights) during training.

Example (Chollet 7.2.1; with ``verbose=1`` each epoch prints
``Epoch 00001: val_loss improved from inf to 0.69889, saving model to weights.01-0.70.hdf5``):
    >>> checkpointer = ModelCheckpoint('weights.{epoch:02d}-{val_loss:.2f}.hdf5', verbose=1,
    ...                                save_best_only=True)
    >>> model.fit(x, y, validation_split=0.2, callbacks=[checkpointer])  # doctest: +SKIP
"""
import os
import warnings

from cornu.callbacks.base import Callback
from cornu.callbacks.logs import LogsDict
from cornu.callbacks.monitoring import monitor_op, monitored_value, resolved_mode, worst_value
from cornu.utils.validation import positive_int


class ModelCheckpoint(Callback):
    """Saves the model after every ``period`` epochs, or every ``save_freq`` batches.

    ``filepath`` may hold ``str.format`` fields filled with the epoch (counted from 1) and the
    logged values, e.g. ``'weights.{epoch:02d}-{val_loss:.2f}.hdf5'`` (any Keras spelling of a
    key works: ``{val_acc}`` or ``{val_accuracy}``); when saving every ``save_freq`` batches,
    ``{batch}`` is the batch number in its epoch, counted from 1. The file is written by
    ``model.save(filepath, overwrite=True)``, or ``model.save_weights(...)`` with
    ``save_weights_only=True``; its folder is created if missing.

    Args:
        filepath: where to save, a path or a format string as above.
        monitor: the log key ``save_best_only`` compares.
        verbose: 1 prints a line per save (or skipped save), as Keras 2 does.
        save_best_only: save only when ``monitor`` improves on the best value seen (by this
            callback, over all the ``fit`` calls it serves).
        save_weights_only: save only the weights (``model.save_weights``).
        mode: ``'min'``, ``'max'``, or ``'auto'`` (``'max'`` for names holding ``acc`` or
            ``fmeasure``).
        period: epochs between saves (Keras 2).
        save_freq: ``'epoch'`` (every ``period`` epochs), or a number of batches between saves
            (tf.keras 2), monitoring the batch logs.

    Example:
        >>> checkpoint = ModelCheckpoint('my_model.h5', monitor='val_loss', save_best_only=True)
        >>> checkpoint.best
        inf
    """

    def __init__(self, filepath, monitor='val_loss', verbose=0, save_best_only=False,
                 save_weights_only=False, mode='auto', period=1, save_freq='epoch'):
        super().__init__()
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f'ModelCheckpoint: `filepath` must be a path (a str such as '
                            f'"weights.{{epoch:02d}}.hdf5"), received {filepath!r}.')
        if save_freq != 'epoch' and (isinstance(save_freq, bool) or
                                     not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f'ModelCheckpoint: unrecognized save_freq {save_freq!r}; expected '
                             '"epoch" (save at the end of epochs) or a positive integer (save '
                             'every that many batches).')
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.period = positive_int(period, 'period', 'ModelCheckpoint')
        self.save_freq = save_freq
        direction = resolved_mode(monitor, mode, 'ModelCheckpoint')
        self.monitor_op = monitor_op(direction)
        self.best = worst_value(direction)
        self.epochs_since_last_save = 0
        self._batches_since_last_save = 0
        self._current_epoch = 0

    @property
    def needs_batch_logs(self):
        """Batch logs are read only when saving every ``save_freq`` batches."""
        return self.save_freq != 'epoch'

    def on_epoch_begin(self, epoch, logs=None):
        """Notes the epoch, for saves made on batches."""
        self._current_epoch = epoch

    def on_batch_end(self, batch, logs=None):
        """Saves every ``save_freq`` batches (when ``save_freq`` is a number)."""
        if self.save_freq == 'epoch':
            return
        self._batches_since_last_save += 1
        if self._batches_since_last_save >= self.save_freq:
            self._batches_since_last_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        """Saves every ``period`` epochs (when ``save_freq='epoch'``)."""
        self.epochs_since_last_save += 1
        if self.save_freq == 'epoch' and self.epochs_since_last_save >= self.period:
            self.epochs_since_last_save = 0
            self._save(epoch, None, logs)

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self.format_filepath(epoch, logs, batch)
        if not self.save_best_only:
            if self.verbose > 0:
                print('\nEpoch %05d: saving model to %s' % (epoch + 1, filepath))
            self._write(filepath)
            return
        current = monitored_value(logs, self.monitor)
        if current is None:
            warnings.warn('Can save best model only with %s available, skipping.'
                          % self.monitor, RuntimeWarning)
        elif self.monitor_op(current, self.best):
            if self.verbose > 0:
                print('\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s'
                      % (epoch + 1, self.monitor, self.best, current, filepath))
            self.best = current
            self._write(filepath)
        elif self.verbose > 0:
            print('\nEpoch %05d: %s did not improve from %0.5f'
                  % (epoch + 1, self.monitor, self.best))

    def format_filepath(self, epoch, logs, batch=None):
        """``filepath`` with its fields filled: ``epoch`` (from 1), ``batch`` (from 1, for saves
        on batches) and the logged values under any of their spellings.

        Args:
            epoch: the epoch index (from 0).
            logs: the logs of the epoch (or batch).
            batch: the batch index (from 0) for saves on batches, else None.

        Example:
            >>> ModelCheckpoint('w.{epoch:02d}-{val_loss:.2f}.h5').format_filepath(
            ...     0, {'val_loss': 0.6989})
            'w.01-0.70.h5'
        """
        fields = LogsDict(logs, spelling=getattr(logs, 'spelling', None))
        fields['epoch'] = epoch + 1
        if batch is not None:
            fields['batch'] = batch + 1
        try:
            return self.filepath.format_map(fields)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f'Reason: the field "{error.args[0]}" is neither "epoch" nor a '
                           f'logged key; the logs hold {", ".join(map(str, logs))}.') from None

    def _write(self, filepath):
        if os.path.isdir(filepath):
            raise IsADirectoryError('Please specify a non-directory filepath for '
                                    f'ModelCheckpoint. Filepath used is an existing directory: '
                                    f'{filepath}')
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
