"""``TerminateOnNaN``: stops training at the first batch whose loss is NaN or infinite.

Example (prints ``Batch 3: Invalid loss, terminating training`` when batch 3 diverges):
    >>> model.fit(x, y, callbacks=[TerminateOnNaN()])  # doctest: +SKIP
"""
import math

from cornu.callbacks.base import Callback


class TerminateOnNaN(Callback):
    """Stops training when a batch's loss is NaN or infinite: the epoch ends after that batch
    (its epoch logs are still reported) and ``fit`` returns.

    Example:
        >>> class Model:
        ...     stop_training = False
        >>> callback = TerminateOnNaN()
        >>> callback.set_model(Model())
        >>> callback.on_batch_end(3, {'loss': float('nan')})
        Batch 3: Invalid loss, terminating training
        >>> callback.model.stop_training
        True
    """

    def on_batch_end(self, batch, logs=None):
        """Checks the batch's loss."""
        loss = (logs or {}).get('loss')
        if loss is not None and not math.isfinite(loss):
            print('Batch %d: Invalid loss, terminating training' % batch)
            self.model.stop_training = True
