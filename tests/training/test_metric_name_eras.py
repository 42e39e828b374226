"""History keys in both Keras eras: Keras 2.2 names (``acc``, ``mean_absolute_error``) until the
program reads a Keras 2.3 name (``accuracy``, ``mae``), then 2.3 names everywhere; or one era
fixed by ``set_metric_names`` or ``CORNU_METRIC_NAMES``."""
import os
import subprocess
import sys

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.callbacks import Callback
from cornu.config import metric_names
from cornu.models import Sequential

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
X = np.random.RandomState(0).randn(40, 9).astype("float32")
Y = (X.sum(1, keepdims=True) > 0).astype("float32")


def model(metrics=("accuracy",)):
    made = Sequential([layers.Dense(8, activation="relu", input_shape=(9,)),
                       layers.Dense(1, activation="sigmoid")])
    made.compile("rmsprop", "binary_crossentropy", metrics=list(metrics))
    return made


def test_the_notebook_written_for_keras_2_3_finds_its_keys(capsys):
    """The seed 000 notebook reads val_accuracy, then loops over the items for 'accuracy'."""
    first = model()
    history = first.fit(X, Y, validation_split=0.25, epochs=3, verbose=0)
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]  # Keras 2.2 names
    val_accuracy = history.history["val_accuracy"][-1]
    assert val_accuracy == history.history["val_acc"][-1]
    plotted = {key: vector for key, vector in history.history.items()
               if key in ["val_accuracy", "accuracy"]}
    assert sorted(plotted) == ["accuracy", "val_accuracy"]
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert first.metrics_names == ["loss", "accuracy"]
    capsys.readouterr()
    second = model().fit(X, Y, validation_split=0.25, epochs=1, verbose=2)
    out = capsys.readouterr().out
    assert " - accuracy: " in out and " - val_accuracy: " in out and "acc:" not in out
    assert list(second.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]


def test_a_keras_2_2_program_keeps_the_2_2_names(capsys):
    history = model().fit(X, Y, epochs=2, verbose=2)
    assert sorted(history.history.keys()) == ["acc", "loss"]
    assert history.history["acc"] == history.history["accuracy"]  # still answered
    assert "accuracy" in history.history and history.history.get("accuracy")
    assert list(history.history) == ["loss", "accuracy"]  # that read was a 2.3 name
    metric_names.set_metric_names("auto")  # a fresh program
    history = model().fit(X, Y, epochs=1, verbose=2)
    assert history.history["acc"] and sorted(history.history) == ["acc", "loss"]
    assert " - acc: " in capsys.readouterr().out


def test_a_defensive_get_of_both_spellings_keeps_the_era():
    """Zero to Deep Learning ch. 11: ``h.history.get('val_acc', h.history.get('val_accuracy'))``."""
    history = model().fit(X, Y, validation_split=0.25, epochs=1, verbose=0)
    value = history.history.get("val_acc", history.history.get("val_accuracy"))
    assert value == history.history.get("val_accuracy") == history.history["val_acc"]
    assert history.history.get("val_precision", "absent") == "absent"
    assert sorted(history.history.keys()) == ["acc", "loss", "val_acc", "val_loss"]


def test_a_name_that_only_differs_by_synonym_does_not_switch():
    history = model(metrics=["acc"]).fit(X, Y, epochs=1, verbose=0)
    assert history.history["accuracy"] == history.history["acc"]
    assert list(history.history) == ["loss", "acc"]
    assert metric_names.era() == "2.2"


def test_mae_switches_the_mean_absolute_error_key():
    regression = Sequential([layers.Dense(1, input_shape=(9,))])
    regression.compile("sgd", "mse", metrics=["mae"])
    history = regression.fit(X, Y, validation_split=0.25, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "mean_absolute_error", "val_loss",
                                     "val_mean_absolute_error"]
    assert history.history["val_mae"]
    assert list(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert regression.metrics_names == ["loss", "mae"]


def test_a_callback_reading_a_2_3_name_switches_the_logs_and_history():
    seen = []

    class Monitor(Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((logs.get("val_accuracy"), sorted(logs)))

    history = model().fit(X, Y, validation_split=0.25, epochs=3, verbose=0,
                          callbacks=[Monitor()])
    assert all(value is not None for value, _ in seen)
    assert seen[0][1] == ["acc", "loss", "val_acc", "val_loss"]
    assert seen[1][1] == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert len(history.history["accuracy"]) == 3


@pytest.mark.parametrize("era, names", [("2.2", ["loss", "acc"]), ("2.3", ["loss", "accuracy"])])
def test_set_metric_names_fixes_the_era(era, names):
    cornu.set_metric_names(era)
    history = model().fit(X, Y, epochs=1, verbose=0)
    history.history.get("accuracy"), history.history.get("acc")  # reads change nothing
    assert list(history.history) == names
    assert metric_names.era() == era


def test_an_unknown_era_is_refused():
    with pytest.raises(ValueError, match="'2.2' .* '2.3' .* 'auto'"):
        cornu.set_metric_names("3")


def test_the_environment_variable_picks_the_era():
    program = ("from cornu.config import metric_names; "
               "print(metric_names.metric_names_setting(), metric_names.era())")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=REPO, CORNU_METRIC_NAMES="2.3"),
                            timeout=120)
    assert result.stdout.split() == ["2.3", "2.3"], result.stderr
