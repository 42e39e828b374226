"""``keras.backend`` neural-network functions: activations (``softmax``, ``relu`` ...), the
crossentropies (element-wise, Keras 2.2.4 clipping) and ``l2_normalize``.

Example:
    >>> from cornu import backend as K
    >>> K.softmax(torch.zeros(1, 4))
    tensor([[0.2500, 0.2500, 0.2500, 0.2500]])
"""
import torch
import torch.nn.functional as F

from cornu import activations
from cornu import losses as losses_module
from cornu.backend.coercion import axes_tuple, to_float, to_tensor
from cornu.config import epsilon
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.op_layer import symbolic_call

# tf.nn.l2_normalize's floor on the squared norm.
_L2_EPSILON = 1e-12


def softmax(x, axis=-1):
    """Softmax along ``axis``.

    Args:
        x: a tensor.
        axis: the axis.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(softmax, x, axis)
    return torch.softmax(to_tensor(x), dim=axis)


def sigmoid(x):
    """Element-wise logistic sigmoid.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(sigmoid, x)
    return activations.sigmoid(x)


def hard_sigmoid(x):
    """``clip(0.2 * x + 0.5, 0, 1)``.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(hard_sigmoid, x)
    return activations.hard_sigmoid(x)


def tanh(x):
    """Element-wise hyperbolic tangent.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(tanh, x)
    return activations.tanh(x)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras 2's leak, ceiling and threshold options.

    Args:
        x: a tensor.
        alpha: slope below the threshold.
        max_value: ceiling, or None.
        threshold: values at or below it are not passed through.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(relu, x, alpha, max_value, threshold)
    return activations.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def elu(x, alpha=1.0):
    """Exponential linear unit.

    Args:
        x: a tensor.
        alpha: scale of the negative part.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(elu, x, alpha)
    return activations.elu(x, alpha)


def softplus(x):
    """``log(1 + exp(x))``.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(softplus, x)
    return activations.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``.

    Args:
        x: a tensor.
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(softsign, x)
    return activations.softsign(x)


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary crossentropy (no mean over the last axis, unlike the loss).

    Probabilities are clipped to ``[eps, 1 - eps]`` and turned into logits, as Keras 2.2.4 does.

    Args:
        target: targets in [0, 1].
        output: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``output`` holds logits.
    """
    if isinstance(target, KerasTensor) or isinstance(output, KerasTensor):
        return symbolic_call(binary_crossentropy, target, output, from_logits)
    output = to_float(output)
    if not from_logits:
        output = torch.logit(output, eps=epsilon())
    return F.binary_cross_entropy_with_logits(output, to_tensor(target, output.dtype),
                                              reduction="none")


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``-sum(target * log(output), axis)``, output rescaled to sum to 1 and clipped.

    Args:
        target: one-hot (or soft) targets, output's shape.
        output: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``output`` holds logits.
        axis: the class axis.
    """
    if isinstance(target, KerasTensor) or isinstance(output, KerasTensor):
        return symbolic_call(categorical_crossentropy, target, output, from_logits, axis)
    output = to_float(output)
    target = to_tensor(target, output.dtype)
    if axis not in (-1, output.dim() - 1):
        output, target = output.movedim(axis, -1), target.movedim(axis, -1)
    return losses_module.categorical_crossentropy(target, output, from_logits=from_logits)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy against integer class labels.

    Args:
        target: integer labels of shape ``output.shape[:-1]`` (or with a trailing 1).
        output: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``output`` holds logits.
        axis: the class axis.
    """
    if isinstance(target, KerasTensor) or isinstance(output, KerasTensor):
        return symbolic_call(sparse_categorical_crossentropy, target, output, from_logits, axis)
    return losses_module.sparse_categorical_crossentropy(target, output, from_logits=from_logits,
                                                         axis=axis)


def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x ** 2, axis), 1e-12))``, over ``axis`` or the whole tensor.

    Args:
        x: a tensor.
        axis: the axis or axes to normalise along (None: all).
    """
    if isinstance(x, KerasTensor):
        return symbolic_call(l2_normalize, x, axis)
    x = to_float(x)
    square_sum = torch.sum(x * x, dim=axes_tuple(axis, x.dim()), keepdim=True)
    return x * torch.rsqrt(torch.clamp(square_sum, min=_L2_EPSILON))
