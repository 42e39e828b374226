"""Optional tier: HDF5 files written by Keras 3's legacy writer (``model.save('m.h5')``, torch
backend) load in cornu with the same predictions and optimizer state, and cornu's ``.h5`` model
and weight files load in Keras 3 (``keras.models.load_model``, ``load_weights``) with the same
predictions.

Keras 2.2's ``hard_sigmoid`` (cornu's default ``recurrent_activation``) is another function in
Keras 3, so the recurrent models use ``'sigmoid'`` gates. Keras 3 starts a fresh optimizer from
a Keras 2 file (its optimizer variables are listed in another order), so only the predictions
are compared in that direction.

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

# Runs under Keras 3: builds the models, sets weights, trains one step with Adam, saves each
# with the legacy HDF5 writer, and the inputs with the predictions.
KERAS3_WRITER = r'''
import sys
import warnings
import numpy as np
import keras
warnings.simplefilter("ignore")  # "You are saving your model as an HDF5 file ..."
L = keras.layers
out = sys.argv[1]
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
shared = L.Dense(3, name="shared")
models = {
    "mlp": (keras.Sequential([keras.Input((5,)), L.Dense(8, activation="relu"), L.Dropout(0.3),
                              L.Dense(3, activation="softmax")]), (5,)),
    "convnet": (keras.Sequential([keras.Input((8, 8, 2)), L.Conv2D(4, 3, activation="relu"),
                                  L.BatchNormalization(), L.MaxPooling2D(), L.Conv2D(3, 2),
                                  L.Flatten(), L.Dense(2)]), (8, 8, 2)),
    "recurrent": (keras.Sequential([keras.Input((6,)), L.Embedding(20, 4),
                                    L.LSTM(3, return_sequences=True), L.GRU(2)]), "tokens"),
    "functional": (keras.Model([a, b], L.Dense(2, name="out")(
        L.concatenate([shared(a), shared(b)]))), [(4,), (4,)]),
}
METRICS = ["mae"]


def save(model, name):
    model.save(f"{out}/{name}.h5")
''' + PEER_WRITER_LOOP

# Runs under Keras 3: loads cornu's model files, then its weight files into zeroed models, and
# saves both predictions.
KERAS3_READER = r'''
import sys
import numpy as np
import keras
folder = sys.argv[1]
''' + PEER_SAVED_INPUTS + r'''
for name in sys.argv[2:]:
    x = saved_inputs(folder, name)
    model = keras.models.load_model(f"{folder}/{name}.h5")
    from_model = model.predict(x, verbose=0)
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    model.load_weights(f"{folder}/{name}_weights.h5")
    from_weights = model.predict(x, verbose=0)
    np.savez(f"{folder}/{name}_keras3.npz", from_model=from_model, from_weights=from_weights,
             optimizer=type(model.optimizer).__name__)
'''


@pytest.fixture(scope="module")
def keras3_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras3_h5")
    run_keras3(KERAS3_WRITER, folder)
    return folder


@pytest.mark.parametrize("name", NAMES)
def test_keras3_h5_model_files_load_in_cornu(keras3_files, name):
    assert_model_file_loads(keras3_files / f"{name}.h5", np.load(keras3_files / f"{name}.npz"))


@pytest.mark.parametrize("name", NAMES)
def test_load_weights_reads_keras3_h5_model_files(keras3_files, name):
    assert_weight_file_loads(keras3_files / f"{name}.h5", keras3_files / f"{name}.h5",
                             np.load(keras3_files / f"{name}.npz"))


def cornu_models():
    a, b = layers.Input((4,), name="a"), layers.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    return {
        "mlp": (Sequential([layers.Dense(8, activation="relu", input_shape=(5,)),
                            layers.Dropout(0.3), layers.Dense(3, activation="softmax")]), (5,)),
        "convnet": (Sequential([layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 2)),
                                layers.BatchNormalization(), layers.MaxPooling2D(),
                                layers.Conv2D(3, 2), layers.Flatten(), layers.Dense(2)]),
                    (8, 8, 2)),
        "recurrent": (Sequential([
            layers.Embedding(20, 4, input_length=6),
            layers.LSTM(3, recurrent_activation="sigmoid", return_sequences=True),
            layers.GRU(2, recurrent_activation="sigmoid", return_sequences=True),
            layers.GRU(2, recurrent_activation="sigmoid", reset_after=True)]), "tokens"),
        "functional": (Model([a, b], layers.Dense(2)(layers.concatenate([shared(a), shared(b)]))),
                       [(4,), (4,)]),
    }


def save_h5(model, folder, name):
    model.save(str(folder / f"{name}.h5"))
    model.save_weights(str(folder / f"{name}_weights.h5"))


def test_cornu_h5_files_load_in_keras3(tmp_path):
    expected = save_trained(cornu_models(), tmp_path, save_h5)
    run_keras3(KERAS3_READER, tmp_path, *expected)
    for name, result in assert_peer_predictions(expected, tmp_path, "_keras3").items():
        assert str(result["optimizer"]) == "Adam", name
