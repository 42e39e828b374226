"""RMSprop: divide the gradient by a running average of its recent magnitude.

Example:
    >>> from cornu.optimizers import RMSprop
    >>> RMSprop().get_config()['epsilon']
    1e-07
"""
import torch

from cornu import config
from cornu.kernels.elementwise import sqrt
from cornu.optimizers.base import Optimizer, resolve_learning_rate
from cornu.optimizers.variables import HyperVariable


class RMSprop(Optimizer):
    """Keras 2 RMSprop: ``a = rho * a + (1 - rho) * g**2``; ``p -= lr * g / (sqrt(a) + epsilon)``.

    Args:
        lr: float >= 0, learning rate (``learning_rate=`` is accepted too).
        rho: float >= 0, decay of the moving average of squared gradients.
        epsilon: fuzz factor; None means ``K.epsilon()``.
        decay: float >= 0, learning rate decay over each update.
        **kwargs: ``clipnorm``, ``clipvalue``.

    Example:
        >>> opt = RMSprop(lr=1e-4)
    """

    rho = HyperVariable()
    decay = HyperVariable()
    slot_names = ("accumulators",)
    weights_include_iterations = False

    def __init__(self, lr=None, rho=0.9, epsilon=None, decay=0.0, learning_rate=None, **kwargs):
        super().__init__(**kwargs)
        self.lr = resolve_learning_rate(lr, learning_rate, 0.001)
        self.rho = rho
        self.decay = decay
        self.epsilon = config.epsilon() if epsilon is None else epsilon
        self.initial_decay = decay

    def _update(self, group, values):
        rho = values["rho"]
        grad = group.flat_grad()
        accumulator = group.slots["accumulators"]
        accumulator.lerp_(torch.mul(grad, grad, out=group.scratch()), 1.0 - rho)
        denominator = sqrt(accumulator, group.scratch()).add_(group.constant(self.epsilon))
        group.addcdiv_to_params(grad, denominator, -self._decayed_lr(values))

    def get_config(self):
        config = {"lr": float(self._variable_value("lr")),
                  "rho": float(self._variable_value("rho")),
                  "decay": float(self._variable_value("decay")),
                  "epsilon": self.epsilon}
        return {**super().get_config(), **config}
