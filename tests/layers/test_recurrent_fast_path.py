"""The recurrent layers' whole-sequence kernels against their step loop (``cell.call`` at
every step), on generated configurations: outputs, final states and the gradients of the
weights, inputs and initial states, in training (with dropout: the same masks) and in
inference; and what is admitted."""
import random

import numpy as np
import pytest
import torch

from cornu import layers
from cornu.layers.recurrent import rnn as rnn_module
from cornu.layers.recurrent.cells import LSTMCell
from cornu.layers.recurrent.sequence_kernels import sequence_kernel


def _configurations(count, seed=2024):
    rng = random.Random(seed)
    for index in range(count):
        family = rng.choice(["SimpleRNN", "LSTM", "GRU", "GRU_after"])
        arguments = {"units": rng.choice([1, 3, 5]),
                     "use_bias": rng.random() < 0.8,
                     "dropout": rng.choice([0.0, 0.3]),
                     "recurrent_dropout": rng.choice([0.0, 0.4]),
                     "return_sequences": rng.random() < 0.5,
                     "return_state": rng.random() < 0.3,
                     "go_backwards": rng.random() < 0.3,
                     "dtype": "float64"}
        if family == "SimpleRNN":
            arguments["activation"] = rng.choice(["tanh", "relu"])
        else:
            arguments["recurrent_activation"] = rng.choice(["sigmoid", "hard_sigmoid"])
            arguments["implementation"] = rng.choice([1, 2])
        if family == "GRU_after":
            arguments["reset_after"] = True
        # 20 steps: two chunks of the kernels (recurrent_product.CHUNK)
        shape = (rng.choice([1, 4]), rng.choice([1, 6, 20]), rng.choice([1, 3]))
        yield pytest.param(family.split("_")[0], arguments, shape, rng.random() < 0.7,
                           rng.random() < 0.3, index, id=f"{family}-{index}")


def _run(layer, x, initial, training, seed):
    torch.manual_seed(seed)
    result = layer(x, initial_state=initial, training=training) if initial is not None \
        else layer(x, training=training)
    return result if isinstance(result, list) else [result]


@pytest.mark.parametrize("family, arguments, shape, training, with_initial, seed",
                         list(_configurations(240)))
def test_kernel_path_matches_the_step_loop(monkeypatch, family, arguments, shape, training,
                                           with_initial, seed):
    batch, steps, features = shape
    fast = getattr(layers, family)(**arguments)
    slow = getattr(layers, family)(**arguments)
    fast.build((batch, steps, features))
    slow.build((batch, steps, features))
    generator = np.random.default_rng(seed)
    slow.set_weights([generator.normal(size=w.shape) for w in fast.get_weights()])
    fast.set_weights(slow.get_weights())
    assert sequence_kernel(fast.cell) is not None

    x = torch.tensor(generator.normal(size=shape), requires_grad=True)
    n_states = 2 if family == "LSTM" else 1
    initial = [torch.tensor(generator.normal(size=(batch, arguments["units"])),
                            requires_grad=True) for _ in range(n_states)] if with_initial else None

    got = _run(fast, x, initial, training, seed)
    with monkeypatch.context() as patch:
        patch.setattr(rnn_module, "sequence_kernel", lambda cell: None)
        want = _run(slow, x, initial, training, seed)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b)

    probes = [torch.tensor(generator.normal(size=tuple(t.shape))) for t in want]
    leaves = [x] + (initial or [])
    grads_fast = torch.autograd.grad(sum((t * p).sum() for t, p in zip(got, probes)),
                                     leaves + fast.trainable_weights, allow_unused=True)
    grads_slow = torch.autograd.grad(sum((t * p).sum() for t, p in zip(want, probes)),
                                     leaves + slow.trainable_weights, allow_unused=True)
    for a, b in zip(grads_fast, grads_slow):
        if b is None:
            assert a is None or not a.any()
        else:
            torch.testing.assert_close(a, b)


def test_float32_layers_agree_with_the_step_loop(monkeypatch):
    torch.manual_seed(0)
    layer = layers.LSTM(8, return_sequences=True)
    x = torch.randn(4, 30, 5)
    got = layer(x)
    with monkeypatch.context() as patch:
        patch.setattr(rnn_module, "sequence_kernel", lambda cell: None)
        want = layer(x)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)


class _PeepholeCell(LSTMCell):
    """A user cell that changes the step: it must not take the LSTM kernel."""

    def call(self, inputs, states, training=None):
        output, new_states = super().call(inputs, states, training=training)
        return output * 0.5, new_states


def test_only_the_registered_configurations_are_admitted():
    def built(cell):
        cell.build((None, 3))
        return cell

    assert sequence_kernel(built(LSTMCell(2))) is not None
    assert sequence_kernel(built(_PeepholeCell(2))) is None
    assert sequence_kernel(built(LSTMCell(2, activation="relu"))) is None
    assert sequence_kernel(built(LSTMCell(2, recurrent_activation="tanh"))) is None
    assert sequence_kernel(LSTMCell(2)) is None  # not built
    simple = layers.SimpleRNN(2, activation="selu")
    simple.build((None, 4, 3))
    assert sequence_kernel(simple.cell) is None


def test_a_user_cell_subclass_runs_its_own_step():
    torch.manual_seed(0)
    cell = _PeepholeCell(3)
    layer = layers.RNN(cell)
    x = torch.randn(2, 4, 3)
    out = layer(x)
    h = torch.zeros(2, 3)
    states = [h, h]
    for t in range(4):
        h, states = cell.call(x[:, t], states)
    torch.testing.assert_close(out, h)


def test_masked_sequences_take_the_step_loop(monkeypatch):
    calls = []
    monkeypatch.setattr(rnn_module, "sequence_kernel",
                        lambda cell: calls.append(cell) or sequence_kernel(cell))
    layer = layers.GRU(3)
    x = torch.randn(2, 5, 4)
    layer(x)
    assert len(calls) == 1
    layer(x, mask=torch.ones(2, 5, dtype=torch.bool))
    assert len(calls) == 1
