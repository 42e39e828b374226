"""The layers of the hand-derived Dense-stack step (``dense_step``): forward and backward.

Each op runs one layer on the kernels fastest for its size (``linear_kernels``) and keeps what
its backward pass needs. Work tensors are reused from step to step (allocating and freeing a
tensor costs about as much as a small operation) and activations run in place.

Example:
    >>> op = DenseOp(layer, activations.relu, grads={}, keeps_output=False)  # doctest: +SKIP
    >>> out = op.forward(x)  # doctest: +SKIP
"""
import numpy as np
import torch

from cornu import activations
from cornu.kernels.linear import (numpy_max_rows, numpy_threaded_rows, onednn_linear,
                                         onednn_min_rows)

aten = torch.ops.aten

# Layers with fewer units than this and than inputs are narrow: see ``DenseOp.kernel_grad_t``.
NARROW_UNITS = 16


def _relu_backward(grad, out):
    return aten.threshold_backward.grad_input(grad, out, 0.0, grad_input=grad)


def _sigmoid_backward(grad, out):
    return aten.sigmoid_backward.grad_input(grad, out, grad_input=grad)


def _tanh_backward(grad, out):
    return aten.tanh_backward.grad_input(grad, out, grad_input=grad)


def _softmax_backward(grad, out):
    return aten._softmax_backward_data(grad, out, -1, out.dtype)


# activation -> (in-place forward on a fresh pre-activation, backward(grad, output) that may
# overwrite ``grad``).
ACTIVATIONS = {
    activations.linear: (None, None),
    activations.relu: (torch.relu_, _relu_backward),
    activations.sigmoid: (torch.sigmoid_, _sigmoid_backward),
    activations.tanh: (torch.tanh_, _tanh_backward),
    activations.softmax: (lambda z: torch.softmax(z, -1), _softmax_backward),
}


class Buffers:
    """Work tensors reused from step to step, one set per batch size (allocating and freeing
    a tensor costs about as much as a small operation).

    Args:
        make: function ``rows -> tuple of tensors``.
    """

    def __init__(self, make):
        self.make = make
        self.sets = {}

    def __call__(self, rows):
        """The work tensors for batches of ``rows`` samples (made on first use)."""
        tensors = self.sets.get(rows)
        if tensors is None:
            if len(self.sets) >= 4:  # batch sizes keep changing (train_on_batch): keep a few
                self.sets.clear()
            tensors = self.sets[rows] = self.make(rows)
        return tensors


class DenseOp:
    """One Dense layer (with its activation) in the step: forward, and backward into buffers.

    Products go to the kernel that is fastest for their size (``linear_kernels``): NumPy's
    BLAS on the same memory for small ones, torch's BLAS, or oneDNN for large forward products.

    Args:
        layer: the ``Dense`` layer.
        act: its activation (or that of the ``Activation`` layer folded into it).
        grads: dict ``id(param) -> gradient buffer view`` of the trainable parameters.
        keeps_output: whether its outputs outlive the step (the model's outputs, kept for
            the epoch's logs): they are then fresh tensors, not reused buffers.
    """

    def __init__(self, layer, act, grads, keeps_output):
        self.kernel, self.bias = layer.kernel, layer.bias
        self.kernel_t = self.kernel.t()
        self.activate, self.activation_backward = ACTIVATIONS[act]
        self.grad_kernel = grads.get(id(self.kernel))
        self.grad_bias = None if self.bias is None else grads.get(id(self.bias))
        self.min_onednn_rows = onednn_min_rows(self.kernel)
        self.max_numpy_rows = numpy_max_rows(self.kernel)
        #: batch sizes whose NumPy products need ``numpy_blas_one_thread``
        self.threaded_numpy_rows = numpy_threaded_rows(self.kernel)
        if self.max_numpy_rows:
            # NumPy views of the same memory (the optimizer updates it in place)
            self.kernel_np = self.kernel.detach().numpy()
            self.kernel_t_np = self.kernel_np.T
            for name in ("grad_kernel", "grad_bias"):
                tensor = getattr(self, name)
                setattr(self, name + "_np", None if tensor is None else tensor.numpy())
        inputs, units = self.kernel.shape
        # MKL writes an (inputs, few units) product 2-8x slower than the (units, inputs) one
        # of the same numbers (measured here), so narrow layers take their kernel gradient
        # transposed, in this work tensor
        self.kernel_grad_t = self.kernel.new_empty((units, inputs)) \
            if self.grad_kernel is not None and units < min(NARROW_UNITS, inputs) else None
        self.keeps_output = keeps_output
        self.buffers = Buffers(self._new_buffers)
        self.inputs = self.inputs_np = self.outputs = None
        self._seen = {}  # id -> (tensor, its NumPy view), for tensors met at every step

    def _numpy_of(self, tensor):
        """``tensor.numpy()``, remembered for the buffers that come back at every step."""
        seen = self._seen.get(id(tensor))
        if seen is not None and seen[0] is tensor:
            return seen[1]
        if len(self._seen) >= 8:
            self._seen.clear()
        array = tensor.numpy()
        self._seen[id(tensor)] = (tensor, array)
        return array

    def _new_buffers(self, rows):
        """Per batch size: the outputs, the inputs' gradient, their NumPy views, and ones."""
        inputs, units = self.kernel.shape
        out = self.kernel.new_empty((rows, units))
        grad_in = self.kernel.new_empty((rows, inputs))
        numpy = rows <= self.max_numpy_rows
        return (out, grad_in, out.numpy() if numpy else None,
                grad_in.numpy() if numpy else None,
                np.ones(rows, dtype=np.float32) if numpy else None)

    def forward(self, x):
        """The layer's activated outputs for a 2-D batch; keeps what the backward pass needs.

        Args:
            x: the input batch.
        """
        rows = x.shape[0]
        if rows <= self.max_numpy_rows:
            x_np = self.inputs_np = self._numpy_of(x)
            if self.keeps_output:
                z = torch.from_numpy(np.dot(x_np, self.kernel_np))
            else:
                buffers = self.buffers(rows)
                z = buffers[0]
                np.dot(x_np, self.kernel_np, out=buffers[2])
            if self.bias is not None:
                z.add_(self.bias)
            out = z if self.activate is None else self.activate(z)
        elif rows >= self.min_onednn_rows:
            z = onednn_linear(x, self.kernel, self.bias, self.activate is torch.relu_)
            out = z if self.activate in (None, torch.relu_) else self.activate(z)
        else:
            out = None if self.keeps_output else self.buffers(rows)[0]
            if self.bias is None:
                z = torch.mm(x, self.kernel, out=out)
            else:
                z = torch.addmm(self.bias, x, self.kernel, out=out)
            out = z if self.activate is None else self.activate(z)
        self.inputs, self.outputs = x, out
        return out

    def backward(self, grad, activated, input_grad, descent_rate=None):
        """Writes this layer's gradients; returns dLoss/d(inputs) when ``input_grad``.

        Args:
            grad: dLoss/d(outputs), or dLoss/dz when ``activated`` is False (may be
                overwritten).
            activated: whether ``grad`` still has to go through the activation.
            input_grad: whether the gradient of the inputs is needed.
            descent_rate: when given (plain gradient descent), the weights are also updated
                here, ``w -= rate * dLoss/dw`` (inside the gradient product where the kernel
                allows it; the gradient buffers are then left as they were).
        """
        if activated and self.activation_backward is not None:
            grad = self.activation_backward(grad, self.outputs)
        rows = grad.shape[0]
        if rows <= self.max_numpy_rows:
            return self._numpy_backward(self._numpy_of(grad), rows, input_grad, descent_rate)
        # the inputs' gradient first: it needs the kernel before any update
        result = torch.mm(grad, self.kernel_t, out=self.buffers(rows)[1]) if input_grad \
            else None
        if self.kernel_grad_t is not None:
            grad_kernel = torch.mm(grad.t(), self.inputs, out=self.kernel_grad_t).t()
            if descent_rate is None:
                self.grad_kernel.copy_(grad_kernel)
            else:
                self.kernel.add_(grad_kernel, alpha=-descent_rate)
        elif self.grad_kernel is not None:
            if descent_rate is None:
                torch.mm(self.inputs.t(), grad, out=self.grad_kernel)
            else:
                self.kernel.addmm_(self.inputs.t(), grad, alpha=-descent_rate)
        if self.grad_bias is not None:
            if descent_rate is None:
                torch.sum(grad, 0, out=self.grad_bias)
            else:
                self.bias.add_(grad.sum(0), alpha=-descent_rate)
        return result

    def _numpy_backward(self, grad, rows, input_grad, descent_rate):
        _, grad_in, _, grad_in_np, ones = self.buffers(rows)
        if input_grad:  # first: it needs the kernel before any update
            np.dot(grad, self.kernel_t_np, out=grad_in_np)
        if self.grad_kernel is not None:
            np.dot(self.inputs_np.T, grad, out=self.grad_kernel_np)
            if descent_rate is not None:
                self.kernel.add_(self.grad_kernel, alpha=-descent_rate)
        if self.grad_bias is not None:
            np.dot(ones, grad, out=self.grad_bias_np)  # column sums
            if descent_rate is not None:
                self.bias.add_(self.grad_bias, alpha=-descent_rate)
        return grad_in if input_grad else None


class DropoutOp:
    """Inverted dropout: keeps each unit with probability ``1 - rate``, scaled up to match."""

    def __init__(self, rate):
        self.keep = 1.0 - rate
        self.mask = None

    def forward(self, x):
        """Drops a random share of ``x`` (a fresh mask per batch) and scales the rest up.

        Args:
            x: the input batch.
        """
        self.mask = torch.empty_like(x).bernoulli_(self.keep).div_(self.keep)
        return x * self.mask

    def backward(self, grad, activated, input_grad, descent_rate=None):
        """The inputs' gradient: ``grad`` through the same mask (overwrites ``grad``).

        Args:
            grad: dLoss/d(outputs).
            activated: unused (dropout has no activation).
            input_grad: unused (the gradient is always passed on).
            descent_rate: unused (dropout has no weights).
        """
        return grad.mul_(self.mask)
