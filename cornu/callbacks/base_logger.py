"""``BaseLogger``: averages the batch metrics over an epoch into the epoch logs (Keras 2).

Keras 2 added it to every ``fit``; cornu's training loop computes the epoch averages itself,
so a ``BaseLogger`` passed explicitly rewrites them with the same values (weighted by batch
size), and shows how Keras 2 did it.

Example:
    >>> logger = BaseLogger()
    >>> logger.set_params({'metrics': ['loss']})
    >>> logger.on_epoch_begin(0)
    >>> logger.on_batch_end(0, {'size': 3, 'loss': 1.0})
    >>> logger.on_batch_end(1, {'size': 1, 'loss': 5.0})
    >>> logs = {}
    >>> logger.on_epoch_end(0, logs)
    >>> logs
    {'loss': 2.0}
"""
from cornu.callbacks.base import Callback


class BaseLogger(Callback):
    """Accumulates the batch values of ``params['metrics']`` and writes their epoch averages
    (weighted by the batch sizes) into the epoch logs.

    Args:
        stateful_metrics: names of metrics whose last batch value is the epoch's value (they
            are not averaged).

    Example:
        >>> BaseLogger(stateful_metrics=['auc']).stateful_metrics
        {'auc'}
    """

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or ())
        self.seen = 0
        self.totals = {}

    def on_epoch_begin(self, epoch, logs=None):
        """Starts new totals."""
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        """Adds the batch's values, weighted by its size."""
        logs = logs or {}
        size = logs.get('size', 0)
        self.seen += size
        for key, value in logs.items():
            if key in self.stateful_metrics:
                self.totals[key] = value
            else:
                self.totals[key] = self.totals.get(key, 0) + value * size

    def on_epoch_end(self, epoch, logs=None):
        """Writes the averages of the metrics in ``params['metrics']`` into ``logs``."""
        if logs is None:
            return
        for key in self.params.get('metrics', ()):
            if key in self.totals:
                if key in self.stateful_metrics:
                    logs[key] = self.totals[key]
                else:
                    logs[key] = self.totals[key] / self.seen
