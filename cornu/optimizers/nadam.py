"""Nadam: Adam with Nesterov momentum and Keras 2's warming momentum schedule.

Example:
    >>> from cornu.optimizers import Nadam
    >>> Nadam().get_config()['schedule_decay']
    0.004
"""
import torch

from cornu import config
from cornu.kernels.elementwise import sqrt
from cornu.optimizers.base import Optimizer, resolve_learning_rate
from cornu.optimizers.variables import HyperVariable


class Nadam(Optimizer):
    """Keras 2 Nadam (no ``decay`` argument, as in Keras 2.2.4).

    With ``mu_t = b1 * (1 - 0.5 * 0.96**(t * schedule_decay))`` and ``S_t = mu_1 * ... * mu_t``:
    ``m = b1 * m + (1 - b1) * g``; ``v = b2 * v + (1 - b2) * g**2``;
    ``m_bar = (1 - mu_t) * g / (1 - S_t) + mu_{t+1} * m / (1 - S_t * mu_{t+1})``;
    ``p -= lr * m_bar / (sqrt(v / (1 - b2**t)) + epsilon)``.

    Args:
        lr: float >= 0, learning rate (``learning_rate=`` is accepted too).
        beta_1: float in (0, 1), decay of the first moment estimate.
        beta_2: float in (0, 1), decay of the second moment estimate.
        epsilon: fuzz factor; None means ``K.epsilon()``.
        schedule_decay: float, speed of the momentum warm-up.
        **kwargs: ``clipnorm``, ``clipvalue``.

    Example:
        >>> opt = Nadam(lr=0.002)
    """

    beta_1 = HyperVariable()
    beta_2 = HyperVariable()
    slot_names = ("ms", "vs")

    def __init__(self, lr=None, beta_1=0.9, beta_2=0.999, epsilon=None, schedule_decay=0.004,
                 learning_rate=None, **kwargs):
        super().__init__(**kwargs)
        self.lr = resolve_learning_rate(lr, learning_rate, 0.002)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = config.epsilon() if epsilon is None else epsilon
        self.schedule_decay = schedule_decay
        self._schedule_steps = 0
        self._m_schedule = 1.0

    @property
    def m_schedule(self):
        """The product of the momentum schedule over the steps done so far (a float)."""
        return self._m_schedule_after(int(self.iterations), self._variable_value("beta_1"))

    def _momentum_at(self, t, beta_1):
        return beta_1 * (1.0 - 0.5 * 0.96 ** (t * self.schedule_decay))

    def _m_schedule_after(self, steps, beta_1):
        if steps == self._schedule_steps + 1:
            self._m_schedule *= self._momentum_at(steps, beta_1)
        elif steps != self._schedule_steps:  # iterations were set from outside: recompute
            self._m_schedule = 1.0
            for t in range(1, steps + 1):
                self._m_schedule *= self._momentum_at(t, beta_1)
        self._schedule_steps = steps
        return self._m_schedule

    def _update(self, group, values):
        beta_1, beta_2 = values["beta_1"], values["beta_2"]
        t = values["iterations"] + 1
        momentum_t = self._momentum_at(t, beta_1)
        momentum_next = self._momentum_at(t + 1, beta_1)
        schedule_new = self._m_schedule_after(t - 1, beta_1) * momentum_t
        schedule_next = schedule_new * momentum_next
        grad = group.flat_grad()
        m, v = group.slots["ms"], group.slots["vs"]
        m.lerp_(grad, 1.0 - beta_1)
        v.lerp_(torch.mul(grad, grad, out=group.scratch(0)), 1.0 - beta_2)
        denominator = torch.div(v, 1.0 - beta_2 ** t, out=group.scratch(0))
        sqrt(denominator, denominator)
        denominator.add_(group.constant(self.epsilon))
        m_bar = torch.mul(grad, (1.0 - momentum_t) / (1.0 - schedule_new), out=group.scratch(1))
        m_bar.add_(m, alpha=momentum_next / (1.0 - schedule_next))
        group.addcdiv_to_params(m_bar, denominator, -values["lr"])

    def set_weights(self, weights):
        """Sets the state; also accepts Keras 2.3's layout ``[iterations, m_schedule, ms..., vs...]``.

        Args:
            weights: list of arrays, as returned by ``get_weights``.
        """
        weights = list(weights)
        if self._params and len(weights) == len(self.weights) + 1:
            m_schedule = float(weights[1])
            super().set_weights(weights[:1] + weights[2:])
            self._schedule_steps, self._m_schedule = int(self.iterations), m_schedule
        else:
            super().set_weights(weights)

    def get_config(self):
        config = {"lr": float(self._variable_value("lr")),
                  "beta_1": float(self._variable_value("beta_1")),
                  "beta_2": float(self._variable_value("beta_2")),
                  "epsilon": self.epsilon,
                  "schedule_decay": self.schedule_decay}
        return {**super().get_config(), **config}
