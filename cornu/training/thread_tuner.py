"""``ThreadTuner``: keeps ``fit`` fast on a busy machine by timing its own batches.

torch's worker threads wait for each other at every synchronisation point by spinning. When
another process holds one of the cores, a thread waiting for a descheduled peer spins out its
time slice, and an epoch can take many times longer (28x measured on 2 cores for the MNIST MLP,
where one thread slows only by the lost share of the CPU). No setting fixes both cases: all
threads are faster on a quiet machine, one thread on a busy one.

So ``fit`` measures. It times batches with all threads, then with one (each for at least
``PROBE_BATCHES`` batches and ``PROBE_SECONDS``, after a batch to settle: on a busy machine
most batches are fast and a few very slow, so short samples mislead), and trains on with the
faster per sample. It measures again at once when the chosen count becomes much slower than
its usual speed (another process started, or a lucky measurement kept spinning
threads), and, while one thread is chosen, from time to time (less often while the answer
stays the same), since the other process may have ended; all threads chosen on a quiet machine
cost no further measurement. The thread count it found on entry comes back when ``fit`` ends.

Example:
    >>> tuner = ThreadTuner(threads=2)  # doctest: +SKIP
    >>> tuner.batch_started(); ...; tuner.batch_done(rows=128)  # doctest: +SKIP
"""
import time

import torch

# A measurement times each thread count for at least this many batches and seconds (long
# enough that one hiccup of a shared machine cannot decide it).
PROBE_BATCHES = 20
PROBE_SECONDS = 0.2
# Seconds of training before the first re-measurement; doubled while the answer holds.
FIRST_INTERVAL = 2.0
MAX_INTERVAL = 60.0
# One thread must take less than this share of the time per sample to be chosen: on a busy
# machine it takes a half or less, on a quiet one more than all threads (timings are noisy).
MARGIN = 0.75
# Between measurements, training that takes this many times the measured time per sample (over a
# window as long as a measurement) measures again at once.
DRIFT = 1.5
# Windows whose median is the usual speed between measurements.
RECENT_WINDOWS = 5


class ThreadTuner:
    """Times batches and switches torch between ``threads`` threads and one (see the module).

    Args:
        threads: torch's thread count when ``fit`` began (more than 1).
        clock: a monotonic clock in seconds.
        set_threads: sets torch's thread count.
    """

    def __init__(self, threads, clock=time.perf_counter, set_threads=torch.set_num_threads):
        self.threads = threads
        self.clock = clock
        self.set_threads = set_threads
        self.current = threads
        self.interval = FIRST_INTERVAL
        self.next_probe = None
        self.choice = None
        self.chosen_cost = None  # seconds per sample the chosen count took when measured
        self.recent_costs = []  # seconds per sample of the latest watch windows
        self.watch = [0.0, 0, 0]  # seconds, rows, batches since the last check
        self.started = None
        self.probing = None  # the thread count being timed, or None
        self.settling = False
        self.timings = {}
        self._start_probe()

    def _use(self, count):
        if count != self.current:
            self.set_threads(count)
            self.current = count

    def _start_probe(self):
        self.timings = {self.threads: [0.0, 0, 0], 1: [0.0, 0, 0]}  # seconds, rows, batches
        self.probing, self.settling = self.threads, True
        self._use(self.threads)

    def batch_started(self):
        """Called before a training batch."""
        if self.probing is None and self.next_probe is not None \
                and self.clock() >= self.next_probe:
            self._start_probe()
        self.started = self.clock()

    def batch_done(self, rows):
        """Called after a training batch of ``rows`` samples.

        Args:
            rows: the batch's samples.
        """
        elapsed = self.clock() - self.started
        if self.probing is None:
            self._watch(elapsed, rows)
            return
        if self.settling:  # the first batch after a switch is not timed
            self.settling = False
            return
        timing = self.timings[self.probing]
        timing[0] += elapsed
        timing[1] += rows
        timing[2] += 1
        if timing[2] < PROBE_BATCHES or timing[0] < PROBE_SECONDS:
            return
        if self.probing != 1:
            self.probing, self.settling = 1, True
            self._use(1)
        else:
            self._decide()

    def _watch(self, elapsed, rows):
        self.watch[0] += elapsed
        self.watch[1] += rows
        self.watch[2] += 1
        seconds, watched_rows, batches = self.watch
        if batches < PROBE_BATCHES or seconds < PROBE_SECONDS:
            return
        self.watch = [0.0, 0, 0]
        cost = seconds / watched_rows
        if cost > DRIFT * self._usual_cost():
            self.interval = FIRST_INTERVAL
            self._start_probe()
            return
        self.recent_costs = (self.recent_costs + [cost])[-RECENT_WINDOWS:]

    def _usual_cost(self):
        """The chosen count's usual time per sample: the measured one, or the median of the
        recent windows when lower (a measurement slowed by warm-up must not hide a slowdown;
        the median, unlike the best, is not fooled by one lucky window)."""
        if len(self.recent_costs) < RECENT_WINDOWS:
            return self.chosen_cost
        return min(self.chosen_cost, sorted(self.recent_costs)[RECENT_WINDOWS // 2])

    def _decide(self):
        (many, many_rows, _), (one, one_rows, _) = self.timings[self.threads], self.timings[1]
        many_cost, one_cost = many / max(many_rows, 1), one / max(one_rows, 1)
        choice = 1 if one_cost < MARGIN * many_cost else self.threads
        self.interval = min(self.interval * 2, MAX_INTERVAL) if choice == self.choice \
            else FIRST_INTERVAL
        self.choice = choice
        self.chosen_cost = one_cost if choice == 1 else many_cost
        self.recent_costs = []
        self.watch = [0.0, 0, 0]
        self.probing = None
        self._use(choice)
        # All threads: only a slowdown can make one thread faster, and the watch sees it.
        self.next_probe = None if choice == self.threads else self.clock() + self.interval

    def close(self):
        """Puts back the thread count ``fit`` began with."""
        self._use(self.threads)
