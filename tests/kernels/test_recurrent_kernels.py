"""The whole-sequence recurrent kernels: values and gradients against step loops written
with autograd (float64, ``gradcheck``), for both gate activations, every recurrent-dropout
form, input layouts, sequences of several chunks and every output the layers read."""
import pytest
import torch

from cornu.kernels.recurrent.gru import gru_sequence
from cornu.kernels.recurrent.lstm import gate_scaling, lstm_sequence
from cornu.kernels.recurrent.recurrent_product import CHUNK, block_diagonal
from cornu.kernels.recurrent.simple_rnn import simple_rnn_sequence

T, B, U, F = 5, 3, 4, 2
LONG = 2 * CHUNK + 5            # three chunks, the last one partial
F64 = torch.float64


def _gate(hard):
    return (lambda v: v.clamp(0, 1)) if hard else torch.sigmoid


def _mask(width):
    return (torch.rand(B, width, dtype=F64) > 0.3).to(F64) / 0.7


def _leaf(*shape):
    return torch.randn(*shape, dtype=F64, requires_grad=True)


def _feature_major(tensor):
    """A ``(batch, width)`` state or mask as the kernels take it, ``(width, batch)``."""
    return None if tensor is None else tensor.t().contiguous()


def _batch_major(outputs):
    return tuple(tensor.transpose(-1, -2) for tensor in outputs)


def _projections(x, kernel, bias, input_masks=None):
    """The reference ``x @ W + b``, time first; with one input mask per gate block, block
    ``k`` sees ``x * m_k``."""
    if input_masks is None:
        xp = x @ kernel
    else:
        blocks = kernel.chunk(len(input_masks), dim=1)
        xp = torch.cat([(x * m.unsqueeze(1)) @ w for m, w in zip(input_masks, blocks)], -1)
    return (xp if bias is None else xp + bias).transpose(0, 1)


def _inputs(x, input_masks):
    return x if input_masks is None else [x * m.unsqueeze(1) for m in input_masks]


def _check(kernel_fn, reference_fn, inputs, gradcheck=True):
    """Same values, same gradients of every output, and gradcheck."""
    got, want = kernel_fn(*inputs), reference_fn(*inputs)
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b)
    for index in range(len(want)):
        weights = torch.randn_like(want[index])
        ga = torch.autograd.grad((kernel_fn(*inputs)[index] * weights).sum(), inputs)
        gb = torch.autograd.grad((reference_fn(*inputs)[index] * weights).sum(), inputs)
        for a, b in zip(ga, gb):
            torch.testing.assert_close(a, b)
    if gradcheck:
        assert torch.autograd.gradcheck(kernel_fn, inputs)


# ------------------------------------------------------------------ LSTM (gates o, f, i, c)
def _lstm_reference(xp, kernel, h0, c0, masks, blocks, hard):
    h, c, outputs = h0, c0, []
    for t in range(xp.shape[0]):
        operand = h if masks is None else h.repeat(1, blocks) * masks
        z = xp[t] + operand @ kernel
        s = _gate(hard)(z)
        o, f, i, g = s[:, :U], s[:, U:2 * U], s[:, 2 * U:3 * U], torch.tanh(z[:, 3 * U:])
        c = f * c + i * g
        h = o * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs), h, c


@pytest.mark.parametrize("steps", [T, LONG])
@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("blocks, masked, input_masked", [(1, False, False), (1, True, False),
                                                          (4, True, True)])
def test_lstm_kernel_matches_a_step_loop(steps, hard, blocks, masked, input_masked):
    torch.manual_seed(blocks + 2 * masked + 4 * hard + steps)
    masks = _mask(blocks * U) if masked else None
    input_masks = [(torch.rand(B, F, dtype=F64) > 0.3).to(F64) for _ in range(4)] \
        if input_masked else None

    def kernel_fn(x, kernel, bias, recurrent, h0, c0):
        recurrent = block_diagonal(recurrent, 4) if blocks == 4 else recurrent
        return _batch_major(lstm_sequence(_inputs(x, input_masks), kernel, bias, recurrent,
                                          h0.t(), c0.t(), _feature_major(masks), blocks, hard))

    def reference_fn(x, kernel, bias, recurrent, h0, c0):
        recurrent = block_diagonal(recurrent, 4) if blocks == 4 else recurrent
        return _lstm_reference(_projections(x, kernel, bias, input_masks), recurrent, h0, c0,
                               masks, blocks, hard)

    _check(kernel_fn, reference_fn, (_leaf(B, steps, F), _leaf(F, 4 * U), _leaf(4 * U),
                                     _leaf(U, 4 * U), _leaf(B, U), _leaf(B, U)),
           gradcheck=steps == T)


def test_gate_scaling_folds_hard_sigmoid_into_the_gate_columns():
    scale, offset = gate_scaling(2, 4, 3, torch.float32)
    assert scale.tolist() == pytest.approx([0.2] * 6 + [1.0] * 2)
    assert offset.tolist() == pytest.approx([0.5] * 6 + [0.0] * 2)
    x = torch.randn(5, 8)
    folded = (x * scale + offset)[:, :6].clamp(0, 1)
    torch.testing.assert_close(folded, torch.clamp(x[:, :6] * 0.2 + 0.5, 0, 1))


# ------------------------------------------------------------------ GRU (blocks r, z, h)
def _gru_reference(xp, kernel, h0, masks, hard, reset_after, recurrent_bias, implementation):
    h, outputs = h0, []
    gate = _gate(hard)
    kr, kz, kh = kernel[:, :U], kernel[:, U:2 * U], kernel[:, 2 * U:]
    for t in range(xp.shape[0]):
        per_gate = [None] * 3 if masks is None else (masks if len(masks) == 3 else masks * 3)
        hr, hz, hh = [h if m is None else h * m for m in per_gate]
        x = xp[t]
        if reset_after:
            br, bz, bh = (0, 0, 0) if recurrent_bias is None else recurrent_bias.chunk(3)
            r = gate(x[:, :U] + hr @ kr + br)
            z = gate(x[:, U:2 * U] + hz @ kz + bz)
            candidate = torch.tanh(x[:, 2 * U:] + r * (hh @ kh + bh))
        else:
            r = gate(x[:, :U] + hr @ kr)
            z = gate(x[:, U:2 * U] + hz @ kz)
            candidate = torch.tanh(x[:, 2 * U:] + (r * hh) @ kh)
        blend = hz if implementation == 2 else h
        h = z * blend + (1 - z) * candidate
        outputs.append(h)
    return torch.stack(outputs), h


def _gru_kernel(x, kernel, bias, recurrent, h0, masks, hard, reset_after, recurrent_bias,
                implementation, input_masks):
    blend = _feature_major(masks[0]) if masks is not None and implementation == 2 else None
    per_gate = masks is not None and len(masks) == 3
    inputs, h0 = _inputs(x, input_masks), h0.t()
    if reset_after:
        operand = block_diagonal(recurrent, 3) if per_gate else recurrent
        joined = None if masks is None else _feature_major(torch.cat(masks, 1))
        return _batch_major(gru_sequence(inputs, kernel, bias, operand, h0, joined,
                                         3 if per_gate else 1, None, blend, hard, True,
                                         recurrent_bias))
    rz = block_diagonal(recurrent[:, :2 * U], 2) if per_gate else recurrent[:, :2 * U]
    joined = None if masks is None else \
        _feature_major(torch.cat(masks[:2] if per_gate else masks, 1))
    mask_h = None if masks is None else _feature_major(masks[-1])
    return _batch_major(gru_sequence(inputs, kernel, bias, (rz, recurrent[:, 2 * U:]), h0, joined,
                                     2 if per_gate else 1, mask_h, blend, hard))


@pytest.mark.parametrize("steps", [T, LONG])
@pytest.mark.parametrize("reset_after, with_bias", [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("dropout", ["none", "per_gate", "shared"])
def test_gru_kernel_matches_a_step_loop(steps, reset_after, with_bias, hard, dropout):
    torch.manual_seed(7 + steps)
    masks = {"none": None, "per_gate": [_mask(U) for _ in range(3)],
             "shared": [_mask(U)]}[dropout]
    input_masks = [(torch.rand(B, F, dtype=F64) > 0.3).to(F64) for _ in range(3)] \
        if dropout == "per_gate" else None
    implementation = 2 if dropout == "shared" else 1
    inputs = (_leaf(B, steps, F), _leaf(F, 3 * U), _leaf(3 * U), _leaf(U, 3 * U), _leaf(B, U))
    if with_bias:
        inputs += (_leaf(3 * U),)

    def kernel_fn(x, kernel, bias, recurrent, h0, recurrent_bias=None):
        return _gru_kernel(x, kernel, bias, recurrent, h0, masks, hard, reset_after,
                           recurrent_bias, implementation, input_masks)

    def reference_fn(x, kernel, bias, recurrent, h0, recurrent_bias=None):
        return _gru_reference(_projections(x, kernel, bias, input_masks), recurrent, h0, masks,
                              hard, reset_after, recurrent_bias, implementation)

    _check(kernel_fn, reference_fn, inputs, gradcheck=steps == T)


# ------------------------------------------------------------------ SimpleRNN
@pytest.mark.parametrize("steps", [T, LONG])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("masked", [False, True])
def test_simple_rnn_kernel_matches_a_step_loop(steps, activation, masked):
    torch.manual_seed(3 + steps)
    mask = _mask(U) if masked else None
    function = torch.tanh if activation == "tanh" else torch.relu

    def reference_fn(x, kernel, bias, recurrent, h0):
        h, outputs = h0, []
        xp = _projections(x, kernel, bias)
        for t in range(xp.shape[0]):
            h = function(xp[t] + (h if mask is None else h * mask) @ recurrent)
            outputs.append(h)
        return torch.stack(outputs), h

    def kernel_fn(x, kernel, bias, recurrent, h0):
        return _batch_major(simple_rnn_sequence(x, kernel, bias, recurrent, h0.t(),
                                                _feature_major(mask), activation))

    _check(kernel_fn, reference_fn, (_leaf(B, steps, F), _leaf(F, U), _leaf(U), _leaf(U, U),
                                     _leaf(B, U)), gradcheck=steps == T)


def test_simple_rnn_kernel_names_the_activations_it_computes():
    with pytest.raises(ValueError, match="activation must be one of"):
        simple_rnn_sequence(torch.zeros(1, 2, 3), torch.zeros(3, 3), None, torch.zeros(3, 3),
                            torch.zeros(3, 1), activation="selu")


def test_kernels_can_run_backward_twice():
    x, kernel, recurrent = _leaf(B, T, F), _leaf(F, 4 * U), _leaf(U, 4 * U)
    zeros = torch.zeros(U, B, dtype=F64)
    outputs, h, c = lstm_sequence(x, kernel, None, recurrent, zeros, zeros)
    reference = _lstm_reference(_projections(x, kernel, None), recurrent, zeros.t(), zeros.t(),
                                None, 1, False)
    first = torch.autograd.grad(h.sum(), (x, kernel, recurrent), retain_graph=True)
    second = torch.autograd.grad(h.sum(), (x, kernel, recurrent))
    want = torch.autograd.grad(reference[1].sum(), (x, kernel, recurrent))
    for a, b, w in zip(first, second, want):
        torch.testing.assert_close(a, w)
        torch.testing.assert_close(b, w)


# ------------------------------------------------------------------ input layouts
@pytest.mark.parametrize("layout", ["batch_major", "time_major", "feature_major"])
def test_kernels_read_every_input_layout_and_give_its_gradient_without_a_transposing_copy(
        layout):
    torch.manual_seed(11)
    base = {"batch_major": (B, LONG, F), "time_major": (LONG, B, F),
            "feature_major": (LONG, F, B)}
    order = {"batch_major": (0, 1, 2), "time_major": (1, 0, 2), "feature_major": (2, 0, 1)}
    leaf = _leaf(*base[layout])
    x = leaf.permute(*order[layout])             # (batch, steps, features) in every case
    kernel, bias, recurrent = _leaf(F, U), _leaf(U), _leaf(U, U)
    h0 = torch.zeros(U, B, dtype=F64)
    outputs, h = simple_rnn_sequence(x, kernel, bias, recurrent, h0)
    reference = x.new_zeros(B, U)
    for t in range(LONG):
        reference = torch.tanh(x[:, t] @ kernel + bias + reference @ recurrent)
    torch.testing.assert_close(h.t(), reference)
    inputs = (leaf, kernel, bias, recurrent)
    for a, b in zip(torch.autograd.grad(h.sum(), inputs, retain_graph=True),
                    torch.autograd.grad(reference.sum(), inputs)):
        torch.testing.assert_close(a, b)
    grad_x = torch.autograd.grad(h.sum(), x)[0]
    # feature-major for feature-major inputs (a recurrent layer below), else time-major
    wanted = "feature_major" if layout == "feature_major" else "time_major"
    assert grad_x.permute(*[order[wanted].index(k) for k in range(3)]).is_contiguous()
