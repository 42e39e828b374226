import numpy as np
import pytest

from cornu.utils.np_utils import normalize, to_categorical


def test_to_categorical_rows_and_default_num_classes():
    out = to_categorical([0, 2, 1, 2])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])


def test_to_categorical_column_vector_gives_2d():
    out = to_categorical(np.array([[1], [0], [3]]), num_classes=4)
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out, [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]])


def test_to_categorical_multi_dim_keeps_input_shape():
    # Keras 2.2.4: output shape is input shape + (num_classes,)
    out = to_categorical([[0, 1], [2, 0]])
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[1, 0], [0, 0, 1])
    np.testing.assert_array_equal(out[0, 1], [0, 1, 0])


def test_to_categorical_scalar_and_dtype_and_float_labels():
    assert to_categorical(2, num_classes=3).tolist() == [0.0, 0.0, 1.0]
    out = to_categorical([1.0, 0.0], dtype="int64")
    assert out.dtype == np.int64
    assert out.tolist() == [[0, 1], [1, 0]]


def test_to_categorical_explicit_num_classes_pads():
    assert to_categorical([1], num_classes=5).tolist() == [[0, 1, 0, 0, 0]]


def test_to_categorical_rejects_out_of_range_labels():
    with pytest.raises(ValueError, match="label 3.*num_classes - 1 = 2"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="label -1"):
        to_categorical([0, -1])


def test_to_categorical_empty_needs_num_classes():
    with pytest.raises(ValueError, match="Pass num_classes"):
        to_categorical([])
    assert to_categorical([], num_classes=2).shape == (0, 2)


def test_normalize_l2_rows_and_zero_rows():
    out = normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_normalize_axis_and_order():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(normalize(x, axis=0, order=1), [[0.25, 0.25], [0.75, 0.75]])


def test_normalize_1d_input_gives_one_row_like_keras():
    out = normalize(np.array([3.0, 4.0]))
    assert out.shape == (1, 2)
    np.testing.assert_allclose(out, [[0.6, 0.8]])
