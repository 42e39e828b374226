"""``Callback.validation_data`` as Keras 2 set it: ``[x_val..., y_val..., sample_weights...]``.

Example:
    >>> import numpy as np
    >>> data = keras2_validation_data([np.zeros((2, 3))], [np.ones((2, 1))], [None])
    >>> [a.shape for a in data], data[2]
    ([(2, 3), (2, 1), (2,)], array([1., 1.], dtype=float32))
"""
import numpy as np


def keras2_validation_data(xs, ys, sample_weights, modes=None):
    """The list a callback reads as ``self.validation_data``: the input arrays, the target
    arrays, then one weight array per output (ones where none was given: per sample, or per
    timestep for ``sample_weight_mode='temporal'``), as Keras 2.2.4's ``fit`` passed them.

    Args:
        xs: the validation input arrays.
        ys: the validation target arrays.
        sample_weights: per output, a weight array or None.
        modes: per output, ``compile(sample_weight_mode=...)`` (None or ``'temporal'``).
    """
    weights = []
    for y, weight, mode in zip(ys, sample_weights, modes or [None] * len(ys)):
        if weight is None:
            shape = (len(y), y.shape[1]) if mode == 'temporal' else (len(y),)
            weight = np.ones(shape, dtype=np.float32)
        weights.append(weight)
    return list(xs) + list(ys) + weights
