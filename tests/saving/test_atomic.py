"""Saves are atomic: a save killed at any moment, or failing half-way, leaves the previous file
whole; ``overwrite=False`` asks as Keras 2 does, and says so where nobody can answer."""
import builtins
import os
import random
import signal
import time

import numpy as np
import pytest

from cornu import layers
from cornu.models import Model, Sequential, load_model
from cornu.saving import hdf5_weights


def model_with(value):
    """A model of about 2 MB whose every weight holds ``value``."""
    model = Sequential([layers.Dense(512, input_shape=(256,)), layers.Dense(512),
                        layers.Dense(256)])
    model.set_weights([np.full(w.shape, value, dtype="float32") for w in model.get_weights()])
    return model


def constant_of(model):
    values = np.unique(np.concatenate([w.ravel() for w in model.get_weights()]))
    assert len(values) == 1, f"a mixed file: {values[:5]}"
    return float(values[0])


def temporary_files(folder):
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill test forks a saving process")
def test_killing_a_process_mid_save_never_damages_the_file(tmp_path):
    target = str(tmp_path / "model.h5")
    first, second = model_with(1.0), model_with(2.0)
    first.save(target)
    chooser = random.Random(0)
    deadline = time.monotonic() + 6.0
    kills = 0
    while kills < 40 and time.monotonic() < deadline:
        pid = os.fork()
        if pid == 0:  # the child saves the two models in turn until it is killed
            try:
                while True:
                    first.save(target)
                    second.save(target)
            finally:
                os._exit(1)
        time.sleep(chooser.uniform(0.0, 0.04))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        kills += 1
        assert constant_of(load_model(target, compile=False)) in (1.0, 2.0)
    assert kills >= 10
    leftovers = temporary_files(tmp_path)
    assert all(name.startswith(".model.h5.") for name in leftovers)


def test_a_failing_save_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    target = str(tmp_path / "weights.h5")
    model_with(1.0).save_weights(target)

    def broken(group, layers):
        group.create_dataset("half", data=np.zeros(10))
        raise RuntimeError("disk full")
    monkeypatch.setattr(hdf5_weights, "write_layer_weights", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        model_with(2.0).save_weights(target)
    monkeypatch.undo()
    check = model_with(0.0)
    check.load_weights(target)
    assert constant_of(check) == 1.0
    assert temporary_files(tmp_path) == []


def test_saving_a_subclassed_model_fails_before_touching_the_file(tmp_path):
    class Net(Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, inputs, training=None, mask=None):
            return self.dense(inputs)
    target = str(tmp_path / "model.h5")
    model_with(1.0).save(target)
    net = Net()
    net.build((None, 3))
    with pytest.raises(NotImplementedError, match="subclassed"):
        net.save(target)
    assert constant_of(load_model(target, compile=False)) == 1.0
    assert temporary_files(tmp_path) == []


def test_missing_folders_are_created(tmp_path):
    target = tmp_path / "runs" / "1" / "model.h5"
    model_with(3.0).save(str(target))
    assert constant_of(load_model(str(target), compile=False)) == 3.0


def test_saving_onto_a_folder_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="folder"):
        model_with(1.0).save(str(tmp_path))


def test_overwrite_false_without_a_terminal_raises_and_keeps_the_file(tmp_path, monkeypatch):
    target = str(tmp_path / "w.h5")
    model_with(1.0).save_weights(target)

    def no_terminal(prompt=""):
        raise EOFError("EOF when reading a line")
    monkeypatch.setattr(builtins, "input", no_terminal)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model_with(2.0).save_weights(target, overwrite=False)
    check = model_with(0.0)
    check.load_weights(target)
    assert constant_of(check) == 1.0


def test_overwrite_false_asks_and_obeys(tmp_path, monkeypatch, capsys):
    target = str(tmp_path / "m.h5")
    model_with(1.0).save(target)
    answers = iter(["maybe", "n", "y"])
    prompts = []

    def answer(prompt=""):
        prompts.append(prompt)
        return next(answers)
    monkeypatch.setattr(builtins, "input", answer)
    model_with(2.0).save(target, overwrite=False)  # "maybe" is asked again, then "n"
    assert prompts == [f"[WARNING] {target} already exists - overwrite? [y/n]",
                       'Enter "y" (overwrite) or "n" (cancel).']
    assert constant_of(load_model(target, compile=False)) == 1.0
    model_with(2.0).save(target, overwrite=False)
    assert constant_of(load_model(target, compile=False)) == 2.0
    assert "[TIP] Next time specify overwrite=True!" in capsys.readouterr().out


def test_overwrite_false_on_a_new_file_just_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(builtins, "input", lambda prompt="": pytest.fail("asked"))
    model_with(4.0).save(str(tmp_path / "new.h5"), overwrite=False)
    assert constant_of(load_model(str(tmp_path / "new.h5"), compile=False)) == 4.0
