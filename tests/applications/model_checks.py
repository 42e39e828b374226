"""Checks shared by the application model tests."""
import numpy as np

from cornu import backend


def weight_counts(model):
    """(total, trainable, non-trainable) parameter counts, as ``summary()`` prints them."""
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    assert model.count_params() == trainable + frozen
    return model.count_params(), trainable, frozen


def fresh(build, **kwargs):
    """Builds a model with fresh automatic names (``conv2d_1`` ...)."""
    backend.clear_session()
    return build(**kwargs)


def predict_one_image(model, shape, seed=0):
    """Runs one random RGB image through the model; returns the single prediction row."""
    image = np.random.RandomState(seed).uniform(0, 255, size=(1,) + shape).astype(np.float32)
    return model.predict(image / np.float32(127.5) - 1)


def assert_softmax_row(preds, classes=1000):
    assert preds.shape == (1, classes)
    assert np.all(preds >= 0)
    np.testing.assert_allclose(preds.sum(), 1.0, rtol=1e-5)
