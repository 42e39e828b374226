"""Pooling, resizing and noise layers beyond the table rows: training-time behaviour, masks,
hand-computed cases and error messages."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.utils.random import set_random_seed


def test_max_pooling_same_never_picks_a_padded_cell():
    x = -torch.arange(1.0, 6.0).view(1, 5, 1)  # all negative: a zero pad would win
    y = layers.MaxPooling1D(2, padding="same")(x)
    assert y.flatten().tolist() == [-1.0, -3.0, -5.0]


def test_average_pooling_same_counts_only_cells_inside():
    x = torch.tensor([[[2.0], [4.0], [6.0]]])
    y = layers.AveragePooling1D(2, padding="same")(x)
    assert y.flatten().tolist() == [3.0, 6.0]


def test_global_average_pooling_1d_averages_the_unmasked_steps():
    x = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    mask = torch.tensor([[True, True, False]])
    y = layers.GlobalAveragePooling1D()(x, mask=mask)
    assert y.tolist() == [[2.0, 3.0]]


def test_pooling_of_a_convnet_output_in_a_model():
    model_input = layers.Input(shape=(6, 6, 2))
    pooled = layers.MaxPooling2D(pool_size=3, strides=2, padding="same")(model_input)
    assert pooled.shape == (None, 3, 3, 2)


def test_an_unknown_interpolation_is_refused():
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="bilinar")


def test_cropping_everything_is_an_error():
    with pytest.raises(ValueError, match="leaves nothing"):
        layers.Cropping1D((2, 2))(layers.Input(shape=(4, 3)))


def test_zero_padding_rejects_a_bad_spec():
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding2D(((1, 2, 3), (1, 1)))


def test_gaussian_noise_has_the_asked_spread_while_training():
    set_random_seed(0)
    y = layers.GaussianNoise(0.5)(torch.zeros(100000), training=True)
    assert float(y.std()) == pytest.approx(0.5, rel=0.02)
    assert abs(float(y.mean())) < 0.01


def test_gaussian_dropout_keeps_the_mean():
    set_random_seed(0)
    y = layers.GaussianDropout(0.2)(torch.ones(100000), training=True)
    assert float(y.mean()) == pytest.approx(1.0, abs=0.01)
    assert float(y.std()) == pytest.approx(np.sqrt(0.2 / 0.8), rel=0.02)


def test_alpha_dropout_keeps_zero_mean_unit_variance():
    set_random_seed(0)
    x = torch.randn(200000)
    y = layers.AlphaDropout(0.2)(x, training=True)
    assert float(y.mean()) == pytest.approx(0.0, abs=0.02)
    assert float(y.var()) == pytest.approx(1.0, rel=0.03)


def test_alpha_dropout_hand_computed_values():
    set_random_seed(0)
    rate, alpha_p = 0.5, -1.6732632423543772 * 1.0507009873554805
    y = layers.AlphaDropout(rate)(torch.full((1000,), 2.0), training=True)
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    values = np.unique(y.numpy())
    np.testing.assert_allclose(values, sorted([a * 2.0 + b, a * alpha_p + b]), rtol=1e-5)


@pytest.mark.parametrize("layer, shape, spatial", [
    (layers.SpatialDropout1D(0.5), (4, 10, 6), (1,)),
    (layers.SpatialDropout2D(0.5), (4, 5, 5, 6), (1, 2)),
    (layers.SpatialDropout2D(0.5, data_format="channels_first"), (4, 6, 5, 5), (2, 3)),
    (layers.SpatialDropout3D(0.5), (4, 3, 3, 3, 6), (1, 2, 3)),
])
def test_spatial_dropout_drops_whole_feature_maps(layer, shape, spatial):
    set_random_seed(0)
    y = layer(torch.ones(shape), training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0}
    assert (y.min(axis=spatial) == y.max(axis=spatial)).all()  # one draw per map
    assert 0 < (y == 0).mean() < 1


def test_noise_layers_do_nothing_in_predict():
    from cornu.models import Sequential
    model = Sequential([layers.GaussianNoise(1.0, input_shape=(3,)), layers.AlphaDropout(0.5),
                        layers.GaussianDropout(0.5)])
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(model.predict(x), x)
