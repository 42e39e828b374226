"""``keras.regularizers``: weight penalties added to the training loss.

A regularizer is called on a weight tensor and returns a scalar tensor that gradients flow
through: ``l1 * sum(|w|) + l2 * sum(w ** 2)``.

Example:
    >>> import torch
    >>> from cornu import regularizers
    >>> regularizers.l2(0.001)(torch.tensor([1.0, 2.0]))
    tensor(0.0050)
"""

import torch

from cornu.utils.serialization import deserialize_instance, get_instance, serialize_keras_object


class Regularizer:
    """Base class: ``regularizer(w)`` returns a scalar penalty.

    Example:
        >>> class Sum(Regularizer):
        ...     def __call__(self, x):
        ...         return x.sum()
        >>> float(Sum()(torch.ones(3)))
        3.0
    """

    def __call__(self, x):
        return torch.zeros((), dtype=x.dtype, device=x.device)

    def get_config(self):
        """Returns the constructor arguments as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Builds the regularizer from ``get_config()`` output.

        Args:
            config: dict of constructor arguments.
        """
        return cls(**config)


class L1L2(Regularizer):
    """The penalty ``l1 * sum(|w|) + l2 * sum(w ** 2)``.

    Args:
        l1: L1 factor (float).
        l2: L2 factor (float).

    Example:
        >>> float(L1L2(l1=0.5, l2=0.25)(torch.tensor([-2.0, 2.0])))
        4.0
    """

    def __init__(self, l1=0., l2=0.):
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, x):
        if self.l1 and self.l2:
            return self.l1 * x.abs().sum() + self.l2 * x.square().sum()
        if self.l1:
            return self.l1 * x.abs().sum()
        if self.l2:
            return self.l2 * x.square().sum()
        return torch.zeros((), dtype=x.dtype, device=x.device)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}

    def __repr__(self):
        return f"L1L2(l1={self.l1!r}, l2={self.l2!r})"


class L1(L1L2):
    """``l1 * sum(|w|)``: the class tf.keras writes into saved configs as ``'L1'``.

    Args:
        l1: L1 factor (float).

    Example:
        >>> float(L1(0.5)(torch.tensor([-2.0, 2.0])))
        2.0
    """

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 * sum(w ** 2)``: the class tf.keras writes into saved configs as ``'L2'``.

    Args:
        l2: L2 factor (float).

    Example:
        >>> float(L2(0.5)(torch.tensor([-2.0, 2.0])))
        4.0
    """

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


def l1(l=0.01):  # noqa: E741 (Keras 2 argument name)
    """An L1 penalty ``l * sum(|w|)``.

    Args:
        l: the factor.

    Example:
        >>> l1(0.1).get_config()
        {'l1': 0.1, 'l2': 0.0}
    """
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741 (Keras 2 argument name)
    """An L2 penalty ``l * sum(w ** 2)``, "weight decay" in Chollet ch. 4.4.2.

    Args:
        l: the factor.

    Example:
        >>> l2(0.001).get_config()
        {'l1': 0.0, 'l2': 0.001}
    """
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):
    """Both penalties: ``l1 * sum(|w|) + l2 * sum(w ** 2)``.

    Args:
        l1: L1 factor.
        l2: L2 factor.

    Example:
        >>> l1_l2().get_config()
        {'l1': 0.01, 'l2': 0.01}
    """
    return L1L2(l1=l1, l2=l2)


_REGULARIZERS = {"Regularizer": Regularizer, "L1L2": L1L2, "L1": L1, "L2": L2,
                 "l1": l1, "l2": l2, "l1_l2": l1_l2}


def serialize(regularizer):
    """Returns ``{'class_name': ..., 'config': ...}`` for a regularizer.

    Args:
        regularizer: a ``Regularizer`` instance.

    Example:
        >>> serialize(l2(0.5))
        {'class_name': 'L1L2', 'config': {'l1': 0.0, 'l2': 0.5}}
    """
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """Builds a regularizer from ``{'class_name': ..., 'config': ...}``.

    Args:
        config: the dict produced by ``serialize``.
        custom_objects: optional dict of user regularizers by name.

    Example:
        >>> deserialize({'class_name': 'L1L2', 'config': {'l2': 0.1}}).l2
        0.1
    """
    return deserialize_instance(config, _REGULARIZERS, custom_objects, "regularizer")


def get(identifier):
    """Resolves what a layer receives as ``kernel_regularizer=`` and similar arguments.

    Args:
        identifier: None, a name (``'l1'``, ``'l2'``, ``'l1_l2'``), a config dict, or a callable.

    Example:
        >>> get('l2').get_config()
        {'l1': 0.0, 'l2': 0.01}
    """
    return get_instance(identifier, deserialize, "regularizer",
                        "None, a name such as 'l2', a config dict, or a callable.")
