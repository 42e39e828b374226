"""A bounded fuzzing pass over the ``.keras`` reader: damaged copies of a real archive
(truncated, bytes flipped, blocks zeroed, garbage appended) and of its JSON members either load
or raise ``SavedFileError``, and a refused load leaves the target model as it was. Each case runs
in a forked process under a time limit, as in ``test_fuzz.py`` (libhdf5 can hang natively on a
damaged weights member)."""
import json
import os
import random
import time
import zipfile

import numpy as np
import pytest

from tests.saving.test_fuzz import (CHANGED_MODEL, LOADED, OTHER_ERROR, REFUSED, build,
                                    damaged, load_in_child)

SECONDS = 3.0


def damaged_json(data, chooser):
    """A config whose values are swapped for values of other types, as text."""
    config = json.loads(data)
    layer = chooser.choice(config["config"]["layers"])
    key = chooser.choice(sorted(layer["config"]) or ["name"])
    layer["config"][key] = chooser.choice([None, -1, "x", [], {}, 1e300, [None, -2]])
    return json.dumps(config).encode()


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    model = build(filters=2, side=5)
    rng = np.random.default_rng(0)
    model.fit(rng.standard_normal((4, 5, 5, 1)), np.eye(3)[rng.integers(0, 3, 4)], verbose=0)
    model.save(str(folder / "model.keras"))
    return (folder / "model.keras").read_bytes()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="each case runs in a forked process")
def test_damaged_archives_load_or_raise_saved_file_error(tmp_path, original):
    chooser = random.Random(11)
    target = build(filters=2, side=5)
    deadline = time.monotonic() + SECONDS
    outcomes = []
    while time.monotonic() < deadline:
        path = tmp_path / f"{len(outcomes)}.keras"
        if chooser.random() < 0.3:
            with zipfile.ZipFile(path, "w") as archive, \
                    zipfile.ZipFile(_original(tmp_path, original)) as src:
                for name in src.namelist():
                    data = src.read(name)
                    archive.writestr(name, damaged_json(data, chooser)
                                     if name == "config.json" else data)
        else:
            path.write_bytes(damaged(original, chooser))
        use_model = chooser.random() < 0.7
        outcomes.append(load_in_child(path, use_model, target))
        if outcomes[-1] in (LOADED, REFUSED):
            path.unlink()
    assert OTHER_ERROR not in outcomes, "an error other than SavedFileError (traceback above)"
    assert CHANGED_MODEL not in outcomes, "a refused load changed the model"
    assert len(outcomes) >= 10 and outcomes.count(REFUSED) >= 3
    assert sum(outcome < 0 for outcome in outcomes) <= len(outcomes) // 10


def _original(folder, data):
    path = folder / "original.keras"
    if not path.exists():
        path.write_bytes(data)
    return path
