"""``load_model`` with user classes and functions: ``custom_objects``, ``custom_object_scope``
and ``get_custom_objects``; unknown names with a suggestion; ``Lambda`` only with
``safe_mode=False``."""
import json

import h5py
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.graph.layer import Layer
from cornu.models import Sequential, load_model
from cornu.saving.errors import SavedFileError
from cornu.utils import CustomObjectScope, custom_object_scope, get_custom_objects

RNG = np.random.default_rng(5)
X = RNG.standard_normal((8, 3)).astype("float32")
Y = RNG.standard_normal((8, 2)).astype("float32")


class Scale(Layer):
    """A custom layer with a weight and a constructor argument."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight("w", shape=(input_shape[-1],), initializer="ones")
        super().build(input_shape)

    def call(self, inputs):
        return inputs * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def scaled_tanh(x):
    return 2.0 * torch.tanh(x)


def halved_mse(y_true, y_pred):
    return torch.mean((y_true - y_pred) ** 2, dim=-1) / 2


def mean_gap(y_true, y_pred):
    return torch.mean(torch.abs(y_true - y_pred), dim=-1)


def square(x):
    return x * x


def custom_model():
    model = Sequential([layers.Dense(4, activation=scaled_tanh, input_shape=(3,)),
                        Scale(factor=3.0), layers.Dense(2)])
    model.compile("adam", loss=halved_mse, metrics=[mean_gap])
    model.fit(X, Y, epochs=2, verbose=0)
    return model


CUSTOM = {"Scale": Scale, "scaled_tanh": scaled_tanh, "halved_mse": halved_mse,
          "mean_gap": mean_gap}


def test_training_config_names_the_functions(tmp_path):
    custom_model().save(str(tmp_path / "m.h5"))
    with h5py.File(tmp_path / "m.h5", "r") as f:
        training = json.loads(f.attrs["training_config"])
    assert training["loss"] == "halved_mse" and training["metrics"] == ["mean_gap"]


def test_custom_objects_rebuild_layers_activations_losses_and_metrics(tmp_path):
    model = custom_model()
    model.save(str(tmp_path / "m.h5"))
    loaded = load_model(str(tmp_path / "m.h5"), custom_objects=CUSTOM)
    assert isinstance(loaded.layers[1], Scale) and loaded.layers[1].factor == 3.0
    assert loaded.layers[0].activation is scaled_tanh
    assert loaded.metrics_names == ["loss", "mean_gap"]
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_allclose(loaded.evaluate(X, Y, verbose=0), model.evaluate(X, Y, verbose=0),
                               rtol=1e-6)
    loaded.fit(X, Y, epochs=1, verbose=0)  # the optimizer state and loss work for training


@pytest.mark.parametrize("scope", [lambda: custom_object_scope(CUSTOM),
                                   lambda: CustomObjectScope(CUSTOM)])
def test_custom_object_scope(tmp_path, scope):
    model = custom_model()
    model.save(str(tmp_path / "m.h5"))
    with scope():
        loaded = load_model(str(tmp_path / "m.h5"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_global_custom_objects(tmp_path, monkeypatch):
    model = custom_model()
    model.save(str(tmp_path / "m.h5"))
    for name, value in CUSTOM.items():
        monkeypatch.setitem(get_custom_objects(), name, value)
    np.testing.assert_array_equal(load_model(str(tmp_path / "m.h5")).predict(X), model.predict(X))


def test_missing_custom_objects_say_how_to_pass_them(tmp_path):
    custom_model().save(str(tmp_path / "m.h5"))
    with pytest.raises(SavedFileError, match=r"m\.h5.*Unknown activation function: "
                                             r"'scaled_tanh'.*custom_objects"):
        load_model(str(tmp_path / "m.h5"))
    others = {k: v for k, v in CUSTOM.items() if k != "Scale"}
    with pytest.raises(SavedFileError, match=r"m\.h5.*Unknown layer: Scale.*custom_objects"):
        load_model(str(tmp_path / "m.h5"), custom_objects=others)


def test_a_missing_custom_loss_says_how_to_pass_it(tmp_path):
    custom_model().save(str(tmp_path / "m.h5"))
    others = {k: v for k, v in CUSTOM.items() if k != "halved_mse"}
    with pytest.raises(ValueError, match=r"halved_mse.*custom_objects"):
        load_model(str(tmp_path / "m.h5"), custom_objects=others)
    loaded = load_model(str(tmp_path / "m.h5"), custom_objects=others, compile=False)
    assert loaded.optimizer is None


def test_a_misspelled_class_gets_a_suggestion(tmp_path):
    Sequential([layers.Dense(2, input_shape=(3,))]).save(str(tmp_path / "m.h5"))
    with h5py.File(tmp_path / "m.h5", "a") as f:
        f.attrs["model_config"] = f.attrs["model_config"].replace('"Dense"', '"Dnse"').encode()
    with pytest.raises(SavedFileError, match=r"Unknown layer: Dnse\. Did you mean 'Dense'\?"):
        load_model(str(tmp_path / "m.h5"))


def test_lambda_layers_need_safe_mode_false(tmp_path):
    model = Sequential([layers.Lambda(square, input_shape=(3,)), layers.Dense(2)])
    model.save(str(tmp_path / "m.h5"))
    with pytest.raises(SavedFileError, match=r"Lambda.*safe_mode=False"):
        load_model(str(tmp_path / "m.h5"), compile=False)
    loaded = load_model(str(tmp_path / "m.h5"), compile=False, safe_mode=False)
    assert loaded.layers[0].function is square
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_an_anonymous_lambda_comes_from_custom_objects_by_layer_name(tmp_path):
    model = Sequential([layers.Lambda(lambda x: x + 1, input_shape=(3,), name="plus_one")])
    model.save(str(tmp_path / "m.h5"))
    with pytest.raises(SavedFileError, match="plus_one"):
        load_model(str(tmp_path / "m.h5"), compile=False, safe_mode=False)
    loaded = load_model(str(tmp_path / "m.h5"), compile=False, safe_mode=False,
                        custom_objects={"plus_one": lambda x: x + 1})
    np.testing.assert_array_equal(loaded.predict(X), X + 1)
