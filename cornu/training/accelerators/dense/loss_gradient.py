"""The gradient of the textbooks' losses with respect to a Dense stack's last layer.

Example:
    >>> gradient = OutputGradient(losses.binary_crossentropy, activations.sigmoid, 1,
    ...                           kernel)  # doctest: +SKIP
    >>> grad = gradient(outputs, targets)  # doctest: +SKIP
"""
import numpy as np
import torch

from cornu import activations, losses
from cornu.config import epsilon
from cornu.training.accelerators.dense.ops import ACTIVATIONS, Buffers

aten = torch.ops.aten

#: The losses whose gradient ``OutputGradient`` knows.
SUPPORTED_LOSSES = {losses.mean_squared_error, losses.mean_absolute_error,
                    losses.binary_crossentropy, losses.categorical_crossentropy,
                    losses.sparse_categorical_crossentropy}


class OutputGradient:
    """dLoss/dz of the last layer's pre-activation ``z`` (dLoss/da when it is linear).

    Keras 2 clips probabilities to ``[eps, 1 - eps]`` before the log; the clip's gradient is
    zero outside that range, which ``hardtanh_backward`` applies in one operation (with bounds
    one float below/above, so that values exactly on a bound keep their gradient as in Keras).

    Args:
        loss: the loss function.
        act: the last layer's activation.
        width: units of the output.
        like: a tensor of the parameters' dtype and device.
    """

    def __init__(self, loss, act, width, like):
        self.loss, self.act, self.width = loss, act, width
        self.backward = ACTIVATIONS[act][1]
        eps = np.float32(epsilon())
        self.low = float(np.nextafter(eps, np.float32(0)))
        self.high = float(np.nextafter(np.float32(1) - eps, np.float32(2)))
        self.eps = eps
        scale = {losses.mean_squared_error: 2.0 / width,
                 losses.mean_absolute_error: 1.0 / width,
                 losses.binary_crossentropy: 1.0 / width}.get(loss, 1.0)
        # per batch size: the gradient, a work tensor, and scale / rows as a 0-d tensor
        # (tensor factors cost less than Python scalars)
        self.buffers = Buffers(lambda rows: (like.new_empty((rows, width)),
                                              like.new_empty((rows, width)),
                                              like.new_tensor(scale / rows)))

    def _activation_backward(self, grad, a):
        return grad if self.backward is None else self.backward(grad, a)

    def __call__(self, a, y):
        grad, work, factor = self.buffers(a.shape[0])
        loss, act = self.loss, self.act
        if loss is losses.mean_squared_error:
            return self._activation_backward(torch.sub(a, y, out=grad).mul_(factor), a)
        if loss is losses.mean_absolute_error:
            return self._activation_backward(torch.sub(a, y, out=grad).sign_().mul_(factor), a)
        if loss is losses.binary_crossentropy:
            if act is activations.sigmoid:
                torch.sub(a, y, out=grad)
                return self._unclipped(grad, a, grad).mul_(factor)
            c = a.clamp(self.eps, 1 - self.eps)
            grad = self._unclipped((c - y) / (c * (1 - c)), a, grad)
            return self._activation_backward(grad.mul_(factor), a)
        if loss is losses.sparse_categorical_crossentropy:
            y = torch.nn.functional.one_hot(y.reshape(-1).long(), self.width).to(a.dtype)
        if act is activations.softmax:
            kept = self._unclipped(y, a, work)
            return torch.mul(a, kept.sum(-1, keepdim=True), out=grad).sub_(kept).mul_(factor)
        total = a.sum(-1, keepdim=True)
        q = a / total
        c = q.clamp(self.eps, 1 - self.eps)
        grad_q = self._unclipped(-y / c, q, work)
        grad = (grad_q - (grad_q * q).sum(-1, keepdim=True)) / total
        return self._activation_backward(grad.mul_(factor), a)

    def _unclipped(self, grad, p, out):
        """``grad`` where ``eps <= p <= 1 - eps``, else 0, written into ``out``."""
        return aten.hardtanh_backward.grad_input(grad, p, self.low, self.high, grad_input=out)
