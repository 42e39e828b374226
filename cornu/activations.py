"""``keras.activations``: element-wise activation functions on torch tensors, Keras 2 formulas.

Each function takes a tensor and returns a new one; ``get`` resolves what layers receive as
``activation=`` (None, a name, a callable or a config dict).

Example:
    >>> import torch
    >>> from cornu import activations
    >>> activations.get('relu')(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    >>> activations.hard_sigmoid(torch.tensor([0.0, 1.0]))
    tensor([0.5000, 0.7000])
"""
import inspect

import torch
import torch.nn.functional as F

from cornu.config import torch_dtype
from cornu.utils.serialization import (check_known, deserialize_keras_object, get_custom_objects,
                                       serialize_keras_object)

# Constants of the scaled exponential linear unit (Klambauer et al., 2017), as in Keras 2.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _as_tensor(x):
    if isinstance(x, torch.Tensor):
        return x
    return torch.as_tensor(x, dtype=torch_dtype())


def softmax(x, axis=-1):
    """Softmax over ``axis``: ``exp(x) / sum(exp(x), axis)``, computed stably.

    Args:
        x: tensor with at least 2 dimensions (a batch of vectors).
        axis: the axis that sums to 1.

    Example:
        >>> softmax(torch.tensor([[0.0, 0.0]]))
        tensor([[0.5000, 0.5000]])
    """
    x = _as_tensor(x)
    if x.dim() < 2:
        raise ValueError(f"Cannot apply softmax to a tensor that is {x.dim()}D (shape "
                         f"{tuple(x.shape)}): Keras softmax expects a batch, at least 2D. "
                         "Add a batch axis, e.g. x.reshape(1, -1).")
    return torch.softmax(x, dim=axis)


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Args:
        x: input tensor.
        alpha: scale of the negative part.

    Example:
        >>> elu(torch.tensor([1.0]))
        tensor([1.])
    """
    return F.elu(_as_tensor(x), alpha=float(alpha))


def selu(x):
    """Scaled ELU: ``SELU_SCALE * elu(x, SELU_ALPHA)``.

    Args:
        x: input tensor.

    Example:
        >>> selu(torch.tensor([0.0]))
        tensor([0.])
    """
    return F.selu(_as_tensor(x))  # torch uses the same two constants as Keras


def softplus(x):
    """``log(1 + exp(x))``.

    Args:
        x: input tensor.

    Example:
        >>> softplus(torch.tensor([0.0]))
        tensor([0.6931])
    """
    return F.softplus(_as_tensor(x))


def softsign(x):
    """``x / (1 + |x|)``.

    Args:
        x: input tensor.

    Example:
        >>> softsign(torch.tensor([1.0]))
        tensor([0.5000])
    """
    return F.softsign(_as_tensor(x))


def relu(x, alpha=0., max_value=None, threshold=0.):
    """Rectified linear unit, with Keras 2's leak, ceiling and threshold options.

    ``max_value`` for ``x >= max_value``, ``x`` for ``threshold < x < max_value``,
    ``alpha * (x - threshold)`` otherwise (with ``max_value`` set, the kept part is also clipped
    to ``[0, max_value]``, exactly as Keras 2's backend does).

    Args:
        x: input tensor.
        alpha: slope below the threshold.
        max_value: ceiling of the output, or None for no ceiling.
        threshold: values at or below it are not passed through.

    Example:
        >>> relu(torch.tensor([-2.0, 1.0, 8.0]), alpha=0.5, max_value=6.0)
        tensor([-1.,  1.,  6.])
    """
    x = _as_tensor(x)
    if not alpha and max_value is None and not threshold:
        return torch.relu(x)
    kept = torch.where(x > threshold, x, 0.) if threshold else torch.relu(x)
    if max_value is not None:
        kept = torch.clamp(kept, 0., max_value)
    if alpha:
        kept = kept - alpha * torch.relu(threshold - x)
    return kept


def tanh(x):
    """Hyperbolic tangent.

    Args:
        x: input tensor.

    Example:
        >>> tanh(torch.tensor([0.0]))
        tensor([0.])
    """
    return torch.tanh(_as_tensor(x))


def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    Args:
        x: input tensor.

    Example:
        >>> sigmoid(torch.tensor([0.0]))
        tensor([0.5000])
    """
    return torch.sigmoid(_as_tensor(x))


def hard_sigmoid(x):
    """Piecewise linear sigmoid of Keras 2: ``clip(0.2 * x + 0.5, 0, 1)``.

    (torch's ``hardsigmoid`` has slope 1/6, so it is not used.)

    Args:
        x: input tensor.

    Example:
        >>> hard_sigmoid(torch.tensor([-3.0, 3.0]))
        tensor([0., 1.])
    """
    return torch.clamp(_as_tensor(x) * 0.2 + 0.5, 0., 1.)


def exponential(x):
    """``exp(x)``.

    Args:
        x: input tensor.

    Example:
        >>> exponential(torch.tensor([0.0]))
        tensor([1.])
    """
    return torch.exp(_as_tensor(x))


def linear(x):
    """The identity: returns ``x`` unchanged.

    Args:
        x: input tensor.

    Example:
        >>> linear(torch.tensor([3.0]))
        tensor([3.])
    """
    return x


_ACTIVATIONS = {fn.__name__: fn for fn in (softmax, elu, selu, softplus, softsign, relu, tanh,
                                           sigmoid, hard_sigmoid, exponential, linear)}


def serialize(activation):
    """Returns the name of an activation function (or the config of a callable object).

    Args:
        activation: a function such as ``relu``.

    Example:
        >>> serialize(relu)
        'relu'
    """
    return serialize_keras_object(activation)


def _check_known(name, custom_objects):
    check_known(name, _ACTIVATIONS, custom_objects, "activation function")


def _function_name_in_config(config, custom_objects):
    """The function name in ``{'class_name': 'relu', 'config': {}}`` or in Keras 3's
    ``{'class_name': 'function', 'config': 'relu'}``; other dicts are returned unchanged."""
    inner = config.get("config")
    if isinstance(inner, str):
        return inner
    class_name = config.get("class_name")
    if inner or not isinstance(class_name, str):
        return config
    tables = (custom_objects or {}, get_custom_objects(), _ACTIVATIONS)
    target = next((table[class_name] for table in tables if class_name in table), None)
    return class_name if target is None or not inspect.isclass(target) else config


def deserialize(name, custom_objects=None):
    """Returns the activation function for a name (or a config dict).

    Args:
        name: e.g. ``'relu'``; or ``{'class_name': ..., 'config': ...}``.
        custom_objects: optional dict of user functions by name.

    Example:
        >>> deserialize('tanh') is tanh
        True
    """
    if isinstance(name, dict):
        name = _function_name_in_config(name, custom_objects)
    if isinstance(name, str):
        _check_known(name, custom_objects)
    return deserialize_keras_object(name, module_objects=_ACTIVATIONS,
                                    custom_objects=custom_objects,
                                    printable_module_name="activation function")


def get(identifier):
    """Resolves what a layer receives as ``activation=``.

    Args:
        identifier: None (linear), a name such as ``'relu'``, a config dict, or a callable.

    Example:
        >>> get(None) is linear
        True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}. "
                     "Expected None, a name such as 'relu', a config dict, or a callable.")
