"""Denormal flushing on torch's OpenMP worker threads as well as on the calling thread, while
``fit`` trains and not after."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.callbacks import Callback
from cornu.models import Sequential
from cornu.training.runtime import RuntimeScope, flushing_denormals
from cornu.training.worker_threads import set_team_flush_denormal

DENORMAL = 1e-39
# large enough that torch splits the product over its threads
SIZE = 1 << 20


SOURCE = torch.full((SIZE,), DENORMAL, dtype=torch.float32)   # made while nothing flushes


def denormals_kept():
    """How many denormals survive an elementwise product that every worker thread shares."""
    return int((SOURCE * 1.0 != 0).sum())


@pytest.fixture
def two_threads():
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    torch.full((SIZE,), 1.0) * 1.0             # the worker team exists before any flushing
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def unflushed_team(two_threads):
    """Two threads whose workers compute on denormals; skips where torch's OpenMP runtime is
    not libgomp (``set_team_flush_denormal`` cannot reach the workers there)."""
    if not set_team_flush_denormal(False, 2):
        pytest.skip("torch's OpenMP runtime here is not libgomp")


def test_team_flushing_reaches_every_worker_and_can_be_undone(unflushed_team):
    set_team_flush_denormal(True, 2)
    try:
        torch.set_flush_denormal(True)
        assert denormals_kept() == 0
    finally:
        torch.set_flush_denormal(False)
        set_team_flush_denormal(False, 2)
    assert denormals_kept() == SIZE


def test_the_calling_thread_alone_leaves_workers_on_denormals(unflushed_team):
    torch.set_flush_denormal(True)
    try:
        kept = denormals_kept()
    finally:
        torch.set_flush_denormal(False)
    assert 0 < kept < SIZE                      # the worker's share kept its denormals


class Probe(Callback):
    def on_batch_end(self, batch, logs=None):
        self.kept = denormals_kept()


def test_fit_flushes_on_its_workers_while_it_trains_only(unflushed_team):
    model = Sequential([layers.Dense(256, input_shape=(512,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    probe = Probe()
    model.fit(np.ones((64, 512), "float32"), np.ones((64, 1), "float32"), batch_size=64,
              verbose=0, callbacks=[probe])
    assert probe.kept == 0
    assert not flushing_denormals() and denormals_kept() == SIZE


def test_a_scope_on_one_thread_leaves_the_workers_alone(two_threads):
    with RuntimeScope(work_per_batch=10, training=True):
        assert torch.get_num_threads() == 1 and flushing_denormals()
    assert denormals_kept() == SIZE
