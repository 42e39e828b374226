"""The recurrent product ``h @ U`` of a sequence kernel, with Keras's recurrent dropout, and
the per-step views the kernels' loops index.

Without dropout the product is ``h @ U``. With one recurrent mask (Keras's implementation 2)
it is ``(h * m) @ U``. With one mask per gate (implementation 1) gate ``k`` sees
``(h * m_k) @ U_k``: the kernels compute it as one product ``[h * m_1, ..., h * m_n] @ U_bd``
with ``U_bd`` the block-diagonal matrix of the gates' blocks, so every case is one matrix
product per step.

Example:
    >>> h, U = torch.ones(2, 3), torch.ones(3, 6)
    >>> masks = torch.ones(2, 6)
    >>> spread(h, masks, 2).shape, block_diagonal(U, 2).shape
    (torch.Size([2, 6]), torch.Size([6, 6]))
"""
import torch


def block_diagonal(kernel, blocks):
    """The ``(blocks * units, blocks * units)`` block-diagonal matrix of ``kernel``'s column
    blocks (differentiable, so gradients reach ``kernel``).

    Args:
        kernel: a ``(units, blocks * units)`` recurrent kernel.
        blocks: the number of gate blocks.
    """
    return torch.block_diag(*kernel.chunk(blocks, dim=1))


def spread(h, masks, blocks):
    """The left operand of the recurrent product: ``h``, ``h * m`` or ``[h * m_1, ...]``.

    Args:
        h: the ``(batch, units)`` state.
        masks: None, or the ``(batch, blocks * units)`` dropout masks side by side.
        blocks: how many masks ``masks`` holds.
    """
    if masks is None:
        return h
    return h.repeat(1, blocks).mul_(masks) if blocks > 1 else h * masks


def gather(grad, masks, blocks):
    """The gradient with respect to ``h`` of ``spread(h, masks, blocks)``, given ``grad``,
    that of the spread operand (``grad`` may be overwritten)."""
    if masks is None:
        return grad
    grad = grad.mul_(masks)
    return grad.view(grad.shape[0], blocks, -1).sum(1) if blocks > 1 else grad


def spread_sequence(states, masks, blocks):
    """``spread`` for every step at once: ``states`` is ``(steps, batch, units)``."""
    if masks is None:
        return states
    return states.repeat(1, 1, blocks).mul_(masks) if blocks > 1 else states * masks


def previous_states(h0, outputs):
    """Each step's incoming state ``(steps, batch, units)``: ``h0``, then every output but
    the last."""
    return torch.cat([h0.unsqueeze(0), outputs[:-1]])


def kernel_gradient(states, masks, blocks, grads):
    """The gradient of a recurrent kernel over a whole sequence, in one product: the sum over
    steps of ``spread(states[t], masks, blocks)^T @ grads[t]``.

    Args:
        states: the ``(steps, batch, units)`` left operands before ``spread``.
        masks, blocks: as for ``spread``.
        grads: the ``(steps, batch, width)`` gradients of the products.
    """
    operands = spread_sequence(states, masks, blocks)
    return operands.reshape(-1, operands.shape[-1]).t() @ grads.reshape(-1, grads.shape[-1])


def step_views(tensor, start=None, stop=None):
    """Per-step views of columns ``start:stop`` of a ``(steps, batch, width)`` buffer, made
    in one call (slicing inside a step loop would cost a view per step)."""
    return tensor[:, :, start:stop].unbind(0)
