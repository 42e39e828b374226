"""Batches cut from in-memory arrays, shuffled per epoch as Keras 2 does.

Keras 2 keeps one index array for a whole ``fit`` and shuffles it in place at the start of
every epoch (``np.random.shuffle``), so epochs after the first depend on the ones before; the
same seed therefore gives the same batches as Keras 2 in every epoch.

Example:
    >>> x = np.arange(10, dtype=np.float32).reshape(5, 2)
    >>> adapter = ArrayAdapter([x], [], [], batch_size=2, shuffle=False)
    >>> [xs[0].shape[0] for xs, _, _ in adapter.epoch()]
    [2, 2, 1]
"""
from itertools import repeat

import numpy as np
import torch

from cornu.training.data.adapter import DataAdapter

# Below this many bytes an epoch's shuffled copy of the data is made in one gather, so that
# batches are free views; above it, each batch is gathered on its own to bound memory.
_WHOLE_EPOCH_GATHER_BYTES = 64 * 2 ** 20


def batch_shuffle(index_array, batch_size):
    """Shuffles batch-sized chunks of indices (``shuffle='batch'``), keeping the tail last.

    Args:
        index_array: the sample indices.
        batch_size: the chunk size.
    """
    batch_count = len(index_array) // batch_size
    last = index_array[batch_count * batch_size:]
    chunks = index_array[:batch_count * batch_size].reshape((batch_count, batch_size))
    np.random.shuffle(chunks)
    return np.append(chunks.flatten(), last)


class BatchStream:
    """Cuts arrays into batches of tensors, shuffled per epoch as Keras 2 does.

    Args:
        arrays: NumPy arrays with the same first dimension (None entries stay None).
        batch_size: samples per batch.
        shuffle: True (samples), ``'batch'`` (batch-sized chunks) or False.
        steps: batches per epoch, or None for one pass over the data.
        reusable: how many leading arrays (the inputs) may be gathered into one buffer reused
            from batch to batch; their batches are valid only until the next one is drawn.
    """

    def __init__(self, arrays, batch_size, shuffle, steps, reusable=0):
        if batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, received {batch_size}.")
        self.tensors = [None if a is None else torch.from_numpy(a) for a in arrays]
        self.num_samples = next(len(t) for t in self.tensors if t is not None)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.steps = steps
        self.reusable = reusable
        self._nbytes = sum(t.numel() * t.element_size() for t in self.tensors if t is not None)
        self._pending = iter(())
        self._chunks = {}
        self._index = np.arange(self.num_samples)

    def _order(self):
        """This epoch's sample order (None: in order); the index array carries over."""
        if self.shuffle == "batch":
            self._index = batch_shuffle(self._index, self.batch_size)
        elif self.shuffle:
            np.random.shuffle(self._index)
        else:
            return None
        return self._index

    def _one_pass(self):
        order = self._order()
        size = self.batch_size
        if order is None:
            return iter(self.chunks(size))
        index = torch.from_numpy(order.copy())
        if self._nbytes <= _WHOLE_EPOCH_GATHER_BYTES:
            return zip(*[repeat(None) if t is None else t.index_select(0, index).split(size)
                         for t in self.tensors])
        return self._gathered_batches(index)

    def _gathered_batches(self, index):
        """Large data: gathers each batch on its own, into reused buffers for the inputs (fresh
        memory for every batch would cost page faults and fragment the heap)."""
        size = self.batch_size
        buffers = [torch.empty((size,) + tuple(t.shape[1:]), dtype=t.dtype)
                   if t is not None and i < self.reusable else None
                   for i, t in enumerate(self.tensors)]
        for part in index.split(size):
            count = len(part)
            yield [None if t is None else
                   t.index_select(0, part) if buffer is None else
                   torch.index_select(t, 0, part, out=buffer[:count])
                   for t, buffer in zip(self.tensors, buffers)]

    def chunks(self, rows):
        """All samples in order, in batches of ``rows`` (views made once, then reused).

        Args:
            rows: samples per batch.
        """
        chunks = self._chunks.get(rows)
        if chunks is None:
            chunks = self._chunks[rows] = list(zip(*[repeat(None) if t is None else t.split(rows)
                                                      for t in self.tensors]))
        return chunks

    def epoch(self):
        """Yields the batches of one epoch, each a list of tensors (or None)."""
        if self.steps is None:
            yield from self._one_pass()
            return
        for _ in range(self.steps):
            batch = next(self._pending, None)
            if batch is None:
                self._pending = iter(self._one_pass())
                batch = next(self._pending)
            yield batch


class ArrayAdapter(DataAdapter):
    """Batches of checked NumPy arrays (one per model input, output and sample weight).

    Args:
        xs: input arrays.
        ys: target arrays (empty for ``predict``).
        sws: sample-weight arrays or None, one per target.
        batch_size: samples per batch.
        shuffle: True, ``'batch'`` or False.
        steps: batches per epoch, or None for one pass over the data.
    """

    def __init__(self, xs, ys, sws, batch_size, shuffle=False, steps=None):
        self.num_inputs, self.num_targets = len(xs), len(ys)
        self.stream = BatchStream(list(xs) + list(ys) + list(sws), batch_size, shuffle, steps,
                                  reusable=len(xs))
        self.num_samples = self.stream.num_samples
        self.batch_size = batch_size
        self.steps = steps
        self.weighted = any(w is not None for w in sws)

    def split(self, batch):
        """A stream batch (inputs, then targets, then weights) as ``(xs, ys, sws)`` lists."""
        targets_end = self.num_inputs + self.num_targets
        return (list(batch[:self.num_inputs]), list(batch[self.num_inputs:targets_end]),
                list(batch[targets_end:]))

    def epoch(self):
        """Yields the batches of one epoch, each ``(inputs, targets, sample_weights)``."""
        for batch in self.stream.epoch():
            yield self.split(batch)

    def shuffle_state(self):
        """The index array that Keras 2's in-place shuffle carries from epoch to epoch (epoch
        ``k``'s order is this array shuffled again), or None without shuffling."""
        return self.stream._index.copy() if self.stream.shuffle else None

    def restore_shuffle_state(self, state):
        """Takes back the index array of ``shuffle_state`` (ignored without shuffling).

        Args:
            state: an index array from ``shuffle_state`` on the same data, or None.

        Raises:
            ValueError: the array is not a permutation of this data's sample indices.
        """
        if state is None or not self.stream.shuffle:
            return
        index = np.asarray(state)
        if index.shape != (self.num_samples,) or not np.array_equal(
                np.sort(index), np.arange(self.num_samples)):
            raise ValueError(f"Cannot restore the shuffling order: the saved index array holds "
                             f"{index.size} entries, expected a permutation of the "
                             f"{self.num_samples} sample indices. Resume with the same "
                             f"training data (and validation_split) as the interrupted run.")
        self.stream._index = index.astype(np.int64)

    def in_order(self, rows):
        """All samples in order, in batches of ``rows``, whatever ``shuffle`` says (evaluation
        of models that score each sample on its own may take bigger batches).

        Args:
            rows: samples per batch.
        """
        for batch in self.stream.chunks(rows):
            yield self.split(batch)
