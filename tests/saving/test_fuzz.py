"""A bounded fuzzing pass: damaged copies of real model and weight files (truncated, bytes
flipped, blocks zeroed, garbage appended) either load or raise ``SavedFileError``, and a load
that fails leaves the model as it was; hostile configs (wrong types, impossible shapes, unknown
names, a Lambda calling ``os.system``) raise ``SavedFileError`` too.

libhdf5 itself can loop forever on some damaged files (found here: a zeroed global-heap object
header hangs the read of a string attribute); Python cannot interrupt that, so each case runs in
a forked process under a time limit, and such native hangs are counted apart (rare)."""
import json
import os
import random
import signal
import time
import traceback
import warnings

import h5py
import numpy as np
import pytest

from cornu import layers
from cornu.models import Sequential, load_model
from cornu.saving.errors import SavedFileError

SECONDS = 3.0
CASE_SECONDS = 2


def build(filters=4, side=6):
    """A small compiled convnet with batch normalisation: the model the fuzz passes damage."""
    model = Sequential([layers.Conv2D(filters, 3, input_shape=(side, side, 1)),
                        layers.BatchNormalization(), layers.Flatten(),
                        layers.Dense(3, activation="softmax")])
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    return model


def damaged(data, chooser):
    """A damaged copy of ``data`` (bytes)."""
    kind = chooser.choice(["truncate", "flip", "zero", "append", "flip_many"])
    data = bytearray(data)
    if kind == "truncate":
        return bytes(data[:chooser.randrange(len(data))])
    if kind == "append":
        return bytes(data) + bytes(chooser.randrange(256) for _ in range(chooser.randrange(1, 64)))
    if kind == "zero":
        start = chooser.randrange(len(data))
        end = min(len(data), start + chooser.randrange(1, 256))
        data[start:end] = bytes(end - start)
        return bytes(data)
    for _ in range(1 if kind == "flip" else chooser.randrange(2, 40)):
        position = chooser.randrange(len(data))
        data[position] ^= 1 << chooser.randrange(8)
    return bytes(data)


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("originals")
    model = build()
    rng = np.random.default_rng(0)
    model.fit(rng.standard_normal((8, 6, 6, 1)), np.eye(3)[rng.integers(0, 3, 8)], verbose=0)
    model.save(str(folder / "model.h5"))
    model.save_weights(str(folder / "weights.h5"))
    return {name: (folder / name).read_bytes() for name in ("model.h5", "weights.h5")}


LOADED, REFUSED, OTHER_ERROR, CHANGED_MODEL = 0, 1, 2, 3


def load_in_child(path, use_model, target):
    """Loads in a forked process, whose exit code says what happened: a damaged file can make
    libhdf5 itself loop forever (e.g. a zeroed global-heap object header), which no check in
    Python can interrupt, so each case runs under a time limit."""
    pid = os.fork()
    if pid == 0:
        code = OTHER_ERROR
        try:
            signal.alarm(CASE_SECONDS)
            before = [w.copy() for w in target.get_weights()]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    load_model(str(path)) if use_model else target.load_weights(str(path))
                    code = LOADED
                except SavedFileError:
                    same = all(np.array_equal(a, b) for a, b in zip(before, target.get_weights()))
                    code = REFUSED if same else CHANGED_MODEL
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="each case runs in a forked process")
def test_damaged_files_load_or_raise_saved_file_error(tmp_path, originals):
    chooser = random.Random(2024)
    target = build()
    deadline = time.monotonic() + SECONDS
    outcomes = []
    while time.monotonic() < deadline:
        name = chooser.choice(sorted(originals))
        use_model = name == "model.h5" and chooser.random() < 0.5
        path = tmp_path / f"{len(outcomes)}_{name}"
        path.write_bytes(damaged(originals[name], chooser))
        outcomes.append(load_in_child(path, use_model, target))
        if outcomes[-1] in (LOADED, REFUSED):
            path.unlink()
    assert OTHER_ERROR not in outcomes, "an error other than SavedFileError (traceback above)"
    assert CHANGED_MODEL not in outcomes, "a refused load changed the model"
    native_failures = [outcome for outcome in outcomes if outcome < 0]  # libhdf5 hangs
    assert len(outcomes) >= 20 and outcomes.count(REFUSED) >= 5
    assert len(native_failures) <= len(outcomes) // 10


HOSTILE_MODEL_CONFIGS = {
    "units not a number": lambda c: c["config"]["layers"][0]["config"].update(units="abc"),
    "negative units": lambda c: c["config"]["layers"][0]["config"].update(units=-3),
    "negative input size": lambda c: c["config"]["layers"][0]["config"].update(
        batch_input_shape=[None, 6, 6, -5]),
    "layers not a list": lambda c: c["config"].update(layers=5),
    "class name not text": lambda c: c.update(class_name=5),
    "a layer as a bare name": lambda c: c["config"]["layers"].__setitem__(0, "Dense"),
    "misspelled activation": lambda c: c["config"]["layers"][3]["config"].update(
        activation="sotfmax"),
    "Lambda calling os.system": lambda c: c["config"]["layers"].insert(0, {
        "class_name": "Lambda", "config": {"function": "system", "module": "os",
                                           "function_type": "function", "name": "evil"}}),
}

HOSTILE_TRAINING_CONFIGS = {
    "a list": [1],
    "optimizer as text": {"optimizer_config": "adam"},
    "loss for an unknown output": {"optimizer_config": {"class_name": "Adam", "config": {}},
                                   "loss": {"nowhere": "mse"}},
    "metrics as a number": {"optimizer_config": {"class_name": "Adam", "config": {}},
                            "loss": "mse", "metrics": 5},
    "learning rate as text": {"optimizer_config": {"class_name": "Adam",
                                                   "config": {"lr": "fast"}}, "loss": "mse"},
}


@pytest.mark.parametrize("case", sorted(HOSTILE_MODEL_CONFIGS) + sorted(HOSTILE_TRAINING_CONFIGS))
def test_hostile_configs_raise_saved_file_error(tmp_path, originals, case):
    path = tmp_path / "hostile.h5"
    path.write_bytes(originals["model.h5"])
    with h5py.File(path, "a") as f:
        if case in HOSTILE_MODEL_CONFIGS:
            config = json.loads(f.attrs["model_config"])
            HOSTILE_MODEL_CONFIGS[case](config)
            f.attrs["model_config"] = json.dumps(config).encode()
        else:
            f.attrs["training_config"] = json.dumps(HOSTILE_TRAINING_CONFIGS[case]).encode()
    with pytest.raises(SavedFileError, match="hostile.h5"):
        load_model(str(path))
