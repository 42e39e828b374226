"""``keras.metrics``: Keras 2 metric functions on torch tensors, and how compile() resolves them.

Metrics are functions ``(y_true, y_pred) -> per-sample tensor``, like losses; every loss is also
a metric under its names (``'mse'``, ``'mae'``, ``'binary_crossentropy'`` ...). ``resolve`` turns
what users pass to ``compile(metrics=[...])`` into a ``(name, function)`` pair, applying the
Keras 2.2.4 rules for ``'acc'``/``'accuracy'`` and ``'ce'``/``'crossentropy'``;
``history_aliases`` gives the other spellings a history key had across Keras 2.0-2.3.

Example:
    >>> import torch
    >>> from cornu import losses, metrics
    >>> metrics.binary_accuracy(torch.tensor([[1.], [0.]]), torch.tensor([[0.8], [0.6]]))
    tensor([1., 0.])
    >>> name, fn = metrics.resolve('acc', losses.categorical_crossentropy, (None, 10))
    >>> name, fn.__name__
    ('acc', 'categorical_accuracy')
    >>> metrics.history_aliases('val_acc')
    ['val_accuracy']
"""

import torch

from cornu import losses
# Every loss is also a metric, under the same names (keras.metrics.mse ...).
from cornu.losses import (KLD, MAE, MAPE, MSE, MSLE, binary_crossentropy,  # noqa: F401
                          categorical_crossentropy, categorical_hinge, cosine, cosine_proximity,
                          hinge, kld, kullback_leibler_divergence, logcosh, mae, mape,
                          mean_absolute_error, mean_absolute_percentage_error,
                          mean_squared_error, mean_squared_logarithmic_error, mse, msle, poisson,
                          sparse_categorical_crossentropy, squared_hinge)
from cornu.losses.inputs import as_tensors, label_out_of_range, sparse_labels
from cornu.losses.reduction import mean_last_axis
from cornu.utils.serialization import (check_known, deserialize_keras_object,
                                       function_name_in_config, serialize_keras_object)

_CONTEXT_DEPENDENT = ("accuracy", "acc", "crossentropy", "ce")


def _mismatch_error(name, y_true, y_pred, sparse_alternative):
    message = (f"`{name}` received y_true of shape {tuple(y_true.shape)} and y_pred of shape "
               f"{tuple(y_pred.shape)}; the two shapes must be the same.")
    labels_shape = tuple(y_pred.shape[:-1])
    if sparse_alternative and y_pred.dim() >= 2 and y_pred.shape[-1] > 1 \
            and tuple(y_true.shape) in (labels_shape, labels_shape + (1,)):
        message += (f" For integer class labels use `{sparse_alternative}`, or one-hot encode "
                    "the targets with `keras.utils.to_categorical`.")
    return ValueError(message)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """``mean(equal(y_true, round(y_pred)), axis=-1)``: the share of correct 0/1 predictions.

    Args:
        y_true: 0/1 targets, same shape as y_pred (or without its trailing axis of size 1).
        y_pred: probabilities.
        threshold: predictions above it count as 1 (Keras 2.3; 0.5 rounds as Keras 2.2.4 did).

    Example:
        >>> binary_accuracy(torch.tensor([[1., 0.]]), torch.tensor([[0.7, 0.2]]))
        tensor([1.])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        if y_true.shape == y_pred.shape[:-1] and y_pred.shape[-1:] == (1,):
            y_true = y_true.unsqueeze(-1)
        elif y_pred.shape == y_true.shape[:-1] and y_true.shape[-1:] == (1,):
            y_pred = y_pred.unsqueeze(-1)
        else:
            raise _mismatch_error("binary_accuracy", y_true, y_pred, None)
    if threshold == 0.5:
        predicted = torch.round(y_pred)
    else:
        predicted = (y_pred > threshold).to(y_pred.dtype)
    return mean_last_axis(torch.eq(y_true, predicted).to(y_pred.dtype))


def categorical_accuracy(y_true, y_pred):
    """``equal(argmax(y_true, -1), argmax(y_pred, -1))`` as floats: 1 where the top class is right.

    Args:
        y_true: one-hot targets, same shape as y_pred.
        y_pred: class scores or probabilities.

    Example:
        >>> categorical_accuracy(torch.tensor([[0., 1.], [1., 0.]]),
        ...                      torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
        tensor([1., 0.])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise _mismatch_error("categorical_accuracy", y_true, y_pred,
                              "sparse_categorical_accuracy")
    return torch.eq(torch.argmax(y_true, dim=-1), torch.argmax(y_pred, dim=-1)).to(y_pred.dtype)


def sparse_categorical_accuracy(y_true, y_pred):
    """``equal(y_true, argmax(y_pred, -1))`` as floats, for integer labels.

    Args:
        y_true: class labels of shape ``(n,)`` or ``(n, 1)``.
        y_pred: class scores or probabilities of shape ``(n, classes)``.

    Example:
        >>> sparse_categorical_accuracy(torch.tensor([[1], [1]]),
        ...                             torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
        tensor([1., 1.])
    """
    labels, y_pred = sparse_labels(y_true, y_pred, "sparse_categorical_accuracy")
    return torch.eq(labels, torch.argmax(y_pred, dim=-1)).to(y_pred.dtype)


def _in_top_k(y_pred, targets, k, name):
    """True where the target's score is among the k largest (ties count as in, like TF)."""
    classes = y_pred.shape[-1]
    try:
        target_scores = torch.gather(y_pred, -1, targets.unsqueeze(-1))
    except RuntimeError as error:
        raise label_out_of_range(name, classes, error) from None
    higher = torch.sum(y_pred > target_scores, dim=-1)
    return (higher < k) & torch.all(torch.isfinite(y_pred), dim=-1)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the true class (argmax of the one-hot y_true) is among the k best predictions.

    Args:
        y_true: one-hot targets, same shape as y_pred.
        y_pred: class scores or probabilities.
        k: how many top predictions count.

    Example:
        >>> top_k_categorical_accuracy(torch.tensor([[0., 0., 1.]]),
        ...                            torch.tensor([[0.5, 0.3, 0.2]]), k=2)
        tensor([0.])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise _mismatch_error("top_k_categorical_accuracy", y_true, y_pred,
                              "sparse_top_k_categorical_accuracy")
    targets = torch.argmax(y_true, dim=-1)
    return _in_top_k(y_pred, targets, k, "top_k_categorical_accuracy").to(y_pred.dtype)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the integer label is among the k best predictions.

    Args:
        y_true: class labels of shape ``(n,)`` or ``(n, 1)``.
        y_pred: class scores or probabilities of shape ``(n, classes)``.
        k: how many top predictions count.

    Example:
        >>> sparse_top_k_categorical_accuracy(torch.tensor([1]),
        ...                                   torch.tensor([[0.5, 0.3, 0.2]]), k=2)
        tensor([1.])
    """
    labels, y_pred = sparse_labels(y_true, y_pred, "sparse_top_k_categorical_accuracy")
    return _in_top_k(y_pred, labels, k, "sparse_top_k_categorical_accuracy").to(y_pred.dtype)


METRIC_FUNCTIONS = {
    fn.__name__: fn for fn in (
        binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
        top_k_categorical_accuracy, sparse_top_k_categorical_accuracy)
}
_OBJECTS = {**losses.LOSS_FUNCTIONS, **METRIC_FUNCTIONS}


# ----------------------------------------------------------------------------------------------
# Lookup
# ----------------------------------------------------------------------------------------------

def _check_known(name, custom_objects):
    if name in _CONTEXT_DEPENDENT and name not in _OBJECTS:
        raise ValueError(f"The metric {name!r} depends on the model's output shape and loss, so it "
                         "has no fixed function: pass it to compile(metrics=[...]) (or use "
                         "metrics.resolve), or name the function you mean: 'binary_accuracy', "
                         "'categorical_accuracy', 'sparse_categorical_accuracy'.")
    check_known(name, _OBJECTS, custom_objects, "metric function",
                valid_names=", ".join(sorted(_OBJECTS) + list(_CONTEXT_DEPENDENT)),
                also=_CONTEXT_DEPENDENT)


def serialize(metric):
    """Returns a metric function's name (or the config of a metric object).

    Args:
        metric: a metric function.

    Example:
        >>> serialize(binary_accuracy)
        'binary_accuracy'
    """
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """Returns the metric function for a name or a config dict.

    Args:
        config: e.g. ``'categorical_accuracy'``, ``'mae'``, or ``{'class_name': ..., ...}``.
        custom_objects: optional dict of user metrics by name.

    Example:
        >>> deserialize('mae') is mean_absolute_error
        True
    """
    if isinstance(config, dict):
        config = function_name_in_config(config, _OBJECTS)
    checked = config.get("class_name") if isinstance(config, dict) else config
    if isinstance(checked, str):
        _check_known(checked, custom_objects)
    return deserialize_keras_object(config, module_objects=_OBJECTS,
                                    custom_objects=custom_objects,
                                    printable_module_name="metric function")


def get(identifier):
    """Returns the metric function for a name, a config dict or a callable.

    Args:
        identifier: e.g. ``'mse'``, ``'top_k_categorical_accuracy'``, or a function.

    Example:
        >>> get('mse') is mean_squared_error
        True
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric function identifier: {identifier!r}. Expected "
                     "a name such as 'accuracy' or 'mae', or a function (y_true, y_pred).")


# ----------------------------------------------------------------------------------------------
# compile(metrics=...) resolution and history names
# ----------------------------------------------------------------------------------------------

def _loss_kind(loss_fn):
    """'binary', 'sparse', 'categorical' or None: which crossentropy the loss is."""
    if isinstance(loss_fn, (str, dict)):
        try:
            loss_fn = losses.get(loss_fn)
        except ValueError:
            return None
    if isinstance(loss_fn, losses.LossFunctionWrapper):
        loss_fn = loss_fn.fn
    if loss_fn is binary_crossentropy:
        return "binary"
    if loss_fn is sparse_categorical_crossentropy:
        return "sparse"
    return None


def _context_function(metric, loss_fn, output_shape):
    """The Keras 2.2.4 choice for 'acc'/'accuracy'/'ce'/'crossentropy'."""
    kind = _loss_kind(loss_fn)
    last_dim = output_shape[-1] if output_shape is not None and len(output_shape) else None
    accuracy = metric in ("accuracy", "acc")
    if last_dim == 1 or kind == "binary":
        return binary_accuracy if accuracy else binary_crossentropy
    if kind == "sparse":
        return sparse_categorical_accuracy if accuracy else sparse_categorical_crossentropy
    return categorical_accuracy if accuracy else categorical_crossentropy


def _callable_name(fn):
    name = getattr(fn, "name", None)
    if isinstance(name, str):
        return name
    return getattr(fn, "__name__", None) or type(fn).__name__


def resolve(metric, loss_fn=None, output_shape=None):
    """Resolves one entry of ``compile(metrics=[...])`` to ``(name, per-sample function)``.

    ``'acc'``/``'accuracy'`` become ``binary_accuracy`` when the output's last dimension is 1 or
    the loss is ``binary_crossentropy``, ``sparse_categorical_accuracy`` when the loss is
    ``sparse_categorical_crossentropy``, else ``categorical_accuracy`` (Keras 2.2.4 rules);
    ``'ce'``/``'crossentropy'`` pick the matching crossentropy the same way. The name is the
    string the user wrote (Keras 2.3 history keys); for a callable, its ``name`` or ``__name__``.
    A ``Loss`` object resolves to its per-sample ``call``.

    Args:
        metric: a string or a callable.
        loss_fn: the output's loss (a function, a ``Loss`` object, a name, or None).
        output_shape: the output's shape, e.g. ``(None, 1)``; None if unknown.

    Example:
        >>> name, fn = resolve('accuracy', 'binary_crossentropy', (None, 1))
        >>> name, fn is binary_accuracy
        ('accuracy', True)
    """
    if isinstance(metric, str):
        if metric in _CONTEXT_DEPENDENT:
            return metric, _context_function(metric, loss_fn, output_shape)
        return metric, get(metric)
    if isinstance(metric, losses.Loss):
        return _callable_name(metric), metric.call
    if callable(metric):
        return _callable_name(metric), metric
    raise ValueError(f"Could not interpret metric {metric!r} ({type(metric).__name__}). Expected "
                     "a name such as 'accuracy' or 'mae', or a function (y_true, y_pred).")


_ALIAS_GROUPS = (
    ("acc", "accuracy"),
    ("ce", "crossentropy"),
    ("mae", "mean_absolute_error"),
    ("mse", "mean_squared_error"),
    ("mape", "mean_absolute_percentage_error"),
    ("msle", "mean_squared_logarithmic_error"),
    ("cosine", "cosine_proximity"),
    ("kld", "kullback_leibler_divergence"),
)
_UPPER_CASE = {"MAE": "mae", "MSE": "mse", "MAPE": "mape", "MSLE": "msle", "KLD": "kld"}


def history_aliases(name, loss_fn=None, output_shape=None):
    """The other spellings of a metric's history key across Keras 2.0-2.3.

    Keras 2.2.4 logged ``metrics=['accuracy']`` as ``acc`` and ``metrics=['mae']`` as
    ``mean_absolute_error``; Keras 2.3 logs the string the user wrote. A ``val_`` prefix is kept.
    With the output's loss (and shape), ``'ce'``/``'crossentropy'`` also give the specific
    crossentropy name.

    Args:
        name: a history key such as ``'acc'`` or ``'val_mae'``.
        loss_fn: optional, the output's loss, to name the crossentropy.
        output_shape: optional, the output's shape, to name the crossentropy.

    Example:
        >>> history_aliases('mae')
        ['mean_absolute_error']
        >>> history_aliases('val_accuracy')
        ['val_acc']
    """
    prefix = "val_" if name.startswith("val_") else ""
    base = name[len(prefix):]
    lookup = _UPPER_CASE.get(base, base)
    aliases = []
    for group in _ALIAS_GROUPS:
        if lookup in group:
            aliases = [spelling for spelling in reversed(group) if spelling != base]
    if lookup in ("ce", "crossentropy") and (loss_fn is not None or output_shape is not None):
        aliases.append(_context_function(lookup, loss_fn, output_shape).__name__)
    return [prefix + alias for alias in aliases]
