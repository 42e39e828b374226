"""Adam (with the AMSGrad variant) and Adamax, its infinity-norm variant.

Example:
    >>> from cornu.optimizers import Adam
    >>> Adam(amsgrad=True).get_config()['amsgrad']
    True
"""
import math

import torch

from cornu import config
from cornu.kernels.elementwise import sqrt
from cornu.optimizers.base import Optimizer, resolve_learning_rate
from cornu.optimizers.variables import HyperVariable


class Adam(Optimizer):
    """Keras 2 Adam.

    ``m = b1 * m + (1 - b1) * g``; ``v = b2 * v + (1 - b2) * g**2``;
    ``lr_t = lr * sqrt(1 - b2**t) / (1 - b1**t)``; ``p -= lr_t * m / (sqrt(v) + epsilon)``
    (AMSGrad: ``vhat = max(vhat, v)`` replaces ``v`` in the last step).

    Args:
        lr: float >= 0, learning rate (``learning_rate=`` is accepted too).
        beta_1: float in (0, 1), decay of the first moment estimate.
        beta_2: float in (0, 1), decay of the second moment estimate.
        epsilon: fuzz factor; None means ``K.epsilon()``.
        decay: float >= 0, learning rate decay over each update.
        amsgrad: whether to use AMSGrad ("On the Convergence of Adam and Beyond").
        **kwargs: ``clipnorm``, ``clipvalue``.

    Example:
        >>> opt = Adam(lr=3e-4, amsgrad=True)
    """

    beta_1 = HyperVariable()
    beta_2 = HyperVariable()
    decay = HyperVariable()
    slot_names = ("ms", "vs", "vhats")

    def __init__(self, lr=None, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0, amsgrad=False,
                 learning_rate=None, **kwargs):
        super().__init__(**kwargs)
        self.lr = resolve_learning_rate(lr, learning_rate, 0.001)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.decay = decay
        self.epsilon = config.epsilon() if epsilon is None else epsilon
        self.initial_decay = decay
        self.amsgrad = amsgrad

    def _flat_slot_names(self):
        return self.slot_names if self.amsgrad else ("ms", "vs")

    def _new_slots(self, param):
        slots = super()._new_slots(param)
        if not self.amsgrad:
            slots["vhats"] = param.new_zeros(1)  # Keras 2.2.4 keeps a (1,) placeholder per param
        return slots

    def _update(self, group, values):
        beta_1, beta_2 = values["beta_1"], values["beta_2"]
        t = values["iterations"] + 1
        lr_t = self._decayed_lr(values) * (math.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t))
        grad = group.flat_grad()
        m, v = group.slots["ms"], group.slots["vs"]
        m.lerp_(grad, 1.0 - beta_1)
        v.lerp_(torch.mul(grad, grad, out=group.scratch()), 1.0 - beta_2)
        if self.amsgrad:
            v = torch.maximum(group.slots["vhats"], v, out=group.slots["vhats"])
        denominator = sqrt(v, group.scratch()).add_(group.constant(self.epsilon))
        group.addcdiv_to_params(m, denominator, -lr_t)

    def _targets_for(self, weights):
        targets = self.weights
        count = len(self._params)
        if not self.amsgrad and count and len(weights) == 2 * count + 1:
            return targets[:2 * count + 1]  # Keras 2.3 layout: no vhats without amsgrad
        return targets

    def get_config(self):
        config = {"lr": float(self._variable_value("lr")),
                  "beta_1": float(self._variable_value("beta_1")),
                  "beta_2": float(self._variable_value("beta_2")),
                  "decay": float(self._variable_value("decay")),
                  "epsilon": self.epsilon,
                  "amsgrad": self.amsgrad}
        return {**super().get_config(), **config}


class Adamax(Optimizer):
    """Keras 2 Adamax (Adam paper, section 7).

    ``m = b1 * m + (1 - b1) * g``; ``u = max(b2 * u, |g|)``;
    ``p -= lr / (1 - b1**t) * m / (u + epsilon)``.

    Args:
        lr: float >= 0, learning rate (``learning_rate=`` is accepted too).
        beta_1: float in (0, 1), decay of the first moment estimate.
        beta_2: float in (0, 1), decay of the infinity norm.
        epsilon: fuzz factor; None means ``K.epsilon()``.
        decay: float >= 0, learning rate decay over each update.
        **kwargs: ``clipnorm``, ``clipvalue``.

    Example:
        >>> opt = Adamax(lr=0.002)
    """

    beta_1 = HyperVariable()
    beta_2 = HyperVariable()
    decay = HyperVariable()
    slot_names = ("ms", "us")

    def __init__(self, lr=None, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0,
                 learning_rate=None, **kwargs):
        super().__init__(**kwargs)
        self.lr = resolve_learning_rate(lr, learning_rate, 0.002)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.decay = decay
        self.epsilon = config.epsilon() if epsilon is None else epsilon
        self.initial_decay = decay

    def _update(self, group, values):
        beta_1 = values["beta_1"]
        lr_t = self._decayed_lr(values) / (1.0 - beta_1 ** (values["iterations"] + 1))
        grad = group.flat_grad()
        m, u = group.slots["ms"], group.slots["us"]
        m.lerp_(grad, 1.0 - beta_1)
        work = torch.abs(grad, out=group.scratch())
        torch.maximum(u.mul_(group.constant(values["beta_2"])), work, out=u)
        denominator = torch.add(u, group.constant(self.epsilon), out=work)
        group.addcdiv_to_params(m, denominator, -lr_t)

    def get_config(self):
        config = {"lr": float(self._variable_value("lr")),
                  "beta_1": float(self._variable_value("beta_1")),
                  "beta_2": float(self._variable_value("beta_2")),
                  "decay": float(self._variable_value("decay")),
                  "epsilon": self.epsilon}
        return {**super().get_config(), **config}
