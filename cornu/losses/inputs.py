"""Input checks shared by the loss and metric functions: ``(y_true, y_pred)`` as torch tensors of
matching shapes, integer labels for the sparse forms, and errors that say how to fix a mismatch.

Example:
    >>> y_true, y_pred = prepare([1., 0.], torch.tensor([[0.9], [0.2]]), "mse")
    >>> tuple(y_true.shape)
    (2, 1)
"""
import torch

from cornu.config import torch_dtype

_CATEGORICAL_HINT = (" It looks like you are passing integer class labels to `{name}`, which "
                     "expects one-hot targets of shape (samples, classes). Convert them with "
                     "`keras.utils.to_categorical(y, num_classes={classes})`, or use the loss "
                     "`sparse_categorical_crossentropy`, which takes integer labels.")


def as_tensors(y_true, y_pred):
    """Returns torch tensors, y_pred floating point and y_true on its device (dtype unchanged).

    Args:
        y_true: targets (tensor, array or list).
        y_pred: predictions (tensor, array or list).

    Example:
        >>> as_tensors([1, 0], [1, 0])[1].dtype
        torch.float32
    """
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


def prepare(y_true, y_pred, name, categorical=False):
    """Makes y_true and y_pred tensors of the same shape and dtype.

    A rank difference of one with a trailing axis of size 1 (``(n,)`` against ``(n, 1)``) is
    resolved by adding that axis; any other difference raises a ``ValueError`` naming both shapes.

    Args:
        y_true: targets.
        y_pred: predictions.
        name: the loss name, for the error message.
        categorical: whether the loss expects one-hot targets (the error then suggests
            ``to_categorical`` for integer labels).

    Example:
        >>> [tuple(t.shape) for t in prepare(torch.zeros(4), torch.zeros(4, 1), "mse")]
        [(4, 1), (4, 1)]
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
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


def sparse_labels(y_true, y_pred, name):
    """Returns integer labels of shape ``y_pred.shape[:-1]`` from ``(...)`` or ``(..., 1)``.

    Args:
        y_true: integer class labels.
        y_pred: class scores of shape ``(samples, ..., classes)``.
        name: the loss or metric name, for the error message.

    Example:
        >>> sparse_labels(torch.tensor([[1.], [0.]]), torch.zeros(2, 3), "loss")[0]
        tensor([1, 0])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
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


def label_out_of_range(name, classes, error):
    """The ``ValueError`` for a class label outside ``[0, classes - 1]``.

    Args:
        name: the loss or metric name.
        classes: the number of classes in y_pred.
        error: the torch error raised by the lookup.

    Example:
        >>> raise label_out_of_range("sparse_categorical_crossentropy", 3, "index 5")
        Traceback (most recent call last):
        ValueError: `sparse_categorical_crossentropy` received a label outside [0, 2] ...
    """
    return ValueError(f"`{name}` received a label outside [0, {classes - 1}] for y_pred with "
                      f"{classes} classes ({error}). Labels must be class indices 0 ... "
                      f"{classes - 1}; check the number of units in the last layer.")
