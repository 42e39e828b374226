"""Optional tier: files written by tf.keras (the Keras 2 line, ``TF_USE_LEGACY_KERAS=1``) load in
cornu with the same predictions and optimizer state, and cornu's files load in tf.keras.

tf.keras runs in its own interpreter (``bench/.venvs/tf-keras``, made by ``bench/setup.sh``);
without it the tier is skipped."""
import numpy as np
import pytest

from cornu import layers
from cornu.models import Model, Sequential
from tests.saving.peer_tier import (PEER_SAVED_INPUTS, PEER_WRITER_LOOP,
                                    assert_model_file_loads, assert_peer_predictions,
                                    assert_weight_file_loads, peer_python, run_peer, save_trained,
                                    skip_without)

TF_PYTHON = peer_python("tf-keras")
pytestmark = skip_without(TF_PYTHON, "tf-keras (TensorFlow)")

NAMES = ["mlp", "convnet", "recurrent", "functional"]

# Runs under tf.keras: builds the models, sets weights, trains one step with Adam, saves the
# model and its weights, and the inputs with the predictions.
TF_WRITER = r'''
import sys
import numpy as np
import tensorflow as tf
from tensorflow import keras
L = keras.layers
out = sys.argv[1]
tf.random.set_seed(0)
rng = np.random.default_rng(0)
a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
shared = L.Dense(3, name="shared")
models = {
    "mlp": (keras.Sequential([L.Dense(8, activation="relu", input_shape=(5,)),
                              L.BatchNormalization(), L.Dropout(0.3),
                              L.Dense(3, activation="softmax")]), (5,)),
    "convnet": (keras.Sequential([L.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 2)),
                                  L.MaxPooling2D(), L.SeparableConv2D(3, 2, depth_multiplier=2),
                                  L.DepthwiseConv2D(2), L.Conv2DTranspose(2, 2), L.PReLU(),
                                  L.Flatten(), L.Dense(2)]), (8, 8, 2)),
    "recurrent": (keras.Sequential([L.Embedding(20, 4, input_length=6),
                                    L.SimpleRNN(3, return_sequences=True),
                                    L.LSTM(3, return_sequences=True), L.GRU(2)]), "tokens"),
    "functional": (keras.Model([a, b], L.Dense(2, name="out")(
        L.concatenate([shared(a), shared(b)]))), [(4,), (4,)]),
}
METRICS = ["accuracy", "mae"]


def save(model, name):
    model.save(f"{out}/{name}.h5")
    model.save_weights(f"{out}/{name}_weights.h5")
''' + PEER_WRITER_LOOP

# Runs under tf.keras: loads cornu's files and saves the predictions and optimizer step count.
TF_READER = r'''
import sys
import numpy as np
from tensorflow import keras
folder = sys.argv[1]
''' + PEER_SAVED_INPUTS + r'''
for name in sys.argv[2:]:
    x = saved_inputs(folder, name)
    model = keras.models.load_model(f"{folder}/{name}.h5")
    from_model = model.predict(x, verbose=0)
    model.load_weights(f"{folder}/{name}_weights.h5")
    from_weights = model.predict(x, verbose=0)
    np.savez(f"{folder}/{name}_tf.npz", from_model=from_model, from_weights=from_weights,
             iterations=int(model.optimizer.iterations.numpy()))
'''


def run_tf_keras(script, *args):
    run_peer(TF_PYTHON, {"TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}, script, *args)


@pytest.fixture(scope="module")
def tf_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tf_keras")
    run_tf_keras(TF_WRITER, folder)
    return folder


@pytest.mark.parametrize("name", NAMES)
def test_tf_keras_model_files_load_in_cornu(tf_files, name):
    model = assert_model_file_loads(tf_files / f"{name}.h5", np.load(tf_files / f"{name}.npz"))
    assert model.metrics_names == ["loss", "acc", "mean_absolute_error"]  # Keras 2.2 names


@pytest.mark.parametrize("name", NAMES)
def test_tf_keras_weight_files_load_in_cornu(tf_files, name):
    assert_weight_file_loads(tf_files / f"{name}.h5", tf_files / f"{name}_weights.h5",
                             np.load(tf_files / f"{name}.npz"))


def cornu_models():
    a, b = layers.Input((4,), name="a"), layers.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    inner = Sequential([layers.Dense(4, input_shape=(3,)), layers.BatchNormalization()],
                       name="inner")
    x = layers.Input((3,))
    return {
        "mlp": (Sequential([layers.Dense(8, activation="relu", input_shape=(5,)),
                            layers.BatchNormalization(), layers.Dense(3, activation="softmax")]),
                [(5,)]),
        "convnet": (Sequential([layers.Conv2D(4, 3, input_shape=(8, 8, 2)),
                                layers.SeparableConv2D(3, 2, depth_multiplier=2),
                                layers.DepthwiseConv2D(2), layers.Conv2DTranspose(2, 2),
                                layers.PReLU(), layers.Flatten(), layers.Dense(2)]), [(8, 8, 2)]),
        "recurrent": (Sequential([layers.SimpleRNN(3, return_sequences=True, input_shape=(6, 2)),
                                  layers.LSTM(3, return_sequences=True),
                                  layers.GRU(2)]), [(6, 2)]),
        "functional": (Model([a, b], layers.Dense(2)(layers.concatenate([shared(a), shared(b)]))),
                       [(4,), (4,)]),
        "nested": (Model(x, layers.Dense(1)(inner(x))), [(3,)]),
    }


def save_h5(model, folder, name):
    model.save(str(folder / f"{name}.h5"))
    model.save_weights(str(folder / f"{name}_weights.h5"))


def test_cornu_files_load_in_tf_keras(tmp_path):
    expected = save_trained(cornu_models(), tmp_path, save_h5)
    run_tf_keras(TF_READER, tmp_path, *expected)
    for name, result in assert_peer_predictions(expected, tmp_path, "_tf").items():
        assert int(result["iterations"]) == 1, name
