"""The first hour of a new user: every mistake gets a message saying what happened, what was
expected and how to fix it."""
import warnings

import numpy as np
import pytest

from cornu import activations, layers, metrics, optimizers
from cornu.cli import main
from cornu.models import Sequential, model_from_json


def compiled():
    model = Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse")
    return model


def test_fit_without_targets_says_so():
    with pytest.raises(ValueError, match=r"fit\(\) needs the targets too: call fit\(x, y\)"):
        compiled().fit(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"evaluate\(\) needs the targets"):
        compiled().evaluate(np.ones((4, 3)))


def test_no_inputs_at_all_says_so():
    with pytest.raises(ValueError, match="No data given for x"):
        compiled().fit(None, np.ones((4, 1)))


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_empty_arrays_say_there_is_no_sample(method):
    model = compiled()
    x, y = np.ones((0, 3)), np.ones((0, 1))
    call = {"fit": lambda: model.fit(x, y, verbose=0),
            "evaluate": lambda: model.evaluate(x, y, verbose=0),
            "predict": lambda: model.predict(x)}[method]
    with pytest.raises(ValueError, match=rf"{method}\(\) got no samples.*shape \(0, 3\)"):
        call()


def test_nan_in_the_inputs_warns_naming_the_array_and_the_count():
    x = np.ones((10, 3), "float32")
    x[2, 1] = np.nan
    x[5, 0] = np.inf
    with pytest.warns(RuntimeWarning, match=r"x \(for 'dense_1_input'\) holds 1 NaN and 1 "
                                            r"infinite values out of 30"):
        compiled().fit(x, np.ones((10, 1)), verbose=0)
    y = np.ones((10, 1))
    y[0] = np.nan
    with pytest.warns(RuntimeWarning, match=r"y \(for 'dense_\d+'\) holds 1 NaN"):
        compiled().fit(np.ones((10, 3)), y, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled().fit(np.ones((10, 3)), np.ones((10, 1)), verbose=0)


def test_a_misspelled_layer_keyword_gets_a_suggestion_and_the_real_list():
    with pytest.raises(TypeError) as info:
        layers.Dense(10, activaton="relu")
    message = str(info.value)
    assert "'activaton' (in Dense). Did you mean 'activation'?" in message
    assert "units" in message and "activation" in message and "input_shape" in message


def test_a_misspelled_fit_argument_gets_a_suggestion():
    with pytest.raises(TypeError, match="'epoch'. Did you mean 'epochs'?"):
        compiled().fit(np.ones((4, 3)), np.ones((4, 1)), epoch=5)
    with pytest.raises(TypeError, match="'batchsize'. Did you mean 'batch_size'?"):
        compiled().fit(np.ones((4, 3)), np.ones((4, 1)), batchsize=5)


def test_a_misspelled_metric_suggests_accuracy():
    model = Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(ValueError, match="'acuracy'. Did you mean 'accuracy'?"):
        model.compile("sgd", "mse", metrics=["acuracy"])
    with pytest.raises(ValueError, match="Did you mean 'accuracy'?"):
        metrics.get("Accuracy")


def test_an_activation_in_the_wrong_case_suggests_the_right_one():
    with pytest.raises(ValueError, match="'Relu'. Did you mean 'relu'?"):
        activations.get("Relu")
    with pytest.raises(ValueError, match="Did you mean 'softmax'?"):
        layers.Dense(3, activation="sofmax")


def test_an_unknown_optimizer_gets_a_suggestion():
    with pytest.raises(ValueError, match="Unknown optimizer: 'rmsprob'. Did you mean 'rmsprop'?"):
        compiled().compile("rmsprob", "mse")
    assert isinstance(optimizers.get("RMSProp"), optimizers.RMSprop)  # any case


def negate(x):
    return -x


def test_model_from_json_takes_safe_mode():
    model = Sequential([layers.Lambda(negate, input_shape=(2,))])
    text = model.to_json()
    with pytest.raises(ValueError, match="safe_mode=False"):
        model_from_json(text)
    rebuilt = model_from_json(text, safe_mode=False)
    np.testing.assert_allclose(rebuilt.predict(np.ones((1, 2))), [[-1.0, -1.0]])


def test_cornu_run_help_prints_the_usage(capsys):
    assert main(["run", "--help"]) == 0
    assert main(["run", "-h"]) == 0
    out = capsys.readouterr().out
    assert out.count("usage: cornu run script.py") == 2
