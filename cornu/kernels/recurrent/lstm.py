"""A whole LSTM sequence as one autograd function with a hand-written backward pass.

The kernel takes the gates in the order i, f, o, c (the sigmoid gates side by side; the
caller reorders Keras's i, f, c, o columns) and Keras's formulas: ``c = f c' + i tanh(z_c)``,
``h = o tanh(c)``. ``xp`` holds the input projections ``x @ W + b`` of every step, computed
beforehand in one product. Each step writes what the backward pass reads straight into
buffers laid out for it (no copies), and that pass runs the steps backwards in a dozen small
tensor operations each, instead of the autograd graph a step loop leaves behind.

For Keras's ``hard_sigmoid`` (``clip(0.2 x + 0.5, 0, 1)``) the caller folds ``0.2`` and
``0.5`` into the gates' columns of ``W``, ``U`` and ``b`` (``gate_scaling``), so the kernel
only clips (and the slope of a clipped gate is 0, else 1, as torch's ``clamp`` defines it).

Example:
    >>> T, batch, units = 5, 2, 3
    >>> xp = torch.zeros(T, batch, 4 * units)
    >>> h0 = c0 = torch.zeros(batch, units)
    >>> H, h, c = lstm_sequence(xp, torch.zeros(units, 4 * units), h0, c0)
    >>> H.shape, h.shape
    (torch.Size([5, 2, 3]), torch.Size([2, 3]))
"""
import torch

from cornu.kernels.recurrent.recurrent_product import (gather, kernel_gradient, previous_states,
                                                        spread, step_views)


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


class _LSTMSequence(torch.autograd.Function):

    @staticmethod
    def forward(ctx, xp, kernel, h0, c0, masks, blocks, hard):
        # views of tensors that require grad carry autograd metadata even here: drop it
        xp, kernel, h0, c0 = xp.detach(), kernel.detach(), h0.detach(), c0.detach()
        steps, batch, width = xp.shape
        u = width // 4
        record = hard and any(ctx.needs_input_grad[:4])
        outputs = xp.new_empty(steps, batch, u)
        gates = xp.new_empty(steps, batch, 3 * u)            # i, f, o
        # step t: [tanh(z_c), c_{t-1}, tanh(c_t)], the factors of d(z_i, z_f, z_o)
        factors = xp.new_empty(steps + 1, batch, 3 * u)
        # 1.0 where a gate did not clip (float: comparisons into and products with bool
        # tensors take several times longer)
        unclipped = xp.new_empty(steps, batch, 3 * u) if record else None
        factors[0, :, u:2 * u] = c0
        z = xp.new_empty(batch, width)
        z_gates, z_candidate = z[:, :3 * u], z[:, 3 * u:]
        s_, i_, f_, o_ = (step_views(gates), step_views(gates, 0, u), step_views(gates, u, 2 * u),
                          step_views(gates, 2 * u))
        g_, c_prev_, tc_ = (step_views(factors, 0, u), step_views(factors, u, 2 * u),
                            step_views(factors, 2 * u))
        c_ = step_views(factors[1:], u, 2 * u)
        x_, h_ = xp.unbind(0), outputs.unbind(0)
        unclipped_ = unclipped.unbind(0) if record else None
        h = h0
        for t in range(steps):
            torch.addmm(x_[t], spread(h, masks, blocks), kernel, out=z)
            if hard:
                torch.clamp(z_gates, 0.0, 1.0, out=s_[t])
                if record:
                    torch.eq(s_[t], z_gates, out=unclipped_[t])
            else:
                torch.sigmoid(z_gates, out=s_[t])
            torch.tanh(z_candidate, out=g_[t])
            torch.mul(f_[t], c_prev_[t], out=c_[t]).addcmul_(i_[t], g_[t])
            h = torch.mul(o_[t], torch.tanh(c_[t], out=tc_[t]), out=h_[t])
        ctx.save_for_backward(kernel, masks, h0, outputs, gates, factors, unclipped)
        ctx.blocks, ctx.hard = blocks, hard
        ctx.set_materialize_grads(False)
        return outputs, h.clone(), c_[-1].clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h, grad_c):
        kernel, masks, h0, outputs, gates, factors, unclipped = ctx.saved_tensors
        steps, batch, u = outputs.shape
        dh = grad_h if grad_h is not None else h0.new_zeros(batch, u)
        dc = grad_c if grad_c is not None else h0.new_zeros(batch, u)
        dz = outputs.new_empty(steps, batch, 4 * u)
        transposed = kernel.t()
        s_, i_, f_, o_ = (step_views(gates), step_views(gates, 0, u), step_views(gates, u, 2 * u),
                          step_views(gates, 2 * u))
        g_, tc_ = step_views(factors, 0, u), step_views(factors, 2 * u)
        c_prev_ = step_views(factors, u, 2 * u)
        d_, d_gates_ = dz.unbind(0), step_views(dz, 0, 3 * u)
        d_i_, d_f_, d_o_, d_c_ = (step_views(dz, 0, u), step_views(dz, u, 2 * u), step_views(dz, 2 * u, 3 * u),
                                  step_views(dz, 3 * u))
        slopes_ = unclipped.unbind(0) if ctx.hard else None
        dh_ = grad_outputs.unbind(0) if grad_outputs is not None else None
        for t in range(steps - 1, -1, -1):
            if dh_ is not None:
                dh = dh + dh_[t]
            o, tc, i, g = o_[t], tc_[t], i_[t], g_[t]
            dc = torch.addcmul(dc, dh, torch.addcmul(o, o, tc * tc, value=-1))
            torch.mul(g, dc, out=d_i_[t])
            torch.mul(c_prev_[t], dc, out=d_f_[t])
            torch.mul(tc, dh, out=d_o_[t])
            s = s_[t]
            d_gates_[t].mul_(slopes_[t] if ctx.hard else torch.addcmul(s, s, s, value=-1))
            torch.mul(torch.addcmul(i, i, g * g, value=-1), dc, out=d_c_[t])
            dc = dc * f_[t]
            dh = gather(torch.mm(d_[t], transposed), masks, ctx.blocks)
        grad_kernel = None
        if ctx.needs_input_grad[1]:
            grad_kernel = kernel_gradient(previous_states(h0, outputs), masks, ctx.blocks, dz)
        return dz, grad_kernel, dh, dc, None, None, None


def lstm_sequence(xp, kernel, h0, c0, masks=None, blocks=1, hard=False):
    """Runs an LSTM over a sequence of input projections.

    Args:
        xp: ``(steps, batch, 4 units)`` input projections ``x @ W + b``, time first, gates in
            the order i, f, o, c.
        kernel: the recurrent kernel ``(units, 4 units)`` in that order (or, with one mask
            per gate, its ``(4 units, 4 units)`` block-diagonal form).
        h0, c0: the initial states ``(batch, units)``.
        masks: None, or the recurrent dropout masks ``(batch, blocks * units)``.
        blocks: 1 (no mask or one mask) or 4 (one mask per gate).
        hard: the gates clip (``hard_sigmoid`` folded into the weights) instead of
            ``sigmoid``.

    Returns:
        ``(outputs, h, c)``: every step's output ``(steps, batch, units)`` and the final
        states.
    """
    return _LSTMSequence.apply(xp, kernel, h0, c0, masks, blocks, hard)
