"""Batches cut from arrays: views made once when unshuffled, gathered when shuffled, the
steps per epoch carried across epochs."""
import numpy as np

from cornu.training.data.array_adapter import ArrayAdapter, BatchStream, batch_shuffle


def test_batch_stream_chunks_are_views_made_once():
    x = np.arange(10, dtype="float32").reshape(5, 2)
    stream = BatchStream([x, None], 2, False, None)
    first = stream.chunks(2)
    assert stream.chunks(2) is first
    assert [c[0].shape[0] for c in first] == [2, 2, 1] and first[0][1] is None
    assert [c[0].shape[0] for c in stream.chunks(4)] == [4, 1]
    x[0, 0] = 42.0  # views of the caller's array
    assert first[0][0][0, 0].item() == 42.0
    assert [b[0].shape[0] for b in stream.epoch()] == [2, 2, 1]


def test_steps_per_epoch_carry_on_where_the_last_epoch_stopped():
    x = np.arange(10, dtype="float32").reshape(5, 2)
    stream = BatchStream([x], 2, False, steps=2)
    first = [b[0][:, 0].tolist() for b in stream.epoch()]
    second = [b[0][:, 0].tolist() for b in stream.epoch()]
    assert first == [[0.0, 2.0], [4.0, 6.0]] and second == [[8.0], [0.0, 2.0]]


def test_batch_shuffle_keeps_chunks_whole_and_the_tail_last():
    np.random.seed(0)
    order = batch_shuffle(np.arange(10), 3)
    chunks = [order[i:i + 3].tolist() for i in range(0, 9, 3)]
    assert sorted(chunks) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]] and order[9] == 9


def test_large_data_is_gathered_batch_by_batch(monkeypatch):
    from cornu.training.data import array_adapter
    monkeypatch.setattr(array_adapter, "_WHOLE_EPOCH_GATHER_BYTES", 0)
    x = np.arange(20, dtype="float32").reshape(10, 2)
    np.random.seed(1)
    adapter = ArrayAdapter([x], [x[:, :1]], [None], batch_size=4, shuffle=True)
    rows = [xs[0][:, 0].tolist() for xs, ys, _ in adapter.epoch()]
    assert sorted(v for batch in rows for v in batch) == list(range(0, 20, 2))
    assert [len(batch) for batch in rows] == [4, 4, 2]
