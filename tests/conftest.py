"""Shared fixtures: every test starts with fresh automatic names and fixed seeds."""
import pytest

from cornu import backend
from cornu.utils.random import set_random_seed


@pytest.fixture(autouse=True)
def fresh_session():
    backend.clear_session()
    set_random_seed(1234)
    yield
    backend.clear_session()
