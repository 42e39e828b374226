"""``Iterator``: the base of the image iterators, an endless stream of batches that is also a
``keras.utils.Sequence`` (so ``fit`` can fetch its batches by index from worker threads).

The batch order follows Keras 2 exactly: with a ``seed``, NumPy's global generator is seeded
with ``seed + total_batches_seen`` before each batch, the sample order of an epoch is drawn
(``np.random.permutation``) at the first batch of the epoch, then the batch's random
transforms are drawn; so the same seed gives the same batches as Keras 2.

Example:
    >>> class Indices(Iterator):
    ...     def _get_batches_of_transformed_samples(self, index_array):
    ...         return index_array
    >>> it = Indices(5, batch_size=2, shuffle=False, seed=None)
    >>> [next(it).tolist() for _ in range(4)]
    [[0, 1], [2, 3], [4], [0, 1]]
"""
import threading

import numpy as np

from cornu.preprocessing.image.files import IMAGE_EXTENSIONS
from cornu.utils.sequence import Sequence
from cornu.utils.validation import positive_int


class Iterator(Sequence):
    """Base class of image data iterators: subclasses implement
    ``_get_batches_of_transformed_samples(index_array)``, the batch of the given samples.

    ``next(it)`` gives the next batch (endlessly: the last batch of an epoch may be smaller,
    then a new epoch starts); ``it[i]`` gives batch ``i`` of the current epoch and
    ``on_epoch_end()`` draws a new order (what ``fit`` calls on a ``Sequence``).

    Args:
        n: the number of samples.
        batch_size: samples per batch.
        shuffle: visit the samples in a new random order every epoch.
        seed: seed of the order and of the random transforms, or None.

    Example:
        >>> len(Iterator(10, batch_size=4, shuffle=True, seed=1))
        3
    """

    #: the file extensions read by the file-based iterators
    white_list_formats = IMAGE_EXTENSIONS

    def __init__(self, n, batch_size, shuffle, seed):
        self.batch_size = positive_int(batch_size, "batch_size")
        self.n = n
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None

    def _set_index_array(self):
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def _seed_for_next_batch(self):
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1

    def __getitem__(self, idx):
        """Batch ``idx`` of the current epoch's order.

        Args:
            idx: from 0 to ``len(self) - 1`` (negative counts from the end).
        """
        if idx >= len(self) or idx < -len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}.")
        idx %= len(self)
        with self.lock:
            self._seed_for_next_batch()
            if self.index_array is None:
                self._set_index_array()
            index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self):
        """The number of batches in an epoch (the last one may be smaller)."""
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        """Draws the sample order of the next epoch (when shuffling)."""
        self._set_index_array()

    def reset(self):
        """Makes ``next`` start a new epoch."""
        self.batch_index = 0

    def _next_index_array(self):
        """The sample indices of the next batch of ``next()`` (called under the lock)."""
        self._seed_for_next_batch()
        if self.batch_index == 0:
            self._set_index_array()
        start = (self.batch_index * self.batch_size) % self.n if self.n else 0
        self.batch_index = self.batch_index + 1 if self.n > start + self.batch_size else 0
        return self.index_array[start:start + self.batch_size]

    def __iter__(self):
        """The iterator itself: ``for x, y in it`` runs forever (break out of the loop)."""
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """The next batch (thread-safe: the order is advanced under a lock, the images are
        prepared outside it)."""
        with self.lock:
            index_array = self._next_index_array()
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        """The batch of the samples ``index_array`` (subclasses implement it).

        Args:
            index_array: the sample indices.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "_get_batches_of_transformed_samples(index_array).")
