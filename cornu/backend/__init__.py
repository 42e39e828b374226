"""``keras.backend``: settings, session state, value access, tensor functions, ``function`` and
``gradients``, on torch.

Example:
    >>> from cornu import backend as K
    >>> K.image_data_format()
    'channels_last'
"""
from cornu.config import (epsilon, floatx, get_uid, image_data_format, learning_phase_scope,
                          learning_phase_value, reset_uids, set_epsilon, set_floatx,
                          set_image_data_format, set_learning_phase)
from cornu.backend.variables import (batch_get_value, batch_set_value, count_params, get_value,
                                     int_shape, set_value)
from cornu.backend.learning_phase import learning_phase, reset_learning_phase
from cornu.backend.ops import (abs, all, any, argmax, argmin, batch_dot, batch_flatten,
                               bias_add, binary_crossentropy, cast, categorical_crossentropy,
                               clip, concatenate, constant, dot, dtype, elu, equal, eval,
                               exp, expand_dims, eye, flatten, gather, gradients, greater,
                               greater_equal, hard_sigmoid, is_keras_tensor, l2_normalize, less,
                               less_equal, log, max, maximum, mean, min, minimum, ndim,
                               not_equal, one_hot, ones, ones_like, permute_dimensions,
                               placeholder, pow, prod, random_binomial, random_normal,
                               random_uniform, relu, repeat, repeat_elements, reshape, reverse,
                               round, shape, sigmoid, sign, softmax, softplus, softsign,
                               sparse_categorical_crossentropy, sqrt, square, squeeze, stack,
                               std, stop_gradient, sum, switch, tanh, tile, transpose,
                               truncated_normal, var, variable, zeros, zeros_like)
from cornu.backend.function import Function, function


def backend():
    """Returns the name of the engine underneath: ``'pytorch'``."""
    return "pytorch"


def clear_session():
    """Resets the automatic layer names (``dense_1`` ... start again) and the learning phase."""
    reset_uids()
    reset_learning_phase()
