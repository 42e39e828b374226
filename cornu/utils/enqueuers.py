"""Background loading of batches: ``OrderedEnqueuer`` for a ``Sequence``, ``GeneratorEnqueuer``
for a generator (``keras.utils.OrderedEnqueuer`` / ``GeneratorEnqueuer``).

Worker threads (or, with ``use_multiprocessing``, forked processes) prepare batches while the
model trains on earlier ones; at most ``max_queue_size`` wait ready. A ``Sequence`` is fetched
by index, in order, and hears ``on_epoch_end`` after each pass. A plain generator is never
advanced by two threads at once (a lock guards ``next``); with processes, each worker runs its
own copy of the generator, so batches may repeat across workers, as in Keras 2. An exception
raised while preparing a batch is raised again where the batch is consumed.

Example:
    >>> enqueuer = GeneratorEnqueuer(iter([1, 2, 3]))
    >>> enqueuer.start(workers=1, max_queue_size=2)
    >>> list(enqueuer.get())
    [1, 2, 3]
    >>> enqueuer.stop()
"""
import multiprocessing
import os
import queue
import random
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

_POLL_SECONDS = 0.1


class _Done:
    """Put in the queue by a generator worker whose generator has ended."""


def _fork_context():
    """The ``fork`` multiprocessing context, or None where processes cannot be forked."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


class _Failure:
    """An exception raised in a worker, carried to the consumer."""

    def __init__(self, error):
        self.error = error


class SequenceEnqueuer:
    """Base class: loads batches in the background and yields them from ``get()``.

    Args:
        use_multiprocessing: use forked processes instead of threads.
    """

    def __init__(self, use_multiprocessing=False):
        self.use_multiprocessing = use_multiprocessing
        if use_multiprocessing and _fork_context() is None:
            warnings.warn("use_multiprocessing=True needs processes started by fork, which "
                          "this platform lacks; loading batches in threads instead.")
            self.use_multiprocessing = False
        self.stop_signal = threading.Event()
        self.queue = None
        self.threads = []

    def is_running(self):
        """Whether the workers are loading batches."""
        return bool(self.threads) and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        """Starts loading batches.

        Args:
            workers: threads or processes preparing batches (at least 1).
            max_queue_size: ready batches waiting at most.
        """
        raise NotImplementedError

    def get(self):
        """Yields the batches as they come ready."""
        raise NotImplementedError

    def stop(self, timeout=None):
        """Stops the workers and waits for them (up to ``timeout`` seconds each).

        Args:
            timeout: seconds to wait for each worker, or None to wait as needed.
        """
        self.stop_signal.set()
        if self.queue is not None:
            _drain(self.queue)
        for thread in self.threads:
            thread.join(timeout)
        self.threads = []

    def _put(self, item):
        """Puts an item in the queue, giving up when the enqueuer is stopped; returns whether
        it went in."""
        while not self.stop_signal.is_set():
            try:
                self.queue.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False


def _drain(q):
    """Empties a queue, marking each item done (so a producer waiting on ``join`` goes on)."""
    try:
        while True:
            q.get_nowait()
            if hasattr(q, "task_done"):
                q.task_done()
    except (queue.Empty, OSError, ValueError):
        pass


# In a forked worker process: the Sequence of the pool that forked it (set by the pool's
# initializer, which a fork hands the Sequence without pickling). Each pool's processes have
# their own, so enqueuers running at once (training and validation) never see each other's.
_WORKER_SEQUENCE = [None]


def _start_forked_worker(sequence):
    _WORKER_SEQUENCE[0] = sequence
    _seed_forked_worker()


def _fetch_in_worker(index):
    return _WORKER_SEQUENCE[0][index]


def _seed_forked_worker(seed=None):
    """Seeds a forked worker's NumPy and ``random`` generators (by default from fresh entropy:
    each worker would otherwise repeat its parent's random draws)."""
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "little")
    np.random.seed(seed)
    random.seed(seed)


class OrderedEnqueuer(SequenceEnqueuer):
    """Loads the batches of a ``Sequence`` in order, pass after pass, calling its
    ``on_epoch_end`` after each pass.

    Args:
        sequence: the ``keras.utils.Sequence``.
        use_multiprocessing: fetch batches in forked processes rather than threads.
        shuffle: visit the batches in a new random order on every pass.
    """

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super().__init__(use_multiprocessing)
        self.sequence = sequence
        self.shuffle = shuffle

    def start(self, workers=1, max_queue_size=10):
        """Starts fetching batches (see ``SequenceEnqueuer.start``)."""
        self.stop_signal.clear()
        self.queue = queue.Queue(max(1, max_queue_size))
        thread = threading.Thread(target=self._run, args=(max(1, workers),), daemon=True,
                                  name="cornu-sequence-enqueuer")
        self.threads = [thread]
        thread.start()

    def _order(self):
        order = list(range(len(self.sequence)))
        if self.shuffle:
            random.shuffle(order)
        return order

    def _run(self, workers):
        try:
            while not self.stop_signal.is_set():
                if self.use_multiprocessing:
                    self._one_pass_in_processes(workers)
                else:
                    self._one_pass_in_threads(workers)
                if self.stop_signal.is_set():
                    return
                self.queue.join()  # the consumer has taken the whole pass
                self.sequence.on_epoch_end()
        except Exception as error:  # noqa: BLE001 - handed to the consumer
            self._put(_Failure(error))

    def _one_pass_in_threads(self, workers):
        with ThreadPoolExecutor(workers, thread_name_prefix="cornu-sequence") as pool:
            for index in self._order():
                if not self._put(pool.submit(self.sequence.__getitem__, index)):
                    return

    def _one_pass_in_processes(self, workers):
        # forked now, the workers see the Sequence as this pass leaves it (after on_epoch_end)
        pool = _fork_context().Pool(workers, initializer=_start_forked_worker,
                                    initargs=(self.sequence,))
        try:
            for index in self._order():
                if not self._put(pool.apply_async(_fetch_in_worker, (index,))):
                    return
            self.queue.join()
        finally:
            pool.terminate()

    def get(self):
        """Yields the batches, pass after pass, until ``stop``."""
        while not self.stop_signal.is_set():
            try:
                item = self.queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue
            try:
                if isinstance(item, _Failure):
                    raise item.error
                batch = item.result() if hasattr(item, "result") else item.get()
            finally:
                self.queue.task_done()  # taken: the pass may end (and on_epoch_end run)
            yield batch


def _run_generator_in_process(generator, shared_queue, stop, seed):
    _seed_forked_worker(seed)
    try:
        for batch in generator:
            while not stop.is_set():
                try:
                    shared_queue.put(batch, timeout=_POLL_SECONDS)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        shared_queue.put(_Done())
    except Exception as error:  # noqa: BLE001 - handed to the consumer
        shared_queue.put(_Failure(error))


class GeneratorEnqueuer(SequenceEnqueuer):
    """Runs a generator in the background, ``workers`` threads taking turns under a lock (or
    ``workers`` forked processes, each with its own copy of the generator).

    Args:
        generator: a generator or iterator of batches.
        use_multiprocessing: run it in forked processes rather than threads.
        wait_time: accepted for Keras 2 compatibility (the queue blocks instead of polling).
        seed: a seed for each forked worker's NumPy and ``random`` generators (each gets
            ``seed + its index``); by default, fresh entropy.
    """

    def __init__(self, generator, use_multiprocessing=False, wait_time=None, seed=None):
        super().__init__(use_multiprocessing)
        self.generator = iter(generator)
        self.seed = seed
        self.lock = threading.Lock()
        self.finished = 0
        self.workers = 0
        self.processes = []
        self.process_stop = None

    def start(self, workers=1, max_queue_size=10):
        """Starts running the generator (see ``SequenceEnqueuer.start``)."""
        self.stop_signal.clear()
        self.workers = max(1, workers)
        self.finished = 0
        if self.use_multiprocessing:
            if self.workers > 1:
                warnings.warn("Using a generator with use_multiprocessing=True and several "
                              "workers may duplicate your data: each process runs its own copy "
                              "of the generator. Consider a keras.utils.Sequence.")
            context = _fork_context()
            self.queue = context.Queue(max(1, max_queue_size))
            self.process_stop = context.Event()
            self.processes = [context.Process(target=_run_generator_in_process,
                                              args=(self.generator, self.queue,
                                                    self.process_stop,
                                                    None if self.seed is None
                                                    else self.seed + index), daemon=True)
                              for index in range(self.workers)]
            for process in self.processes:
                process.start()
            return
        self.queue = queue.Queue(max(1, max_queue_size))
        self.threads = [threading.Thread(target=self._run, daemon=True,
                                         name=f"cornu-generator-{i}")
                        for i in range(self.workers)]
        for thread in self.threads:
            thread.start()

    def _run(self):
        while not self.stop_signal.is_set():
            try:
                with self.lock:
                    batch = next(self.generator)
            except StopIteration:
                self._put(_Done())
                return
            except Exception as error:  # noqa: BLE001 - handed to the consumer
                self._put(_Failure(error))
                return
            if not self._put(batch):
                return

    def get(self):
        """Yields the batches until the generator ends (in every worker) or ``stop``."""
        while not self.stop_signal.is_set() and self.finished < self.workers:
            try:
                item = self.queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue
            if isinstance(item, _Failure):
                raise item.error
            if isinstance(item, _Done):
                self.finished += 1
                continue
            yield item

    def stop(self, timeout=None):
        """Stops the workers (see ``SequenceEnqueuer.stop``)."""
        if self.process_stop is not None:
            self.process_stop.set()
        super().stop(timeout)
        for process in self.processes:
            process.join(_POLL_SECONDS * 10 if timeout is None else timeout)
            if process.is_alive():
                process.terminate()
        self.processes = []
