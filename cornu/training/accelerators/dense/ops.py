"""The layers of the Dense-graph step (``dense.step``): forward and backward, by hand.

Each op runs one layer on the kernels fastest for its size (``cornu.kernels.linear``) and keeps what
its backward pass needs. Work tensors are reused from step to step (allocating and freeing a
tensor costs about as much as a small operation) and activations run in place.

Example:
    >>> op = DenseOp(layer, activations.relu, trainable=True, keeps_output=False)  # doctest: +SKIP
    >>> out = op.forward(x)  # doctest: +SKIP
"""
import numpy as np
import torch

from cornu import activations
from cornu.kernels.dropout import dropout_mask
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
        trainable: whether the layer's weights are trained (their ``.grad`` is then written).
        keeps_output: whether its outputs outlive the step (the model's outputs, kept for
            the epoch's logs): they are then fresh tensors, not reused buffers.
    """

    def __init__(self, layer, act, trainable, keeps_output):
        # plain-tensor aliases of the weights (same memory and version counter): torch checks a
        # Parameter subclass (``LayerWeight``) for __torch_function__ on every call
        with torch.inference_mode(False):
            self.kernel = layer.kernel.detach()
            self.bias = None if layer.bias is None else layer.bias.detach()
        self.kernel_t = self.kernel.t()
        self.activate, self.activation_backward = ACTIVATIONS[act]
        self.grad_kernel = layer.kernel.grad if trainable else None
        self.grad_bias = None if layer.bias is None or not trainable else layer.bias.grad
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

    def backward(self, grad, activated, needs):
        """Writes this layer's gradients into its parameters' ``.grad``; returns
        ``[dLoss/d(inputs)]`` (``[None]`` when ``needs`` says the input needs none).

        Args:
            grad: dLoss/d(outputs), or dLoss/dz when ``activated`` is False (may be
                overwritten).
            activated: whether ``grad`` still has to go through the activation.
            needs: ``[whether the input needs its gradient]``.
        """
        return [self._backward(grad, activated, needs[0])]

    def _backward(self, grad, activated, input_grad):
        if activated and self.activation_backward is not None:
            grad = self.activation_backward(grad, self.outputs)
        rows = grad.shape[0]
        if rows <= self.max_numpy_rows:
            return self._numpy_backward(self._numpy_of(grad), rows, input_grad)
        result = torch.mm(grad, self.kernel_t, out=self.buffers(rows)[1]) if input_grad \
            else None
        if self.kernel_grad_t is not None:
            self.grad_kernel.copy_(torch.mm(grad.t(), self.inputs, out=self.kernel_grad_t).t())
        elif self.grad_kernel is not None:
            torch.mm(self.inputs.t(), grad, out=self.grad_kernel)
        if self.grad_bias is not None:
            torch.sum(grad, 0, out=self.grad_bias)
        return result

    def _numpy_backward(self, grad, rows, input_grad):
        _, grad_in, _, grad_in_np, ones = self.buffers(rows)
        if input_grad:
            np.dot(grad, self.kernel_t_np, out=grad_in_np)
        if self.grad_kernel is not None:
            np.dot(self.inputs_np.T, grad, out=self.grad_kernel_np)
        if self.grad_bias is not None:
            np.dot(ones, grad, out=self.grad_bias_np)  # column sums
        return grad_in if input_grad else None


class DropoutOp:
    """A ``Dropout`` layer: the same mask as the layer draws (``dropout_mask``), when active.

    Args:
        layer: the ``Dropout`` layer.
    """

    def __init__(self, layer):
        self.layer = layer
        self.mask = None

    def forward(self, x):
        """Drops a random share of ``x`` (a fresh mask per batch) and scales the rest up.

        Args:
            x: the input batch.
        """
        self.mask = dropout_mask(x, self.layer.rate)
        return x * self.mask

    def backward(self, grad, activated, needs):
        """``[the input's gradient]``: ``grad`` through the same mask (overwrites ``grad``).

        Args:
            grad: dLoss/d(outputs).
            activated: unused (dropout has no activation).
            needs: ``[whether the input needs its gradient]``.
        """
        return [grad.mul_(self.mask) if needs[0] else None]


class ConcatenateOp:
    """A ``Concatenate`` along the last axis of 2-D inputs.

    Args:
        layer: the ``Concatenate`` layer.
    """

    def __init__(self, layer):
        self.layer = layer
        self.widths = None

    def forward(self, *inputs):
        """The inputs side by side.

        Args:
            *inputs: 2-D tensors with the same number of rows.
        """
        self.widths = [x.shape[1] for x in inputs]
        return torch.cat(inputs, dim=1)

    def backward(self, grad, activated, needs):
        """Each input's gradient: its columns of ``grad`` (views, which do not overlap).

        Args:
            grad: dLoss/d(output).
            activated: unused.
            needs: whether each input needs its gradient.
        """
        return [part if need else None
                for part, need in zip(grad.split(self.widths, dim=1), needs)]


class AddOp:
    """An ``Add`` of tensors of one shape.

    Args:
        layer: the ``Add`` layer.
    """

    def __init__(self, layer):
        self.layer = layer

    def forward(self, *inputs):
        """The elementwise sum.

        Args:
            *inputs: tensors of one shape.
        """
        total = inputs[0] + inputs[1]
        for x in inputs[2:]:
            total = total + x
        return total

    def backward(self, grad, activated, needs):
        """Each input's gradient is ``grad``: the first gets it, the others copies (the ops
        receiving them may overwrite it).

        Args:
            grad: dLoss/d(output).
            activated: unused.
            needs: whether each input needs its gradient.
        """
        given, result = False, []
        for need in needs:
            if not need:
                result.append(None)
            else:
                result.append(grad.clone() if given else grad)
                given = True
        return result
