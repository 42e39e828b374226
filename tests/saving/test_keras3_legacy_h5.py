"""Keras 3's legacy HDF5 files (``model.save('m.h5')`` in Keras 3): Keras 2's layout holding
Keras 3's configs, written here with h5py as Keras 3.15 writes them, load in cornu with their
weights, compile settings and optimizer state; and what cornu writes for Keras 3 to read."""
import json
import warnings

import h5py
import numpy as np
import pytest

from cornu import layers
from cornu.models import Model, Sequential, load_model
from cornu.optimizers import Adam
from cornu.saving.errors import SavedFileError

POLICY = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
          "registered_name": None}


def initializer(class_name, **config):
    return {"module": "keras.initializers", "class_name": class_name, "config": config,
            "registered_name": None}


def dense(name, units, activation):
    return {"class_name": "Dense", "config": {
        "name": name, "trainable": True, "dtype": POLICY, "units": units,
        "activation": activation, "use_bias": True,
        "kernel_initializer": initializer("GlorotUniform", seed=None, input_axes=None,
                                          output_axes=None),
        "bias_initializer": initializer("Zeros"), "kernel_regularizer": None,
        "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
        "quantization_config": None}}


def batch_normalization(name):
    return {"class_name": "BatchNormalization", "config": {
        "name": name, "trainable": True, "dtype": POLICY, "axis": -1, "momentum": 0.99,
        "epsilon": 0.001, "center": True, "scale": True,
        "beta_initializer": initializer("Zeros"), "gamma_initializer": initializer("Ones"),
        "moving_mean_initializer": initializer("Zeros"),
        "moving_variance_initializer": initializer("Ones"), "beta_regularizer": None,
        "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None,
        "synchronized": False}}


def input_layer(name, batch_shape):
    return {"class_name": "InputLayer", "config": {
        "batch_shape": batch_shape, "dtype": "float32", "sparse": False, "ragged": False,
        "optional": False, "name": name}}


# What Keras 3.15's legacy writer puts in model_config for
# Sequential([Input((3,)), Dense(4, 'relu'), BatchNormalization(), Dense(2, 'softmax')]).
SEQUENTIAL_CONFIG = {"class_name": "Sequential", "config": {
    "name": "sequential", "trainable": True, "dtype": POLICY,
    "layers": [input_layer("input_layer", [None, 3]), dense("dense", 4, "relu"),
               batch_normalization("batch_normalization"), dense("dense_1", 2, "softmax")],
    "build_input_shape": [None, 3]}}

TRAINING_CONFIG = {
    "loss": "categorical_crossentropy", "loss_weights": None, "metrics": ["accuracy"],
    "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
    "jit_compile": False, "auto_scale_loss": True,
    "optimizer_config": {"class_name": "Adam", "config": {
        "name": "adam", "learning_rate": 0.005, "weight_decay": None, "clipnorm": None,
        "global_clipnorm": None, "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
        "ema_overwrite_frequency": None, "loss_scale_factor": None,
        "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
        "amsgrad": False}}}


def keras_tensor(layer, node, shape):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": "float32", "keras_history": [layer, node, 0]}}


def functional_entry(entry, name, calls):
    return {**entry, "name": name, "inbound_nodes": [{"args": args, "kwargs": {}}
                                                     for args in calls]}


# keras.Model([a, b], Dense(2, name='out')(concatenate([shared(a), shared(b)]))) in Keras 3.15.
FUNCTIONAL_CONFIG = {"class_name": "Functional", "config": {
    "name": "functional", "trainable": True,
    "layers": [
        functional_entry(input_layer("a", [None, 4]), "a", []),
        functional_entry(input_layer("b", [None, 4]), "b", []),
        functional_entry(dense("shared", 3, "linear"), "shared",
                         [[keras_tensor("a", 0, [None, 4])], [keras_tensor("b", 0, [None, 4])]]),
        functional_entry({"class_name": "Concatenate", "config": {
            "name": "concatenate", "trainable": True, "dtype": POLICY, "axis": -1}},
            "concatenate", [[[keras_tensor("shared", 0, [None, 3]),
                              keras_tensor("shared", 1, [None, 3])]]]),
        functional_entry(dense("out", 2, "linear"), "out",
                         [[keras_tensor("concatenate", 0, [None, 6])]])],
    "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": ["out", 0, 0]}}


def names(values):
    return np.asarray([name.encode("utf8") for name, _ in values])


def write_keras3_weights(group, layer_weights):
    """Layer weights as Keras 3.15's ``save_weights_to_hdf5_group`` writes them: groups sorted
    by name, weights under their variable paths, and a ``top_level_model_weights`` group.

    Args:
        group: an h5py File or Group.
        layer_weights: ``[(layer name, [(weight path, array), ...]), ...]`` in layer order.
    """
    group.attrs["layer_names"] = names(layer_weights)
    group.attrs["backend"] = b"torch"
    group.attrs["keras_version"] = b"3.15.1"
    for name, weights in sorted(layer_weights) + [("top_level_model_weights", [])]:
        layer_group = group.create_group(name)
        layer_group.attrs["weight_names"] = names(weights)
        for weight_name, value in weights:
            layer_group.create_dataset(weight_name, data=value)


def write_keras3_file(path, model_config, layer_weights, training_config=None,
                      optimizer_weights=None):
    """An HDF5 file as Keras 3.15's ``save_model_to_hdf5`` writes it.

    Args:
        path: where to write.
        model_config: the ``model_config`` dict.
        layer_weights: ``[(layer name, [(weight path, array), ...]), ...]`` in layer order.
        training_config: the ``training_config`` dict, or None.
        optimizer_weights: ``[(variable path, array), ...]``, or None.
    """
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "3.15.1"
        f.attrs["backend"] = "torch"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config).encode("utf8")
        write_keras3_weights(f.create_group("model_weights"), layer_weights)
        if optimizer_weights is not None:
            optimizer_group = f.create_group("optimizer_weights")
            optimizer_group.attrs["weight_names"] = names(optimizer_weights)
            for weight_name, value in optimizer_weights:
                optimizer_group.create_dataset(weight_name, data=value)


def random_arrays(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.1, 0.9, shape).astype("float32") for shape in shapes]


SEQUENTIAL_SHAPES = [("dense", "kernel", (3, 4)), ("dense", "bias", (4,)),
                     ("batch_normalization", "gamma", (4,)),
                     ("batch_normalization", "beta", (4,)),
                     ("batch_normalization", "moving_mean", (4,)),
                     ("batch_normalization", "moving_variance", (4,)),
                     ("dense_1", "kernel", (4, 2)), ("dense_1", "bias", (2,))]
TRAINABLE = [0, 1, 2, 3, 6, 7]  # positions of the trainable weights in SEQUENTIAL_SHAPES


def sequential_weights():
    values = random_arrays([shape for _, _, shape in SEQUENTIAL_SHAPES], seed=0)
    by_layer = {}
    for (layer, weight, _), value in zip(SEQUENTIAL_SHAPES, values):
        by_layer.setdefault(layer, []).append((f"sequential/{layer}/{weight}", value))
    return values, list(by_layer.items())


def adam_state(values):
    """Keras 3's Adam variables after 3 steps: iteration, learning rate, then momentum and
    velocity weight by weight (trainable weights only)."""
    slots = random_arrays([values[i].shape for i in TRAINABLE for _ in range(2)], seed=1)
    state = [("adam/iteration", np.asarray(3, dtype=np.int64)),
             ("adam/learning_rate", np.asarray(0.005, dtype=np.float32))]
    for index, position in enumerate(TRAINABLE):
        name = SEQUENTIAL_SHAPES[position][0] + "_" + SEQUENTIAL_SHAPES[position][1]
        state += [(f"adam/{name}_momentum", slots[2 * index]),
                  (f"adam/{name}_velocity", slots[2 * index + 1])]
    return state


def expected_sequential(values, x):
    kernel, bias, gamma, beta, mean, variance, kernel_1, bias_1 = values
    hidden = np.maximum(x @ kernel + bias, 0)
    hidden = gamma * (hidden - mean) / np.sqrt(variance + 0.001) + beta
    logits = hidden @ kernel_1 + bias_1
    exponentials = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def test_keras3_sequential_file_loads_with_weights_settings_and_optimizer_state(tmp_path):
    values, layer_weights = sequential_weights()
    state = adam_state(values)
    write_keras3_file(tmp_path / "m.h5", SEQUENTIAL_CONFIG, layer_weights, TRAINING_CONFIG,
                      state)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the optimizer state too must load
        model = load_model(str(tmp_path / "m.h5"))
    assert [layer.name for layer in model.layers] == ["dense", "batch_normalization", "dense_1"]
    x = np.random.default_rng(2).standard_normal((5, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(x), expected_sequential(values, x), rtol=1e-5,
                               atol=1e-6)
    optimizer = model.optimizer
    assert type(optimizer).__name__ == "Adam" and int(optimizer.iterations) == 3
    assert float(optimizer.lr) == pytest.approx(0.005)
    assert model.loss == "categorical_crossentropy"
    slots = [value for _, value in state[2:]]
    keras2_order = [int(optimizer.iterations)] + slots[0::2] + slots[1::2]  # every m, every v
    for saved, restored in zip(keras2_order[1:], optimizer.get_weights()[1:]):
        np.testing.assert_array_equal(restored, saved)


def test_keras3_functional_file_with_two_inputs_and_a_shared_layer(tmp_path):
    shared_kernel, shared_bias, out_kernel, out_bias = random_arrays(
        [(4, 3), (3,), (6, 2), (2,)], seed=3)
    layer_weights = [("a", []), ("b", []),
                     ("shared", [("shared/kernel", shared_kernel), ("shared/bias", shared_bias)]),
                     ("concatenate", []),
                     ("out", [("out/kernel", out_kernel), ("out/bias", out_bias)])]
    write_keras3_file(tmp_path / "f.h5", FUNCTIONAL_CONFIG, layer_weights)
    with pytest.warns(UserWarning, match="No training configuration"):
        model = load_model(str(tmp_path / "f.h5"))
    a, b = np.random.default_rng(4).standard_normal((2, 5, 4)).astype("float32")
    hidden = np.concatenate([a @ shared_kernel + shared_bias, b @ shared_kernel + shared_bias], 1)
    np.testing.assert_allclose(model.predict([a, b]), hidden @ out_kernel + out_bias, rtol=1e-5,
                               atol=1e-6)
    assert model.input_names == ["a", "b"] and model.optimizer is None


def mlp():
    return Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                       layers.BatchNormalization(), layers.Dense(2, activation="softmax")])


def test_load_weights_reads_a_keras3_model_file(tmp_path):
    values, layer_weights = sequential_weights()
    write_keras3_file(tmp_path / "m.h5", SEQUENTIAL_CONFIG, layer_weights)
    model = mlp()
    model.load_weights(str(tmp_path / "m.h5"))
    for saved, loaded in zip(values, model.get_weights()):
        np.testing.assert_array_equal(loaded, saved)


def test_load_weights_reads_keras3_weights_at_the_root(tmp_path):
    # Keras 3's save_weights writes only '.weights.h5' files in its own layout; its legacy
    # weights writer (keras.src.legacy.saving) puts the layer groups at the root.
    values, layer_weights = sequential_weights()
    with h5py.File(tmp_path / "w.h5", "w") as f:
        write_keras3_weights(f, layer_weights)
    model = mlp()
    model.load_weights(str(tmp_path / "w.h5"))
    for saved, loaded in zip(values, model.get_weights()):
        np.testing.assert_array_equal(loaded, saved)


def test_state_saved_before_the_first_step_sets_the_learning_rate(tmp_path):
    values, layer_weights = sequential_weights()
    write_keras3_file(tmp_path / "m.h5", SEQUENTIAL_CONFIG, layer_weights, TRAINING_CONFIG,
                      [("adam/iteration", np.asarray(0, dtype=np.int64)),
                       ("adam/learning_rate", np.asarray(0.005, dtype=np.float32))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = load_model(str(tmp_path / "m.h5"))
    assert int(model.optimizer.iterations) == 0
    assert float(model.optimizer.lr) == pytest.approx(0.005)


def test_state_that_does_not_fit_warns_and_starts_a_fresh_optimizer(tmp_path):
    values, layer_weights = sequential_weights()
    write_keras3_file(tmp_path / "m.h5", SEQUENTIAL_CONFIG, layer_weights, TRAINING_CONFIG,
                      adam_state(values)[:-1])  # one velocity missing
    with pytest.warns(UserWarning, match="freshly initialized optimizer"):
        model = load_model(str(tmp_path / "m.h5"))
    assert int(model.optimizer.iterations) == 0
    x = np.ones((1, 3), dtype="float32")
    np.testing.assert_allclose(model.predict(x), expected_sequential(values, x), rtol=1e-5)


def keras3_file_with(tmp_path, change):
    config = json.loads(json.dumps(SEQUENTIAL_CONFIG))
    change(config)
    write_keras3_file(tmp_path / "bad.h5", config, sequential_weights()[1])
    return str(tmp_path / "bad.h5")


@pytest.mark.parametrize("change, message", [
    (lambda c: c["config"]["layers"][1]["config"].update(activation="hard_sigmoid"),
     "hard_sigmoid"),
    (lambda c: c["config"]["layers"][1].update(class_name="EinsumDense"), "EinsumDense"),
    (lambda c: c["config"]["layers"][1]["config"].update(dtype={
        "module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}),
     "float32 only"),
    (lambda c: c.update(class_name="MyModel"), "subclassed"),
    (lambda c: c["config"].update(layers=[5]), "layer entry"),
])
def test_keras3_configs_cornu_cannot_rebuild_get_clear_errors(tmp_path, change, message):
    with pytest.raises(SavedFileError, match=f"bad.h5.*{message}"):
        load_model(keras3_file_with(tmp_path, change))


def test_keras3_training_config_naming_an_unknown_loss(tmp_path):
    values, layer_weights = sequential_weights()
    write_keras3_file(tmp_path / "m.h5", SEQUENTIAL_CONFIG, layer_weights,
                      {**TRAINING_CONFIG, "loss": {"class_name": "Focal", "config": {}}})
    with pytest.raises(SavedFileError, match="m.h5"):
        load_model(str(tmp_path / "m.h5"))
    model = load_model(str(tmp_path / "m.h5"), compile=False)
    assert model.optimizer is None


def test_cornu_writes_input_shapes_learning_rate_and_losses_as_keras3_reads_them(tmp_path):
    inner = Sequential([layers.Dense(4, input_shape=(3,)), layers.BatchNormalization()],
                       name="inner")
    x = layers.Input((3,))
    model = Model(x, layers.Dense(1)(inner(x)))
    model.compile(Adam(lr=0.003), "mse")
    model.save(str(tmp_path / "m.h5"))
    with h5py.File(tmp_path / "m.h5", "r") as f:
        config = json.loads(f.attrs["model_config"])
        training = json.loads(f.attrs["training_config"])
    nested = config["config"]["layers"][1]
    assert nested["class_name"] == "Sequential"
    assert nested["config"]["build_input_shape"] == [None, 3]
    assert "batch_input_shape" not in nested["config"]["layers"][0]["config"]
    assert training["optimizer_config"]["config"]["learning_rate"] == pytest.approx(0.003)
    assert "lr" not in training["optimizer_config"]["config"]
    assert training["loss"] == "mean_squared_error"  # Keras 3 cannot resolve the alias 'mse'
    loaded = load_model(str(tmp_path / "m.h5"))
    data = np.random.default_rng(5).standard_normal((4, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(data), model.predict(data), rtol=1e-6)
    assert float(loaded.optimizer.lr) == pytest.approx(0.003)
