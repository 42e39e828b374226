"""The whole-sequence recurrent kernels: values and gradients against step loops written
with autograd (float64, ``gradcheck``), for both gate activations, every recurrent-dropout
form and every output the layers read."""
import pytest
import torch

from cornu.kernels.recurrent.gru import gru_sequence
from cornu.kernels.recurrent.lstm import gate_scaling, lstm_sequence
from cornu.kernels.recurrent.projection import sequence_projection
from cornu.kernels.recurrent.recurrent_product import block_diagonal
from cornu.kernels.recurrent.simple_rnn import simple_rnn_sequence

T, B, U = 5, 3, 4
F64 = torch.float64


def _gate(hard):
    return (lambda v: v.clamp(0, 1)) if hard else torch.sigmoid


def _mask(width):
    return (torch.rand(B, width, dtype=F64) > 0.3).to(F64) / 0.7


def _leaf(*shape):
    return torch.randn(*shape, dtype=F64, requires_grad=True)


def _feature_major(tensor):
    """A fresh contiguous copy of ``tensor`` with its last two axes swapped (the kernels'
    layout; they overwrite their projections, so each call gets its own)."""
    return None if tensor is None else \
        tensor.transpose(-1, -2).clone(memory_format=torch.contiguous_format)


def _batch_major(outputs):
    return tuple(tensor.transpose(-1, -2) for tensor in outputs)


def _check(kernel_fn, reference_fn, inputs):
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


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("blocks, masked", [(1, False), (1, True), (4, True)])
def test_lstm_kernel_matches_a_step_loop(hard, blocks, masked):
    torch.manual_seed(blocks + 2 * masked + 4 * hard)
    masks = _mask(blocks * U) if masked else None

    def kernel_fn(xp, kernel, h0, c0):
        kernel = block_diagonal(kernel, 4) if blocks == 4 else kernel
        return _batch_major(lstm_sequence(_feature_major(xp), kernel, h0.t(), c0.t(),
                                          _feature_major(masks), blocks, hard))

    def reference_fn(xp, kernel, h0, c0):
        kernel = block_diagonal(kernel, 4) if blocks == 4 else kernel
        return _lstm_reference(xp, kernel, h0, c0, masks, blocks, hard)

    _check(kernel_fn, reference_fn, (_leaf(T, B, 4 * U), _leaf(U, 4 * U), _leaf(B, U),
                                     _leaf(B, U)))


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


def _gru_kernel(xp, kernel, h0, masks, hard, reset_after, recurrent_bias, implementation):
    blend = masks[0].t() if masks is not None and implementation == 2 else None
    per_gate = masks is not None and len(masks) == 3
    xp, h0 = _feature_major(xp), h0.t()
    if reset_after:
        operand = block_diagonal(kernel, 3) if per_gate else kernel
        joined = None if masks is None else _feature_major(torch.cat(masks, 1))
        return _batch_major(gru_sequence(xp, operand, h0, joined, 3 if per_gate else 1, None,
                                         blend, hard, True, recurrent_bias))
    rz = block_diagonal(kernel[:, :2 * U], 2) if per_gate else kernel[:, :2 * U]
    joined = None if masks is None else \
        _feature_major(torch.cat(masks[:2] if per_gate else masks, 1))
    mask_h = None if masks is None else masks[-1].t()
    return _batch_major(gru_sequence(xp, (rz, kernel[:, 2 * U:]), h0, joined,
                                     2 if per_gate else 1, mask_h, blend, hard))


@pytest.mark.parametrize("reset_after, with_bias", [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("dropout", ["none", "per_gate", "shared"])
def test_gru_kernel_matches_a_step_loop(reset_after, with_bias, hard, dropout):
    torch.manual_seed(7)
    masks = {"none": None, "per_gate": [_mask(U) for _ in range(3)],
             "shared": [_mask(U)]}[dropout]
    implementation = 2 if dropout == "shared" else 1
    inputs = (_leaf(T, B, 3 * U), _leaf(U, 3 * U), _leaf(B, U))
    if with_bias:
        inputs += (_leaf(3 * U),)

    def kernel_fn(xp, kernel, h0, bias=None):
        return _gru_kernel(xp, kernel, h0, masks, hard, reset_after, bias, implementation)

    def reference_fn(xp, kernel, h0, bias=None):
        return _gru_reference(xp, kernel, h0, masks, hard, reset_after, bias, implementation)

    _check(kernel_fn, reference_fn, inputs)


# ------------------------------------------------------------------ SimpleRNN
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("masked", [False, True])
def test_simple_rnn_kernel_matches_a_step_loop(activation, masked):
    torch.manual_seed(3)
    mask = _mask(U) if masked else None
    function = torch.tanh if activation == "tanh" else torch.relu

    def reference_fn(xp, kernel, h0):
        h, outputs = h0, []
        for t in range(xp.shape[0]):
            h = function(xp[t] + (h if mask is None else h * mask) @ kernel)
            outputs.append(h)
        return torch.stack(outputs), h

    def kernel_fn(xp, kernel, h0):
        return _batch_major(simple_rnn_sequence(_feature_major(xp), kernel, h0.t(),
                                                _feature_major(mask), activation))

    _check(kernel_fn, reference_fn, (_leaf(T, B, U), _leaf(U, U), _leaf(B, U)))


def test_simple_rnn_kernel_names_the_activations_it_computes():
    with pytest.raises(ValueError, match="activation must be one of"):
        simple_rnn_sequence(torch.zeros(2, 3, 1), torch.zeros(3, 3), torch.zeros(3, 1),
                            activation="selu")


@pytest.mark.parametrize("run, width", [
    (lambda xp: lstm_sequence(xp, torch.zeros(2, 8), torch.zeros(2, 3), torch.zeros(2, 3)), 8),
    (lambda xp: gru_sequence(xp, torch.zeros(2, 6), torch.zeros(2, 3), reset_after=True), 6),
    (lambda xp: simple_rnn_sequence(xp, torch.zeros(2, 2), torch.zeros(2, 3)), 2)])
def test_kernels_refuse_a_strided_workspace(run, width):
    with pytest.raises(ValueError, match="xp must be contiguous"):
        run(torch.zeros(4, 3, width).transpose(1, 2))


def test_kernels_take_their_projections_as_workspace_and_can_run_backward_twice():
    xp, kernel = _leaf(T, 4 * U, B), _leaf(U, 4 * U)
    zeros = torch.zeros(U, B, dtype=F64)
    workspace = xp * 1.0
    outputs, h, c = lstm_sequence(workspace, kernel, zeros, zeros)
    assert not torch.equal(workspace, xp)
    reference = _lstm_reference(xp.transpose(1, 2), kernel, zeros.t(), zeros.t(), None, 1,
                                False)
    torch.testing.assert_close(outputs.transpose(1, 2), reference[0])
    torch.testing.assert_close(h.t(), reference[1])
    first = torch.autograd.grad(h.sum(), (xp, kernel), retain_graph=True)
    second = torch.autograd.grad(h.sum(), (xp, kernel))
    want = torch.autograd.grad(reference[1].sum(), (xp, kernel))
    for a, b, w in zip(first, second, want):
        torch.testing.assert_close(a, w)
        torch.testing.assert_close(b, w)


# ------------------------------------------------------------------ input projections
@pytest.mark.parametrize("layout", ["batch_major", "time_major", "feature_major"])
@pytest.mark.parametrize("with_bias", [False, True])
def test_sequence_projection_matches_a_product_and_keeps_cheap_gradient_layouts(layout,
                                                                                with_bias):
    torch.manual_seed(11)
    base = {"batch_major": (B, T, 6), "time_major": (T, B, 6), "feature_major": (T, 6, B)}
    order = {"batch_major": (0, 1, 2), "time_major": (1, 0, 2), "feature_major": (2, 0, 1)}
    leaf = _leaf(*base[layout])
    x = leaf.permute(*order[layout])             # (batch, steps, features) in every case
    kernel, bias = _leaf(6, 4 * U), _leaf(4 * U) if with_bias else None
    got = sequence_projection(x, kernel, bias)
    want = (x @ kernel + (0 if bias is None else bias)).permute(1, 2, 0)
    assert got.is_contiguous()
    torch.testing.assert_close(got, want)
    inputs = (leaf, kernel) + ((bias,) if with_bias else ())
    weights = torch.randn_like(want)
    for a, b in zip(torch.autograd.grad((got * weights).sum(), inputs),
                    torch.autograd.grad((want * weights).sum(), inputs)):
        torch.testing.assert_close(a, b)
    grad_x = torch.autograd.grad((sequence_projection(x, kernel) * weights).sum(), x)[0]
    # the gradient of x comes without a transposing copy: feature-major for feature-major
    # inputs, else time-major
    wanted = "feature_major" if layout == "feature_major" else "time_major"
    assert grad_x.permute(*[order[wanted].index(k) for k in range(3)]).is_contiguous()
    assert torch.autograd.gradcheck(lambda a, w: sequence_projection(a.permute(*order[layout]), w),
                                    (leaf, kernel))
