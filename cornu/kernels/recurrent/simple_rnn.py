"""A whole fully connected RNN sequence (``h = activation(x @ W + b + h' @ U)``) as one
autograd function with a hand-written backward pass, for ``tanh`` and ``relu``.

Example:
    >>> xp = torch.zeros(4, 2, 3)
    >>> H, h = simple_rnn_sequence(xp, torch.eye(3), torch.zeros(2, 3))
    >>> H.shape
    torch.Size([4, 2, 3])
"""
import torch

from cornu.kernels.recurrent.recurrent_product import (gather, kernel_gradient, previous_states,
                                                        spread)

ACTIVATIONS = ("tanh", "relu")

class _SimpleRNNSequence(torch.autograd.Function):

    @staticmethod
    def forward(ctx, xp, kernel, h0, masks, activation):
        xp, kernel, h0 = xp.detach(), kernel.detach(), h0.detach()
        steps, batch, units = xp.shape
        outputs = xp.new_empty(steps, batch, units)
        x_, h_ = xp.unbind(0), outputs.unbind(0)
        h = h0
        for t in range(steps):
            pre = torch.addmm(x_[t], spread(h, masks, 1), kernel, out=h_[t])
            h = pre.tanh_() if activation == "tanh" else pre.clamp_min_(0.0)
        ctx.save_for_backward(kernel, h0, masks, outputs)
        ctx.activation = activation
        ctx.set_materialize_grads(False)
        return outputs, h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        kernel, h0, masks, outputs = ctx.saved_tensors
        steps, batch, units = outputs.shape
        dx = outputs.new_empty(steps, batch, units)
        dx_, h_ = dx.unbind(0), outputs.unbind(0)
        dh_ = grad_outputs.unbind(0) if grad_outputs is not None else None
        transposed = kernel.t()
        dh = grad_h if grad_h is not None else h0.new_zeros(batch, units)
        for t in range(steps - 1, -1, -1):
            if dh_ is not None:
                dh = dh + dh_[t]
            h = h_[t]
            if ctx.activation == "tanh":
                torch.addcmul(dh, dh, h * h, value=-1, out=dx_[t])
            else:
                torch.mul(dh, h > 0, out=dx_[t])
            dh = gather(torch.mm(dx_[t], transposed), masks, 1)
        grad_kernel = None
        if ctx.needs_input_grad[1]:
            grad_kernel = kernel_gradient(previous_states(h0, outputs), masks, 1, dx)
        return dx, grad_kernel, dh, None, None


def simple_rnn_sequence(xp, kernel, h0, masks=None, activation="tanh"):
    """Runs a fully connected RNN over a sequence of input projections.

    Args:
        xp: ``(steps, batch, units)`` input projections ``x @ W + b``, time first.
        kernel: the recurrent kernel ``(units, units)``.
        h0: the initial state ``(batch, units)``.
        masks: None, or the recurrent dropout mask ``(batch, units)``.
        activation: ``'tanh'`` or ``'relu'``.

    Returns:
        ``(outputs, h)``: every step's output ``(steps, batch, units)`` and the final state.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"simple_rnn_sequence: activation must be one of {ACTIVATIONS}, "
                         f"received {activation!r}.")
    return _SimpleRNNSequence.apply(xp, kernel, h0, masks, activation)
