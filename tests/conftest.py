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
