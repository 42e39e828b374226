"""A whole GRU sequence as one autograd function with a hand-written backward pass, in both
of Keras's forms (``h = z * h' + (1 - z) * tanh(candidate)``):

- ``reset_after=False`` (Keras 2.2): ``candidate = x_h + U_h^T (r * h')``;
- ``reset_after=True`` (the CuDNN form): ``candidate = x_h + r * (U_h^T h' + b'_h)``, every
  recurrent product with its own bias ``b'``.

The kernel takes its blocks in the order r, z, h (the sigmoid gates side by side, and the two
blocks whose gradients scale with ``dh`` side by side; the caller reorders Keras's z, r, h)
and works feature-major (``recurrent_product``), projecting its inputs a chunk of steps at a
time into its workspace, as ``lstm_sequence`` does. ``hard`` means the caller folded
``hard_sigmoid``'s ``0.2`` and ``0.5`` into the r and z rows (``lstm.gate_scaling``), so the
gates only clip. Recurrent dropout comes as the operand masks of ``recurrent_product`` plus,
for Keras's implementation 2, the mask of the previous state in the blend (``blend_mask``:
that implementation blends the dropped state). As in the LSTM, the backward pass computes
the factors that depend only on the forward pass a chunk of steps at a time.

Example:
    >>> batch, T, features, units = 2, 4, 5, 3
    >>> x, kernel = torch.zeros(batch, T, features), torch.zeros(features, 3 * units)
    >>> H, h = gru_sequence(x, kernel, None, torch.zeros(units, 3 * units),
    ...                     torch.zeros(units, batch), reset_after=True)
    >>> H.shape
    torch.Size([4, 3, 2])
"""
import torch

from cornu.kernels.recurrent.lstm import gate_slopes
from cornu.kernels.recurrent.projection import InputProjection
from cornu.kernels.recurrent.recurrent_product import (CHUNK, chunks, gather, input_pairs,
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
    """``reset_after=False``: kernels ``U_rz``, ``U_h``; ``masks`` belong to the r, z
    product, ``mask_h`` to the candidate's."""

    @staticmethod
    def forward(ctx, kernel_rz, kernel_h, h0, bias, masks, blocks, mask_h, blend_mask, hard,
                *pairs):
        kernel_rz, kernel_h, h0 = kernel_rz.detach(), kernel_h.detach(), h0.detach()
        projection = InputProjection(pairs, bias)
        steps, batch, u = projection.steps, projection.batch, kernel_h.shape[1]
        xp = h0.new_empty(steps, 3 * u, batch)      # projections, then pre-activations
        states = states_buffer(h0, steps)
        gates = xp.new_empty(steps, 2 * u, batch) if hard else xp[:, :2 * u]
        reset_states = xp.new_empty(steps, u, batch)        # r * h'_h, the candidate's operand
        pre_, x_h_ = step_views(xp, 0, 2 * u), step_views(xp, 2 * u)
        s_, r_, z_ = gates.unbind(0), step_views(gates, 0, u), step_views(gates, u)
        rh_, h_ = reset_states.unbind(0), states.unbind(0)
        rz_t, h_t = kernel_rz.t(), kernel_h.t()
        h = h0
        for start, stop in chunks(steps):
            projection.project(xp[start:stop], start, stop)
            for t in range(start, stop):
                pre_[t].addmm_(rz_t, spread(h, masks, blocks))
                _gate(pre_[t], s_[t], hard)
                torch.mul(r_[t], h if mask_h is None else h * mask_h, out=rh_[t])
                hh = x_h_[t].addmm_(h_t, rh_[t]).tanh_()
                h = torch.addcmul(hh, z_[t], _blend(h, blend_mask) - hh, out=h_[t + 1])
        ctx.save_for_backward(kernel_rz, kernel_h, masks, mask_h, blend_mask, states, xp,
                              gates if hard else None, reset_states, bias, *pairs)
        ctx.blocks, ctx.hard = blocks, hard
        ctx.set_materialize_grads(False)
        return states[1:], h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        (kernel_rz, kernel_h, masks, mask_h, blend_mask, states, xp, gates, reset_states, bias,
         *pairs) = ctx.saved_tensors
        steps, width, batch = xp.shape
        u = width // 3
        projection = InputProjection(pairs, bias)
        projection.start_backward(ctx.needs_input_grad[9:] + ctx.needs_input_grad[3:4])
        grad_rz = torch.zeros_like(kernel_rz) if ctx.needs_input_grad[0] else None
        grad_h_kernel = torch.zeros_like(kernel_h) if ctx.needs_input_grad[1] else None
        gates = xp[:, :2 * u] if gates is None else gates
        dh = grad_h if grad_h is not None else xp.new_zeros(u, batch)
        dh_ = grad_outputs.contiguous().unbind(0) if grad_outputs is not None else None
        scales = xp.new_empty(CHUNK, width, batch)   # turned into the chunk's dx in place
        for start, stop in reversed(chunks(steps)):
            k = stop - start
            p = scales[:k]
            h_h = _blend(states[start:stop], mask_h)
            blend_scale, r = _step_factors(xp, gates, states, start, stop, blend_mask, ctx.hard,
                                           h_h, p)
            reset_scale = r if mask_h is None else r * mask_h
            p_rz_, p_r_, p_h_ = p[:, :2 * u].unbind(0), p[:, :u].unbind(0), p[:, 2 * u:].unbind(0)
            p_zh_ = p[:, u:].view(k, 2, u, batch).unbind(0)
            blend_, reset_ = blend_scale.unbind(0), reset_scale.unbind(0)
            for j in range(k - 1, -1, -1):
                if dh_ is not None:
                    dh = dh + dh_[start + j]
                p_zh_[j].mul_(dh)
                d_reset_state = torch.mm(kernel_h, p_h_[j])
                p_r_[j].mul_(d_reset_state)
                previous = gather(torch.mm(kernel_rz, p_rz_[j]), masks, ctx.blocks)
                dh = previous.addcmul_(dh, blend_[j]).addcmul_(d_reset_state, reset_[j])
            if grad_rz is not None:
                grad_rz += kernel_gradient(states[start:stop], masks, ctx.blocks, p[:, :2 * u])
            if grad_h_kernel is not None:
                grad_h_kernel += kernel_gradient(reset_states[start:stop], None, 1, p[:, 2 * u:])
            projection.backward(p, start, stop)
        grad_pairs, grad_bias = projection.gradients()
        return (grad_rz, grad_h_kernel, dh, grad_bias, None, None, None, None, None,
                *grad_pairs)


class _GRUResetAfterSequence(torch.autograd.Function):
    """``reset_after=True``: one recurrent product ``U^T h' + b'`` for all three blocks."""

    @staticmethod
    def forward(ctx, kernel, recurrent_bias, h0, bias, masks, blocks, blend_mask, hard, *pairs):
        kernel, h0 = kernel.detach(), h0.detach()
        projection = InputProjection(pairs, bias)
        steps, batch, width = projection.steps, projection.batch, kernel.shape[1]
        u = width // 3
        xp = h0.new_empty(steps, width, batch)      # projections, then pre-activations
        states = states_buffer(h0, steps)
        gates = xp.new_empty(steps, 2 * u, batch) if hard else xp[:, :2 * u]
        products = xp.new_empty(steps, width, batch)        # U^T h' + b'
        pre_, x_h_ = step_views(xp, 0, 2 * u), step_views(xp, 2 * u)
        s_, r_, z_ = gates.unbind(0), step_views(gates, 0, u), step_views(gates, u)
        p_, p_rz_, p_h_, h_ = (products.unbind(0), step_views(products, 0, 2 * u),
                               step_views(products, 2 * u), states.unbind(0))
        transposed = kernel.t()
        recurrent_column = None if recurrent_bias is None else \
            recurrent_bias.detach().unsqueeze(1)
        h = h0
        for start, stop in chunks(steps):
            projection.project(xp[start:stop], start, stop)
            for t in range(start, stop):
                operand = spread(h, masks, blocks)
                if recurrent_column is None:
                    torch.mm(transposed, operand, out=p_[t])
                else:
                    torch.addmm(recurrent_column, transposed, operand, out=p_[t])
                _gate(pre_[t].add_(p_rz_[t]), s_[t], hard)
                hh = x_h_[t].addcmul_(r_[t], p_h_[t]).tanh_()
                h = torch.addcmul(hh, z_[t], _blend(h, blend_mask) - hh, out=h_[t + 1])
        ctx.save_for_backward(kernel, masks, blend_mask, states, xp, gates if hard else None,
                              products, bias, *pairs)
        ctx.blocks, ctx.hard, ctx.has_recurrent_bias = blocks, hard, recurrent_bias is not None
        ctx.set_materialize_grads(False)
        return states[1:], h.clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_h):
        kernel, masks, blend_mask, states, xp, gates, products, bias, *pairs = ctx.saved_tensors
        steps, width, batch = xp.shape
        u = width // 3
        projection = InputProjection(pairs, bias)
        projection.start_backward(ctx.needs_input_grad[8:] + ctx.needs_input_grad[3:4])
        grad_kernel = torch.zeros_like(kernel) if ctx.needs_input_grad[0] else None
        grad_recurrent_bias = xp.new_zeros(width) \
            if ctx.has_recurrent_bias and ctx.needs_input_grad[1] else None
        gates = xp[:, :2 * u] if gates is None else gates
        dh = grad_h if grad_h is not None else xp.new_zeros(u, batch)
        kernel_rz, kernel_h = kernel[:, :2 * u], kernel[:, 2 * u:]
        dh_ = grad_outputs.contiguous().unbind(0) if grad_outputs is not None else None
        # turned into the chunk's dx in place, and the gradient of the products' h block
        scales, d_products_h = xp.new_empty(CHUNK, width, batch), xp.new_empty(CHUNK, u, batch)
        for start, stop in reversed(chunks(steps)):
            k = stop - start
            p, dp_h = scales[:k], d_products_h[:k]
            blend_scale, r = _step_factors(xp, gates, states, start, stop, blend_mask, ctx.hard,
                                           products[start:stop, 2 * u:], p)
            p_rz_, p_r_, p_h_ = p[:, :2 * u].unbind(0), p[:, :u].unbind(0), p[:, 2 * u:].unbind(0)
            p_zh_ = p[:, u:].view(k, 2, u, batch).unbind(0)
            blend_, r_, dp_h_ = blend_scale.unbind(0), r.unbind(0), dp_h.unbind(0)
            for j in range(k - 1, -1, -1):
                if dh_ is not None:
                    dh = dh + dh_[start + j]
                p_zh_[j].mul_(dh)
                p_r_[j].mul_(p_h_[j])
                torch.mul(p_h_[j], r_[j], out=dp_h_[j])
                previous = torch.mm(kernel_rz, p_rz_[j]).addmm_(kernel_h, dp_h_[j])
                dh = gather(previous, masks, ctx.blocks).addcmul_(dh, blend_[j])
            if grad_kernel is not None:
                grad_kernel += kernel_gradient(states[start:stop], masks, ctx.blocks,
                                               p[:, :2 * u], dp_h)
            if grad_recurrent_bias is not None:
                grad_recurrent_bias[:2 * u] += p[:, :2 * u].sum((0, 2))
                grad_recurrent_bias[2 * u:] += dp_h.sum((0, 2))
            projection.backward(p, start, stop)
        grad_pairs, grad_bias = projection.gradients()
        return (grad_kernel, grad_recurrent_bias, dh, grad_bias, None, None, None, None,
                *grad_pairs)


def gru_sequence(inputs, kernel, bias, recurrent_kernel, h0, masks=None, blocks=1, mask_h=None,
                 blend_mask=None, hard=False, reset_after=False, recurrent_bias=None):
    """Runs a GRU over a sequence, feature-major.

    Args:
        inputs: ``(batch, steps, features)``, any layout; or, with one input dropout mask
            per gate, a list of the three masked inputs.
        kernel: ``W``, ``(features, 3 units)``, blocks in the order r, z, h.
        bias: the input bias ``(3 units,)`` or None.
        recurrent_kernel: ``U`` ``(units, 3 units)``. Without ``reset_after`` its r, z
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
    pairs = input_pairs(inputs, kernel)
    if reset_after:
        return _GRUResetAfterSequence.apply(recurrent_kernel, recurrent_bias, h0, bias, masks,
                                            blocks, blend_mask, hard, *pairs)
    kernel_rz, kernel_h = recurrent_kernel
    return _GRUSequence.apply(kernel_rz, kernel_h, h0, bias, masks, blocks, mask_h, blend_mask,
                              hard, *pairs)
