"""``keras.utils.Sequence``, ``OrderedEnqueuer`` and ``GeneratorEnqueuer`` used directly."""
import itertools

import numpy as np
import pytest

from cornu.utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence
from cornu.utils.data_utils import Sequence as SequenceFromDataUtils


class Numbers(Sequence):
    def __init__(self, count):
        self.count = count
        self.passes = 0

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        return np.array([index + 100 * self.passes])

    def on_epoch_end(self):
        self.passes += 1


def test_sequence_base_class():
    assert SequenceFromDataUtils is Sequence
    with pytest.raises(NotImplementedError, match="__len__"):
        len(Sequence())
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Sequence()[0]
    assert [int(b[0]) for b in Numbers(3)] == [0, 1, 2]


@pytest.mark.parametrize("use_multiprocessing", [False, True])
def test_ordered_enqueuer_gives_the_batches_in_order_pass_after_pass(use_multiprocessing):
    numbers = Numbers(4)
    enqueuer = OrderedEnqueuer(numbers, use_multiprocessing=use_multiprocessing)
    enqueuer.start(workers=2, max_queue_size=3)
    assert enqueuer.is_running()
    taken = [int(b[0]) for b in itertools.islice(enqueuer.get(), 8)]
    enqueuer.stop()
    assert not enqueuer.is_running()
    assert taken == [0, 1, 2, 3, 100, 101, 102, 103]  # on_epoch_end ran between the passes


def test_enqueuers_in_processes_at_once_each_fetch_from_their_own_sequence():
    # training and validation Sequences in worker processes at the same time: each pass forks
    # a pool, and each pool's workers must read their own enqueuer's Sequence
    short, longer = Numbers(2), Numbers(5)
    longer.passes = 10
    first = OrderedEnqueuer(short, use_multiprocessing=True)
    second = OrderedEnqueuer(longer, use_multiprocessing=True)
    first.start(workers=2, max_queue_size=2)
    second.start(workers=2, max_queue_size=2)
    from_first, from_second = first.get(), second.get()
    taken_first, taken_second = [], []
    for _ in range(6):
        taken_first.append(int(next(from_first)[0]))
        taken_second.append(int(next(from_second)[0]))
    first.stop()
    second.stop()
    assert taken_first == [0, 1, 100, 101, 200, 201]
    assert taken_second == [1000, 1001, 1002, 1003, 1004, 1100]


def test_ordered_enqueuer_shuffles_each_pass():
    enqueuer = OrderedEnqueuer(Numbers(6), shuffle=True)
    enqueuer.start(workers=1)
    taken = [int(b[0]) % 100 for b in itertools.islice(enqueuer.get(), 18)]
    enqueuer.stop()
    passes = [taken[i:i + 6] for i in range(0, 18, 6)]
    assert all(sorted(p) == list(range(6)) for p in passes)
    assert len({tuple(p) for p in passes}) > 1


def test_generator_enqueuer_runs_a_generator_to_its_end():
    enqueuer = GeneratorEnqueuer(iter(range(20)))
    enqueuer.start(workers=3, max_queue_size=2)
    assert sorted(enqueuer.get()) == list(range(20))
    enqueuer.stop()


def test_generator_enqueuer_raises_the_generators_error():
    def broken():
        yield 1
        raise KeyError("missing file")

    enqueuer = GeneratorEnqueuer(broken())
    enqueuer.start()
    with pytest.raises(KeyError, match="missing file"):
        list(enqueuer.get())
    enqueuer.stop()


def test_generator_enqueuer_in_processes_warns_about_duplicates():
    enqueuer = GeneratorEnqueuer(iter(range(5)), use_multiprocessing=True, seed=3)
    with pytest.warns(UserWarning, match="duplicate your data"):
        enqueuer.start(workers=2)
    assert sorted(enqueuer.get()) == sorted(list(range(5)) * 2)  # each process its own copy
    enqueuer.stop()
