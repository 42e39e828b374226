"""A whole GRU sequence as one autograd function with a hand-written backward pass, in both
of Keras's forms (``h = z * h' + (1 - z) * tanh(candidate)``):

- ``reset_after=False`` (Keras 2.2): ``candidate = x_h + U_h^T (r * h')``;
- ``reset_after=True`` (the CuDNN form): ``candidate = x_h + r * (U_h^T h' + b'_h)``, every
  recurrent product with its own bias ``b'``.

The kernel takes its blocks in the order r, z, h (the sigmoid gates side by side, and the two
blocks whose gradients scale with ``dh`` side by side; the caller reorders Keras's z, r, h)
and works feature-major (``recurrent_product``); ``xp``, the input projections ``W^T x + b``
of every step, is its workspace, as for ``lstm_sequence``. ``hard`` means the caller folded
``hard_sigmoid``'s ``0.2`` and ``0.5`` into the r and z rows (``lstm.gate_scaling``), so the
gates only clip. Recurrent dropout comes as the operand masks of ``recurrent_product`` plus,
for Keras's implementation 2, the mask of the previous state in the blend (``blend_mask``:
that implementation blends the dropped state). As in the LSTM, the backward pass computes
the factors that depend only on the forward pass a chunk of steps at a time.

Example:
    >>> T, batch, units = 4, 2, 3
    >>> xp = torch.zeros(T, 3 * units, batch)
    >>> H, h = gru_sequence(xp, torch.zeros(units, 3 * units), torch.zeros(units, batch))
    >>> H.shape
    torch.Size([4, 3, 2])
"""
import torch

from cornu.kernels.recurrent.lstm import gate_slopes
from cornu.kernels.recurrent.recurrent_product import (CHUNK, check_workspace, chunks, gather,
                                                        kernel_gradient, spread, states_buffer,
                                                        step_views)


def _gate(pre, gates, hard):
    """The r and z gates of pre-activations ``pre`` (in place, or clipped into ``gates``)."""
    if hard:
        torch.clamp(pre, 0.0, 1.0, out=gates)
    else:
        pre.sigmoid_()


def _blend(h, blend_mask):
    return h if blend_mask is None else h * blend_mask


def _step_factors(xp, gates, states, start, stop, blend_mask, hard, reset_operand, scales):
    """The factors of steps ``start:stop`` that depend only on the forward pass, written into
    ``scales`` (``(k, 3 units, batch)``): ``d(x_r)/d(reset_operand)`` (the operand the reset
    gate multiplies, times its slope), ``d(x_z)/dh`` and ``d(x_h)/dh``. Returns the factor of
    the blend's gradient ``dh_prev/dh`` (``z``, masked) and the reset gates."""
    u = xp.shape[1] // 3
    s = gates[start:stop]
    r, z, hh = s[:, :u], s[:, u:], xp[start:stop, 2 * u:]
    slopes = gate_slopes(xp[start:stop, :2 * u], s, hard, torch.empty_like(s))
    blend = _blend(states[start:stop], blend_mask)
    torch.mul(reset_operand, slopes[:, :u], out=scales[:, :u])
    torch.mul(blend - hh, slopes[:, u:], out=scales[:, u:2 * u])
    torch.mul((hh * hh).neg_().add_(1), 1 - z, out=scales[:, 2 * u:])
    return _blend(z, blend_mask), r


class _GRUSequence(torch.autograd.Function):
    """``reset_after=False``: kernel is ``(U_rz, U_h)``; ``masks`` belong to the r, z
    product, ``mask_h`` to the candidate's."""

    @staticmethod
    def forward(ctx, xp, kernel_rz, kernel_h, h0, masks, blocks, mask_h, blend_mask, hard):
        xp, kernel_rz, kernel_h, h0 = (xp.detach(), kernel_rz.detach(), kernel_h.detach(),
                                       h0.detach())
        steps, width, batch = xp.shape
        u = width // 3
        states = states_buffer(h0, steps)
        gates = xp.new_empty(steps, 2 * u, batch) if hard else xp[:, :2 * u]
        reset_states = xp.new_empty(steps, u, batch)        # r * h'_h, the candidate's operand
        pre_, x_h_ = step_views(xp, 0, 2 * u), step_views(xp, 2 * u)
        s_, r_, z_ = gates.unbind(0), step_views(gates, 0, u), step_views(gates, u)
        rh_, h_ = reset_states.unbind(0), states.unbind(0)
        rz_t, h_t = kernel_rz.t(), kernel_h.t()
        h = h0
        for t in range(steps):
            pre_[t].addmm_(rz_t, spread(h, masks, blocks))
            _gate(pre_[t], s_[t], hard)
            torch.mul(r_[t], h if mask_h is None else h * mask_h, out=rh_[t])
            hh = x_h_[t].addmm_(h_t, rh_[t]).tanh_()
            h = torch.addcmul(hh, z_[t], _blend(h, blend_mask) - hh, out=h_[t + 1])
        ctx.save_for_backward(kernel_rz, kernel_h, masks, mask_h, blend_mask, states, xp,
                              gates if hard else None, reset_states)
        ctx.blocks, ctx.hard = blocks, hard
        ctx.set_materialize_grads(False)
        return states[1:], h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        (kernel_rz, kernel_h, masks, mask_h, blend_mask, states, xp, gates,
         reset_states) = ctx.saved_tensors
        steps, width, batch = xp.shape
        u = width // 3
        gates = xp[:, :2 * u] if gates is None else gates
        dh = grad_h if grad_h is not None else xp.new_zeros(u, batch)
        dx = torch.empty_like(xp)
        dx_rz_, dx_r_, dx_h_ = step_views(dx, 0, 2 * u), step_views(dx, 0, u), step_views(dx, 2 * u)
        dx_zh_ = dx[:, u:].view(steps, 2, u, batch).unbind(0)
        dh_ = grad_outputs.contiguous().unbind(0) if grad_outputs is not None else None
        scales = xp.new_empty(CHUNK, width, batch)
        for start, stop in chunks(steps):
            p = scales[:stop - start]
            h_h = _blend(states[start:stop], mask_h)
            blend_scale, r = _step_factors(xp, gates, states, start, stop, blend_mask, ctx.hard,
                                           h_h, p)
            reset_scale = r if mask_h is None else r * mask_h
            p_r_, p_zh_ = step_views(p, 0, u), p[:, u:].view(-1, 2, u, batch).unbind(0)
            blend_, reset_ = blend_scale.unbind(0), reset_scale.unbind(0)
            for j in range(stop - start - 1, -1, -1):
                t = start + j
                if dh_ is not None:
                    dh = dh + dh_[t]
                torch.mul(p_zh_[j], dh, out=dx_zh_[t])
                d_reset_state = torch.mm(kernel_h, dx_h_[t])
                torch.mul(p_r_[j], d_reset_state, out=dx_r_[t])
                previous = gather(torch.mm(kernel_rz, dx_rz_[t]), masks, ctx.blocks)
                dh = previous.addcmul_(dh, blend_[j]).addcmul_(d_reset_state, reset_[j])
        grad_rz = grad_h_kernel = None
        if ctx.needs_input_grad[1]:
            grad_rz = kernel_gradient(states[:-1], masks, ctx.blocks, dx[:, :2 * u])
        if ctx.needs_input_grad[2]:
            grad_h_kernel = kernel_gradient(reset_states, None, 1, dx[:, 2 * u:])
        return dx, grad_rz, grad_h_kernel, dh, None, None, None, None, None


class _GRUResetAfterSequence(torch.autograd.Function):
    """``reset_after=True``: one recurrent product ``U^T h' + b'`` for all three blocks."""

    @staticmethod
    def forward(ctx, xp, kernel, recurrent_bias, h0, masks, blocks, blend_mask, hard):
        xp, kernel, h0 = xp.detach(), kernel.detach(), h0.detach()
        steps, width, batch = xp.shape
        u = width // 3
        states = states_buffer(h0, steps)
        gates = xp.new_empty(steps, 2 * u, batch) if hard else xp[:, :2 * u]
        products = xp.new_empty(steps, width, batch)        # U^T h' + b'
        pre_, x_h_ = step_views(xp, 0, 2 * u), step_views(xp, 2 * u)
        s_, r_, z_ = gates.unbind(0), step_views(gates, 0, u), step_views(gates, u)
        p_, p_rz_, p_h_, h_ = (products.unbind(0), step_views(products, 0, 2 * u),
                               step_views(products, 2 * u), states.unbind(0))
        transposed = kernel.t()
        bias = None if recurrent_bias is None else recurrent_bias.detach().unsqueeze(1)
        h = h0
        for t in range(steps):
            operand = spread(h, masks, blocks)
            if bias is None:
                torch.mm(transposed, operand, out=p_[t])
            else:
                torch.addmm(bias, transposed, operand, out=p_[t])
            _gate(pre_[t].add_(p_rz_[t]), s_[t], hard)
            hh = x_h_[t].addcmul_(r_[t], p_h_[t]).tanh_()
            h = torch.addcmul(hh, z_[t], _blend(h, blend_mask) - hh, out=h_[t + 1])
        ctx.save_for_backward(kernel, masks, blend_mask, states, xp, gates if hard else None,
                              products)
        ctx.blocks, ctx.hard, ctx.has_bias = blocks, hard, recurrent_bias is not None
        ctx.set_materialize_grads(False)
        return states[1:], h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        kernel, masks, blend_mask, states, xp, gates, products = ctx.saved_tensors
        steps, width, batch = xp.shape
        u = width // 3
        gates = xp[:, :2 * u] if gates is None else gates
        dh = grad_h if grad_h is not None else xp.new_zeros(u, batch)
        dx, d_products_h = torch.empty_like(xp), xp.new_empty(steps, u, batch)
        dx_rz_, dx_r_, dx_h_ = step_views(dx, 0, 2 * u), step_views(dx, 0, u), step_views(dx, 2 * u)
        dx_zh_ = dx[:, u:].view(steps, 2, u, batch).unbind(0)
        dp_h_ = d_products_h.unbind(0)
        kernel_rz, kernel_h = kernel[:, :2 * u], kernel[:, 2 * u:]
        dh_ = grad_outputs.contiguous().unbind(0) if grad_outputs is not None else None
        scales = xp.new_empty(CHUNK, width, batch)
        for start, stop in chunks(steps):
            p = scales[:stop - start]
            blend_scale, r = _step_factors(xp, gates, states, start, stop, blend_mask, ctx.hard,
                                           products[start:stop, 2 * u:], p)
            p_r_, p_zh_ = step_views(p, 0, u), p[:, u:].view(-1, 2, u, batch).unbind(0)
            blend_, r_ = blend_scale.unbind(0), r.unbind(0)
            for j in range(stop - start - 1, -1, -1):
                t = start + j
                if dh_ is not None:
                    dh = dh + dh_[t]
                torch.mul(p_zh_[j], dh, out=dx_zh_[t])
                torch.mul(p_r_[j], dx_h_[t], out=dx_r_[t])
                torch.mul(dx_h_[t], r_[j], out=dp_h_[t])
                previous = torch.mm(kernel_rz, dx_rz_[t]).addmm_(kernel_h, dp_h_[t])
                dh = gather(previous, masks, ctx.blocks).addcmul_(dh, blend_[j])
        grad_kernel = grad_bias = None
        d_products = (dx[:, :2 * u], d_products_h)
        if ctx.needs_input_grad[1]:
            grad_kernel = kernel_gradient(states[:-1], masks, ctx.blocks, *d_products)
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_bias = torch.cat([grad.sum((0, 2)) for grad in d_products])
        return dx, grad_kernel, grad_bias, dh, None, None, None, None


def gru_sequence(xp, kernel, h0, masks=None, blocks=1, mask_h=None, blend_mask=None,
                 hard=False, reset_after=False, recurrent_bias=None):
    """Runs a GRU over a sequence of input projections, feature-major.

    Args:
        xp: ``(steps, 3 units, batch)`` contiguous input projections ``W^T x + b`` (blocks r,
            z, h; with ``reset_after``, ``b`` is the input bias only). The kernel's
            workspace: it is overwritten.
        kernel: the recurrent kernel ``(units, 3 units)``. Without ``reset_after`` its r, z
            columns (``(2 units, 2 units)`` block-diagonal with one mask per gate) come as
            ``(kernel_rz, kernel_h)``; with it, the whole kernel (``(3 units, 3 units)``
            block-diagonal with one mask per gate).
        h0: the initial state ``(units, batch)``.
        masks: None, or the recurrent dropout masks of the product ``(blocks * units, batch)``.
        blocks: how many masks ``masks`` holds stacked.
        mask_h: without ``reset_after``, the dropout mask of the candidate's product.
        blend_mask: Keras's implementation 2 blends the dropped previous state: its mask.
        hard: the gates clip (``hard_sigmoid`` folded into the weights).
        reset_after: the CuDNN form.
        recurrent_bias: with ``reset_after``, the recurrent bias ``(3 units,)`` or None.

    Returns:
        ``(outputs, h)``: every step's output ``(steps, units, batch)`` and the final state.
    """
    check_workspace("gru_sequence", xp)
    if reset_after:
        return _GRUResetAfterSequence.apply(xp, kernel, recurrent_bias, h0, masks, blocks,
                                            blend_mask, hard)
    kernel_rz, kernel_h = kernel
    return _GRUSequence.apply(xp, kernel_rz, kernel_h, h0, masks, blocks, mask_h, blend_mask,
                              hard)
