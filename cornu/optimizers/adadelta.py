"""Adadelta: adapts step sizes from moving windows of gradients and of past updates.

Example:
    >>> from cornu.optimizers import Adadelta
    >>> Adadelta().get_config()['rho']
    0.95
"""
import torch

from cornu import config
from cornu.kernels.elementwise import sqrt
from cornu.optimizers.base import Optimizer, resolve_learning_rate
from cornu.optimizers.variables import HyperVariable


class Adadelta(Optimizer):
    """Keras 2 Adadelta.

    ``a = rho * a + (1 - rho) * g**2``; ``u = g * sqrt(d + eps) / sqrt(a + eps)``;
    ``p -= lr * u``; ``d = rho * d + (1 - rho) * u**2``.

    Args:
        lr: float >= 0, initial learning rate, default 1 (``learning_rate=`` is accepted too).
        rho: float >= 0, fraction of the running averages kept at each step.
        epsilon: fuzz factor; None means ``K.epsilon()``.
        decay: float >= 0, learning rate decay over each update.
        **kwargs: ``clipnorm``, ``clipvalue``.

    Example:
        >>> opt = Adadelta()
    """

    decay = HyperVariable()
    slot_names = ("accumulators", "delta_accumulators")
    weights_include_iterations = False

    def __init__(self, lr=None, rho=0.95, epsilon=None, decay=0.0, learning_rate=None, **kwargs):
        super().__init__(**kwargs)
        self.lr = resolve_learning_rate(lr, learning_rate, 1.0)
        self.decay = decay
        self.rho = rho
        self.epsilon = config.epsilon() if epsilon is None else epsilon
        self.initial_decay = decay

    def _update(self, group, values):
        weight, epsilon = 1.0 - self.rho, group.constant(self.epsilon)
        grad = group.flat_grad()
        accumulator = group.slots["accumulators"]
        delta_accumulator = group.slots["delta_accumulators"]
        accumulator.lerp_(torch.mul(grad, grad, out=group.scratch(0)), weight)
        update = torch.add(delta_accumulator, epsilon, out=group.scratch(0))
        sqrt(update, update)
        denominator = torch.add(accumulator, epsilon, out=group.scratch(1))
        sqrt(denominator, denominator)
        update.div_(denominator).mul_(grad)
        group.add_to_params(update, -self._decayed_lr(values))
        delta_accumulator.lerp_(torch.mul(update, update, out=denominator), weight)

    def get_config(self):
        config = {"lr": float(self._variable_value("lr")),
                  "rho": self.rho,
                  "decay": float(self._variable_value("decay")),
                  "epsilon": self.epsilon}
        return {**super().get_config(), **config}
