"""``keras.constraints``: projections applied to weights after each optimizer update.

A constraint is called on a weight tensor and returns the constrained tensor (a new tensor;
the input is not modified). ``axis`` refers to the Keras weight layout: for a Dense kernel
``(in, out)``, ``axis=0`` constrains each output unit's vector of incoming weights; for a
Conv2D kernel ``(kh, kw, in, out)`` use ``axis=[0, 1, 2]``.

Example:
    >>> import torch
    >>> from cornu import constraints
    >>> constraints.get('non_neg')(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
"""

import torch

from cornu.config import epsilon
from cornu.utils.serialization import deserialize_instance, get_instance, serialize_keras_object


def _norms(w, axis):
    """L2 norms along ``axis`` (an int or a list of ints), keeping dims for broadcasting."""
    dims = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return torch.linalg.vector_norm(w, dim=dims, keepdim=True)


class Constraint:
    """Base class: ``constraint(w)`` returns the projected weights.

    Example:
        >>> class Halve(Constraint):
        ...     def __call__(self, w):
        ...         return w / 2
        >>> Halve()(torch.tensor([2.0])).tolist()
        [1.0]
    """

    def __call__(self, w):
        return w

    def get_config(self):
        """Returns the constructor arguments as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Builds the constraint from ``get_config()`` output.

        Args:
            config: dict of constructor arguments.
        """
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MaxNorm(Constraint):
    """Caps the L2 norm of weight vectors along ``axis`` at ``max_value``.

    ``w * clip(norm, 0, max_value) / (epsilon + norm)``, as Keras 2 computes it.

    Args:
        max_value: the largest norm allowed.
        axis: int or list of ints along which norms are taken.

    Example:
        >>> w = MaxNorm(1.0)(torch.tensor([[3.0], [4.0]]))  # norm 5 -> 1
        >>> [round(v, 4) for v in w.flatten().tolist()]
        [0.6, 0.8]
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = torch.clamp(norms, 0., self.max_value)
        return w * (desired / (epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero.

    Example:
        >>> NonNeg()(torch.tensor([-0.5, 0.5])).tolist()
        [0.0, 0.5]
    """

    def __call__(self, w):
        return torch.clamp(w, min=0.)


class UnitNorm(Constraint):
    """Scales weight vectors along ``axis`` to unit L2 norm: ``w / (epsilon + norm)``.

    Args:
        axis: int or list of ints along which norms are taken.

    Example:
        >>> w = UnitNorm()(torch.tensor([[3.0], [4.0]]))
        >>> [round(v, 4) for v in w.flatten().tolist()]
        [0.6, 0.8]
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps the L2 norm of weight vectors along ``axis`` within ``[min_value, max_value]``.

    The target norm is ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``;
    ``rate=1`` enforces the bounds at once, a smaller rate moves towards them gradually.

    Args:
        min_value: the smallest norm allowed.
        max_value: the largest norm allowed.
        rate: fraction of the way to move towards the bounds at each call.
        axis: int or list of ints along which norms are taken.

    Example:
        >>> w = MinMaxNorm(1.0, 2.0)(torch.tensor([[0.3], [0.4]]))  # norm 0.5 -> 1
        >>> [round(v, 4) for v in w.flatten().tolist()]
        [0.6, 0.8]
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (self.rate * torch.clamp(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


# Keras 2 aliases, including the legacy short ones.
max_norm = maxnorm = MaxNorm
non_neg = nonneg = NonNeg
unit_norm = unitnorm = UnitNorm
min_max_norm = MinMaxNorm

_CONSTRAINTS = {
    "Constraint": Constraint,
    "MaxNorm": MaxNorm, "max_norm": MaxNorm, "maxnorm": MaxNorm,
    "NonNeg": NonNeg, "non_neg": NonNeg, "nonneg": NonNeg,
    "UnitNorm": UnitNorm, "unit_norm": UnitNorm, "unitnorm": UnitNorm,
    "MinMaxNorm": MinMaxNorm, "min_max_norm": MinMaxNorm,
}


def serialize(constraint):
    """Returns ``{'class_name': ..., 'config': ...}`` for a constraint.

    Args:
        constraint: a ``Constraint`` instance.

    Example:
        >>> serialize(MaxNorm(3))
        {'class_name': 'MaxNorm', 'config': {'max_value': 3, 'axis': 0}}
    """
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """Builds a constraint from ``{'class_name': ..., 'config': ...}``.

    Args:
        config: the dict produced by ``serialize``.
        custom_objects: optional dict of user constraints by name.

    Example:
        >>> deserialize({'class_name': 'UnitNorm', 'config': {'axis': 1}}).axis
        1
    """
    return deserialize_instance(config, _CONSTRAINTS, custom_objects, "constraint")


def get(identifier):
    """Resolves what a layer receives as ``kernel_constraint=`` and similar arguments.

    Args:
        identifier: None, a name such as ``'max_norm'``, a config dict, or a callable.

    Example:
        >>> get('unit_norm').get_config()
        {'axis': 0}
    """
    return get_instance(identifier, deserialize, "constraint",
                        "None, a name such as 'max_norm', a config dict, or a callable.")
