"""Process settings scoped to a call and restored after it (also on errors and Ctrl-C), calls
from many threads at once, and the thread count chosen by timing batches on a busy machine."""
import gc
import threading

import numpy as np
import pytest
import torch

from cornu import layers
from cornu.callbacks import Callback
from cornu.models import Sequential
from cornu.training import runtime, thread_tuner
from cornu.training.runtime import RuntimeScope, flushing_denormals
from cornu.training.thread_tuner import ThreadTuner


def small_model():
    model = Sequential([layers.Dense(8, activation="relu", input_shape=(4,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


class Watch(Callback):
    """Records the process settings seen while a batch trains; may raise to stop fit."""

    def __init__(self, error=None):
        super().__init__()
        self.error = error
        self.seen = None

    def on_batch_end(self, batch, logs=None):
        self.seen = (gc.isenabled(), torch.get_num_threads(), flushing_denormals())
        if self.error is not None:
            raise self.error


@pytest.fixture
def two_threads():
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)


@pytest.mark.parametrize("error", [None, RuntimeError("stop"), KeyboardInterrupt()])
def test_fit_changes_settings_only_while_it_runs(two_threads, error):
    x, y = np.ones((8, 4), "float32"), np.ones((8, 1), "float32")
    watch = Watch(error)
    assert gc.isenabled() and not flushing_denormals()
    if error is None:
        small_model().fit(x, y, verbose=0, callbacks=[watch])
    else:
        with pytest.raises(type(error)):
            small_model().fit(x, y, verbose=0, callbacks=[watch])
    assert watch.seen == (False, 1, True)  # paused collector, one thread, flushed denormals
    assert gc.isenabled() and torch.get_num_threads() == 2 and not flushing_denormals()


def test_a_collector_the_user_paused_stays_paused(two_threads):
    gc.disable()
    try:
        small_model().fit(np.ones((8, 4)), np.ones((8, 1)), verbose=0)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_each_thread_gets_its_own_thread_count_back(two_threads):
    inside, leave = threading.Event(), threading.Event()
    seen = {}

    def other():
        torch.set_num_threads(2)
        with RuntimeScope(work_per_batch=10):
            seen["inside"] = torch.get_num_threads()
            inside.set()
            leave.wait()
        seen["after"] = torch.get_num_threads()

    worker = threading.Thread(target=other)
    with RuntimeScope(work_per_batch=10):
        worker.start()
        inside.wait()
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2  # another thread's call does not hold this one
    leave.set()
    worker.join()
    assert seen == {"inside": 1, "after": 2} and torch.get_num_threads() == 2


def test_overlapping_collector_pauses_of_several_threads_restore_it():
    inside, leave = threading.Event(), threading.Event()

    def other():
        with RuntimeScope(work_per_batch=10, training=True):
            inside.set()
            leave.wait()

    worker = threading.Thread(target=other)
    with RuntimeScope(work_per_batch=10, training=True):
        worker.start()
        inside.wait()
    assert not gc.isenabled()  # the other fit still runs
    leave.set()
    worker.join()
    assert gc.isenabled()


@pytest.mark.parametrize("hidden", [3, 300])  # one thread, and the count left as it is
def test_predict_from_eight_threads_returns_the_rows_of_one_thread(hidden):
    model = Sequential([layers.Dense(hidden, activation="relu", input_shape=(20,)),
                        layers.Dense(3, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    rng = np.random.RandomState(0)
    inputs = [rng.randn(rows, 20).astype("float32") for rows in (1, 5, 33, 70, 2, 64, 9, 100)]
    expected = [model.predict(x, batch_size=16) for x in inputs]
    threads_before = torch.get_num_threads()
    results, errors = {}, []
    start = threading.Barrier(8)

    def serve(index):
        try:
            start.wait()
            for repeat in range(25):
                results[(index, repeat)] = model.predict(inputs[index], batch_size=16)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=serve, args=(i,)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    for (index, _), result in results.items():
        np.testing.assert_allclose(result, expected[index], rtol=1e-5, atol=1e-7)
    assert torch.get_num_threads() == threads_before


def test_evaluate_from_several_threads_gives_each_its_own_scores():
    model = small_model()
    rng = np.random.RandomState(1)
    data = [(rng.randn(50, 4).astype("float32"), rng.randn(50, 1).astype("float32"))
            for _ in range(4)]
    expected = [model.evaluate(x, y, verbose=0) for x, y in data]
    results, start = {}, threading.Barrier(4)

    def score(index):
        start.wait()
        results[index] = [model.evaluate(*data[index], verbose=0) for _ in range(20)]

    workers = [threading.Thread(target=score, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for index, values in results.items():
        np.testing.assert_allclose(values, [expected[index]] * 20, rtol=1e-6)


class FakeMachine:
    """A clock and a thread setter: a batch takes ``cost[threads]`` seconds per row."""

    def __init__(self, cost):
        self.cost = cost
        self.now = 0.0
        self.threads = 2
        self.switches = []

    def clock(self):
        return self.now

    def set_threads(self, count):
        self.threads = count
        self.switches.append(count)

    def run(self, tuner, batches, rows=100):
        for _ in range(batches):
            tuner.batch_started()
            self.now += self.cost[self.threads] * rows
            tuner.batch_done(rows)


def test_the_tuner_keeps_all_threads_on_a_quiet_machine():
    machine = FakeMachine({2: 1e-4, 1: 1.6e-4})
    tuner = ThreadTuner(2, clock=machine.clock, set_threads=machine.set_threads)
    machine.run(tuner, 1500)
    assert tuner.choice == 2 and machine.threads == 2
    assert machine.switches.count(1) == 1  # one measurement: speed held, nothing to re-measure
    tuner.close()
    assert machine.threads == 2


def test_the_tuner_takes_one_thread_on_a_busy_machine_and_gives_the_count_back():
    machine = FakeMachine({2: 3e-3, 1: 2e-4})  # spinning threads on a shared core
    tuner = ThreadTuner(2, clock=machine.clock, set_threads=machine.set_threads)
    machine.run(tuner, 60)
    assert tuner.choice == 1 and machine.threads == 1
    machine.cost = {2: 1e-4, 1: 1.6e-4}  # the other process ended
    machine.run(tuner, 2000)
    assert tuner.choice == 2
    tuner.close()
    assert machine.threads == 2


def test_the_tuner_measures_again_at_once_when_the_chosen_count_slows_down():
    machine = FakeMachine({2: 1e-4, 1: 1.6e-4})
    tuner = ThreadTuner(2, clock=machine.clock, set_threads=machine.set_threads)
    machine.run(tuner, 20000)  # quiet for long: no measurement is due
    assert tuner.choice == 2 and tuner.next_probe is None
    machine.cost = {2: 3e-3, 1: 2e-4}  # another process starts: spinning threads
    machine.run(tuner, 3 * thread_tuner.PROBE_BATCHES + 5)
    assert tuner.choice == 1 and machine.threads == 1
    assert tuner.interval == thread_tuner.FIRST_INTERVAL


def test_the_tuner_compares_with_the_usual_speed_since():
    machine = FakeMachine({2: 2e-4, 1: 3.2e-4})  # measured while warming up: slow
    tuner = ThreadTuner(2, clock=machine.clock, set_threads=machine.set_threads)
    machine.run(tuner, 100)
    machine.cost = {2: 1e-4, 1: 1.6e-4}  # warmed up
    machine.run(tuner, 200)
    machine.cost = {2: 1.8e-4, 1: 1.6e-4}  # 1.8x the usual: load arrived
    machine.run(tuner, 3 * thread_tuner.PROBE_BATCHES)
    assert machine.switches.count(1) == 2  # measured again (against 2e-4, 1.8 < 1.5 x 2)


def test_one_lucky_window_does_not_make_the_tuner_jumpy():
    machine = FakeMachine({2: 1e-4, 1: 1.6e-4})
    tuner = ThreadTuner(2, clock=machine.clock, set_threads=machine.set_threads)
    machine.run(tuner, 100)
    machine.cost = {2: 0.5e-4, 1: 1.6e-4}  # one lucky window
    machine.run(tuner, thread_tuner.PROBE_BATCHES)
    machine.cost = {2: 1e-4, 1: 1.6e-4}
    machine.run(tuner, 100)
    machine.cost = {2: 1.2e-4, 1: 1.6e-4}  # ordinary noise: 2.4x the lucky window
    machine.run(tuner, 100)
    assert machine.switches.count(1) == 1  # no measurement beyond the first


def test_the_tuner_measures_one_thread_again_from_time_to_time():
    machine = FakeMachine({2: 3e-3, 1: 2e-4})
    tuner = ThreadTuner(2, clock=machine.clock, set_threads=machine.set_threads)
    machine.run(tuner, 60)
    assert tuner.choice == 1 and tuner.next_probe is not None
    measured = machine.switches.count(2)
    machine.run(tuner, 2000)  # 40 s: measured again, still one thread, less often
    assert machine.switches.count(2) > measured and tuner.choice == 1
    assert tuner.interval > thread_tuner.FIRST_INTERVAL


def test_the_tuner_does_not_measure_again_while_speed_holds():
    machine = FakeMachine({2: 3e-3, 1: 2e-4})
    tuner = ThreadTuner(2, clock=machine.clock, set_threads=machine.set_threads)
    machine.run(tuner, 60)
    assert tuner.choice == 1
    measured = machine.switches.count(2)
    machine.run(tuner, 50)  # 1 s of steady one-thread training, under the first interval
    assert machine.switches.count(2) == measured


def test_the_tuner_ignores_the_batch_right_after_a_switch():
    machine = FakeMachine({2: 1e-4, 1: 1e-4})
    tuner = ThreadTuner(2, clock=machine.clock, set_threads=machine.set_threads)
    for _ in range(thread_tuner.PROBE_BATCHES * 20):
        tuner.batch_started()
        slow = tuner.settling  # a settling batch is slow (pool wake-up) but not counted
        machine.now += (1.0 if slow else machine.cost[machine.threads] * 100)
        tuner.batch_done(100)
    assert tuner.choice == 2


def test_fit_times_batches_only_for_models_worth_several_threads(two_threads, monkeypatch):
    made = []
    original = runtime.ThreadTuner

    def recording(threads):
        made.append(threads)
        return original(threads)

    monkeypatch.setattr(runtime, "ThreadTuner", recording)
    small_model().fit(np.ones((8, 4)), np.ones((8, 1)), verbose=0)
    assert made == []  # one thread anyway
    big = Sequential([layers.Dense(512, input_shape=(784,)), layers.Dense(10)])
    big.compile("sgd", "mse")
    big.fit(np.ones((64, 784)), np.ones((64, 10)), batch_size=32, verbose=0)
    assert made == [2] and torch.get_num_threads() == 2
