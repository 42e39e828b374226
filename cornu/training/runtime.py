"""Process settings that a training or inference call changes for its duration, then restores.

- torch's intra-op threads: models doing little work per batch run on one thread, since
  waking and synchronising more threads costs more than the work; for larger models ``fit``
  times its batches and picks all threads or one (``ThreadTuner``: a busy machine);
- Python's cyclic garbage collector is paused while ``fit`` runs (reference counting still
  frees every tensor at once; collections would scan every object again and again);
- denormal floats are flushed to zero while ``fit`` runs, as TensorFlow does on CPU: optimizer
  slots of dead units decay into denormals, which make every later step many times slower;
  on the calling thread and on torch's worker threads (``worker_threads``).

The collector is process-wide: it is paused by the first of several concurrent calls and
restored by the last one to leave, under a lock (``SharedSetting``), so a server calling
``predict`` from many threads ends where it began. torch's thread count and denormal flushing
belong to the calling thread (OpenMP and the CPU keep them per thread; a new thread starts
from the count last set), so each call saves and restores its own, and its own worker team's. Everything is restored on
errors and ``KeyboardInterrupt`` too.

Example:
    >>> with RuntimeScope(work_per_batch=1000, training=True):
    ...     pass
"""
import gc

import torch

from cornu.training.thread_tuner import ThreadTuner
from cornu.training.worker_threads import set_team_flush_denormal
from cornu.utils.shared_setting import SharedSetting

# Calls doing less than this many multiply-adds per batch run on one thread: for them, the cost
# of waking and synchronising more threads exceeds the work (and on a busy machine, by far).
# Above it (e.g. one MNIST row through 784-512-10), reading the weights gains from more cores.
SINGLE_THREAD_WORK = 200_000


def _set_gc(enabled):
    if enabled:
        gc.enable()
    else:
        gc.disable()


GARBAGE_COLLECTOR = SharedSetting(gc.isenabled, _set_gc)


def flushing_denormals():
    """Whether this thread's CPU flushes denormal floats to zero (a denormal turns to 0)."""
    return torch.tensor([1e-39], dtype=torch.float32).mul_(1.0).item() == 0.0


class RuntimeScope:
    """The settings of one ``fit``/``evaluate``/``predict`` call (see the module docstring).

    Args:
        work_per_batch: multiply-adds of a batch (batch size times parameter count); below
            ``SINGLE_THREAD_WORK`` torch runs on one thread.
        training: whether the call trains (pause the collector, flush denormals, and time
            the batches to choose the thread count: ``tuner``).
    """

    __slots__ = ("one_thread", "training", "flushed_before", "tuner", "threads_before")

    def __init__(self, work_per_batch, training=False):
        threads = torch.get_num_threads()
        self.threads_before = threads
        self.one_thread = work_per_batch < SINGLE_THREAD_WORK and threads > 1
        self.training = training
        self.flushed_before = None
        #: the ``ThreadTuner`` the training loop reports its batches to, or None
        self.tuner = ThreadTuner(threads) if training and threads > 1 \
            and not self.one_thread else None

    def __enter__(self):
        if self.one_thread:
            torch.set_num_threads(1)
        if self.training:
            GARBAGE_COLLECTOR.acquire(False)
            self.flushed_before = flushing_denormals()
            if not self.flushed_before:
                torch.set_flush_denormal(True)
            if not self.one_thread:
                set_team_flush_denormal(True, self.threads_before)
        return self

    def __exit__(self, *exc):
        if self.tuner is not None:
            self.tuner.close()
        if self.training:
            if not self.flushed_before:
                torch.set_flush_denormal(False)
                if not self.one_thread:
                    set_team_flush_denormal(False, self.threads_before)
            GARBAGE_COLLECTOR.release()
        if self.one_thread:
            torch.set_num_threads(self.threads_before)
