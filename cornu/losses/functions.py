"""``keras.losses`` functions: ``(y_true, y_pred)`` -> one value per sample (the mean, or the sum
for the crossentropies and KL divergence, over the last axis), Keras 2.2.4 formulas, plus the
Keras 2 short aliases (``mse``, ``MAE``, ``kld`` ...) as the same function objects.

Example:
    >>> mean_squared_error(torch.tensor([[0., 1.]]), torch.tensor([[1., 1.]]))
    tensor([0.5000])
    >>> mse is mean_squared_error
    True
"""
import math

import torch
import torch.nn.functional as F

from cornu.config import epsilon
from cornu.losses.inputs import as_tensors, label_out_of_range, prepare, sparse_labels
from cornu.losses.reduction import mean_last_axis


# ----------------------------------------------------------------------------------------------
# Regression losses
# ----------------------------------------------------------------------------------------------

def mean_squared_error(y_true, y_pred):
    """``mean(square(y_pred - y_true), axis=-1)``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> mean_squared_error(torch.tensor([[0., 1.]]), torch.tensor([[1., 1.]]))
        tensor([0.5000])
    """
    y_true, y_pred = prepare(y_true, y_pred, "mean_squared_error")
    return mean_last_axis(torch.square(y_pred - y_true))


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_pred - y_true), axis=-1)``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> mean_absolute_error(torch.tensor([[0., 1.]]), torch.tensor([[2., 1.]]))
        tensor([1.])
    """
    y_true, y_pred = prepare(y_true, y_pred, "mean_absolute_error")
    return mean_last_axis(torch.abs(y_pred - y_true))


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / clip(abs(y_true), eps, inf)), axis=-1)``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> mean_absolute_percentage_error(torch.tensor([[2., 4.]]), torch.tensor([[1., 4.]]))
        tensor([25.])
    """
    y_true, y_pred = prepare(y_true, y_pred, "mean_absolute_percentage_error")
    diff = torch.abs((y_true - y_pred) / torch.clamp(torch.abs(y_true), min=epsilon()))
    return 100.0 * mean_last_axis(diff)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(clip(y_pred, eps) + 1) - log(clip(y_true, eps) + 1)), axis=-1)``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> mean_squared_logarithmic_error(torch.tensor([[0.]]), torch.tensor([[math.e - 1]]))
        tensor([1.0000])
    """
    y_true, y_pred = prepare(y_true, y_pred, "mean_squared_logarithmic_error")
    eps = epsilon()
    first_log = torch.log1p(torch.clamp(y_pred, min=eps))
    second_log = torch.log1p(torch.clamp(y_true, min=eps))
    return mean_last_axis(torch.square(first_log - second_log))


def logcosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as ``x + softplus(-2x) - log 2``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> logcosh(torch.tensor([[0.]]), torch.tensor([[0.]]))
        tensor([0.])
    """
    y_true, y_pred = prepare(y_true, y_pred, "logcosh")
    x = y_pred - y_true
    return mean_last_axis(x + F.softplus(-2.0 * x) - math.log(2.0))


def huber_loss(y_true, y_pred, delta=1.0):
    """Huber loss (Keras 2.3): ``0.5 x^2`` for ``|x| <= delta``, else ``delta (|x| - delta/2)``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.
        delta: where the loss turns from quadratic to linear.

    Example:
        >>> huber_loss(torch.tensor([[0., 0.]]), torch.tensor([[0.5, 3.]]))
        tensor([1.3125])
    """
    y_true, y_pred = prepare(y_true, y_pred, "huber_loss")
    abs_error = torch.abs(y_pred - y_true)
    quadratic = torch.clamp(abs_error, max=delta)
    linear = abs_error - quadratic
    return mean_last_axis(0.5 * torch.square(quadratic) + delta * linear)


# ----------------------------------------------------------------------------------------------
# Margin losses
# ----------------------------------------------------------------------------------------------

def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``; labels are expected as -1 / 1.

    Args:
        y_true: targets in {-1, 1} (Keras 2.2.4 does not convert 0/1 labels).
        y_pred: predictions.

    Example:
        >>> hinge(torch.tensor([[1., -1.]]), torch.tensor([[0.5, 0.5]]))
        tensor([1.])
    """
    y_true, y_pred = prepare(y_true, y_pred, "hinge")
    return mean_last_axis(torch.clamp(1.0 - y_true * y_pred, min=0.0))


def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``; labels are expected as -1 / 1.

    Args:
        y_true: targets in {-1, 1}.
        y_pred: predictions.

    Example:
        >>> squared_hinge(torch.tensor([[1., -1.]]), torch.tensor([[0.5, 0.5]]))
        tensor([1.2500])
    """
    y_true, y_pred = prepare(y_true, y_pred, "squared_hinge")
    return mean_last_axis(torch.square(torch.clamp(1.0 - y_true * y_pred, min=0.0)))


def categorical_hinge(y_true, y_pred):
    """``maximum(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1)`` over the last axis.

    Args:
        y_true: one-hot targets, same shape as y_pred.
        y_pred: scores.

    Example:
        >>> categorical_hinge(torch.tensor([[0., 1.]]), torch.tensor([[0.3, 0.7]]))
        tensor([0.6000])
    """
    y_true, y_pred = prepare(y_true, y_pred, "categorical_hinge", categorical=True)
    pos = torch.sum(y_true * y_pred, dim=-1)
    neg = torch.amax((1.0 - y_true) * y_pred, dim=-1)
    return torch.clamp(neg - pos + 1.0, min=0.0)


# ----------------------------------------------------------------------------------------------
# Probabilistic losses
# ----------------------------------------------------------------------------------------------

def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    """``-sum(y_true * log(p), axis=-1)`` with ``p`` rescaled to sum to 1, clipped to [eps, 1-eps].

    Args:
        y_true: one-hot (or soft) targets, same shape as y_pred.
        y_pred: probabilities (a softmax output), or logits when ``from_logits=True``.
        from_logits: True if y_pred holds unnormalised scores (Keras 2.3).
        label_smoothing: in [0, 1]; targets become ``y * (1 - s) + s / classes`` (Keras 2.3).

    Example:
        >>> categorical_crossentropy(torch.tensor([[0., 1.]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.6931])
    """
    y_true, y_pred = prepare(y_true, y_pred, "categorical_crossentropy", categorical=True)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if from_logits:
        log_p = torch.log_softmax(y_pred, dim=-1)
    else:
        eps = epsilon()
        p = y_pred / torch.sum(y_pred, dim=-1, keepdim=True)
        log_p = torch.log(torch.clamp(p, eps, 1.0 - eps))
    return -torch.sum(y_true * log_p, dim=-1)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """Categorical crossentropy against integer labels.

    As in Keras 2.2.4 the probabilities are clipped to [eps, 1-eps], turned into logits with
    ``log`` and passed to a softmax crossentropy, i.e. ``-log(p_c[label] / sum(p_c))``.

    Args:
        y_true: integer class labels of shape ``(n,)`` or ``(n, 1)`` (floats are cast to int64).
        y_pred: probabilities of shape ``(n, classes)``, or logits when ``from_logits=True``.
        from_logits: True if y_pred holds unnormalised scores.
        axis: the class axis of y_pred (Keras 2.3).

    Example:
        >>> sparse_categorical_crossentropy(torch.tensor([1]), torch.tensor([[0.5, 0.5]]))
        tensor([0.6931])
    """
    if axis != -1:
        y_true, y_pred = as_tensors(y_true, y_pred)
        y_pred = torch.movedim(y_pred, axis, -1)
    labels, y_pred = sparse_labels(y_true, y_pred, "sparse_categorical_crossentropy")
    classes = y_pred.shape[-1]
    logits = y_pred if from_logits else torch.log(torch.clamp(y_pred, epsilon(), 1.0 - epsilon()))
    try:
        losses = F.cross_entropy(logits.reshape(-1, classes), labels.reshape(-1),
                                 reduction="none")
    except (IndexError, RuntimeError) as error:
        raise label_out_of_range("sparse_categorical_crossentropy", classes, error) from None
    return losses.reshape(labels.shape)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    """``mean(-(y log p + (1 - y) log(1 - p)), axis=-1)`` with p clipped to [eps, 1-eps].

    As Keras 2.2.4 does, the clipped probabilities are converted to logits ``log(p / (1 - p))``
    and the numerically stable sigmoid crossentropy is applied to them.

    Args:
        y_true: targets in [0, 1], same shape as y_pred.
        y_pred: probabilities (a sigmoid output), or logits when ``from_logits=True``.
        from_logits: True if y_pred holds logits (Keras 2.3).
        label_smoothing: in [0, 1]; targets become ``y * (1 - s) + 0.5 * s`` (Keras 2.3).

    Example:
        >>> binary_crossentropy(torch.tensor([[1., 0.]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.6931])
    """
    y_true, y_pred = prepare(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    logits = y_pred if from_logits else torch.logit(y_pred, eps=epsilon())
    return mean_last_axis(F.binary_cross_entropy_with_logits(logits, y_true, reduction="none"))


def kullback_leibler_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to [eps, 1].

    Args:
        y_true: target distribution, same shape as y_pred.
        y_pred: predicted distribution.

    Example:
        >>> kullback_leibler_divergence(torch.tensor([[0.5, 0.5]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.])
    """
    y_true, y_pred = prepare(y_true, y_pred, "kullback_leibler_divergence")
    eps = epsilon()
    y_true = torch.clamp(y_true, eps, 1.0)
    y_pred = torch.clamp(y_pred, eps, 1.0)
    return torch.sum(y_true * torch.log(y_true / y_pred), dim=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``.

    Args:
        y_true: counts, same shape as y_pred.
        y_pred: predicted rates.

    Example:
        >>> poisson(torch.tensor([[0.]]), torch.tensor([[2.]]))
        tensor([2.])
    """
    y_true, y_pred = prepare(y_true, y_pred, "poisson")
    return mean_last_axis(y_pred - y_true * torch.log(y_pred + epsilon()))


def _l2_normalize(x, axis):
    # tf.nn.l2_normalize: x * rsqrt(max(sum(x^2), 1e-12)).
    return x * torch.rsqrt(torch.clamp(torch.sum(torch.square(x), dim=axis, keepdim=True),
                                       min=1e-12))


def cosine_proximity(y_true, y_pred, axis=-1):
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=-1)``: -1 for parallel vectors.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.
        axis: the axis along which to measure the cosine (Keras 2.3).

    Example:
        >>> cosine_proximity(torch.tensor([[1., 0.]]), torch.tensor([[2., 0.]]))
        tensor([-1.])
    """
    y_true, y_pred = prepare(y_true, y_pred, "cosine_proximity")
    return -torch.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), dim=axis)


# Keras 2 aliases: the same function objects under their short names.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_similarity = cosine_proximity
