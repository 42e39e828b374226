"""Adagrad: per-parameter learning rates that shrink with the sum of squared gradients.

Example:
    >>> from cornu.optimizers import Adagrad
    >>> Adagrad().get_config()['lr']
    0.009999999776482582
"""
import torch

from cornu import config
from cornu.kernels.elementwise import sqrt
from cornu.optimizers.base import Optimizer, resolve_learning_rate
from cornu.optimizers.variables import HyperVariable


class Adagrad(Optimizer):
    """Keras 2 Adagrad: ``a += g**2``; ``p -= lr * g / (sqrt(a) + epsilon)``, accumulators start at 0.

    Args:
        lr: float >= 0, initial learning rate (``learning_rate=`` is accepted too).
        epsilon: fuzz factor; None means ``K.epsilon()``.
        decay: float >= 0, learning rate decay over each update.
        **kwargs: ``clipnorm``, ``clipvalue``.

    Example:
        >>> opt = Adagrad(lr=0.05)
    """

    decay = HyperVariable()
    slot_names = ("accumulators",)
    weights_include_iterations = False

    def __init__(self, lr=None, epsilon=None, decay=0.0, learning_rate=None, **kwargs):
        super().__init__(**kwargs)
        self.lr = resolve_learning_rate(lr, learning_rate, 0.01)
        self.decay = decay
        self.epsilon = config.epsilon() if epsilon is None else epsilon
        self.initial_decay = decay

    def _update(self, group, values):
        grad = group.flat_grad()
        accumulator = group.slots["accumulators"]
        accumulator.addcmul_(grad, grad)
        denominator = sqrt(accumulator, group.scratch()).add_(group.constant(self.epsilon))
        group.addcdiv_to_params(grad, denominator, -self._decayed_lr(values))

    def get_config(self):
        config = {"lr": float(self._variable_value("lr")),
                  "decay": float(self._variable_value("decay")),
                  "epsilon": self.epsilon}
        return {**super().get_config(), **config}
