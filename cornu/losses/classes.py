"""The Keras 2.3 loss classes: ``Loss``, ``LossFunctionWrapper`` and one class per loss function
(``MeanSquaredError()``, ``BinaryCrossentropy(from_logits=True)`` ...). Calling one returns the
weighted, reduced loss; its ``call`` gives per-sample values.

Example:
    >>> round(float(BinaryCrossentropy()(torch.tensor([[1.]]), torch.tensor([[0.5]]))), 4)
    0.6931
"""
from cornu.losses.functions import (binary_crossentropy, categorical_crossentropy,
                                    categorical_hinge, cosine_proximity, hinge, huber_loss,
                                    kullback_leibler_divergence, logcosh, mean_absolute_error,
                                    mean_absolute_percentage_error, mean_squared_error,
                                    mean_squared_logarithmic_error, poisson,
                                    sparse_categorical_crossentropy, squared_hinge)
from cornu.losses.reduction import Reduction, compute_weighted_loss


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
