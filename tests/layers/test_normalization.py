"""BatchNormalization: batch statistics while training, moving statistics (updated with the
unbiased batch variance) at inference, frozen layers, and the learning phase."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers
from cornu.models import Model, Sequential


def _data(shape=(8, 3), seed=0):
    return np.random.RandomState(seed).normal(2.0, 3.0, size=shape).astype("float32")


def test_training_normalises_with_the_batch_statistics():
    bn = layers.BatchNormalization(gamma_initializer="ones", epsilon=1e-3)
    x = _data((8, 4, 4, 3))
    y = bn(torch.from_numpy(x), training=True).detach().numpy()
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)


def test_moving_statistics_follow_keras_update_rule():
    bn = layers.BatchNormalization(momentum=0.9)
    x = _data()
    bn(torch.from_numpy(x), training=True)
    moving_mean, moving_variance = bn.get_weights()[2:]
    n = x.shape[0]
    np.testing.assert_allclose(moving_mean, 0.1 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(moving_variance, 0.9 + 0.1 * x.var(axis=0) * n / (n - 1),
                               rtol=1e-5)


def test_inference_uses_the_moving_statistics_and_changes_nothing():
    bn = layers.BatchNormalization()
    x = _data()
    bn(torch.from_numpy(x))
    bn.set_weights([np.full(3, 2.0, "f4"), np.full(3, 0.5, "f4"), np.full(3, 1.0, "f4"),
                    np.full(3, 4.0, "f4")])
    y = bn(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(y, 2.0 * (x - 1.0) / np.sqrt(4.0 + 1e-3) + 0.5, rtol=1e-5)
    np.testing.assert_array_equal(bn.get_weights()[2], np.full(3, 1.0, "f4"))


def test_fit_updates_moving_statistics_once_per_batch():
    model = Sequential([layers.BatchNormalization(momentum=0.5, input_shape=(3,))])
    model.compile("sgd", "mse")
    x = _data((4, 3))
    model.fit(x, np.zeros((4, 3), "f4"), batch_size=4, epochs=1, verbose=0, shuffle=False)
    moving_mean = model.layers[0].get_weights()[2]
    np.testing.assert_allclose(moving_mean, 0.5 * x.mean(axis=0), rtol=1e-5)
    model.evaluate(x, np.zeros((4, 3), "f4"), verbose=0)
    model.predict(x)
    np.testing.assert_allclose(model.layers[0].get_weights()[2], moving_mean)


def test_weights_and_counts():
    model = Sequential([layers.Dense(4, input_shape=(3,)), layers.BatchNormalization()])
    bn = model.layers[1]
    assert [w.shape for w in bn.get_weights()] == [(4,)] * 4
    assert len(bn.trainable_weights) == 2 and len(bn.non_trainable_weights) == 2
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 24" in lines and "Non-trainable params: 8" in lines


def test_a_frozen_layer_runs_in_inference_mode():
    bn = layers.BatchNormalization(trainable=False)
    x = _data()
    bn(torch.from_numpy(x))
    y = bn(torch.from_numpy(x), training=True).detach().numpy()
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(bn.get_weights()[2], np.zeros(3, "f4"))


def test_freezing_a_base_model_freezes_its_batch_norm():
    inputs = layers.Input(shape=(3,))
    base = Model(inputs, layers.BatchNormalization()(inputs))
    base.trainable = False
    model = Sequential([base, layers.Dense(1)])
    model.compile("sgd", "mse")
    x = _data()
    model.fit(x, np.zeros((8, 1), "f4"), epochs=2, verbose=0)
    np.testing.assert_array_equal(base.layers[1].get_weights()[2], np.zeros(3, "f4"))
    base.trainable = True
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((8, 1), "f4"), epochs=1, verbose=0)
    assert np.abs(base.layers[1].get_weights()[2]).sum() > 0


def test_learning_phase_decides_the_mode():
    bn = layers.BatchNormalization()
    x = torch.from_numpy(_data())
    bn(x)
    K.set_learning_phase(1)
    try:
        y = bn(x).detach().numpy()
    finally:
        K.clear_session()
    assert abs(y.mean()) < 1e-4  # normalised with the batch's statistics


def test_axis_one_for_channels_first():
    bn = layers.BatchNormalization(axis=1)
    x = _data((4, 3, 2, 2))
    y = bn(torch.from_numpy(x), training=True).detach().numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    assert [w.shape for w in bn.get_weights()] == [(3,)] * 4


def test_one_value_per_feature_trains_without_error():
    bn = layers.BatchNormalization(momentum=0.5, beta_initializer="ones")
    y = bn(torch.ones(1, 3), training=True)
    np.testing.assert_allclose(y.detach().numpy(), np.ones((1, 3)))
    np.testing.assert_allclose(bn.get_weights()[2], np.full(3, 0.5))


def test_bad_axis_is_refused():
    with pytest.raises(ValueError, match="not a feature axis"):
        layers.BatchNormalization(axis=3)(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="single axis"):
        layers.BatchNormalization(axis=[1, 2])
