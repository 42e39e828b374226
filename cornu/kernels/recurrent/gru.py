"""A whole GRU sequence as one autograd function with a hand-written backward pass, in both
of Keras's forms (gates z, r, h; ``h = z * h' + (1 - z) * tanh(candidate)``):

- ``reset_after=False`` (Keras 2.2): ``candidate = x_h + (r * h') @ U_h``;
- ``reset_after=True`` (the CuDNN form): ``candidate = x_h + r * (h' @ U_h + b'_h)``, every
  recurrent product with its own bias ``b'``.

``xp`` holds the input projections ``x @ W + b`` of every step (one product beforehand);
``hard`` means the caller folded ``hard_sigmoid``'s ``0.2`` and ``0.5`` into the z and r
columns (``lstm.gate_scaling``), so the gates only clip. Recurrent dropout comes as the
operand masks of ``recurrent_product`` plus, for Keras's implementation 2, the mask of the
previous state in the blend (``blend_mask``: that implementation blends the dropped state).

Example:
    >>> T, batch, units = 4, 2, 3
    >>> xp = torch.zeros(T, batch, 3 * units)
    >>> H, h = gru_sequence(xp, torch.zeros(units, 3 * units), torch.zeros(batch, units))
    >>> H.shape
    torch.Size([4, 2, 3])
"""
import torch

from cornu.kernels.recurrent.recurrent_product import (gather, kernel_gradient, previous_states,
                                                        spread, step_views)


def _records(xp, record):
    """The forward pass's buffers, both forms: outputs, z and r gates, a ``units``-wide
    record for the backward pass (``r * h'_h``, or ``h' @ U_h + b'_h``), candidates and, for
    clipped gates, where they did not clip."""
    steps, batch, width = xp.shape
    u = width // 3
    unclipped = xp.new_empty(steps, batch, 2 * u) if record else None  # float: see lstm.py
    return (xp.new_empty(steps, batch, u), xp.new_empty(steps, batch, 2 * u),
            xp.new_empty(steps, batch, u), xp.new_empty(steps, batch, u), unclipped)


def _gates(z_r, s, hard, unclipped):
    """Writes the z and r gates of pre-activations ``z_r`` into ``s``."""
    if hard:
        torch.clamp(z_r, 0.0, 1.0, out=s)
        if unclipped is not None:
            torch.eq(s, z_r, out=unclipped)
    else:
        torch.sigmoid(z_r, out=s)


class _GRUSequence(torch.autograd.Function):
    """``reset_after=False``: kernel is ``(U_zr, U_h)``; ``masks`` belong to the z, r
    product, ``mask_h`` to the candidate's."""

    @staticmethod
    def forward(ctx, xp, kernel_zr, kernel_h, h0, masks, blocks, mask_h, blend_mask, hard):
        xp, kernel_zr, kernel_h, h0 = (xp.detach(), kernel_zr.detach(), kernel_h.detach(),
                                       h0.detach())
        steps, batch, width = xp.shape
        u = width // 3
        record = hard and any(ctx.needs_input_grad[:4])
        # reset_states: r * h'_h, the candidate's operand
        outputs, gates, reset_states, candidates, unclipped = _records(xp, record)
        x_zr_, x_h_ = step_views(xp, 0, 2 * u), step_views(xp, 2 * u)
        s_, z_, r_ = gates.unbind(0), step_views(gates, 0, u), step_views(gates, u)
        rh_, hh_, h_ = reset_states.unbind(0), candidates.unbind(0), outputs.unbind(0)
        unclipped_ = unclipped.unbind(0) if record else [None] * steps
        z_r = xp.new_empty(batch, 2 * u)
        h = h0
        for t in range(steps):
            torch.addmm(x_zr_[t], spread(h, masks, blocks), kernel_zr, out=z_r)
            _gates(z_r, s_[t], hard, unclipped_[t])
            h_h = h if mask_h is None else h * mask_h
            torch.mul(r_[t], h_h, out=rh_[t])
            hh = torch.tanh(torch.addmm(x_h_[t], rh_[t], kernel_h), out=hh_[t])
            blend = h if blend_mask is None else h * blend_mask
            h = torch.addcmul(hh, z_[t], blend - hh, out=h_[t])
        ctx.save_for_backward(kernel_zr, kernel_h, h0, masks, mask_h, blend_mask, outputs,
                              gates, reset_states, candidates, unclipped)
        ctx.blocks, ctx.hard = blocks, hard
        ctx.set_materialize_grads(False)
        return outputs, h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        (kernel_zr, kernel_h, h0, masks, mask_h, blend_mask, outputs, gates, reset_states,
         candidates, unclipped) = ctx.saved_tensors
        steps, batch, u = outputs.shape
        previous = previous_states(h0, outputs)
        dx = outputs.new_empty(steps, batch, 3 * u)
        dx_zr_, dx_z_, dx_r_, dx_h_ = (step_views(dx, 0, 2 * u), step_views(dx, 0, u),
                                       step_views(dx, u, 2 * u), step_views(dx, 2 * u))
        s_, z_, r_ = gates.unbind(0), step_views(gates, 0, u), step_views(gates, u)
        hh_, prev_ = candidates.unbind(0), previous.unbind(0)
        slopes_ = unclipped.unbind(0) if ctx.hard else None
        dh_ = grad_outputs.unbind(0) if grad_outputs is not None else None
        zr_t, h_t = kernel_zr.t(), kernel_h.t()
        dh = grad_h if grad_h is not None else h0.new_zeros(batch, u)
        for t in range(steps - 1, -1, -1):
            if dh_ is not None:
                dh = dh + dh_[t]
            z, r, hh, h_prev = z_[t], r_[t], hh_[t], prev_[t]
            h_h = h_prev if mask_h is None else h_prev * mask_h
            blend = h_prev if blend_mask is None else h_prev * blend_mask
            d_candidate = torch.addcmul(dh, dh, z, value=-1)            # dh * (1 - z)
            torch.addcmul(d_candidate, d_candidate, hh * hh, value=-1, out=dx_h_[t])
            d_reset_state = torch.mm(dx_h_[t], h_t)
            torch.mul(blend - hh, dh, out=dx_z_[t])
            torch.mul(d_reset_state, h_h, out=dx_r_[t])
            s = s_[t]
            dx_zr_[t].mul_(slopes_[t] if ctx.hard else torch.addcmul(s, s, s, value=-1))
            d_blend = dh * z
            d_h_h = d_reset_state * r
            dh = gather(torch.mm(dx_zr_[t], zr_t), masks, ctx.blocks)
            dh += d_blend if blend_mask is None else d_blend * blend_mask
            dh += d_h_h if mask_h is None else d_h_h * mask_h
        grad_zr = grad_h_kernel = None
        if ctx.needs_input_grad[1]:
            grad_zr = kernel_gradient(previous, masks, ctx.blocks, dx[:, :, :2 * u])
        if ctx.needs_input_grad[2]:
            grad_h_kernel = kernel_gradient(reset_states, None, 1, dx[:, :, 2 * u:])
        return dx, grad_zr, grad_h_kernel, dh, None, None, None, None, None


class _GRUResetAfterSequence(torch.autograd.Function):
    """``reset_after=True``: one recurrent product ``h' @ U + b'`` for all three blocks."""

    @staticmethod
    def forward(ctx, xp, kernel, recurrent_bias, h0, masks, blocks, blend_mask, hard):
        xp, kernel, h0 = xp.detach(), kernel.detach(), h0.detach()
        recurrent_bias = None if recurrent_bias is None else recurrent_bias.detach()
        steps, batch, width = xp.shape
        u = width // 3
        record = hard and any(ctx.needs_input_grad[:4])
        # recurrent_h: h' @ U_h + b'_h
        outputs, gates, recurrent_h, candidates, unclipped = _records(xp, record)
        x_zr_, x_h_ = step_views(xp, 0, 2 * u), step_views(xp, 2 * u)
        s_, z_, r_ = gates.unbind(0), step_views(gates, 0, u), step_views(gates, u)
        rec_h_, hh_, h_ = recurrent_h.unbind(0), candidates.unbind(0), outputs.unbind(0)
        unclipped_ = unclipped.unbind(0) if record else [None] * steps
        products = xp.new_empty(batch, 3 * u)
        product_zr, product_h = products[:, :2 * u], products[:, 2 * u:]
        bias = recurrent_bias if recurrent_bias is not None else xp.new_zeros(3 * u)
        h = h0
        for t in range(steps):
            torch.addmm(bias, spread(h, masks, blocks), kernel, out=products)
            _gates(product_zr.add_(x_zr_[t]), s_[t], hard, unclipped_[t])
            rec_h_[t].copy_(product_h)
            hh = torch.tanh(torch.addcmul(x_h_[t], r_[t], product_h), out=hh_[t])
            blend = h if blend_mask is None else h * blend_mask
            h = torch.addcmul(hh, z_[t], blend - hh, out=h_[t])
        ctx.save_for_backward(kernel, h0, masks, blend_mask, outputs, gates, recurrent_h,
                              candidates, unclipped)
        ctx.blocks, ctx.hard, ctx.has_bias = blocks, hard, recurrent_bias is not None
        ctx.set_materialize_grads(False)
        return outputs, h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        (kernel, h0, masks, blend_mask, outputs, gates, recurrent_h, candidates,
         unclipped) = ctx.saved_tensors
        steps, batch, u = outputs.shape
        previous = previous_states(h0, outputs)
        d_products = outputs.new_empty(steps, batch, 3 * u)   # d(h' @ U + b')
        dx_h = outputs.new_empty(steps, batch, u)
        dp_, dp_zr_, dp_z_, dp_r_, dp_h_ = (d_products.unbind(0), step_views(d_products, 0, 2 * u),
                                            step_views(d_products, 0, u),
                                            step_views(d_products, u, 2 * u),
                                            step_views(d_products, 2 * u))
        dx_h_ = dx_h.unbind(0)
        s_, z_, r_ = gates.unbind(0), step_views(gates, 0, u), step_views(gates, u)
        hh_, rec_h_, prev_ = candidates.unbind(0), recurrent_h.unbind(0), previous.unbind(0)
        slopes_ = unclipped.unbind(0) if ctx.hard else None
        dh_ = grad_outputs.unbind(0) if grad_outputs is not None else None
        transposed = kernel.t()
        dh = grad_h if grad_h is not None else h0.new_zeros(batch, u)
        for t in range(steps - 1, -1, -1):
            if dh_ is not None:
                dh = dh + dh_[t]
            z, r, hh, h_prev = z_[t], r_[t], hh_[t], prev_[t]
            blend = h_prev if blend_mask is None else h_prev * blend_mask
            d_candidate = torch.addcmul(dh, dh, z, value=-1)            # dh * (1 - z)
            d_pre = torch.addcmul(d_candidate, d_candidate, hh * hh, value=-1, out=dx_h_[t])
            torch.mul(d_pre, r, out=dp_h_[t])
            torch.mul(blend - hh, dh, out=dp_z_[t])
            torch.mul(d_pre, rec_h_[t], out=dp_r_[t])
            s = s_[t]
            dp_zr_[t].mul_(slopes_[t] if ctx.hard else torch.addcmul(s, s, s, value=-1))
            d_blend = dh * z
            dh = gather(torch.mm(dp_[t], transposed), masks, ctx.blocks)
            dh += d_blend if blend_mask is None else d_blend * blend_mask
        grad_kernel = grad_bias = None
        flat = d_products.view(steps * batch, 3 * u)
        if ctx.needs_input_grad[1]:
            grad_kernel = kernel_gradient(previous, masks, ctx.blocks, d_products)
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_bias = flat.sum(0)
        dx = torch.cat([d_products[:, :, :2 * u], dx_h], dim=2)
        return dx, grad_kernel, grad_bias, dh, None, None, None, None


def gru_sequence(xp, kernel, h0, masks=None, blocks=1, mask_h=None, blend_mask=None,
                 hard=False, reset_after=False, recurrent_bias=None):
    """Runs a GRU over a sequence of input projections.

    Args:
        xp: ``(steps, batch, 3 units)`` input projections ``x @ W + b`` (gates z, r, h; with
            ``reset_after``, ``b`` is the input bias only).
        kernel: the recurrent kernel ``(units, 3 units)``. Without ``reset_after`` its z, r
            columns (``(2 units, 2 units)`` block-diagonal with one mask per gate) come as
            ``(kernel_zr, kernel_h)``; with it, the whole kernel (``(3 units, 3 units)``
            block-diagonal with one mask per gate).
        h0: the initial state ``(batch, units)``.
        masks: None, or the recurrent dropout masks of the product ``(batch, blocks * units)``.
        blocks: how many masks ``masks`` holds side by side.
        mask_h: without ``reset_after``, the dropout mask of the candidate's product.
        blend_mask: Keras's implementation 2 blends the dropped previous state: its mask.
        hard: the gates clip (``hard_sigmoid`` folded into the weights).
        reset_after: the CuDNN form.
        recurrent_bias: with ``reset_after``, the recurrent bias ``(3 units,)`` or None.

    Returns:
        ``(outputs, h)``: every step's output ``(steps, batch, units)`` and the final state.
    """
    if reset_after:
        return _GRUResetAfterSequence.apply(xp, kernel, recurrent_bias, h0, masks, blocks,
                                            blend_mask, hard)
    kernel_zr, kernel_h = kernel
    return _GRUSequence.apply(xp, kernel_zr, kernel_h, h0, masks, blocks, mask_h, blend_mask,
                              hard)
