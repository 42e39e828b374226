"""``keras.losses``: Keras 2 loss functions on torch tensors, plus the Keras 2.3 loss classes, and
how ``compile(loss=...)`` resolves them (``get``, ``serialize``, ``deserialize``).

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
from cornu.losses.classes import (BinaryCrossentropy, CategoricalCrossentropy,  # noqa: F401
                                  CategoricalHinge, CosineSimilarity, Hinge, Huber, KLDivergence,
                                  LogCosh, Loss, LossFunctionWrapper, MeanAbsoluteError,
                                  MeanAbsolutePercentageError, MeanSquaredError,
                                  MeanSquaredLogarithmicError, Poisson,
                                  SparseCategoricalCrossentropy, SquaredHinge)
from cornu.losses.functions import (KLD, MAE, MAPE, MSE, MSLE, binary_crossentropy,  # noqa: F401
                                    categorical_crossentropy, categorical_hinge, cosine,
                                    cosine_proximity, cosine_similarity, hinge, huber_loss, kld,
                                    kullback_leibler_divergence, logcosh, mae, mape,
                                    mean_absolute_error, mean_absolute_percentage_error,
                                    mean_squared_error, mean_squared_logarithmic_error, mse,
                                    msle, poisson, sparse_categorical_crossentropy, squared_hinge)
from cornu.losses.reduction import Reduction, compute_weighted_loss  # noqa: F401
from cornu.utils.serialization import (check_known, deserialize_keras_object,
                                       function_name_in_config, serialize_keras_object)

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
        name = function_name_in_config(name, LOSS_FUNCTIONS)
    checked = name.get("class_name") if isinstance(name, dict) else name
    if isinstance(checked, str):
        _check_known(checked, custom_objects)
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
