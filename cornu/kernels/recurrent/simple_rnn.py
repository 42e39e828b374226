"""A whole fully connected RNN sequence (``h = activation(W^T x + b + U^T h')``) as one
autograd function with a hand-written backward pass, for ``tanh`` and ``relu``, feature-major
(``recurrent_product``), projecting its inputs a chunk of steps at a time, as
``lstm_sequence`` does.

Example:
    >>> x = torch.zeros(2, 4, 5)
    >>> H, h = simple_rnn_sequence(x, torch.zeros(5, 3), None, torch.eye(3), torch.zeros(3, 2))
    >>> H.shape
    torch.Size([4, 3, 2])
"""
import torch

from cornu.kernels.recurrent.projection import InputProjection
from cornu.kernels.recurrent.recurrent_product import (chunks, gather, input_pairs,
                                                        kernel_gradient, spread, states_buffer)

ACTIVATIONS = ("tanh", "relu")


def _slopes(outputs, activation):
    """The activation's derivative, from its outputs: ``1 - h^2`` or ``h > 0``."""
    if activation == "tanh":
        return (outputs * outputs).neg_().add_(1)
    return (outputs > 0).to(outputs.dtype)


class _SimpleRNNSequence(torch.autograd.Function):

    @staticmethod
    def forward(ctx, kernel, h0, bias, masks, activation, *pairs):
        kernel, h0 = kernel.detach(), h0.detach()
        projection = InputProjection(pairs, bias)
        steps, batch = projection.steps, projection.batch
        xp = h0.new_empty(steps, kernel.shape[1], batch)   # projections, then pre-activations
        states = states_buffer(h0, steps)
        x_, h_ = xp.unbind(0), states.unbind(0)
        transposed = kernel.t()
        h = h0
        for start, stop in chunks(steps):
            projection.project(xp[start:stop], start, stop)
            for t in range(start, stop):
                pre = x_[t].addmm_(transposed, spread(h, masks, 1))
                h = torch.tanh(pre, out=h_[t + 1]) if activation == "tanh" \
                    else torch.clamp_min(pre, 0.0, out=h_[t + 1])
        ctx.save_for_backward(kernel, masks, states, bias, *pairs)
        ctx.activation = activation
        ctx.set_materialize_grads(False)
        return states[1:], h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        kernel, masks, states, bias, *pairs = ctx.saved_tensors
        projection = InputProjection(pairs, bias)
        projection.start_backward(ctx.needs_input_grad[5:] + ctx.needs_input_grad[2:3])
        grad_kernel = torch.zeros_like(kernel) if ctx.needs_input_grad[0] else None
        dh = grad_h if grad_h is not None else states.new_zeros(states.shape[1:])
        dh_ = grad_outputs.contiguous().unbind(0) if grad_outputs is not None else None
        for start, stop in reversed(chunks(projection.steps)):
            # the activation's slopes, turned into the chunk's dz in place
            dz = _slopes(states[start + 1:stop + 1], ctx.activation)
            dz_ = dz.unbind(0)
            for j in range(stop - start - 1, -1, -1):
                if dh_ is not None:
                    dh = dh + dh_[start + j]
                dh = gather(torch.mm(kernel, dz_[j].mul_(dh)), masks, 1)
            if grad_kernel is not None:
                grad_kernel += kernel_gradient(states[start:stop], masks, 1, dz)
            projection.backward(dz, start, stop)
        grad_pairs, grad_bias = projection.gradients()
        return (grad_kernel, dh, grad_bias, None, None, *grad_pairs)


def simple_rnn_sequence(inputs, kernel, bias, recurrent_kernel, h0, masks=None,
                        activation="tanh"):
    """Runs a fully connected RNN over a sequence, feature-major.

    Args:
        inputs: ``(batch, steps, features)``, any layout.
        kernel: ``W``, ``(features, units)``.
        bias: ``(units,)`` or None.
        recurrent_kernel: ``U``, ``(units, units)``.
        h0: the initial state ``(units, batch)``.
        masks: None, or the recurrent dropout mask ``(units, batch)``.
        activation: ``'tanh'`` or ``'relu'``.

    Returns:
        ``(outputs, h)``: every step's output ``(steps, units, batch)`` and the final state.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"simple_rnn_sequence: activation must be one of {ACTIVATIONS}, "
                         f"received {activation!r}.")
    return _SimpleRNNSequence.apply(recurrent_kernel, h0, bias, masks, activation,
                                    *input_pairs(inputs, kernel))
