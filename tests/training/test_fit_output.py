"""What fit/evaluate print: the Keras 2 banner, epoch lines and progress bars."""
import re

import numpy as np
import pytest

from cornu import layers
from cornu.models import Sequential

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")


def _model():
    model = Sequential([layers.Dense(2, activation="softmax", input_shape=(3,))])
    model.compile("rmsprop", "categorical_crossentropy", metrics=["acc"])
    return model


X = np.random.RandomState(0).rand(100, 3).astype("float32")
Y = np.eye(2)[np.random.RandomState(1).randint(0, 2, 100)]


def test_verbose_1_to_a_file_prints_one_bar_line_per_epoch(capsys):
    _model().fit(X, Y, batch_size=16, epochs=2, validation_split=0.2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Train on 80 samples, validate on 20 samples"
    assert lines[1] == "Epoch 1/2"
    bar = re.compile(r"^80/80 \[={30}\] - \d+s \d+(us|ms)/step - loss: \d\.\d{4} - acc: "
                     r"\d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$")
    assert bar.match(lines[2]), lines[2]
    assert lines[3] == "Epoch 2/2"
    assert bar.match(lines[4]), lines[4]
    assert len(lines) == 5


def test_verbose_2_prints_one_summary_line_per_epoch(capsys):
    _model().fit(X, Y, batch_size=16, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert re.match(r"^ - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4}$", lines[1]), lines[1]
    assert len(lines) == 4


def test_verbose_0_prints_nothing(capsys):
    _model().fit(X, Y, epochs=2, validation_split=0.1, verbose=0)
    assert capsys.readouterr().out == ""


def test_no_banner_without_validation(capsys):
    _model().fit(X, Y, epochs=1, verbose=1)
    assert capsys.readouterr().out.splitlines()[0] == "Epoch 1/1"


def test_epoch_line_values_are_the_history_values(capsys):
    history = _model().fit(X, Y, batch_size=16, epochs=1, verbose=1)
    line = capsys.readouterr().out.splitlines()[1]
    assert f"loss: {history.history['loss'][0]:.4f}" in line
    assert f"acc: {history.history['acc'][0]:.4f}" in line


def test_evaluate_verbose_prints_a_sample_bar(capsys):
    _model().evaluate(X, Y, batch_size=32)
    out = capsys.readouterr().out.strip()
    assert re.match(r"^100/100 \[={30}\] - \d+s \d+(us|ms)/step$", out), out
