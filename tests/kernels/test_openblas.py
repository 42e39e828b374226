"""NumPy's OpenBLAS kept on the calling thread for the products cornu gives it."""
import threading

import numpy as np
import pytest

from cornu.kernels import openblas
from cornu.kernels.openblas import numpy_blas_one_thread

needs_openblas_setter = pytest.mark.skipif(
    openblas._SET_OPENBLAS_THREADS is None,
    reason="this NumPy's BLAS has no per-thread thread count (OpenBLAS >= 0.3.27 has one)")


@needs_openblas_setter
def test_numpy_blas_one_thread_switches_openblas_and_restores_it():
    setter = openblas._SET_OPENBLAS_THREADS
    original = setter(1)
    setter(original)
    a = np.random.RandomState(0).rand(256, 1024).astype("float32")
    b = np.random.RandomState(1).rand(1024, 10).astype("float32")
    with numpy_blas_one_thread():
        product = a @ b
        inside = setter(1)
    after = setter(1)
    setter(after)
    assert (inside, after) == (1, original)
    np.testing.assert_allclose(product, a.astype("float64") @ b, rtol=1e-5)


class FakeOpenBlas:
    """A thread count with OpenBLAS's setter: it returns the previous count."""

    def __init__(self, count):
        self.count = count
        self.calls = []

    def __call__(self, count):
        self.calls.append(count)
        previous, self.count = self.count, count
        return previous


def test_numpy_blas_one_thread_only_when_needed(monkeypatch):
    fake = FakeOpenBlas(4)
    monkeypatch.setattr(openblas, "_SET_OPENBLAS_THREADS", fake)
    with numpy_blas_one_thread(needed=False):
        assert fake.calls == []
    with numpy_blas_one_thread():
        assert fake.count == 1
    assert fake.count == 4  # the count found on entry comes back
    monkeypatch.setattr(openblas, "_SET_OPENBLAS_THREADS", None)  # another BLAS
    with numpy_blas_one_thread():
        pass


def test_overlapping_blocks_of_several_threads_restore_the_count(monkeypatch):
    fake = FakeOpenBlas(8)
    monkeypatch.setattr(openblas, "_SET_OPENBLAS_THREADS", fake)
    entered, leave = threading.Event(), threading.Event()

    def other():
        with numpy_blas_one_thread():
            entered.set()
            leave.wait()

    worker = threading.Thread(target=other)
    with numpy_blas_one_thread():
        worker.start()
        entered.wait()
    assert fake.count == 1  # the other thread's block still runs
    leave.set()
    worker.join()
    assert fake.count == 8
