"""``keras.backend`` tensor functions, Keras 2.2.4 signatures and semantics, on torch, gathered
from their family modules (``cornu.backend`` exports them from here; Lambda layers saved with
``module='cornu.backend.ops'`` still find their functions).

Every function works on real tensors (calling torch directly) and on symbolic ``KerasTensor``
inputs, where it records an op-layer node instead of computing (so ``K.mean(layer.output)`` is a
symbolic tensor a ``K.function`` or a ``Model`` can run later). Inside a custom layer's ``call`` or
a custom loss, the arguments are real tensors and the functions compute at once.

Example:
    >>> from cornu import backend as K
    >>> K.mean(torch.tensor([[1., 2.], [3., 4.]]), axis=0)
    tensor([2., 3.])
    >>> K.mean(Input(shape=(3,)), axis=-1).shape
    (None,)
"""
from cornu.backend.differentiation import gradients, stop_gradient  # noqa: F401
from cornu.backend.elementwise import (abs, clip, equal, exp, greater, greater_equal,  # noqa: F401
                                       less, less_equal, log, maximum, minimum, not_equal, pow,
                                       round, sign, sqrt, square, switch)
from cornu.backend.linalg import batch_dot, dot, gather, transpose  # noqa: F401
from cornu.backend.nn import (binary_crossentropy, categorical_crossentropy, elu,  # noqa: F401
                              hard_sigmoid, l2_normalize, relu, sigmoid, softmax, softplus,
                              softsign, sparse_categorical_crossentropy, tanh)
from cornu.backend.random_ops import (random_binomial, random_normal,  # noqa: F401
                                      random_uniform, truncated_normal)
from cornu.backend.reductions import (all, any, argmax, argmin, max, mean, min,  # noqa: F401
                                      prod, std, sum, var)
from cornu.backend.shapes import (batch_flatten, bias_add, concatenate, expand_dims,  # noqa: F401
                                  flatten, one_hot, permute_dimensions, repeat, repeat_elements,
                                  reshape, reverse, squeeze, stack, tile)
from cornu.backend.tensors import (cast, constant, dtype, eval, eye, is_keras_tensor,  # noqa: F401
                                   ndim, ones, ones_like, placeholder, shape, variable, zeros,
                                   zeros_like)
