"""``offline``: an empty ``KERAS_HOME`` and no network, so that ``weights='imagenet'`` fails the
way it does on a machine that cannot reach GitHub."""
import urllib.error
import urllib.request

import pytest


@pytest.fixture
def offline(home, monkeypatch):
    def unreachable(url, *args, **kwargs):
        raise urllib.error.URLError("no network in the tests")

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    return home
