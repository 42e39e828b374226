"""The one small interface every source of batches implements for the training loops.

A batch is a triple of lists of tensors: ``(inputs, targets, sample_weights)``, with one entry
per model input and output (``targets`` is empty for ``predict``; a sample weight may be None).

Example:
    >>> adapter = ArrayAdapter([x], [y], [None], batch_size=32, shuffle=True)  # doctest: +SKIP
    >>> for xs, ys, sws in adapter.epoch():  # doctest: +SKIP
    ...     ...
    >>> adapter.on_epoch_end()  # doctest: +SKIP
"""


class DataAdapter:
    """Where a loop takes its batches from.

    Attributes:
        num_samples: samples per epoch when known (arrays), else None; the progress bar then
            counts steps.
        steps: batches per epoch when known, else None (the epoch ends when the source does).
    """

    num_samples = None
    steps = None

    def epoch(self):
        """Yields the batches of one epoch, each ``(inputs, targets, sample_weights)``."""
        raise NotImplementedError

    def on_epoch_end(self):
        """Called by the loop after each epoch (a ``Sequence`` hears ``on_epoch_end``)."""

    def close(self):
        """Stops any background loading; the loop calls it when it is done, also on errors."""

    def shuffle_state(self):
        """What the next epochs' order depends on besides the random generators (an array),
        or None when there is nothing (``BackupAndRestore`` saves it with a backup)."""
        return None

    def restore_shuffle_state(self, state):
        """Takes back what ``shuffle_state`` returned (in a new ``fit`` on the same data).

        Args:
            state: the array ``shuffle_state`` returned, or None.
        """

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
