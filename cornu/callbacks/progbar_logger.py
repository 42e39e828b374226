"""``ProgbarLogger``, the callback that prints ``Epoch 1/5`` and the Keras 2 progress bar in ``fit``.

Example (what ``fit(..., epochs=5, verbose=1)`` prints for each epoch):
    Epoch 1/5
    60000/60000 [==============================] - 2s 33us/step - loss: 0.2550 - acc: 0.9260
"""
from cornu.callbacks.base import Callback
from cornu.utils.progbar import Progbar

_COUNT_MODES = ('samples', 'steps')
_BATCH_KEYS = ('batch', 'size')


class ProgbarLogger(Callback):
    """Prints each epoch's progress bar; the verbosity comes from ``params['verbose']``.

    Reads the Keras 2.2.4 ``params``: ``verbose`` (0 silent, 1 bar, 2 one line per epoch),
    ``epochs``, ``samples`` or ``steps`` (the bar's target) and ``metrics`` (the log keys to show;
    without it, every log key but ``batch`` and ``size``). Batch logs carry ``size`` and the batch
    metrics; epoch logs carry the epoch results, shown as given on the final line, train ones
    first and then the ``val_`` ones.

    Args:
        count_mode: ``'samples'`` counts samples (``60000/60000``), ``'steps'`` counts batches.
        stateful_metrics: metric names shown as given instead of averaged over the epoch.

    Example:
        >>> logger = ProgbarLogger()
        >>> logger.set_params({'epochs': 1, 'samples': 10, 'verbose': 2, 'metrics': ['loss']})
        >>> logger.on_train_begin()
        >>> logger.on_epoch_begin(0)
        Epoch 1/1
        >>> logger.on_batch_end(0, {'batch': 0, 'size': 10, 'loss': 0.5})
        >>> logger.on_epoch_end(0, {'loss': 0.5})  # doctest: +SKIP
         - 0s - loss: 0.5000
    """

    def __init__(self, count_mode='samples', stateful_metrics=None):
        super().__init__()
        if count_mode not in _COUNT_MODES:
            raise ValueError('Unknown `count_mode`: %r; expected "samples" (count samples '
                             'seen) or "steps" (count batches).' % (count_mode,))
        self.use_steps = count_mode == 'steps'
        self.stateful_metrics = set(stateful_metrics or ())
        self.verbose = 0
        self.epochs = None
        self.target = None
        self.seen = 0
        self.progbar = None
        self._last_batch_values = []

    @property
    def needs_batch_logs(self):
        """Only the running bar (verbose 1) reads batch metrics; verbose 2 shows epoch logs."""
        return (self.params or {}).get('verbose', 1) == 1

    def on_train_begin(self, logs=None):
        """Reads ``verbose`` and ``epochs`` from ``params``."""
        params = self.params or {}
        self.verbose = params.get('verbose', 1)
        self.epochs = params.get('epochs')
        if self.verbose and self.epochs is None:
            raise ValueError('ProgbarLogger needs params["epochs"] to print "Epoch 1/N", but '
                             'params has only %s; pass the training parameters with '
                             'set_params before on_train_begin.' % sorted(params))

    def on_epoch_begin(self, epoch, logs=None):
        """Prints ``Epoch i/N`` and starts a new bar."""
        self.seen = 0
        self._last_batch_values = []
        if not self.verbose:
            return
        print('Epoch %d/%d' % (epoch + 1, self.epochs))
        self.target = self.params.get('steps' if self.use_steps else 'samples')
        self.progbar = Progbar(target=self.target, verbose=self.verbose,
                               stateful_metrics=self.stateful_metrics)

    def on_batch_end(self, batch, logs=None):
        """Advances the bar by the batch (``logs['size']`` samples, or one step)."""
        if not self.verbose:
            return
        logs = logs or {}
        self.seen += 1 if self.use_steps else logs.get('size', 0)
        values = self._shown_values(logs)
        if self.target is None or self.seen < self.target:
            self.progbar.update(self.seen, values)
            self._last_batch_values = []
        else:
            # The final batch is drawn together with the epoch results, in on_epoch_end.
            self._last_batch_values = values

    def on_epoch_end(self, epoch, logs=None):
        """Draws the finished bar with the epoch results (including ``val_`` metrics)."""
        if not self.verbose:
            return
        self.progbar.update(self.seen, self._last_batch_values,
                            exact=self._shown_values(logs or {}), finalize=True)
        self._last_batch_values = []

    def _shown_values(self, logs):
        names = self.params.get('metrics')
        if names is None:
            names = [key for key in logs if key not in _BATCH_KEYS]
        return [(name, logs[name]) for name in names if name in logs]
