"""A saved model resumes training exactly: 2 epochs, save, load, 2 more epochs gives the weights
of 4 uninterrupted epochs (same data, no shuffling), for every optimizer's state."""
import warnings

import numpy as np
import pytest

from cornu import layers, optimizers
from cornu.models import Sequential, load_model
from cornu.utils.random import set_random_seed

RNG = np.random.default_rng(11)
X = RNG.standard_normal((64, 6)).astype("float32")
Y = np.eye(3)[RNG.integers(0, 3, 64)].astype("float32")

OPTIMIZERS = {
    "adam": lambda: optimizers.Adam(lr=0.01),
    "adam_amsgrad": lambda: optimizers.Adam(lr=0.01, amsgrad=True, decay=1e-3),
    "sgd_momentum": lambda: optimizers.SGD(lr=0.05, momentum=0.9),
    "sgd_nesterov_decay": lambda: optimizers.SGD(lr=0.05, momentum=0.9, nesterov=True,
                                                 decay=1e-2),
    "rmsprop": lambda: optimizers.RMSprop(lr=0.01),
    "rmsprop_decay": lambda: optimizers.RMSprop(lr=0.01, decay=1e-2),
    "adagrad": lambda: optimizers.Adagrad(lr=0.05),
    "adadelta": lambda: optimizers.Adadelta(),
    "adamax": lambda: optimizers.Adamax(),
    "nadam": lambda: optimizers.Nadam(),
}


def build(optimizer, batch_norm):
    set_random_seed(5)
    stack = [layers.Dense(16, activation="tanh", input_shape=(6,))]
    if batch_norm:
        stack.append(layers.BatchNormalization())
    model = Sequential(stack + [layers.Dense(3, activation="softmax")])
    model.compile(optimizer, "categorical_crossentropy", metrics=["accuracy"])
    return model


def build_convnet(optimizer):
    """Kernels stored in torch's layout inside: their slots are saved in Keras's."""
    set_random_seed(5)
    model = Sequential([layers.Reshape((3, 2, 1), input_shape=(6,)),
                        layers.Conv2D(4, 2, padding="same", activation="tanh"),
                        layers.SeparableConv2D(3, 2, depth_multiplier=2, padding="same"),
                        layers.DepthwiseConv2D(2), layers.Flatten(),
                        layers.Dense(3, activation="softmax")])
    model.compile(optimizer, "categorical_crossentropy")
    return model


def fit(model, epochs, initial_epoch=0):
    return model.fit(X, Y, batch_size=16, epochs=epochs, initial_epoch=initial_epoch,
                     shuffle=False, verbose=0)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_resume_equals_uninterrupted(tmp_path, name):
    uninterrupted = build(OPTIMIZERS[name](), batch_norm=name in ("adam", "rmsprop"))
    fit(uninterrupted, 4)

    first_half = build(OPTIMIZERS[name](), batch_norm=name in ("adam", "rmsprop"))
    fit(first_half, 2)
    first_half.save(str(tmp_path / "model.h5"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the optimizer state must load without a warning
        resumed = load_model(str(tmp_path / "model.h5"))
    assert type(resumed.optimizer) is type(uninterrupted.optimizer)
    history = fit(resumed, 4, initial_epoch=2)

    for expected, got in zip(uninterrupted.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    # Keras 2.2.4 saves no iteration count for RMSprop, Adagrad and Adadelta: their update
    # does not read it unless decay > 0 (then cornu saves it, Keras 2.3's layout).
    counted = resumed.optimizer.weights_include_iterations or resumed.optimizer.initial_decay > 0
    assert int(resumed.optimizer.iterations) == (16 if counted else 8)
    for expected, got in zip(uninterrupted.optimizer.get_weights(),
                             resumed.optimizer.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert sorted(history.history) == ["acc", "loss"]


@pytest.mark.parametrize("name", ["adam", "sgd_momentum", "rmsprop"])
def test_convnet_resume_equals_uninterrupted(tmp_path, name):
    uninterrupted = build_convnet(OPTIMIZERS[name]())
    fit(uninterrupted, 4)
    first_half = build_convnet(OPTIMIZERS[name]())
    fit(first_half, 2)
    first_half.save(str(tmp_path / "model.h5"))
    resumed = load_model(str(tmp_path / "model.h5"))
    fit(resumed, 4, initial_epoch=2)
    for expected, got in zip(uninterrupted.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_optimizer_hyperparameters_survive(tmp_path):
    model = build(optimizers.SGD(lr=0.03, momentum=0.7, decay=1e-4, nesterov=True,
                                 clipnorm=1.5), batch_norm=False)
    model.save(str(tmp_path / "m.h5"))
    loaded = load_model(str(tmp_path / "m.h5"))
    assert loaded.optimizer.get_config() == model.optimizer.get_config()


def test_state_that_does_not_fit_warns_and_starts_fresh(tmp_path):
    """As Keras 2: an optimizer state for other weights is dropped with a warning."""
    import h5py
    model = build(optimizers.Adam(), batch_norm=False)
    fit(model, 1)
    model.save(str(tmp_path / "m.h5"))
    with h5py.File(tmp_path / "m.h5", "a") as f:
        group = f["optimizer_weights"]
        names = list(group.attrs["weight_names"])
        group.attrs["weight_names"] = np.array(names[:-1])
    with pytest.warns(UserWarning, match="freshly initialized optimizer"):
        loaded = load_model(str(tmp_path / "m.h5"))
    assert int(loaded.optimizer.iterations) == 0
    for expected, got in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(got, expected)
