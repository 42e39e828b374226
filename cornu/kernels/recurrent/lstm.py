"""A whole LSTM sequence as one autograd function with a hand-written backward pass.

Keras's formulas: ``c = f c' + i tanh(z_c)``, ``h = o tanh(c)``. The kernel takes its gates in
the order o, f, i, c (the sigmoid gates side by side, and the three blocks whose gradients
scale with ``dc`` side by side; the caller reorders Keras's i, f, c, o) and works
feature-major (``recurrent_product``). A chunk of steps at a time, it writes the chunk's
input projections ``W^T x + b`` (``projection``) into its workspace, then runs the steps:
each adds its recurrent product and applies its activations in place, so no step copies.

The backward pass computes, a chunk of steps at a time, every factor that depends only on the
forward pass (the gates' slopes times what they gate), so that each step is left with five
small operations (the cell gradient, two products for the pre-activation gradients, the
forget-gate carry and the recurrent product), then the chunk's kernel and projection
gradients while the chunk is in cache.

For Keras's ``hard_sigmoid`` (``clip(0.2 x + 0.5, 0, 1)``) the caller folds ``0.2`` and
``0.5`` into the gates' rows of ``W``, ``U`` and ``b`` (``gate_scaling``), so the kernel only
clips (and the slope of a clipped gate is 0, else 1, as torch's ``clamp`` defines it).

Example:
    >>> batch, T, features, units = 2, 5, 6, 3
    >>> x, kernel = torch.zeros(batch, T, features), torch.zeros(features, 4 * units)
    >>> h0 = c0 = torch.zeros(units, batch)
    >>> H, h, c = lstm_sequence(x, kernel, None, torch.zeros(units, 4 * units), h0, c0)
    >>> H.shape, h.shape
    (torch.Size([5, 3, 2]), torch.Size([3, 2]))
"""
import torch

from cornu.kernels.recurrent.projection import InputProjection
from cornu.kernels.recurrent.recurrent_product import (CHUNK, chunks, gather, input_pairs,
                                                        kernel_gradient, spread, states_buffer,
                                                        step_views)


def gate_scaling(units, gates, candidate, dtype):
    """The column scale and offset that turn pre-activations into ``0.2 x + 0.5`` in the gate
    blocks (all but ``candidate``, which keeps scale 1 and offset 0), for ``hard_sigmoid``.

    Args:
        units: the units per gate.
        gates: the number of gate blocks.
        candidate: the index of the block that is not a gate (None for none).
        dtype: the weights' dtype.
    """
    scale = torch.full((gates * units,), 0.2, dtype=dtype)
    offset = torch.full((gates * units,), 0.5, dtype=dtype)
    if candidate is not None:
        scale[candidate * units:(candidate + 1) * units] = 1.0
        offset[candidate * units:(candidate + 1) * units] = 0.0
    return scale, offset


def gate_slopes(pre, gates, hard, out):
    """Writes into ``out`` the derivative of the gates ``gates`` with respect to their
    pre-activations ``pre``: ``s (1 - s)``, or 1.0 where a clipped gate did not clip (its
    value equals its pre-activation) and 0.0 where it did."""
    if hard:
        return torch.eq(gates, pre, out=out)
    return torch.addcmul(gates, gates, gates, value=-1, out=out)


class _LSTMSequence(torch.autograd.Function):

    @staticmethod
    def forward(ctx, kernel, h0, c0, bias, masks, blocks, hard, *pairs):
        # views of tensors that require grad carry autograd metadata even here: drop it
        kernel, h0, c0 = kernel.detach(), h0.detach(), c0.detach()
        projection = InputProjection(pairs, bias)
        steps, batch, width = projection.steps, projection.batch, kernel.shape[1]
        u = width // 4
        xp = h0.new_empty(steps, width, batch)      # projections, then pre-activations
        states = states_buffer(h0, steps)
        # hard gates clip into their own buffer, keeping the pre-activations for the slopes
        gates = xp.new_empty(steps, 3 * u, batch) if hard else xp[:, :3 * u]
        factors = xp.new_empty(steps + 1, 2 * u, batch)     # step t: tanh(c_t), c_{t-1}
        factors[0, u:] = c0
        x_, pre_, g_ = xp.unbind(0), step_views(xp, 0, 3 * u), step_views(xp, 3 * u)
        s_, o_, f_, i_ = (gates.unbind(0), step_views(gates, 0, u), step_views(gates, u, 2 * u),
                          step_views(gates, 2 * u))
        tc_, c_ = step_views(factors, 0, u), step_views(factors, u)
        h_ = states.unbind(0)
        transposed = kernel.t()
        h = h0
        for start, stop in chunks(steps):
            projection.project(xp[start:stop], start, stop)
            for t in range(start, stop):
                x_[t].addmm_(transposed, spread(h, masks, blocks))
                if hard:
                    torch.clamp(pre_[t], 0.0, 1.0, out=s_[t])
                else:
                    pre_[t].sigmoid_()
                g = g_[t].tanh_()
                c = torch.mul(f_[t], c_[t], out=c_[t + 1]).addcmul_(i_[t], g)
                h = torch.mul(o_[t], torch.tanh(c, out=tc_[t]), out=h_[t + 1])
        ctx.save_for_backward(kernel, masks, states, xp, gates if hard else None, factors, bias,
                              *pairs)
        ctx.blocks, ctx.hard = blocks, hard
        ctx.set_materialize_grads(False)
        return states[1:], h.clone(), c_[steps].clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h, grad_c):
        kernel, masks, states, xp, gates, factors, bias, *pairs = ctx.saved_tensors
        steps, width, batch = xp.shape
        u = width // 4
        projection = InputProjection(pairs, bias)
        projection.start_backward(ctx.needs_input_grad[7:] + ctx.needs_input_grad[3:4])
        grad_kernel = torch.zeros_like(kernel) if ctx.needs_input_grad[0] else None
        gates = xp[:, :3 * u] if gates is None else gates
        dh = grad_h if grad_h is not None else xp.new_zeros(u, batch)
        carry = grad_c if grad_c is not None else xp.new_zeros(u, batch)   # dc_{t+1} f_{t+1}
        f_ = step_views(gates, u, 2 * u)
        dh_ = grad_outputs.contiguous().unbind(0) if grad_outputs is not None else None
        # a chunk's factors, which its steps turn into its gradient dz in place: d(z)/dh for
        # o, d(z)/dc for f, i, c; and dc/dh = o (1 - tanh(c)^2)
        scales, cell_scales = xp.new_empty(CHUNK, width, batch), xp.new_empty(CHUNK, u, batch)
        slopes = xp.new_empty(CHUNK, 3 * u, batch)
        for start, stop in reversed(chunks(steps)):
            k = stop - start
            p, a, s = scales[:k], cell_scales[:k], gates[start:stop]
            slope = gate_slopes(xp[start:stop, :3 * u], s, ctx.hard, slopes[:k])
            torch.mul(factors[start:stop], slope[:, :2 * u], out=p[:, :2 * u])
            g, i = xp[start:stop, 3 * u:], s[:, 2 * u:]
            torch.mul(g, slope[:, 2 * u:], out=p[:, 2 * u:3 * u])
            torch.addcmul(i, i, g * g, value=-1, out=p[:, 3 * u:])
            o, tc = s[:, :u], factors[start:stop, :u]
            torch.addcmul(o, o, tc * tc, value=-1, out=a)
            p_, p_o_, a_ = p.unbind(0), p[:, :u].unbind(0), a.unbind(0)
            p_fic_ = p[:, u:].view(k, 3, u, batch).unbind(0)
            for j in range(k - 1, -1, -1):
                if dh_ is not None:
                    dh = dh + dh_[start + j]
                dc = torch.addcmul(carry, dh, a_[j])
                carry = dc * f_[start + j]
                p_fic_[j].mul_(dc)
                p_o_[j].mul_(dh)
                dh = gather(torch.mm(kernel, p_[j]), masks, ctx.blocks)
            if grad_kernel is not None:
                grad_kernel += kernel_gradient(states[start:stop], masks, ctx.blocks, p)
            projection.backward(p, start, stop)
        grad_pairs, grad_bias = projection.gradients()
        return (grad_kernel, dh, carry, grad_bias, None, None, None, *grad_pairs)


def lstm_sequence(inputs, kernel, bias, recurrent_kernel, h0, c0, masks=None, blocks=1,
                  hard=False):
    """Runs an LSTM over a sequence, feature-major.

    Args:
        inputs: ``(batch, steps, features)``, any layout; or, with one input dropout mask
            per gate, a list of the four masked inputs.
        kernel: ``W``, ``(features, 4 units)``, gates in the order o, f, i, c.
        bias: ``(4 units,)`` or None.
        recurrent_kernel: ``(units, 4 units)`` in that order (or, with one mask per gate, its
            ``(4 units, 4 units)`` block-diagonal form).
        h0, c0: the initial states ``(units, batch)``.
        masks: None, or the recurrent dropout masks ``(blocks * units, batch)``.
        blocks: 1 (no mask or one mask) or 4 (one mask per gate).
        hard: the gates clip (``hard_sigmoid`` folded into the weights) instead of
            ``sigmoid``.

    Returns:
        ``(outputs, h, c)``: every step's output ``(steps, units, batch)`` and the final
        states ``(units, batch)``.
    """
    return _LSTMSequence.apply(recurrent_kernel, h0, c0, bias, masks, blocks, hard,
                               *input_pairs(inputs, kernel))
