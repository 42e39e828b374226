"""Batches from Python generators, ``keras.utils.Sequence`` objects and other iterables.

Each batch the source yields is ``(x, y)`` or ``(x, y, sample_weight)`` (for ``predict``, ``x``
alone is fine too) and is checked like ``fit``'s arrays. With ``workers >= 1`` batches are
prepared in the background (``cornu.utils.enqueuers``) while the model trains; ``workers=0``
prepares them on the training thread.

Example:
    >>> def batches():
    ...     while True:
    ...         yield np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32)
    >>> model.fit_generator(batches(), steps_per_epoch=10, epochs=2)  # doctest: +SKIP
"""
import inspect
import random
import warnings

import numpy as np
import torch

from cornu.training.data.adapter import DataAdapter
from cornu.utils.enqueuers import GeneratorEnqueuer, OrderedEnqueuer
from cornu.utils.sequence import Sequence


def _is_array_like(value):
    return isinstance(value, (np.ndarray, torch.Tensor)) or hasattr(value, "iloc")


def is_batch_source(value):
    """Whether ``value`` is a source of batches (generator, ``Sequence``, iterator, iterable of
    batches) rather than arrays.

    Args:
        value: what was passed as ``x`` or ``validation_data``.
    """
    if value is None or _is_array_like(value) or isinstance(value, (list, tuple, dict, str)):
        return False
    return isinstance(value, Sequence) or inspect.isgenerator(value) or hasattr(
        value, "__next__") or hasattr(value, "__iter__")


def _parts(batch, with_targets):
    """``(x, y, sample_weight)`` of one yielded batch."""
    if not with_targets:
        if isinstance(batch, tuple) and len(batch) in (1, 2, 3):
            return batch[0], None, None
        return batch, None, None
    if not isinstance(batch, tuple) or len(batch) not in (2, 3):
        shown = f"a tuple of {len(batch)}" if isinstance(batch, tuple) else type(batch).__name__
        raise ValueError("Output of generator should be a tuple `(x, y, sample_weight)` or "
                         f"`(x, y)`. Found: {shown}. Yield (inputs, targets) pairs.")
    return batch[0], batch[1], batch[2] if len(batch) == 3 else None


class SourceAdapter(DataAdapter):
    """Batches from a generator, a ``Sequence`` or an iterable, checked and made tensors.

    Args:
        source: the generator, ``Sequence`` or iterable.
        standardize: ``function(x, y, sample_weight, class_weight) -> (xs, ys, sws)``.
        steps: batches per epoch, or None for ``len(source)``.
        shuffle: for a ``Sequence``, visit its batches in a new order every pass.
        class_weight: dict class -> weight, applied to each batch.
        max_queue_size: batches prepared ahead at most.
        workers: threads or processes preparing batches; 0 prepares them here.
        use_multiprocessing: prepare batches in forked processes.
        with_targets: whether batches carry targets (False for ``predict``).
    """

    def __init__(self, source, standardize, steps, shuffle=False, class_weight=None,
                 max_queue_size=10, workers=1, use_multiprocessing=False, with_targets=True):
        self.source = source
        self.standardize = standardize
        self.steps = steps
        self.class_weight = class_weight
        self.with_targets = with_targets
        self.is_sequence = isinstance(source, Sequence)
        self.shuffle = shuffle and self.is_sequence
        self.workers = workers
        self.enqueuer = None
        self.iterator = None
        self.given = 0
        #: whether the source ended (a finite generator): training then stops
        self.exhausted = False
        if workers > 0:
            self.enqueuer = (OrderedEnqueuer(source, use_multiprocessing, self.shuffle)
                             if self.is_sequence else
                             GeneratorEnqueuer(self._batches_of(source), use_multiprocessing))
            self.enqueuer.start(workers=workers, max_queue_size=max_queue_size)
            self.iterator = self.enqueuer.get()
        elif self.is_sequence:
            self.iterator = self._sequence_passes()
        else:
            self.iterator = iter(self._batches_of(source))

    @staticmethod
    def _batches_of(source):
        """An iterator over a source that restarts sized iterables (lists) at their end."""
        if inspect.isgenerator(source) or hasattr(source, "__next__"):
            return source
        return _Cycle(source)

    def _sequence_passes(self):
        while True:
            order = list(range(len(self.source)))
            if self.shuffle:
                random.shuffle(order)  # as OrderedEnqueuer does (Keras 2 too)
            for index in order:
                yield self.source[index]
            self.source.on_epoch_end()

    def epoch(self):
        """Yields ``steps`` batches (an epoch) from the running source."""
        for _ in range(self.steps):
            batch = next(self.iterator, _END)
            if batch is _END:
                self._ran_out()
                return
            x, y, sample_weight = _parts(batch, self.with_targets)
            xs, ys, sws = self.standardize(x, y, sample_weight, self.class_weight)
            self.given += 1
            yield ([torch.from_numpy(a) for a in xs], [torch.from_numpy(a) for a in ys],
                   [None if w is None else torch.from_numpy(w) for w in sws])

    def _ran_out(self):
        if self.given == 0:
            raise ValueError("The generator ended before giving a batch: it must yield "
                             "(x, y) batches (forever, for fit_generator).")
        if not self.exhausted:
            warnings.warn(f"Your input ran out of data after {self.given} batches; "
                          "interrupting training. Make sure that your generator can give at "
                          "least steps_per_epoch * epochs batches (a Python generator should "
                          "loop forever).", stacklevel=4)
        self.exhausted = True

    def close(self):
        """Stops the background workers."""
        if self.enqueuer is not None:
            self.enqueuer.stop()
            self.enqueuer = None


_END = object()


class _Cycle:
    """Iterates a sized iterable again and again (an epoch of a list of batches is a pass)."""

    def __init__(self, iterable):
        self.iterable = iterable
        self.current = iter(iterable)

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.current)
        except StopIteration:
            self.current = iter(self.iterable)
            return next(self.current)


def data_source(source, standardize, steps, steps_name, **options):
    """A ``SourceAdapter`` for a generator, ``Sequence`` or iterable, with its steps checked.

    Args:
        source: the generator, ``Sequence`` or iterable.
        standardize: the batch checker (see ``SourceAdapter``).
        steps: batches per epoch, or None to take ``len(source)``.
        steps_name: the argument ``steps`` came as (``'steps_per_epoch'`` ...), for messages.
        **options: the other ``SourceAdapter`` arguments (``workers`` ...).
    """
    if steps is None:
        if not hasattr(source, "__len__"):
            raise ValueError(f"`{steps_name}=None` is only valid for a generator based on the "
                             "`keras.utils.Sequence` class (or a sized iterable). Please specify "
                             f"`{steps_name}` (the batches per epoch) or use the "
                             "`keras.utils.Sequence` class.")
        steps = len(source)
    if int(steps) < 1:
        raise ValueError(f"`{steps_name}` must be at least 1, received {steps!r} (the source "
                         "has no batch).")
    workers = options.get("workers", 1)
    if workers is None or workers < 0:
        raise ValueError(f"workers must be 0 or more, received {workers!r}.")
    return SourceAdapter(source, standardize, int(steps), **options)
