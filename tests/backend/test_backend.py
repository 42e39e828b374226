"""keras.backend settings and value access; set_random_seed."""
import numpy as np
import pytest
import torch

import cornu
from cornu import backend as K
from cornu import layers
from cornu.models import Sequential


def test_settings_defaults_and_setters():
    assert K.epsilon() == 1e-7
    assert K.floatx() == "float32"
    assert K.image_data_format() == "channels_last"
    assert K.backend() == "pytorch"
    K.set_floatx("float64")
    try:
        assert K.floatx() == "float64"
        layer = layers.Dense(2)
        layer(torch.ones(1, 3, dtype=torch.float64))
        assert layer.get_weights()[0].dtype == np.float64
    finally:
        K.set_floatx("float32")
    with pytest.raises(ValueError, match="Unknown floatx"):
        K.set_floatx("float8")
    K.set_epsilon(1e-5)
    assert K.epsilon() == 1e-5
    K.set_epsilon(1e-7)
    with pytest.raises(ValueError, match="channels_last"):
        K.set_image_data_format("channels_middle")


def test_get_set_value_and_int_shape():
    variable = torch.zeros(2, 3)
    K.set_value(variable, np.ones((2, 3)))
    np.testing.assert_array_equal(K.get_value(variable), np.ones((2, 3)))
    assert K.int_shape(variable) == (2, 3)
    assert K.int_shape(layers.Input(shape=(None, 4))) == (None, None, 4)
    assert K.count_params(variable) == 6
    with pytest.raises(TypeError, match="expects a tensor variable"):
        K.set_value(3.0, 1.0)


def _train_once():
    model = Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                        layers.Dropout(0.5), layers.Dense(1)])
    model.compile("adam", "mse")
    x = np.random.rand(64, 4)
    history = model.fit(x, x.sum(axis=1), epochs=2, batch_size=16, verbose=0)
    return model.get_weights(), history.history["loss"]


def test_set_random_seed_makes_runs_repeat():
    cornu.set_random_seed(7)
    weights_a, loss_a = _train_once()
    K.clear_session()
    cornu.utils.set_random_seed(7)
    weights_b, loss_b = _train_once()
    assert loss_a == loss_b
    for a, b in zip(weights_a, weights_b):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="non-negative integer"):
        cornu.set_random_seed(-1)
