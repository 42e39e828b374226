"""``keras.losses``: Keras 2 loss functions on torch tensors, plus the Keras 2.3 loss classes.

Every loss function takes ``(y_true, y_pred)`` and returns one value per sample: the mean (or sum,
for the crossentropies and KL divergence) over the last axis, so a ``(batch, classes)`` pair gives a
``(batch,)`` tensor. The training engine applies sample weights and averages. Formulas follow
Keras 2.2.4 on its TensorFlow backend: probabilities are clipped to ``[eps, 1 - eps]`` with
``eps = cornu.backend.epsilon()`` (1e-7).

The loss classes (``MeanSquaredError()``, ``BinaryCrossentropy(from_logits=True)`` ...) return the
weighted mean over the batch when called, as in Keras 2.3; their ``call`` gives per-sample values.

Example:
    >>> import torch
    >>> from cornu import losses
    >>> losses.get('mse')(torch.tensor([[0., 1.]]), torch.tensor([[1., 1.]]))
    tensor([0.5000])
    >>> round(float(losses.BinaryCrossentropy()(torch.tensor([[1.]]), torch.tensor([[0.5]]))), 4)
    0.6931
"""
import math

import torch
import torch.nn.functional as F

from cornu.backend.config import epsilon, torch_dtype
from cornu.utils.serialization import (check_known, deserialize_keras_object, get_custom_objects,
                                       serialize_keras_object)

_CATEGORICAL_HINT = (" It looks like you are passing integer class labels to `{name}`, which "
                     "expects one-hot targets of shape (samples, classes). Convert them with "
                     "`keras.utils.to_categorical(y, num_classes={classes})`, or use the loss "
                     "`sparse_categorical_crossentropy`, which takes integer labels.")


# ----------------------------------------------------------------------------------------------
# Input preparation
# ----------------------------------------------------------------------------------------------

def _as_tensors(y_true, y_pred):
    """Returns torch tensors, y_pred floating point and y_true on its device (dtype unchanged)."""
    if not isinstance(y_pred, torch.Tensor):
        y_pred = torch.as_tensor(y_pred, dtype=torch_dtype())
    elif not y_pred.is_floating_point():
        y_pred = y_pred.to(torch_dtype())
    if not isinstance(y_true, torch.Tensor):
        y_true = torch.as_tensor(y_true, device=y_pred.device)
    return y_true, y_pred


def _mismatch_error(name, y_true, y_pred, categorical):
    message = (f"`{name}` received y_true of shape {tuple(y_true.shape)} and y_pred of shape "
               f"{tuple(y_pred.shape)}; the two shapes must be the same.")
    classes = y_pred.shape[-1] if y_pred.dim() else 1
    labels_shape = tuple(y_pred.shape[:-1])
    integer_labels = tuple(y_true.shape) in (labels_shape, labels_shape + (1,))
    if categorical and integer_labels and y_pred.dim() >= 2 and classes > 1:
        message += _CATEGORICAL_HINT.format(name=name, classes=classes)
    else:
        message += (" Check that the model's last layer has as many units as the targets have "
                    "columns.")
    return ValueError(message)


def _prepare(y_true, y_pred, name, categorical=False):
    """Makes y_true and y_pred tensors of the same shape and dtype.

    A rank difference of one with a trailing axis of size 1 (``(n,)`` against ``(n, 1)``) is
    resolved by adding that axis; any other difference raises a ``ValueError`` naming both shapes.
    """
    y_true, y_pred = _as_tensors(y_true, y_pred)
    y_true = y_true.to(y_pred)
    if y_true.shape != y_pred.shape:
        if y_true.dim() + 1 == y_pred.dim() and y_pred.shape[-1] == 1 \
                and y_true.shape == y_pred.shape[:-1]:
            y_true = y_true.unsqueeze(-1)
        elif y_pred.dim() + 1 == y_true.dim() and y_true.shape[-1] == 1 \
                and y_pred.shape == y_true.shape[:-1]:
            y_pred = y_pred.unsqueeze(-1)
        else:
            raise _mismatch_error(name, y_true, y_pred, categorical)
    return y_true, y_pred


def _sparse_labels(y_true, y_pred, name):
    """Returns integer labels of shape ``y_pred.shape[:-1]`` from ``(...)`` or ``(..., 1)``."""
    y_true, y_pred = _as_tensors(y_true, y_pred)
    labels_shape = y_pred.shape[:-1]
    if y_pred.dim() < 2 or (y_true.shape != labels_shape
                            and y_true.shape != labels_shape + (1,)):
        one_hot = " If your targets are one-hot encoded, use the categorical version instead." \
            if y_true.shape == y_pred.shape else ""
        raise ValueError(f"`{name}` expects y_pred of shape (samples, ..., classes) and integer "
                         f"labels y_true of shape {tuple(labels_shape)} or "
                         f"{tuple(labels_shape) + (1,)}; received y_true of shape "
                         f"{tuple(y_true.shape)} and y_pred of shape {tuple(y_pred.shape)}."
                         + one_hot)
    return y_true.reshape(labels_shape).to(torch.int64), y_pred


def _label_out_of_range(name, classes, error):
    return ValueError(f"`{name}` received a label outside [0, {classes - 1}] for y_pred with "
                      f"{classes} classes ({error}). Labels must be class indices 0 ... "
                      f"{classes - 1}; check the number of units in the last layer.")


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
    y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_error")
    return torch.mean(torch.square(y_pred - y_true), dim=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_pred - y_true), axis=-1)``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> mean_absolute_error(torch.tensor([[0., 1.]]), torch.tensor([[2., 1.]]))
        tensor([1.])
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_absolute_error")
    return torch.mean(torch.abs(y_pred - y_true), dim=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / clip(abs(y_true), eps, inf)), axis=-1)``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> mean_absolute_percentage_error(torch.tensor([[2., 4.]]), torch.tensor([[1., 4.]]))
        tensor([25.])
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_absolute_percentage_error")
    diff = torch.abs((y_true - y_pred) / torch.clamp(torch.abs(y_true), min=epsilon()))
    return 100.0 * torch.mean(diff, dim=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(clip(y_pred, eps) + 1) - log(clip(y_true, eps) + 1)), axis=-1)``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> mean_squared_logarithmic_error(torch.tensor([[0.]]), torch.tensor([[math.e - 1]]))
        tensor([1.0000])
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_logarithmic_error")
    eps = epsilon()
    first_log = torch.log1p(torch.clamp(y_pred, min=eps))
    second_log = torch.log1p(torch.clamp(y_true, min=eps))
    return torch.mean(torch.square(first_log - second_log), dim=-1)


def logcosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as ``x + softplus(-2x) - log 2``.

    Args:
        y_true: targets, same shape as y_pred.
        y_pred: predictions.

    Example:
        >>> logcosh(torch.tensor([[0.]]), torch.tensor([[0.]]))
        tensor([0.])
    """
    y_true, y_pred = _prepare(y_true, y_pred, "logcosh")
    x = y_pred - y_true
    return torch.mean(x + F.softplus(-2.0 * x) - math.log(2.0), dim=-1)


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
    y_true, y_pred = _prepare(y_true, y_pred, "huber_loss")
    abs_error = torch.abs(y_pred - y_true)
    quadratic = torch.clamp(abs_error, max=delta)
    linear = abs_error - quadratic
    return torch.mean(0.5 * torch.square(quadratic) + delta * linear, dim=-1)


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
    y_true, y_pred = _prepare(y_true, y_pred, "hinge")
    return torch.mean(torch.clamp(1.0 - y_true * y_pred, min=0.0), dim=-1)


def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``; labels are expected as -1 / 1.

    Args:
        y_true: targets in {-1, 1}.
        y_pred: predictions.

    Example:
        >>> squared_hinge(torch.tensor([[1., -1.]]), torch.tensor([[0.5, 0.5]]))
        tensor([1.2500])
    """
    y_true, y_pred = _prepare(y_true, y_pred, "squared_hinge")
    return torch.mean(torch.square(torch.clamp(1.0 - y_true * y_pred, min=0.0)), dim=-1)


def categorical_hinge(y_true, y_pred):
    """``maximum(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1)`` over the last axis.

    Args:
        y_true: one-hot targets, same shape as y_pred.
        y_pred: scores.

    Example:
        >>> categorical_hinge(torch.tensor([[0., 1.]]), torch.tensor([[0.3, 0.7]]))
        tensor([0.6000])
    """
    y_true, y_pred = _prepare(y_true, y_pred, "categorical_hinge", categorical=True)
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
    y_true, y_pred = _prepare(y_true, y_pred, "categorical_crossentropy", categorical=True)
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
        y_true, y_pred = _as_tensors(y_true, y_pred)
        y_pred = torch.movedim(y_pred, axis, -1)
    labels, y_pred = _sparse_labels(y_true, y_pred, "sparse_categorical_crossentropy")
    classes = y_pred.shape[-1]
    logits = y_pred if from_logits else torch.log(torch.clamp(y_pred, epsilon(), 1.0 - epsilon()))
    try:
        losses = F.cross_entropy(logits.reshape(-1, classes), labels.reshape(-1),
                                 reduction="none")
    except (IndexError, RuntimeError) as error:
        raise _label_out_of_range("sparse_categorical_crossentropy", classes, error) from None
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
    y_true, y_pred = _prepare(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    logits = y_pred if from_logits else torch.logit(y_pred, eps=epsilon())
    return torch.mean(F.binary_cross_entropy_with_logits(logits, y_true, reduction="none"),
                      dim=-1)


def kullback_leibler_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to [eps, 1].

    Args:
        y_true: target distribution, same shape as y_pred.
        y_pred: predicted distribution.

    Example:
        >>> kullback_leibler_divergence(torch.tensor([[0.5, 0.5]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.])
    """
    y_true, y_pred = _prepare(y_true, y_pred, "kullback_leibler_divergence")
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
    y_true, y_pred = _prepare(y_true, y_pred, "poisson")
    return torch.mean(y_pred - y_true * torch.log(y_pred + epsilon()), dim=-1)


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
    y_true, y_pred = _prepare(y_true, y_pred, "cosine_proximity")
    return -torch.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), dim=axis)


# Keras 2 aliases: the same function objects under their short names.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_similarity = cosine_proximity


# ----------------------------------------------------------------------------------------------
# Keras 2.3 loss classes
# ----------------------------------------------------------------------------------------------

class Reduction:
    """How a loss object reduces per-sample losses: the Keras 2.3 ``losses_utils.Reduction``.

    ``AUTO`` and ``SUM_OVER_BATCH_SIZE``: ``sum(loss * weight) / number of losses``;
    ``SUM``: ``sum(loss * weight)``; ``NONE``: ``loss * weight`` unreduced.
    """
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        """Returns the valid reduction names."""
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, reduction):
        """Raises a ``ValueError`` for an unknown reduction.

        Args:
            reduction: a reduction name.
        """
        if reduction not in cls.all():
            raise ValueError(f"Invalid reduction: {reduction!r}. Expected one of "
                             f"{', '.join(repr(r) for r in cls.all())}.")


def compute_weighted_loss(losses, sample_weight=None, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """Applies sample weights to per-sample losses and reduces them.

    Args:
        losses: tensor of per-sample losses, e.g. shape ``(n,)`` or ``(n, timesteps)``.
        sample_weight: None, a number, or a tensor of shape ``(n,)``, ``(n, 1)`` or losses' shape.
        reduction: one of the ``Reduction`` names.

    Example:
        >>> float(compute_weighted_loss(torch.tensor([0.5, 0.5]), torch.tensor([0.7, 0.3])))
        0.25
    """
    Reduction.validate(reduction)
    if sample_weight is not None:
        weight = torch.as_tensor(sample_weight, device=losses.device).to(losses.dtype)
        if weight.dim() == losses.dim() + 1 and weight.shape[-1] == 1:
            weight = weight.squeeze(-1)
        while 0 < weight.dim() < losses.dim():
            weight = weight.unsqueeze(-1)
        try:
            losses = losses * weight
        except RuntimeError:
            raise ValueError(f"sample_weight of shape {tuple(weight.shape)} does not fit losses "
                             f"of shape {tuple(losses.shape)}. Pass one weight per sample, shape "
                             f"({losses.shape[0] if losses.dim() else 1},).") from None
    if reduction == Reduction.NONE:
        return losses
    if reduction == Reduction.SUM:
        return torch.sum(losses)
    return torch.mean(losses)


class Loss:
    """Base class of the Keras 2.3 loss objects: subclasses implement ``call(y_true, y_pred)``.

    Args:
        reduction: how ``__call__`` reduces per-sample losses (see ``Reduction``).
        name: the loss name, used in logs.

    Example:
        >>> class Quartic(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return torch.mean((y_pred - y_true) ** 4, dim=-1)
        >>> float(Quartic()(torch.tensor([[0.]]), torch.tensor([[2.]])))
        16.0
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE, name=None):
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Returns the reduced, weighted loss.

        Args:
            y_true: targets.
            y_pred: predictions.
            sample_weight: optional weights, one per sample (or a number).
        """
        return compute_weighted_loss(self.call(y_true, y_pred), sample_weight, self.reduction)

    def call(self, y_true, y_pred):
        """Returns per-sample losses; implemented by subclasses.

        Args:
            y_true: targets.
            y_pred: predictions.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self):
        """Returns the constructor arguments as a dict."""
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        """Builds a loss object from ``get_config()`` output.

        Args:
            config: dict of constructor arguments.
        """
        return cls(**config)


class LossFunctionWrapper(Loss):
    """Wraps a per-sample loss function ``fn(y_true, y_pred, **kwargs)`` as a ``Loss``.

    Args:
        fn: the loss function.
        reduction: see ``Reduction``.
        name: the loss name.
        **kwargs: keyword arguments passed to fn on every call.

    Example:
        >>> wrapped = LossFunctionWrapper(mean_squared_error, name='mse')
        >>> float(wrapped(torch.tensor([[0.]]), torch.tensor([[2.]])))
        4.0
    """

    def __init__(self, fn, reduction=Reduction.SUM_OVER_BATCH_SIZE, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        """Returns ``fn(y_true, y_pred, **kwargs)``: per-sample losses.

        Args:
            y_true: targets.
            y_pred: predictions.
        """
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        """Returns reduction, name and the keyword arguments of fn."""
        return {**super().get_config(), **self._fn_kwargs}


class MeanSquaredError(LossFunctionWrapper):
    """Loss object for ``mean_squared_error``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'mean_squared_error'``.

    Example:
        >>> float(MeanSquaredError()([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]]))
        0.5
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE, name="mean_squared_error"):
        super().__init__(mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """Loss object for ``mean_absolute_error``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'mean_absolute_error'``.

    Example:
        >>> float(MeanAbsoluteError()([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]]))
        0.5
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE, name="mean_absolute_error"):
        super().__init__(mean_absolute_error, reduction=reduction, name=name)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Loss object for ``mean_absolute_percentage_error``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'mean_absolute_percentage_error'``.

    Example:
        >>> float(MeanAbsolutePercentageError()([[2.]], [[1.]]))
        50.0
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE,
                 name="mean_absolute_percentage_error"):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Loss object for ``mean_squared_logarithmic_error``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'mean_squared_logarithmic_error'``.

    Example:
        >>> float(MeanSquaredLogarithmicError()([[1.]], [[1.]]))
        0.0
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE,
                 name="mean_squared_logarithmic_error"):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name)


class BinaryCrossentropy(LossFunctionWrapper):
    """Loss object for ``binary_crossentropy``.

    Args:
        from_logits: True if predictions are logits rather than probabilities.
        label_smoothing: in [0, 1], squeezes targets towards 0.5.
        reduction: see ``Reduction``.
        name: defaults to ``'binary_crossentropy'``.

    Example:
        >>> round(float(BinaryCrossentropy(from_logits=True)([[1.]], [[0.]])), 4)
        0.6931
    """

    def __init__(self, from_logits=False, label_smoothing=0,
                 reduction=Reduction.SUM_OVER_BATCH_SIZE, name="binary_crossentropy"):
        super().__init__(binary_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits


class CategoricalCrossentropy(LossFunctionWrapper):
    """Loss object for ``categorical_crossentropy``.

    Args:
        from_logits: True if predictions are logits rather than probabilities.
        label_smoothing: in [0, 1], mixes targets with the uniform distribution.
        reduction: see ``Reduction``.
        name: defaults to ``'categorical_crossentropy'``.

    Example:
        >>> round(float(CategoricalCrossentropy()([[0., 1.]], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(self, from_logits=False, label_smoothing=0,
                 reduction=Reduction.SUM_OVER_BATCH_SIZE, name="categorical_crossentropy"):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Loss object for ``sparse_categorical_crossentropy``.

    Args:
        from_logits: True if predictions are logits rather than probabilities.
        reduction: see ``Reduction``.
        name: defaults to ``'sparse_categorical_crossentropy'``.

    Example:
        >>> round(float(SparseCategoricalCrossentropy()([1], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(self, from_logits=False, reduction=Reduction.SUM_OVER_BATCH_SIZE,
                 name="sparse_categorical_crossentropy"):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits)
        self.from_logits = from_logits


class Hinge(LossFunctionWrapper):
    """Loss object for ``hinge``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'hinge'``.

    Example:
        >>> float(Hinge()([[1.]], [[0.25]]))
        0.75
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE, name="hinge"):
        super().__init__(hinge, reduction=reduction, name=name)


class SquaredHinge(LossFunctionWrapper):
    """Loss object for ``squared_hinge``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'squared_hinge'``.

    Example:
        >>> float(SquaredHinge()([[1.]], [[0.5]]))
        0.25
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE, name="squared_hinge"):
        super().__init__(squared_hinge, reduction=reduction, name=name)


class CategoricalHinge(LossFunctionWrapper):
    """Loss object for ``categorical_hinge``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'categorical_hinge'``.

    Example:
        >>> float(CategoricalHinge()([[0., 1.]], [[0., 1.]]))
        0.0
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE, name="categorical_hinge"):
        super().__init__(categorical_hinge, reduction=reduction, name=name)


class Poisson(LossFunctionWrapper):
    """Loss object for ``poisson``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'poisson'``.

    Example:
        >>> float(Poisson()([[0.]], [[2.]]))
        2.0
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE, name="poisson"):
        super().__init__(poisson, reduction=reduction, name=name)


class LogCosh(LossFunctionWrapper):
    """Loss object for ``logcosh``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'logcosh'``.

    Example:
        >>> float(LogCosh()([[0.]], [[0.]]))
        0.0
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE, name="logcosh"):
        super().__init__(logcosh, reduction=reduction, name=name)


class KLDivergence(LossFunctionWrapper):
    """Loss object for ``kullback_leibler_divergence``.

    Args:
        reduction: see ``Reduction``.
        name: defaults to ``'kullback_leibler_divergence'``.

    Example:
        >>> float(KLDivergence()([[1., 0.]], [[1., 0.]]))
        0.0
    """

    def __init__(self, reduction=Reduction.SUM_OVER_BATCH_SIZE,
                 name="kullback_leibler_divergence"):
        super().__init__(kullback_leibler_divergence, reduction=reduction, name=name)


class Huber(LossFunctionWrapper):
    """Loss object for ``huber_loss``.

    Args:
        delta: where the loss turns from quadratic to linear.
        reduction: see ``Reduction``.
        name: defaults to ``'huber_loss'``.

    Example:
        >>> float(Huber(delta=1.0)([[0.]], [[3.]]))
        2.5
    """

    def __init__(self, delta=1.0, reduction=Reduction.SUM_OVER_BATCH_SIZE, name="huber_loss"):
        super().__init__(huber_loss, reduction=reduction, name=name, delta=delta)


class CosineSimilarity(LossFunctionWrapper):
    """Loss object for ``cosine_proximity`` (-1 for parallel vectors).

    Args:
        axis: the axis along which to measure the cosine.
        reduction: see ``Reduction``.
        name: defaults to ``'cosine_similarity'``.

    Example:
        >>> float(CosineSimilarity()([[1., 0.]], [[3., 0.]]))
        -1.0
    """

    def __init__(self, axis=-1, reduction=Reduction.SUM_OVER_BATCH_SIZE,
                 name="cosine_similarity"):
        super().__init__(cosine_proximity, reduction=reduction, name=name, axis=axis)


# ----------------------------------------------------------------------------------------------
# Lookup
# ----------------------------------------------------------------------------------------------

LOSS_FUNCTIONS = {
    fn.__name__: fn for fn in (
        mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
        mean_squared_logarithmic_error, squared_hinge, hinge, categorical_hinge, logcosh,
        huber_loss, categorical_crossentropy, sparse_categorical_crossentropy,
        binary_crossentropy, kullback_leibler_divergence, poisson, cosine_proximity)
}
LOSS_FUNCTIONS.update(mse=mse, MSE=MSE, mae=mae, MAE=MAE, mape=mape, MAPE=MAPE, msle=msle,
                      MSLE=MSLE, kld=kld, KLD=KLD, cosine=cosine,
                      cosine_similarity=cosine_similarity)

LOSS_CLASSES = {
    cls.__name__: cls for cls in (
        MeanSquaredError, MeanAbsoluteError,
        MeanAbsolutePercentageError, MeanSquaredLogarithmicError, BinaryCrossentropy,
        CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge, SquaredHinge,
        CategoricalHinge, Poisson, LogCosh, KLDivergence, Huber, CosineSimilarity)
}

_OBJECTS = {**LOSS_FUNCTIONS, **LOSS_CLASSES}


def _check_known(name, custom_objects):
    listed = ", ".join(sorted(LOSS_FUNCTIONS)) + " (or a loss class such as 'BinaryCrossentropy')"
    check_known(name, _OBJECTS, custom_objects, "loss function", valid_names=listed)


def serialize(loss):
    """Returns a loss function's name, or ``{'class_name', 'config'}`` for a loss object.

    Args:
        loss: a loss function or ``Loss`` instance.

    Example:
        >>> serialize(mse)
        'mean_squared_error'
    """
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """Returns the loss for a name or a config dict; a class name gives a default instance.

    Args:
        name: e.g. ``'mse'``, ``'BinaryCrossentropy'`` or ``{'class_name': ..., 'config': ...}``.
        custom_objects: optional dict of user losses by name.

    Example:
        >>> deserialize('mse') is mean_squared_error
        True
    """
    if isinstance(name, dict):
        class_name = name.get("class_name")
        if class_name == "function" and isinstance(name.get("config"), str):  # Keras 3 form
            name = name["config"]
        elif class_name in LOSS_FUNCTIONS:
            name = class_name
        elif isinstance(class_name, str):
            _check_known(class_name, custom_objects)
    if isinstance(name, str):
        _check_known(name, custom_objects)
    loss = deserialize_keras_object(name, module_objects=_OBJECTS, custom_objects=custom_objects,
                                    printable_module_name="loss function")
    if isinstance(loss, type) and issubclass(loss, Loss):
        loss = loss()
    return loss


def get(identifier):
    """Resolves what ``compile(loss=...)`` receives.

    Args:
        identifier: None, a name such as ``'categorical_crossentropy'``, a config dict, or a
            callable (a function or a ``Loss`` instance).

    Example:
        >>> get('mae') is mean_absolute_error
        True
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier!r}. Expected "
                     "a name such as 'mse', a config dict, a function or a Loss instance.")
