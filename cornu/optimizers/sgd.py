"""Stochastic gradient descent with momentum, Nesterov momentum and learning-rate decay.

Example:
    >>> from cornu.optimizers import SGD
    >>> opt = SGD(lr=0.01, momentum=0.9, nesterov=True)
    >>> opt.get_config()['momentum']
    0.8999999761581421
"""
import torch

from cornu.optimizers.base import Optimizer, resolve_learning_rate
from cornu.optimizers.variables import HyperVariable


class SGD(Optimizer):
    """Keras 2 SGD: ``v = momentum * v - lr * g``; ``p += v`` (Nesterov: ``p += momentum * v - lr * g``).

    Args:
        lr: float >= 0, learning rate (``learning_rate=`` is accepted too).
        momentum: float >= 0, accelerates SGD in the relevant direction.
        decay: float >= 0, learning rate decay over each update: ``lr / (1 + decay * iterations)``.
        nesterov: whether to apply Nesterov momentum.
        **kwargs: ``clipnorm``, ``clipvalue``.

    Example:
        >>> opt = SGD(lr=0.1, decay=1e-6, momentum=0.9)
    """

    momentum = HyperVariable()
    decay = HyperVariable()
    slot_names = ("moments",)

    def __init__(self, lr=None, momentum=0.0, decay=0.0, nesterov=False, learning_rate=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.lr = resolve_learning_rate(lr, learning_rate, 0.01)
        self.momentum = momentum
        self.decay = decay
        self.initial_decay = decay
        self.nesterov = nesterov

    def _update(self, group, values):
        lr = self._decayed_lr(values)
        momentum = values["momentum"]
        if momentum == 0:
            # Keras 2.2.4 also stores -lr * g in the moments; with no momentum they are never read.
            if self.clipnorm or self.clipvalue:
                group.add_to_params(group.flat_grad(), -lr)
            else:
                torch._foreach_add_(group.params, group.grads, alpha=-lr)
            return
        grad = group.flat_grad()
        velocity = group.slots["moments"]
        momentum = group.constant(momentum)
        velocity.mul_(momentum).add_(grad, alpha=-lr)
        if self.nesterov:
            step = torch.mul(velocity, momentum, out=group.scratch())
            group.add_to_params(step.add_(grad, alpha=-lr))
        else:
            group.add_to_params(velocity)

    def get_config(self):
        config = {"lr": float(self._variable_value("lr")),
                  "momentum": float(self._variable_value("momentum")),
                  "decay": float(self._variable_value("decay")),
                  "nesterov": self.nesterov}
        return {**super().get_config(), **config}
