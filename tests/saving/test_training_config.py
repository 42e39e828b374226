"""Saved ``compile`` settings back to ``compile`` arguments, from Keras 2 and tf.keras files."""
import numpy as np
import pytest

from cornu import optimizers
from cornu.saving.errors import SavedFileError
from cornu.saving.optimizer_state import _keras_2_order
from cornu.saving.training_config import compile_arguments

KERAS_2 = {"optimizer_config": {"class_name": "RMSprop",
                                "config": {"lr": 0.001, "rho": 0.9, "decay": 0.0,
                                           "epsilon": 1e-07}},
           "loss": "binary_crossentropy", "metrics": ["acc"], "weighted_metrics": None,
           "sample_weight_mode": None, "loss_weights": None}

TF_KERAS = {"loss": "mse",
            "metrics": [[{"class_name": "MeanMetricWrapper",
                          "config": {"name": "accuracy", "dtype": "float32",
                                     "fn": "categorical_accuracy"}},
                         {"class_name": "MeanMetricWrapper",
                          "config": {"name": "my_mae", "dtype": "float32",
                                     "fn": "mean_absolute_error"}}]],
            "weighted_metrics": None, "loss_weights": None,
            "optimizer_config": {"class_name": "Custom>Adam", "config": {
                "name": "Adam", "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                "ema_overwrite_frequency": None, "jit_compile": False,
                "is_legacy_optimizer": False, "learning_rate": 0.0010000000474974513,
                "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}}}


def test_keras_2_training_config():
    arguments = compile_arguments(KERAS_2, ["dense_2"], "m.h5")
    assert isinstance(arguments["optimizer"], optimizers.RMSprop)
    assert arguments["optimizer"].get_config()["rho"] == pytest.approx(0.9)
    assert arguments["loss"] == "binary_crossentropy" and arguments["metrics"] == ["acc"]


def test_tf_keras_training_config():
    arguments = compile_arguments(TF_KERAS, ["dense_2"], "m.h5")
    optimizer = arguments["optimizer"]
    assert isinstance(optimizer, optimizers.Adam) and not optimizer.amsgrad
    assert float(optimizer.lr) == pytest.approx(0.001)
    assert arguments["metrics"] == ["accuracy", "mean_absolute_error"]


def test_tf_keras_metrics_per_output_become_a_dict():
    config = {**TF_KERAS, "metrics": [["mae"], ["accuracy"]]}
    assert compile_arguments(config, ["a", "b"], "m.h5")["metrics"] == \
        {"a": ["mae"], "b": ["accuracy"]}


def test_settings_cornu_cannot_honour_are_refused():
    config = {**TF_KERAS, "optimizer_config": {
        "class_name": "Adam", "config": {**TF_KERAS["optimizer_config"]["config"],
                                         "weight_decay": 0.004}}}
    with pytest.raises(SavedFileError, match=r"m\.h5.*Adam.*weight_decay.*compile=False"):
        compile_arguments(config, ["d"], "m.h5")
    schedule = {**TF_KERAS, "optimizer_config": {"class_name": "SGD", "config": {
        "learning_rate": {"class_name": "ExponentialDecay", "config": {}}}}}
    with pytest.raises(SavedFileError, match="schedule"):
        compile_arguments(schedule, ["d"], "m.h5")


def test_malformed_training_configs():
    with pytest.raises(SavedFileError, match="optimizer_config"):
        compile_arguments(["not", "a", "dict"], ["d"], "m.h5")
    with pytest.raises(SavedFileError, match="optimizer_config should be"):
        compile_arguments({"optimizer_config": "adam"}, ["d"], "m.h5")
    with pytest.raises(SavedFileError, match="Did you mean 'adam'"):
        compile_arguments({"optimizer_config": {"class_name": "Adamm", "config": {}}}, ["d"],
                          "m.h5")


def test_custom_objects_replace_names():
    def my_loss(y_true, y_pred):
        return y_pred
    config = {**KERAS_2, "loss": "my_loss", "metrics": ["my_loss"]}
    arguments = compile_arguments(config, ["d"], "m.h5", {"my_loss": my_loss})
    assert arguments["loss"] is my_loss and arguments["metrics"] == [my_loss]


def test_tf_keras_optimizer_slots_are_reordered_to_keras_2():
    names = ["iteration:0", "Adam/m/dense/kernel:0", "Adam/v/dense/kernel:0",
             "Adam/m/dense/bias:0", "Adam/v/dense/bias:0"]
    arrays = [np.array(i) for i in range(5)]
    assert [int(a) for a in _keras_2_order(names, arrays)] == [0, 1, 3, 2, 4]
    keras_2 = ["Adam/iterations:0", "training/Adam/Variable:0", "training/Adam/Variable_1:0"]
    assert _keras_2_order(keras_2, arrays[:3]) == arrays[:3]
