"""``keras.utils.np_utils``: one-hot encoding and normalisation of NumPy arrays.

Example:
    >>> to_categorical([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
"""
import numpy as np


def to_categorical(y, num_classes=None, dtype="float32"):
    """Converts integer class labels to one-hot rows (Keras 2.2.4 semantics).

    The result has the input's shape plus a last axis of size ``num_classes``; a trailing axis
    of size 1 is dropped first, so labels of shape ``(n,)`` and ``(n, 1)`` both give
    ``(n, num_classes)``, and ``(n, t)`` gives ``(n, t, num_classes)``. Float labels such as
    ``3.0`` are truncated to integers, as in Keras.

    Args:
        y: array-like of class labels, integers from 0 to ``num_classes - 1``.
        num_classes: total number of classes; default ``max(y) + 1``.
        dtype: dtype of the result.

    Returns:
        A NumPy array of 0s and 1s.

    Example:
        >>> to_categorical([[1], [0]], num_classes=3).tolist()
        [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    """
    labels = np.array(y, dtype="int")
    input_shape = labels.shape
    if len(input_shape) > 1 and input_shape[-1] == 1:
        input_shape = input_shape[:-1]
    labels = labels.ravel()
    if not num_classes:
        if labels.size == 0:
            raise ValueError("to_categorical got no labels, so it cannot infer num_classes. "
                             "Pass num_classes explicitly.")
        num_classes = int(labels.max()) + 1
    num_classes = int(num_classes)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)][0]
        raise ValueError(f"to_categorical got the label {bad}, but labels must be integers from "
                         f"0 to num_classes - 1 = {num_classes - 1}. Check the labels, or pass "
                         f"a larger num_classes.")
    categorical = np.zeros((labels.shape[0], num_classes), dtype=dtype)
    categorical[np.arange(labels.shape[0]), labels] = 1
    return categorical.reshape(tuple(input_shape) + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Scales ``x`` so that its ``order``-norm along ``axis`` is 1 (zero vectors stay zero).

    Args:
        x: NumPy array.
        axis: axis along which to normalise.
        order: norm order (2 for the L2 norm, 1 for L1 ...).

    Returns:
        The normalised array. As in Keras 2, a 1-D input comes back as one row, shape (1, n).

    Example:
        >>> normalize(np.array([[3.0, 4.0]])).tolist()
        [[0.6, 0.8]]
    """
    norms = np.atleast_1d(np.linalg.norm(x, order, axis))
    norms[norms == 0] = 1
    return x / np.expand_dims(norms, axis)
