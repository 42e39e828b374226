"""The recurrent product of a sequence kernel, with Keras's recurrent dropout, the buffers
the kernels share, and the feature-major layout they all use.

The kernels hold a step's values feature-major: a state is ``(units, batch)``, a step's
pre-activations ``(gates * units, batch)``, so that every gate's block is one contiguous
slice (torch's elementwise kernels run several times slower on the strided column blocks of
a ``(batch, gates * units)`` row layout). The recurrent product of a step is then
``U^T @ h``.

Without dropout the product's operand is ``h``. With one recurrent mask (Keras's
implementation 2) it is ``h * m``. With one mask per gate (implementation 1) gate ``k`` sees
``U_k^T @ (h * m_k)``: the kernels compute it as one product ``U_bd^T @ [h * m_1; ...;
h * m_n]`` with ``U_bd`` the block-diagonal matrix of the gates' blocks, so every case is one
matrix product per step.

Example:
    >>> h, U = torch.ones(3, 2), torch.ones(3, 6)
    >>> masks = torch.ones(6, 2)
    >>> spread(h, masks, 2).shape, block_diagonal(U, 2).shape
    (torch.Size([6, 2]), torch.Size([6, 6]))
"""
import torch

# steps a kernel projects, and whose backward factors and gradients it takes, together: few
# enough to stay in cache, enough to make each whole-chunk operation worth its call
CHUNK = 16


def block_diagonal(kernel, blocks):
    """The ``(blocks * units, blocks * units)`` block-diagonal matrix of ``kernel``'s column
    blocks (differentiable, so gradients reach ``kernel``).

    Args:
        kernel: a ``(units, blocks * units)`` recurrent kernel.
        blocks: the number of gate blocks.
    """
    return torch.block_diag(*kernel.chunk(blocks, dim=1))


def spread(h, masks, blocks):
    """The right operand of the recurrent product: ``h``, ``h * m`` or ``[h * m_1; ...]``.

    Args:
        h: the ``(units, batch)`` state.
        masks: None, or the ``(blocks * units, batch)`` dropout masks stacked.
        blocks: how many masks ``masks`` holds.
    """
    if masks is None:
        return h
    return h.repeat(blocks, 1).mul_(masks) if blocks > 1 else h * masks


def gather(grad, masks, blocks):
    """The gradient with respect to ``h`` of ``spread(h, masks, blocks)``, given ``grad``,
    that of the spread operand (``grad`` may be overwritten)."""
    if masks is None:
        return grad
    grad = grad.mul_(masks)
    return grad.view(blocks, -1, grad.shape[-1]).sum(0) if blocks > 1 else grad


def states_buffer(h0, steps):
    """A ``(steps + 1, units, batch)`` buffer whose first row is ``h0``: the kernels write
    step ``t``'s output into row ``t + 1``, so rows ``:-1`` are each step's incoming state."""
    states = h0.new_empty(steps + 1, *h0.shape)
    states[0] = h0
    return states


def kernel_gradient(states, masks, blocks, *grads):
    """The gradient of a recurrent kernel ``(blocks * units, width)`` over a whole sequence:
    the sum over steps of ``spread(states[t], masks, blocks) @ grads[t]^T``.

    Args:
        states: the ``(steps, units, batch)`` right operands before ``spread``.
        masks, blocks: as for ``spread``.
        *grads: the ``(steps, width, batch)`` gradients of the products; several are the
            row blocks of one gradient (their kernel columns are joined).
    """
    if masks is not None:
        states = states.repeat(1, blocks, 1).mul_(masks) if blocks > 1 else states * masks
    columns = [torch.bmm(grad, states.transpose(1, 2)).sum(0).t() for grad in grads]
    return columns[0] if len(columns) == 1 else torch.cat(columns, dim=1)


def chunks(steps):
    """The ``(start, stop)`` step ranges of ``CHUNK`` steps, in order (a backward pass takes
    them reversed)."""
    return [(start, min(start + CHUNK, steps)) for start in range(0, steps, CHUNK)]


def input_pairs(inputs, kernel):
    """The ``(x, W)`` pairs of ``InputProjection``: ``inputs`` is one ``(batch, steps,
    features)`` tensor, or a list of one per kernel column block."""
    if isinstance(inputs, torch.Tensor):
        return (inputs, kernel)
    pairs = ()
    for x, block in zip(inputs, kernel.chunk(len(inputs), dim=1)):
        pairs += (x, block)
    return pairs


def step_views(tensor, start=None, stop=None):
    """Per-step views of rows ``start:stop`` of a ``(steps, width, batch)`` buffer, made in
    one call (slicing inside a step loop would cost a view per step)."""
    return tensor[:, start:stop].unbind(0)
