"""A whole LSTM sequence as one autograd function with a hand-written backward pass.

Keras's formulas: ``c = f c' + i tanh(z_c)``, ``h = o tanh(c)``. The kernel takes its gates in
the order o, f, i, c (the sigmoid gates side by side, and the three blocks whose gradients
scale with ``dc`` side by side; the caller reorders Keras's i, f, c, o) and works
feature-major (``recurrent_product``). ``xp`` holds the input projections ``W^T x + b`` of
every step, computed beforehand in one product; it is the kernel's workspace: each step adds
its recurrent product and applies its activations in place, so no step copies.

The backward pass computes, a chunk of steps at a time, every factor that depends only on the
forward pass (the gates' slopes times what they gate), so that each step is left with five
small operations: the cell gradient, two products for the pre-activation gradients, the
forget-gate carry and the recurrent product.

For Keras's ``hard_sigmoid`` (``clip(0.2 x + 0.5, 0, 1)``) the caller folds ``0.2`` and
``0.5`` into the gates' rows of ``W``, ``U`` and ``b`` (``gate_scaling``), so the kernel only
clips (and the slope of a clipped gate is 0, else 1, as torch's ``clamp`` defines it).

Example:
    >>> T, batch, units = 5, 2, 3
    >>> xp = torch.zeros(T, 4 * units, batch)
    >>> h0 = c0 = torch.zeros(units, batch)
    >>> H, h, c = lstm_sequence(xp, torch.zeros(units, 4 * units), h0, c0)
    >>> H.shape, h.shape
    (torch.Size([5, 3, 2]), torch.Size([3, 2]))
"""
import torch

from cornu.kernels.recurrent.recurrent_product import (CHUNK, check_workspace, chunks, gather,
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
    def forward(ctx, xp, kernel, h0, c0, masks, blocks, hard):
        # views of tensors that require grad carry autograd metadata even here: drop it
        xp, kernel, h0, c0 = xp.detach(), kernel.detach(), h0.detach(), c0.detach()
        steps, width, batch = xp.shape
        u = width // 4
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
        for t in range(steps):
            x_[t].addmm_(transposed, spread(h, masks, blocks))
            if hard:
                torch.clamp(pre_[t], 0.0, 1.0, out=s_[t])
            else:
                pre_[t].sigmoid_()
            g = g_[t].tanh_()
            c = torch.mul(f_[t], c_[t], out=c_[t + 1]).addcmul_(i_[t], g)
            h = torch.mul(o_[t], torch.tanh(c, out=tc_[t]), out=h_[t + 1])
        ctx.save_for_backward(kernel, masks, states, xp, gates if hard else None, factors)
        ctx.blocks, ctx.hard = blocks, hard
        ctx.set_materialize_grads(False)
        return states[1:], h.clone(), c_[steps].clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h, grad_c):
        kernel, masks, states, xp, gates, factors = ctx.saved_tensors
        steps, width, batch = xp.shape
        u = width // 4
        gates = xp[:, :3 * u] if gates is None else gates
        dh = grad_h if grad_h is not None else xp.new_zeros(u, batch)
        carry = grad_c if grad_c is not None else xp.new_zeros(u, batch)   # dc_{t+1} f_{t+1}
        dz = torch.empty_like(xp)
        f_ = step_views(gates, u, 2 * u)
        dh_ = grad_outputs.contiguous().unbind(0) if grad_outputs is not None else None
        # a chunk's factors, which its steps turn into dz in place (in cache) before one copy
        # into dz: d(z)/dh for o, d(z)/dc for f, i, c, and dc/dh = o (1 - tanh(c)^2)
        scales, cell_scales = xp.new_empty(CHUNK, width, batch), xp.new_empty(CHUNK, u, batch)
        slopes = xp.new_empty(CHUNK, 3 * u, batch)
        for start, stop in chunks(steps):
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
            dz[start:stop] = p
        grad_kernel = None
        if ctx.needs_input_grad[1]:
            grad_kernel = kernel_gradient(states[:-1], masks, ctx.blocks, dz)
        return dz, grad_kernel, dh, carry, None, None, None


def lstm_sequence(xp, kernel, h0, c0, masks=None, blocks=1, hard=False):
    """Runs an LSTM over a sequence of input projections, feature-major.

    Args:
        xp: ``(steps, 4 units, batch)`` contiguous input projections ``W^T x + b``, gates in
            the order o, f, i, c. The kernel's workspace: it is overwritten, so pass a tensor
            nothing else reads.
        kernel: the recurrent kernel ``(units, 4 units)`` in that order (or, with one mask
            per gate, its ``(4 units, 4 units)`` block-diagonal form).
        h0, c0: the initial states ``(units, batch)``.
        masks: None, or the recurrent dropout masks ``(blocks * units, batch)``.
        blocks: 1 (no mask or one mask) or 4 (one mask per gate).
        hard: the gates clip (``hard_sigmoid`` folded into the weights) instead of
            ``sigmoid``.

    Returns:
        ``(outputs, h, c)``: every step's output ``(steps, units, batch)`` and the final
        states ``(units, batch)``.
    """
    check_workspace("lstm_sequence", xp)
    return _LSTMSequence.apply(xp, kernel, h0, c0, masks, blocks, hard)
