"""Shared fixtures: every test starts with fresh automatic names and fixed seeds; ``clock``
freezes the progress bar's time."""
import sys

import pytest

from cornu import backend
from cornu.config import metric_names
from cornu.utils import progbar
from cornu.utils.random import set_random_seed
from tests.fake_terminal import FakeClock


@pytest.fixture(autouse=True)
def fresh_session():
    backend.clear_session()
    metric_names.set_metric_names("auto")
    set_random_seed(1234)
    yield
    backend.clear_session()


@pytest.fixture
def clock(monkeypatch):
    """The progress bar's clock, frozen until a test moves ``clock.now``."""
    fake = FakeClock()
    monkeypatch.setattr(progbar, '_clock', fake)
    monkeypatch.delitem(sys.modules, 'ipykernel', raising=False)
    return fake


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty ``KERAS_HOME`` for the test (the dataset cache is ``home / 'datasets'``)."""
    folder = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(folder))
    return folder


@pytest.fixture(params=["auto", "reference", "compiled"])
def every_step(request, monkeypatch):
    """Runs a test under each training step: ``auto`` (an accelerator where one admits the
    model), ``reference`` (no accelerator) and ``compiled`` (``jit_compile=True``; with the
    ``aot_eager`` backend, which traces and differentiates as inductor does but skips its C++
    code generation, so that hundreds of models compile in seconds)."""
    from cornu.training import trainer
    from cornu.training.steps import compiled, select
    if request.param == "reference":
        monkeypatch.setattr(select, "ACCELERATORS", ())
    elif request.param == "compiled":
        monkeypatch.setattr(compiled, "BACKEND", "aot_eager")
        original = select.select_step

        def compiled_step(model, objective, optimizer, run_eagerly=False, jit_compile=False,
                          previous=None):
            return original(model, objective, optimizer, jit_compile=True, previous=previous)

        monkeypatch.setattr(trainer, "select_step", compiled_step)
    return request.param
