"""Optional tier: ``.keras`` archives and ``.weights.h5`` files written by Keras 3 (torch backend)
load in cornu with the same predictions and optimizer state, and cornu's load in Keras 3.

Keras 3 runs in its own interpreter (``bench/.venvs/keras3-torch``, made by ``bench/setup.sh``);
without it the tier is skipped. One subprocess writes every model, one reads every model."""
import numpy as np
import pytest

from cornu import layers
from cornu.models import Model, Sequential
from tests.saving.peer_tier import (KERAS3_PYTHON, PEER_SAVED_INPUTS, PEER_WRITER_LOOP,
                                    assert_model_file_loads, assert_peer_predictions,
                                    assert_weight_file_loads, run_keras3, save_trained,
                                    skip_without)

pytestmark = skip_without(KERAS3_PYTHON, "Keras 3")

NAMES = ["mlp", "convnet", "recurrent", "functional"]

# Runs under Keras 3: builds the models, sets weights, trains one step with Adam, saves the
# archive and the weights, and the inputs with the predictions.
KERAS3_WRITER = r'''
import sys
import numpy as np
import keras
L = keras.layers
out = sys.argv[1]
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
shared = L.Dense(3, name="shared")
models = {
    "mlp": (keras.Sequential([keras.Input((5,)), L.Dense(8, activation="relu"),
                              L.BatchNormalization(), L.Dropout(0.3),
                              L.Dense(3, activation="softmax")]), (5,)),
    "convnet": (keras.Sequential([keras.Input((8, 8, 2)), L.Conv2D(4, 3, activation="relu"),
                                  L.MaxPooling2D(), L.SeparableConv2D(3, 2, depth_multiplier=2),
                                  L.DepthwiseConv2D(2), L.Conv2DTranspose(2, 2), L.PReLU(),
                                  L.Flatten(), L.Dense(2)]), (8, 8, 2)),
    "recurrent": (keras.Sequential([keras.Input((6,)), L.Embedding(20, 4),
                                    L.SimpleRNN(3, return_sequences=True),
                                    L.LSTM(3, return_sequences=True),
                                    L.Bidirectional(L.GRU(2, return_sequences=True)),
                                    L.TimeDistributed(L.Dense(2)), L.GRU(2)]), "tokens"),
    "functional": (keras.Model([a, b], L.Dense(2, name="out")(
        L.concatenate([shared(a), shared(b)]))), [(4,), (4,)]),
}
METRICS = ["mae"]


def save(model, name):
    model.save(f"{out}/{name}.keras")
    model.save_weights(f"{out}/{name}.weights.h5")
''' + PEER_WRITER_LOOP

# Runs under Keras 3: loads cornu's files and saves the predictions and optimizer step count.
KERAS3_READER = r'''
import sys
import numpy as np
import keras
folder = sys.argv[1]
''' + PEER_SAVED_INPUTS + r'''
for name in sys.argv[2:]:
    x = saved_inputs(folder, name)
    model = keras.models.load_model(f"{folder}/{name}.keras")
    from_model = model.predict(x, verbose=0)
    model.load_weights(f"{folder}/{name}.weights.h5")
    from_weights = model.predict(x, verbose=0)
    np.savez(f"{folder}/{name}_keras3.npz", from_model=from_model, from_weights=from_weights,
             iterations=int(model.optimizer.iterations.numpy()))
'''


@pytest.fixture(scope="module")
def keras3_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras3")
    run_keras3(KERAS3_WRITER, folder)
    return folder


@pytest.mark.parametrize("name", NAMES)
def test_keras3_archives_load_in_cornu(keras3_files, name):
    assert_model_file_loads(keras3_files / f"{name}.keras", np.load(keras3_files / f"{name}.npz"))


@pytest.mark.parametrize("name", NAMES)
def test_keras3_weight_files_load_in_cornu(keras3_files, name):
    assert_weight_file_loads(keras3_files / f"{name}.keras", keras3_files / f"{name}.weights.h5",
                             np.load(keras3_files / f"{name}.npz"))


def cornu_models():
    a, b = layers.Input((4,), name="a"), layers.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    return {
        "mlp": (Sequential([layers.Dense(8, activation="relu", input_shape=(5,)),
                            layers.BatchNormalization(), layers.Dropout(0.3),
                            layers.Dense(3, activation="softmax")]), [(5,)]),
        "convnet": (Sequential([layers.Conv2D(4, 3, input_shape=(8, 8, 2)),
                                layers.MaxPooling2D(padding="same"),
                                layers.SeparableConv2D(3, 2, depth_multiplier=2),
                                layers.DepthwiseConv2D(2), layers.Conv2DTranspose(2, 2),
                                layers.PReLU(), layers.Flatten(), layers.Dense(2)]), [(8, 8, 2)]),
        "recurrent": (Sequential([
            layers.SimpleRNN(3, return_sequences=True, input_shape=(6, 2)),
            layers.LSTM(3, recurrent_activation="sigmoid", return_sequences=True),
            layers.Bidirectional(layers.GRU(2, recurrent_activation="sigmoid",
                                            return_sequences=True)),
            layers.TimeDistributed(layers.Dense(2)),
            layers.GRU(2, recurrent_activation="sigmoid", reset_after=True)]), [(6, 2)]),
        "functional": (Model([a, b], layers.Dense(2)(layers.concatenate([shared(a), shared(b)]))),
                       [(4,), (4,)]),
    }


def save_keras3_formats(model, folder, name):
    model.save(str(folder / f"{name}.keras"))
    model.save_weights(str(folder / f"{name}.weights.h5"))


def test_cornu_files_load_in_keras3(tmp_path):
    expected = save_trained(cornu_models(), tmp_path, save_keras3_formats)
    run_keras3(KERAS3_READER, tmp_path, *expected)
    for name, result in assert_peer_predictions(expected, tmp_path, "_keras3").items():
        assert int(result["iterations"]) == 1, name
