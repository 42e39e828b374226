"""Geometric transforms against hand-computed pixels and hand-built affine matrices."""
import numpy as np
import pytest
from scipy import ndimage

from cornu.preprocessing.image import (apply_affine_transform, flip_axis, random_rotation,
                                       random_shear, random_shift, random_zoom,
                                       transform_matrix_offset_center)

ROW = np.array([1., 2., 3., 4., 5.]).reshape(1, 5, 1)  # one row of five pixels


def test_flip_axis():
    x = np.arange(6).reshape(2, 3, 1)
    assert flip_axis(x, 1)[:, :, 0].tolist() == [[2, 1, 0], [5, 4, 3]]
    assert flip_axis(x, 0)[:, :, 0].tolist() == [[3, 4, 5], [0, 1, 2]]


# output column c shows input column c + ty; what lies outside is filled by the mode
@pytest.mark.parametrize("fill_mode, by_plus_2, by_minus_2", [
    ("constant", [3, 4, 5, -1, -1], [-1, -1, 1, 2, 3]),
    ("nearest", [3, 4, 5, 5, 5], [1, 1, 1, 2, 3]),
    ("reflect", [3, 4, 5, 5, 4], [2, 1, 1, 2, 3]),
    # SciPy's 'wrap', as Keras 2 used it: the first and last pixels coincide (period 4)
    ("wrap", [3, 4, 5, 2, 3], [3, 4, 1, 2, 3]),
])
def test_whole_pixel_shifts_with_each_fill_mode(fill_mode, by_plus_2, by_minus_2):
    for ty, expected in ((2, by_plus_2), (-2, by_minus_2)):
        shifted = apply_affine_transform(ROW, ty=ty, fill_mode=fill_mode, cval=-1.)
        np.testing.assert_allclose(shifted[0, :, 0], expected)
    column = ROW.transpose(1, 0, 2)  # five rows, one column: tx shifts rows
    shifted = apply_affine_transform(column, tx=2, fill_mode=fill_mode, cval=-1.)
    np.testing.assert_allclose(shifted[:, 0, 0], by_plus_2)


def test_cval_fills_constant_mode_only():
    shifted = apply_affine_transform(ROW, ty=1, fill_mode="constant", cval=9.)
    assert shifted[0, :, 0].tolist() == [2, 3, 4, 5, 9]
    assert apply_affine_transform(ROW, ty=1, fill_mode="nearest", cval=9.)[0, -1, 0] == 5


def test_rotation_by_90_degrees_about_keras_centre():
    x = np.arange(16.).reshape(4, 4, 1)
    rotated = apply_affine_transform(x, theta=90, fill_mode="constant", cval=-1.)[:, :, 0]
    # Keras 2 turns about (n / 2 + 0.5) = (2.5, 2.5): output (r, c) shows input (5 - c, r),
    # the clockwise quarter turn moved two columns right
    expected = np.full((4, 4), -1.)
    expected[:, 2:] = np.rot90(x[:, :, 0], -1)[:, :2]
    np.testing.assert_allclose(rotated, expected, atol=1e-9)


def test_zoom_on_a_row():
    x = np.array([0., 10., 20., 30.]).reshape(1, 4, 1)
    # input column = zy * (c - 2.5) + 2.5, interpolated linearly, clamped by 'nearest'
    out = apply_affine_transform(x, zy=2, fill_mode="nearest")[0, :, 0]
    np.testing.assert_allclose(out, [0., 0., 15., 30.])
    out = apply_affine_transform(x, zy=0.5, fill_mode="nearest")[0, :, 0]
    np.testing.assert_allclose(out, [12.5, 17.5, 22.5, 27.5])


def _about_keras_centre(matrix, rows, cols):
    """The (linear part, offset) that maps output to input coordinates about Keras's centre,
    computed by hand: in = A (out - o) + t + o."""
    o = np.array([rows / 2 + 0.5, cols / 2 + 0.5])
    linear, translation = matrix[:2, :2], matrix[:2, 2]
    return linear, translation + o - linear @ o


def test_transform_matrix_offset_center_matches_the_hand_formula():
    matrix = np.array([[0.8, -0.3, 1.5], [0.2, 1.1, -2.], [0, 0, 1]])
    linear, offset = _about_keras_centre(matrix, 6, 9)
    centred = transform_matrix_offset_center(matrix, 6, 9)
    np.testing.assert_allclose(centred[:2, :2], linear)
    np.testing.assert_allclose(centred[:2, 2], offset)
    np.testing.assert_allclose(centred[2], [0, 0, 1])


def test_shear_and_composition_match_the_hand_built_matrix():
    x = np.random.RandomState(0).rand(7, 9, 2)
    theta, tx, ty, shear, zx, zy = 20., 1.5, -2., 15., 0.9, 1.2
    t, s = np.deg2rad(theta), np.deg2rad(shear)
    rotation = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    shift = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    shearing = np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
    zoom = np.diag([zx, zy, 1.])
    cases = [(dict(shear=shear), shearing),
             (dict(theta=theta, tx=tx, ty=ty, shear=shear, zx=zx, zy=zy),
              rotation @ shift @ shearing @ zoom)]
    for params, matrix in cases:
        linear, offset = _about_keras_centre(matrix, 7, 9)
        expected = np.stack([ndimage.affine_transform(x[:, :, ch], linear, offset, order=1,
                                                      mode="reflect") for ch in range(2)], -1)
        out = apply_affine_transform(x, fill_mode="reflect", **params)
        np.testing.assert_allclose(out, expected, atol=1e-12)


def test_channels_first_gives_the_same_pixels():
    x = np.random.RandomState(1).rand(6, 5, 3)
    last = apply_affine_transform(x, theta=30, ty=1, zx=1.1)
    first = apply_affine_transform(x.transpose(2, 0, 1), theta=30, ty=1, zx=1.1, row_axis=1,
                                   col_axis=2, channel_axis=0)
    np.testing.assert_allclose(first.transpose(1, 2, 0), last, atol=1e-12)


def test_neutral_parameters_return_the_image_itself():
    assert apply_affine_transform(ROW) is ROW


def test_order_zero_picks_whole_pixels():
    out = apply_affine_transform(ROW, ty=0.6, order=0)[0, :, 0]
    assert out.tolist() == [2, 3, 4, 5, 5]


def test_unknown_fill_mode():
    with pytest.raises(ValueError, match="Invalid fill_mode: 'reflection'.*'reflect'"):
        apply_affine_transform(ROW, ty=1, fill_mode="reflection")


def test_random_helpers_draw_as_keras():
    x = np.random.RandomState(2).rand(3, 8, 6)  # channels first, the helpers' default
    axes = dict(row_axis=1, col_axis=2, channel_axis=0)
    np.random.seed(0)
    theta = np.random.uniform(-30, 30)
    tx, ty = np.random.uniform(-0.1, 0.1) * 8, np.random.uniform(-0.2, 0.2) * 6
    shear = np.random.uniform(-10, 10)
    zx, zy = np.random.uniform(0.8, 1.2, 2)
    np.random.seed(0)
    np.testing.assert_allclose(random_rotation(x, 30),
                               apply_affine_transform(x, theta=theta, **axes))
    np.testing.assert_allclose(random_shift(x, 0.2, 0.1),
                               apply_affine_transform(x, tx=tx, ty=ty, **axes))
    np.testing.assert_allclose(random_shear(x, 10),
                               apply_affine_transform(x, shear=shear, **axes))
    np.testing.assert_allclose(random_zoom(x, (0.8, 1.2)),
                               apply_affine_transform(x, zx=zx, zy=zy, **axes))
    state = np.random.get_state()[1].copy()
    assert random_zoom(x, (1, 1)) is x  # no zoom: nothing drawn
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    with pytest.raises(ValueError, match="two floats"):
        random_zoom(x, (0.5,))
