"""Whole-sequence kernels for the Keras cells: the fast path of ``RNN``.

A registered cell type (exactly ``SimpleRNNCell``, ``LSTMCell`` or ``GRUCell``: subclasses
may override ``call``, so they are not admitted) in a configuration the kernels compute
(``tanh`` activation, or ``relu`` for ``SimpleRNNCell``; ``sigmoid`` or ``hard_sigmoid``
gates; float weights) runs its whole sequence through ``cornu.kernels.recurrent``, with its
gate blocks reordered as the kernels take them, Keras's dropout masks applied as the cell
applies them, and the states turned feature-major (``(units, batch)`` views: the outputs come
back as views too, so a recurrent layer above reads them without a copy). Anything else, and
every masked sequence, takes
``RNN``'s step loop, which calls ``cell.call``; the tests compare the two on generated
configurations.

Example:
    >>> from cornu.layers.recurrent.cells import LSTMCell
    >>> cell = LSTMCell(4); cell.build((None, 3))
    >>> run = sequence_kernel(cell)
    >>> outputs, states = run(cell, torch.ones(2, 5, 3), [torch.zeros(2, 4)] * 2, False)
    >>> outputs.shape, len(states)
    (torch.Size([2, 5, 4]), 2)
"""
import torch

from cornu import activations
from cornu.kernels.recurrent.gru import gru_sequence
from cornu.kernels.recurrent.lstm import gate_scaling, lstm_sequence
from cornu.kernels.recurrent.recurrent_product import block_diagonal
from cornu.kernels.recurrent.simple_rnn import simple_rnn_sequence
from cornu.layers.recurrent.cells import GRUCell, LSTMCell, SimpleRNNCell

_GATE_ACTIVATIONS = (activations.sigmoid, activations.hard_sigmoid)
_LSTM_ORDER = (3, 1, 0, 2)  # Keras's i, f, c, o as the kernel's o, f, i, c
_GRU_ORDER = (1, 0, 2)      # Keras's z, r, h as the kernel's r, z, h


def _blocks(tensor, order, dim=-1):
    """``tensor``'s equal blocks along ``dim`` rearranged in ``order``."""
    parts = tensor.chunk(len(order), dim=dim)
    return torch.cat([parts[k] for k in order], dim=dim)


def _masked_inputs(inputs, masks):
    """The kernels' inputs: ``inputs`` ``(batch, steps, features)``, times the input dropout
    mask (the same at every step); with one mask per gate, a list of one input per gate."""
    if masks is None:
        return inputs
    if len(masks) == 1:
        return inputs * masks[0].unsqueeze(1)
    return [inputs * mask.unsqueeze(1) for mask in masks]


def _feature_major(tensor):
    """A ``(batch, width)`` state or mask as the kernels hold it, ``(width, batch)``."""
    return None if tensor is None else tensor.t().contiguous()


def _recurrent_operand(kernel, masks, gates):
    """The recurrent kernel and masks as the sequence kernels take them: no mask, one
    shared mask, or one per gate stacked, with the block-diagonal kernel."""
    if masks is None:
        return kernel, None, 1
    if len(masks) == 1:
        return kernel, _feature_major(masks[0]), 1
    return block_diagonal(kernel, gates), _feature_major(torch.cat(list(masks), dim=1)), gates


def _reordered(masks, order):
    """One mask per gate in the kernel's ``order`` (a shared mask stays as it is)."""
    if masks is None or len(masks) == 1:
        return masks
    return [masks[k] for k in order]


def run_lstm(cell, inputs, states, training):
    """An ``LSTMCell`` over ``inputs`` ``(batch, steps, features)`` from ``states``
    ``[h, c]``: returns every step's output ``(batch, steps, units)`` and ``[h, c]``."""
    h0, c0 = states[0], states[1]
    input_masks, recurrent_masks = cell._implementation_masks(inputs[:, 0], h0, training)
    kernel = _blocks(cell.kernel, _LSTM_ORDER)
    recurrent = _blocks(cell.recurrent_kernel, _LSTM_ORDER)
    bias = None if cell.bias is None else _blocks(cell.bias, _LSTM_ORDER)
    hard = cell.recurrent_activation is activations.hard_sigmoid
    if hard:
        scale, offset = gate_scaling(cell.units, 4, 3, kernel.dtype)
        kernel, recurrent = kernel * scale, recurrent * scale
        bias = offset if bias is None else torch.addcmul(offset, bias, scale)
    x = _masked_inputs(inputs, _reordered(input_masks, _LSTM_ORDER))
    recurrent, masks, blocks = _recurrent_operand(recurrent,
                                                  _reordered(recurrent_masks, _LSTM_ORDER), 4)
    outputs, h, c = lstm_sequence(x, kernel, bias, recurrent, h0.t(), c0.t(), masks, blocks,
                                  hard)
    return outputs.permute(2, 0, 1), [h.t(), c.t()]


def run_gru(cell, inputs, states, training):
    """A ``GRUCell`` (either ``reset_after`` form) over ``inputs`` ``(batch, steps,
    features)`` from ``states`` ``[h]``: returns every step's output and ``[h]``."""
    h0 = states[0]
    units = cell.units
    input_masks, recurrent_masks = cell._implementation_masks(inputs[:, 0], h0, training)
    kernel = _blocks(cell.kernel, _GRU_ORDER)
    recurrent = _blocks(cell.recurrent_kernel, _GRU_ORDER)
    bias = recurrent_bias = None
    if cell.bias is not None:
        bias, recurrent_bias = (cell.bias[0], cell.bias[1]) if cell.reset_after \
            else (cell.bias, None)
        bias = _blocks(bias, _GRU_ORDER)
        recurrent_bias = None if recurrent_bias is None else _blocks(recurrent_bias, _GRU_ORDER)
    hard = cell.recurrent_activation is activations.hard_sigmoid
    if hard:
        scale, offset = gate_scaling(units, 3, 2, kernel.dtype)
        kernel, recurrent = kernel * scale, recurrent * scale
        bias = offset if bias is None else torch.addcmul(offset, bias, scale)
        recurrent_bias = None if recurrent_bias is None else recurrent_bias * scale
    x = _masked_inputs(inputs, _reordered(input_masks, _GRU_ORDER))
    recurrent_masks = _reordered(recurrent_masks, _GRU_ORDER)
    per_gate = recurrent_masks is not None and len(recurrent_masks) > 1
    # Keras's implementation 2 blends the dropped previous state
    blend_mask = _feature_major(recurrent_masks[0]) \
        if cell.implementation == 2 and recurrent_masks else None
    if cell.reset_after:
        operand, masks, blocks = _recurrent_operand(recurrent, recurrent_masks, 3)
        outputs, h = gru_sequence(x, kernel, bias, operand, h0.t(), masks, blocks, None,
                                  blend_mask, hard, True, recurrent_bias)
    else:
        rz_masks = recurrent_masks[:2] if per_gate else recurrent_masks
        operand, masks, blocks = _recurrent_operand(recurrent[:, :2 * units], rz_masks, 2)
        mask_h = None if recurrent_masks is None else _feature_major(recurrent_masks[-1])
        outputs, h = gru_sequence(x, kernel, bias, (operand, recurrent[:, 2 * units:]), h0.t(),
                                  masks, blocks, mask_h, blend_mask, hard)
    return outputs.permute(2, 0, 1), [h.t()]


def run_simple_rnn(cell, inputs, states, training):
    """A ``SimpleRNNCell`` over ``inputs`` ``(batch, steps, features)`` from ``states``
    ``[h]``: returns every step's output and ``[h]``."""
    h0 = states[0]
    input_masks, recurrent_masks = cell._masks(inputs[:, 0], h0, training)
    outputs, h = simple_rnn_sequence(_masked_inputs(inputs, input_masks), cell.kernel, cell.bias,
                                     cell.recurrent_kernel, h0.t(),
                                     None if recurrent_masks is None
                                     else _feature_major(recurrent_masks[0]),
                                     cell.activation.__name__)
    return outputs.permute(2, 0, 1), [h.t()]


def _admits_simple(cell):
    return cell.activation in (activations.tanh, activations.relu)


def _admits_gated(cell):
    return (cell.activation is activations.tanh
            and cell.recurrent_activation in _GATE_ACTIVATIONS)


_KERNELS = {SimpleRNNCell: (_admits_simple, run_simple_rnn),
            LSTMCell: (_admits_gated, run_lstm),
            GRUCell: (_admits_gated, run_gru)}


def sequence_kernel(cell):
    """The whole-sequence function for ``cell``, or None when the step loop must run it.

    Args:
        cell: a built recurrent cell.

    Returns:
        ``run(cell, inputs, states, training) -> (outputs, states)`` or None.
    """
    entry = _KERNELS.get(type(cell))
    if entry is None or not getattr(cell, "built", False):
        return None
    admits, run = entry
    if cell.kernel.dtype not in (torch.float32, torch.float64) or not admits(cell):
        return None
    return run
