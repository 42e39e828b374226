"""ImageDataGenerator: options, the random draws (Keras 2's order and values), transforms,
standardisation and ``fit`` statistics."""
import warnings

import numpy as np
import pytest

from cornu.backend import set_image_data_format
from cornu.preprocessing.image import ImageDataGenerator, apply_affine_transform


def test_keras_2_draws_for_a_seed():
    # values computed by keras-preprocessing 1.1 for the same options and seed
    datagen = ImageDataGenerator(rotation_range=40, width_shift_range=0.2,
                                 height_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
                                 horizontal_flip=True, channel_shift_range=10,
                                 brightness_range=(0.8, 1.2))
    params = datagen.get_random_transform((150, 150, 3), seed=42)
    expected = {"theta": -10.036790492211, "tx": 27.04285838459497, "ty": 13.919636508684302,
                "shear": 0.03946339367881463, "zx": 0.8624074561769747,
                "zy": 0.8623978081344811, "channel_shift_intensity": 2.0223002348641756,
                "brightness": 1.0832290311184183}
    for name, value in expected.items():
        assert params[name] == pytest.approx(value, rel=1e-12), name
    assert params["flip_horizontal"] and not params["flip_vertical"]
    whole_pixels = ImageDataGenerator(width_shift_range=3, height_shift_range=[-1, 2],
                                      vertical_flip=True)
    params = whole_pixels.get_random_transform((20, 30, 3), seed=7)
    assert (params["tx"], params["ty"]) == (-2, -1)
    assert not params["flip_vertical"]


def test_draw_order_matches_numpy_reference():
    datagen = ImageDataGenerator(rotation_range=10, width_shift_range=0.1,
                                 height_shift_range=4.0, shear_range=5, zoom_range=[0.9, 1.3],
                                 vertical_flip=True)
    params = datagen.get_random_transform((20, 30, 1), seed=3)
    np.random.seed(3)
    theta = np.random.uniform(-10, 10)
    tx = np.random.uniform(-4., 4.)  # 1 or more: pixels
    ty = np.random.uniform(-0.1, 0.1) * 30  # below 1: a fraction of the width
    shear = np.random.uniform(-5, 5)
    zx, zy = np.random.uniform(0.9, 1.3, 2)
    coins = np.random.random(2)  # both flips toss a coin even when off
    assert params["theta"] == theta and params["tx"] == tx and params["ty"] == ty
    assert params["shear"] == shear and (params["zx"], params["zy"]) == (zx, zy)
    assert params["flip_horizontal"] is False
    assert params["flip_vertical"] == bool(coins[1] < 0.5)


def test_shift_range_forms():
    def shift(width_shift_range, seed):
        return ImageDataGenerator(width_shift_range=width_shift_range).get_random_transform(
            (10, 20, 3), seed=seed)["ty"]

    seen_int = {shift(2, seed) for seed in range(40)}
    assert seen_int == {-1, 0, 1}  # an int n: whole pixels -(n - 1) ... n - 1
    seen_fractions = {round(float(shift([0.1, 0.25], seed)), 6) for seed in range(40)}
    assert seen_fractions == {-5.0, -2.0, 2.0, 5.0}  # fractions of the width, either sign
    np.random.seed(0)
    expected = np.random.uniform(-0.5, 0.5) * 20
    assert shift(0.5, 0) == expected
    for wrong in ("wide", [[1, 2]], -0.1):
        with pytest.raises(ValueError, match="width_shift_range"):
            ImageDataGenerator(width_shift_range=wrong)


def test_same_seed_same_transform():
    datagen = ImageDataGenerator(rotation_range=40, zoom_range=0.3, horizontal_flip=True)
    x = np.random.RandomState(0).rand(9, 9, 3)
    np.testing.assert_array_equal(datagen.random_transform(x, seed=11),
                                  datagen.random_transform(x, seed=11))
    assert not np.array_equal(datagen.random_transform(x, seed=11),
                              datagen.random_transform(x, seed=12))


def test_apply_transform_in_keras_order():
    datagen = ImageDataGenerator(fill_mode="constant", cval=-1.)
    x = np.arange(12.).reshape(3, 4, 1)
    out = datagen.apply_transform(x, {"ty": 1, "flip_horizontal": True,
                                      "flip_vertical": True})
    expected = apply_affine_transform(x, ty=1, fill_mode="constant", cval=-1.)[::-1, ::-1]
    np.testing.assert_array_equal(out, expected)
    assert out[:, 0, 0].tolist() == [-1, -1, -1]  # shifted first, then flipped
    shifted = datagen.apply_transform(np.array([[[0., 10.]]]), {"channel_shift_intensity": 4})
    assert shifted.tolist() == [[[4., 10.]]]


def test_horizontal_flip_follows_the_coin():
    datagen = ImageDataGenerator(horizontal_flip=True)
    x = np.arange(6.).reshape(1, 6, 1)
    for seed in range(6):
        np.random.seed(seed)
        flips = np.random.random() < 0.5
        out = datagen.random_transform(x, seed=seed)
        np.testing.assert_array_equal(out, x[:, ::-1] if flips else x)


def test_channels_first_generator_transforms_rows_and_columns():
    set_image_data_format("channels_first")
    try:
        datagen = ImageDataGenerator(width_shift_range=2, fill_mode="constant")
    finally:
        set_image_data_format("channels_last")
    assert datagen.data_format == "channels_first"
    assert (datagen.channel_axis, datagen.row_axis, datagen.col_axis) == (1, 2, 3)
    x = np.arange(10.).reshape(1, 2, 5)
    out = datagen.apply_transform(x, {"ty": 1})
    assert out[0].tolist() == [[1, 2, 3, 4, 0], [6, 7, 8, 9, 0]]


def test_brightness_in_apply_transform():
    datagen = ImageDataGenerator(brightness_range=(0.5, 1.5))
    x = np.full((2, 2, 3), 255.)
    assert datagen.apply_transform(x, {"brightness": 0.})[0, 0].tolist() == [0, 0, 0]


def test_standardize_rescale_and_preprocessing_function():
    datagen = ImageDataGenerator(rescale=2., preprocessing_function=lambda x: x + 1)
    x = np.array([[[1.], [2.]]])
    assert datagen.standardize(x.copy()).ravel().tolist() == [4., 6.]  # (x + 1) * 2


def test_samplewise_normalisation():
    x = np.random.RandomState(0).rand(5, 4, 3) * 10
    datagen = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    expected = (x - x.mean()) / (x.std() + 1e-6)
    np.testing.assert_allclose(datagen.standardize(x.copy()), expected, rtol=1e-12)


def test_featurewise_fit_and_standardize():
    rng = np.random.RandomState(0)
    x = rng.rand(20, 4, 5, 3) * np.array([1., 10., 100.]) + np.array([0., 5., -50.])
    datagen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                                 rescale=0.5, dtype="float64")
    datagen.fit(x)
    scaled = x * 0.5  # fit sees the rescaled data, as standardize does
    np.testing.assert_allclose(datagen.mean.ravel(), scaled.mean(axis=(0, 1, 2)))
    np.testing.assert_allclose(datagen.std.ravel(), scaled.std(axis=(0, 1, 2)))
    assert datagen.mean.shape == (1, 1, 3)
    out = datagen.standardize(x[0].copy())
    expected = (scaled[0] - scaled.mean(axis=(0, 1, 2))) / (scaled.std(axis=(0, 1, 2)) + 1e-6)
    np.testing.assert_allclose(out, expected)
    batch = datagen.standardize(x.copy())
    np.testing.assert_allclose(batch.mean(axis=(0, 1, 2)), 0, atol=1e-9)
    np.testing.assert_allclose(batch.std(axis=(0, 1, 2)), 1, atol=1e-5)


def test_fit_channels_first_statistics_per_channel():
    x = np.random.RandomState(1).rand(6, 3, 2, 4)
    datagen = ImageDataGenerator(featurewise_center=True, data_format="channels_first",
                                 dtype="float64")
    datagen.fit(x)
    assert datagen.mean.shape == (3, 1, 1)
    np.testing.assert_allclose(datagen.mean.ravel(), x.mean(axis=(0, 2, 3)))


def test_zca_whitening_gives_identity_covariance():
    rng = np.random.RandomState(0)
    mixing = rng.randn(4, 4)
    x = (rng.randn(2000, 4) @ mixing).reshape(2000, 2, 2, 1)
    with pytest.warns(UserWarning, match="overrides setting of `featurewise_center`"):
        datagen = ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-9, dtype="float64")
    datagen.fit(x)
    white = datagen.standardize(x.copy()).reshape(2000, 4)
    np.testing.assert_allclose(white.T @ white / 2000, np.eye(4), atol=1e-6)
    assert datagen.principal_components.shape == (4, 4)
    assert datagen.zca_whitening_matrix is datagen.principal_components  # tf-keras's name
    datagen.zca_whitening_matrix = np.eye(4)
    np.testing.assert_array_equal(datagen.standardize(x[:1].copy()).ravel(),
                                  (x[:1] - datagen.mean).ravel())


def test_fit_with_augmentation_is_seeded():
    x = np.random.RandomState(0).rand(5, 6, 6, 1)
    datagen = ImageDataGenerator(featurewise_center=True, rotation_range=30, dtype="float64")
    datagen.fit(x, augment=True, rounds=2, seed=4)
    np.random.seed(4)
    augmented = [datagen.random_transform(x[i]) for _ in range(2) for i in range(5)]
    np.testing.assert_allclose(datagen.mean.ravel(), np.mean(augmented, axis=(0, 1, 2)))


def _warnings_of(function):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        function()
    return [str(w.message) for w in caught]


def test_standardize_warns_when_not_fit():
    for options, expected in [
            (dict(featurewise_center=True), ["featurewise_center"]),
            (dict(featurewise_center=True, featurewise_std_normalization=True),
             ["featurewise_center", "featurewise_std_normalization"]),
            (dict(zca_whitening=True), ["featurewise_center", "zca_whitening"])]:
        made = []
        _warnings_of(lambda: made.append(ImageDataGenerator(**options)))
        messages = _warnings_of(lambda: made[0].standardize(np.ones((2, 2, 1))))
        assert messages == [f"This ImageDataGenerator specifies `{option}`, but it hasn't been "
                            "fit on any training data. Fit it first by calling "
                            "`.fit(numpy_data)`." for option in expected]


def test_overrides_as_keras():
    with pytest.warns(UserWarning, match="overrides setting of `featurewise_center`"):
        datagen = ImageDataGenerator(featurewise_std_normalization=True)
    assert datagen.featurewise_center
    with pytest.warns(UserWarning, match="overrides setting of `samplewise_center`"):
        assert ImageDataGenerator(samplewise_std_normalization=True).samplewise_center
    with pytest.warns(UserWarning, match="featurewise_std_normalization"):
        datagen = ImageDataGenerator(zca_whitening=True, featurewise_center=True,
                                     featurewise_std_normalization=True)
    assert not datagen.featurewise_std_normalization


def test_option_errors():
    with pytest.raises(ValueError, match="Invalid fill_mode: 'nearst'.*'nearest'"):
        ImageDataGenerator(fill_mode="nearst")
    with pytest.raises(ValueError, match="Invalid data_format"):
        ImageDataGenerator(data_format="channels_middle")
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=[0.5, 1, 2])
    with pytest.raises(ValueError, match="brightness_range"):
        ImageDataGenerator(brightness_range=0.5)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="rank 4"):
        ImageDataGenerator(featurewise_center=True).fit(np.ones((3, 4, 4)))


def test_zoom_range_forms():
    assert ImageDataGenerator(zoom_range=0.2).zoom_range == pytest.approx([0.8, 1.2])
    assert ImageDataGenerator(zoom_range=(0.5, 2)).zoom_range == [0.5, 2]
    state = np.random.get_state()[1].copy()
    params = ImageDataGenerator().get_random_transform((4, 4, 3))
    assert (params["zx"], params["zy"], params["theta"]) == (1, 1, 0)
    assert not np.array_equal(np.random.get_state()[1], state)  # only the two coins drawn
