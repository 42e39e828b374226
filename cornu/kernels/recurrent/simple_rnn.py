"""A whole fully connected RNN sequence (``h = activation(W^T x + b + U^T h')``) as one
autograd function with a hand-written backward pass, for ``tanh`` and ``relu``, feature-major
(``recurrent_product``). ``xp`` is the kernel's workspace, as for ``lstm_sequence``.

Example:
    >>> xp = torch.zeros(4, 3, 2)
    >>> H, h = simple_rnn_sequence(xp, torch.eye(3), torch.zeros(3, 2))
    >>> H.shape
    torch.Size([4, 3, 2])
"""
import torch

from cornu.kernels.recurrent.recurrent_product import (check_workspace, chunks, gather,
                                                        kernel_gradient, spread, states_buffer)

ACTIVATIONS = ("tanh", "relu")


def _slopes(outputs, activation):
    """The activation's derivative, from its outputs: ``1 - h^2`` or ``h > 0``."""
    if activation == "tanh":
        return (outputs * outputs).neg_().add_(1)
    return (outputs > 0).to(outputs.dtype)


class _SimpleRNNSequence(torch.autograd.Function):

    @staticmethod
    def forward(ctx, xp, kernel, h0, masks, activation):
        xp, kernel, h0 = xp.detach(), kernel.detach(), h0.detach()
        steps = xp.shape[0]
        states = states_buffer(h0, steps)
        x_, h_ = xp.unbind(0), states.unbind(0)
        transposed = kernel.t()
        h = h0
        for t in range(steps):
            pre = x_[t].addmm_(transposed, spread(h, masks, 1))
            h = torch.tanh(pre, out=h_[t + 1]) if activation == "tanh" \
                else torch.clamp_min(pre, 0.0, out=h_[t + 1])
        ctx.save_for_backward(kernel, masks, states, xp)
        ctx.activation = activation
        ctx.set_materialize_grads(False)
        return states[1:], h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        kernel, masks, states, xp = ctx.saved_tensors
        dh = grad_h if grad_h is not None else xp.new_zeros(xp.shape[1:])
        dz = torch.empty_like(xp)
        dz_ = dz.unbind(0)
        dh_ = grad_outputs.contiguous().unbind(0) if grad_outputs is not None else None
        for start, stop in chunks(xp.shape[0]):
            slopes_ = _slopes(states[start + 1:stop + 1], ctx.activation).unbind(0)
            for j in range(stop - start - 1, -1, -1):
                t = start + j
                if dh_ is not None:
                    dh = dh + dh_[t]
                dh = gather(torch.mm(kernel, torch.mul(slopes_[j], dh, out=dz_[t])), masks, 1)
        grad_kernel = None
        if ctx.needs_input_grad[1]:
            grad_kernel = kernel_gradient(states[:-1], masks, 1, dz)
        return dz, grad_kernel, dh, None, None


def simple_rnn_sequence(xp, kernel, h0, masks=None, activation="tanh"):
    """Runs a fully connected RNN over a sequence of input projections, feature-major.

    Args:
        xp: ``(steps, units, batch)`` contiguous input projections ``W^T x + b``; the
            kernel's workspace (overwritten).
        kernel: the recurrent kernel ``(units, units)``.
        h0: the initial state ``(units, batch)``.
        masks: None, or the recurrent dropout mask ``(units, batch)``.
        activation: ``'tanh'`` or ``'relu'``.

    Returns:
        ``(outputs, h)``: every step's output ``(steps, units, batch)`` and the final state.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"simple_rnn_sequence: activation must be one of {ACTIVATIONS}, "
                         f"received {activation!r}.")
    check_workspace("simple_rnn_sequence", xp)
    return _SimpleRNNSequence.apply(xp, kernel, h0, masks, activation)
