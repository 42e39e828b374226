"""``keras.utils.Sequence``: a dataset of batches that can be indexed, the safe way to feed
``fit`` from several worker threads or processes.

Example:
    >>> class Squares(Sequence):
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, index):
    ...         x = np.full((2, 1), float(index), dtype=np.float32)
    ...         return x, x ** 2
    >>> squares = Squares()
    >>> len(squares), squares[2][1].ravel().tolist()
    (3, [4.0, 4.0])
"""


class Sequence:
    """Base class of datasets of batches: ``seq[i]`` is batch ``i``, ``len(seq)`` the number of
    batches in an epoch.

    Subclasses implement ``__getitem__`` (returning ``(x, y)`` or ``(x, y, sample_weight)``)
    and ``__len__``; ``on_epoch_end`` is called once after every pass over the batches (e.g. to
    shuffle the samples behind them). Since batches are fetched by index, several workers never
    return the same batch twice, unlike a plain generator.
    """

    def __getitem__(self, index):
        """Returns batch ``index`` (from 0 to ``len(self) - 1``).

        Args:
            index: the batch's position in the epoch.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index), "
                                  "returning the batch (x, y) at that index.")

    def __len__(self):
        """Returns the number of batches in an epoch."""
        raise NotImplementedError(f"{type(self).__name__} must implement __len__(), returning "
                                  "the number of batches in an epoch.")

    def on_epoch_end(self):
        """Called after each pass over the batches; does nothing unless overridden."""

    def __iter__(self):
        """Yields the batches in order, once."""
        for index in range(len(self)):
            yield self[index]
