"""Recurrent layers: SimpleRNN, LSTM and GRU (and their cells under RNN) against NumPy step
loops written from Keras 2's formulas, with the Keras weights from ``get_weights()``: sequences,
states, go_backwards, masks, stateful carry-over, dropout, the books' parameter counts, configs,
training and error messages."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.models import Model, Sequential


# ------------------------------------------------------------------ NumPy references
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0, 1)


GATES = {"sigmoid": _sigmoid, "hard_sigmoid": _hard_sigmoid}


def simple_step(weights, x, states, x_mask=None, h_mask=None):
    kernel, recurrent, bias = weights
    x = x if x_mask is None else x * x_mask[0]
    h = states[0] if h_mask is None else states[0] * h_mask[0]
    out = np.tanh(x @ kernel + bias + h @ recurrent)
    return out, [out]


def lstm_step(weights, x, states, gate="hard_sigmoid", x_mask=None, h_mask=None):
    kernel, recurrent, bias = weights
    u = recurrent.shape[0]
    h_prev, c_prev = states
    xs = [x if x_mask is None else x * x_mask[k] for k in range(4)]
    hs = [h_prev if h_mask is None else h_prev * h_mask[k] for k in range(4)]
    pre = [xs[k] @ kernel[:, k * u:(k + 1) * u] + bias[k * u:(k + 1) * u]
           + hs[k] @ recurrent[:, k * u:(k + 1) * u] for k in range(4)]
    g = GATES[gate]
    i, f, o = g(pre[0]), g(pre[1]), g(pre[3])
    c = f * c_prev + i * np.tanh(pre[2])
    h = o * np.tanh(c)
    return h, [h, c]


def gru_step(weights, x, states, reset_after=False, gate="hard_sigmoid", x_mask=None,
             h_mask=None, blend_dropped=False):
    kernel, recurrent, bias = weights
    u = recurrent.shape[0]
    h_prev = states[0]
    W = [kernel[:, k * u:(k + 1) * u] for k in range(3)]
    U = [recurrent[:, k * u:(k + 1) * u] for k in range(3)]
    xs = [x if x_mask is None else x * x_mask[k] for k in range(3)]
    hs = [h_prev if h_mask is None else h_prev * h_mask[k] for k in range(3)]
    g = GATES[gate]
    if reset_after:
        b_in = [bias[0, k * u:(k + 1) * u] for k in range(3)]
        b_rec = [bias[1, k * u:(k + 1) * u] for k in range(3)]
        z = g(xs[0] @ W[0] + b_in[0] + hs[0] @ U[0] + b_rec[0])
        r = g(xs[1] @ W[1] + b_in[1] + hs[1] @ U[1] + b_rec[1])
        hh = np.tanh(xs[2] @ W[2] + b_in[2] + r * (hs[2] @ U[2] + b_rec[2]))
    else:
        b = [bias[k * u:(k + 1) * u] for k in range(3)]
        z = g(xs[0] @ W[0] + b[0] + hs[0] @ U[0])
        r = g(xs[1] @ W[1] + b[1] + hs[1] @ U[1])
        hh = np.tanh(xs[2] @ W[2] + b[2] + (r * hs[2]) @ U[2])
    h = z * (hs[0] if blend_dropped else h_prev) + (1 - z) * hh
    return h, [h]


def run_reference(step, x, states, mask=None, go_backwards=False):
    """Keras 2's K.rnn: outputs in processing order, masked steps keep the states and output
    the previous h (states[0])."""
    outputs = []
    order = range(x.shape[1])
    for t in (reversed(order) if go_backwards else order):
        out, new = step(x[:, t], states)
        if mask is not None:
            keep = mask[:, t][:, None]
            out = np.where(keep, out, states[0])
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
        states = new
        outputs.append(out)
    return np.stack(outputs, axis=1), states


def _x(shape, seed=0):
    return np.random.RandomState(seed).randn(*shape).astype("float32")


def _run(layer, x, **kwargs):
    out = layer(torch.as_tensor(x), **kwargs)
    if isinstance(out, list):
        return [o.detach().numpy() for o in out]
    return out.detach().numpy()


def _randomize(layer, seed=1):
    rng = np.random.RandomState(seed)
    layer.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype("float32")
                       for w in layer.get_weights()])
    return layer.get_weights()


def _zeros(batch, units, count):
    return [np.zeros((batch, units), "float32") for _ in range(count)]


LAYERS = {
    "simple": (lambda **kw: layers.SimpleRNN(4, **kw), simple_step, 1),
    "lstm_hard": (lambda **kw: layers.LSTM(4, **kw), lstm_step, 2),
    "lstm_sigmoid": (lambda **kw: layers.LSTM(4, recurrent_activation="sigmoid", **kw),
                     lambda w, x, s: lstm_step(w, x, s, gate="sigmoid"), 2),
    "gru_hard": (lambda **kw: layers.GRU(4, **kw), gru_step, 1),
    "gru_reset_after": (lambda **kw: layers.GRU(4, reset_after=True, **kw),
                        lambda w, x, s: gru_step(w, x, s, reset_after=True), 1),
    "gru_reset_after_sigmoid": (
        lambda **kw: layers.GRU(4, reset_after=True, recurrent_activation="sigmoid", **kw),
        lambda w, x, s: gru_step(w, x, s, reset_after=True, gate="sigmoid"), 1),
    "gru_sigmoid": (lambda **kw: layers.GRU(4, recurrent_activation="sigmoid", **kw),
                    lambda w, x, s: gru_step(w, x, s, gate="sigmoid"), 1),
}


# ------------------------------------------------------------------ values
@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_layers_match_numpy_step_loop(kind, go_backwards):
    make, step, n_states = LAYERS[kind]
    x = _x((3, 5, 6))
    layer = make(return_sequences=True, return_state=True, go_backwards=go_backwards)
    layer(torch.as_tensor(x))
    weights = _randomize(layer)
    sequence, *states = _run(layer, x)
    ref_seq, ref_states = run_reference(lambda x_t, s: step(weights, x_t, s), x,
                                        _zeros(3, 4, n_states), go_backwards=go_backwards)
    np.testing.assert_allclose(sequence, ref_seq, rtol=1e-5, atol=1e-5)
    assert len(states) == n_states
    for got, want in zip(states, ref_states):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    last = make(go_backwards=go_backwards)
    last(torch.as_tensor(x))
    last.set_weights(weights)
    np.testing.assert_allclose(_run(last, x), ref_seq[:, -1], rtol=1e-5, atol=1e-5)


def test_weight_layouts_and_gate_order():
    shapes = {}
    for name, layer in [("simple", layers.SimpleRNN(3)), ("lstm", layers.LSTM(3)),
                        ("gru", layers.GRU(3)), ("gru2", layers.GRU(3, reset_after=True))]:
        layer(torch.zeros(1, 2, 5))
        shapes[name] = [w.shape for w in layer.get_weights()]
        assert layer.weights[0] is layer.cell.kernel
    assert shapes == {"simple": [(5, 3), (3, 3), (3,)], "lstm": [(5, 12), (3, 12), (12,)],
                      "gru": [(5, 9), (3, 9), (9,)], "gru2": [(5, 9), (3, 9), (2, 9)]}


def test_lstm_unit_forget_bias_and_orthogonal_recurrent_kernel():
    layer = layers.LSTM(3)
    layer(torch.zeros(1, 2, 5))
    kernel, recurrent, bias = layer.get_weights()
    np.testing.assert_array_equal(bias, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(3), atol=1e-5)  # (3, 12)
    plain = layers.LSTM(3, unit_forget_bias=False)
    plain(torch.zeros(1, 2, 5))
    np.testing.assert_array_equal(plain.get_weights()[2], np.zeros(12))


@pytest.mark.parametrize("cell, step, sizes", [
    (layers.SimpleRNNCell(4), simple_step, 4),
    (layers.LSTMCell(4, recurrent_activation="sigmoid"),
     lambda w, x, s: lstm_step(w, x, s, gate="sigmoid"), (4, 4)),
    (layers.LSTMCell(4, implementation=2), lstm_step, (4, 4)),
    (layers.GRUCell(4, reset_after=True), lambda w, x, s: gru_step(w, x, s, True), 4),
])
def test_cells_one_step_and_under_rnn(cell, step, sizes):
    assert cell.state_size == sizes and cell.output_size == 4
    cell.build((None, 6))
    weights = _randomize(cell)
    n = len(sizes) if isinstance(sizes, tuple) else 1
    x, states = _x((2, 6)), [_x((2, 4), seed=s + 3) for s in range(n)]
    output, new = cell.call(torch.as_tensor(x), [torch.as_tensor(s) for s in states])
    ref_out, ref_new = step(weights, x, states)
    np.testing.assert_allclose(output.detach().numpy(), ref_out, rtol=1e-5, atol=1e-5)
    for got, want in zip(new, ref_new):
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-5, atol=1e-5)
    rnn = layers.RNN(cell, return_sequences=True)
    seq = _x((2, 5, 6), seed=9)
    ref_seq, _ = run_reference(lambda x_t, s: step(weights, x_t, s), seq, _zeros(2, 4, n))
    np.testing.assert_allclose(_run(rnn, seq), ref_seq, rtol=1e-5, atol=1e-5)
    assert rnn.get_weights()[0].shape == (6, 4 * (4 if n == 2 else 3 if "GRU" in
                                                  type(cell).__name__ else 1))


def test_hard_sigmoid_and_sigmoid_lstm_differ():
    x = _x((2, 4, 3))
    outs = []
    for gate in ("hard_sigmoid", "sigmoid"):
        layer = layers.LSTM(4, recurrent_activation=gate)
        layer(torch.as_tensor(x))
        _randomize(layer)
        outs.append(_run(layer, x))
    assert np.abs(outs[0] - outs[1]).max() > 1e-3


# ------------------------------------------------------------------ masks
@pytest.mark.parametrize("kind", ["simple", "lstm_hard", "gru_hard", "gru_reset_after"])
def test_left_padded_masked_sequence_ends_like_the_unpadded_one(kind):
    make, step, n_states = LAYERS[kind]
    tokens = np.array([[0, 0, 3, 5, 7], [4, 2, 9, 1, 6]])
    model = Sequential([layers.Embedding(10, 6, mask_zero=True), make()])
    padded = model.predict(tokens)
    unpadded = model.predict(tokens[:1, 2:])
    np.testing.assert_allclose(padded[0], unpadded[0], rtol=1e-5, atol=1e-6)
    # against the reference with the mask
    vectors = model.layers[0].get_weights()[0][tokens]
    weights = model.layers[1].get_weights()
    ref, _ = run_reference(lambda x_t, s: step(weights, x_t, s), vectors,
                           _zeros(2, 4, n_states), mask=tokens != 0)
    np.testing.assert_allclose(padded, ref[:, -1], rtol=1e-5, atol=1e-5)


def test_mask_flows_through_stacked_layers_in_a_functional_model():
    tokens = np.array([[0, 0, 0, 3, 5, 7], [8, 4, 2, 9, 1, 6]])
    inputs = layers.Input((None,))
    hidden = layers.Embedding(10, 5, mask_zero=True)(inputs)
    hidden = layers.LSTM(4, return_sequences=True)(hidden)
    outputs = layers.GRU(3)(hidden)
    model = Model(inputs, outputs)
    padded = model.predict(tokens)
    np.testing.assert_allclose(padded[0], model.predict(tokens[:1, 3:])[0], rtol=1e-5,
                               atol=1e-6)
    assert np.abs(padded[0] - model.predict(np.where(tokens == 0, 1, tokens)[:1])[0]).max() \
        > 1e-4  # the padding did count without the mask


def test_masked_steps_repeat_the_previous_output_and_the_mask_passes_on():
    layer = layers.LSTM(3, return_sequences=True)
    x = torch.as_tensor(_x((2, 5, 4)))
    mask = torch.tensor([[True, False, True, False, False], [False, True, True, True, True]])
    out = layer(x, mask=mask)
    assert torch.equal(out._keras_mask, mask)
    y = out.detach().numpy()
    np.testing.assert_array_equal(y[0, 1], y[0, 0])
    np.testing.assert_array_equal(y[0, 4], y[0, 2])
    np.testing.assert_array_equal(y[1, 0], np.zeros(3))  # the initial state
    weights = layer.get_weights()
    ref, _ = run_reference(lambda x_t, s: lstm_step(weights, x_t, s), x.numpy(),
                           _zeros(2, 3, 2), mask=mask.numpy())
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)
    last = layers.LSTM(3)
    assert last.compute_mask(x, mask) is None
    assert layers.LSTM(3, return_sequences=True, return_state=True).compute_mask(
        x, mask)[1:] == [None, None]


def test_masked_go_backwards_matches_reference():
    layer = layers.GRU(3, go_backwards=True, return_sequences=True)
    x = _x((2, 4, 2))
    mask = np.array([[1, 1, 0, 0], [1, 0, 1, 1]], bool)
    y = layer(torch.as_tensor(x), mask=torch.as_tensor(mask)).detach().numpy()
    weights = layer.get_weights()
    ref, _ = run_reference(lambda x_t, s: gru_step(weights, x_t, s), x, _zeros(2, 3, 1),
                           mask=mask, go_backwards=True)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ states
def test_initial_state_eager_and_in_a_functional_model():
    x = _x((2, 5, 3))
    h0, c0 = _x((2, 4), seed=5), _x((2, 4), seed=6)
    layer = layers.LSTM(4, return_state=True)
    output, h, c = _run(layer, x, initial_state=[torch.as_tensor(h0), torch.as_tensor(c0)])
    weights = layer.get_weights()
    ref, (ref_h, ref_c) = run_reference(lambda x_t, s: lstm_step(weights, x_t, s), x, [h0, c0])
    np.testing.assert_allclose(output, ref[:, -1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h, ref_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c, ref_c, rtol=1e-5, atol=1e-5)

    inputs = layers.Input((5, 3))
    state_h, state_c = layers.Input((4,)), layers.Input((4,))
    rnn = layers.LSTM(4)
    model = Model([inputs, state_h, state_c], rnn(inputs, initial_state=[state_h, state_c]))
    rnn.set_weights(weights)
    np.testing.assert_allclose(model.predict([x, h0, c0]), ref[:, -1], rtol=1e-5, atol=1e-5)


def test_return_state_shapes_in_a_functional_model():
    inputs = layers.Input((7, 3))
    outputs = layers.GRU(5, return_sequences=True, return_state=True)(inputs)
    assert [tuple(t.shape) for t in outputs] == [(None, 7, 5), (None, 5)]
    assert layers.LSTM(5, return_state=True).compute_output_shape((None, 7, 3)) == \
        [(None, 5), (None, 5), (None, 5)]


def test_stateful_carries_states_between_calls_and_resets():
    x = _x((2, 6, 3))
    whole = layers.SimpleRNN(4)
    full = _run(whole, x)
    layer = layers.SimpleRNN(4, stateful=True, batch_input_shape=(2, None, 3))
    model = Sequential([layer])
    layer.set_weights(whole.get_weights())
    model.predict(x[:, :3], batch_size=2)
    np.testing.assert_allclose(model.predict(x[:, 3:], batch_size=2), full, rtol=1e-5,
                               atol=1e-6)
    layer.reset_states()
    np.testing.assert_array_equal(layer.states[0].numpy(), np.zeros((2, 4)))
    np.testing.assert_allclose(model.predict(x, batch_size=2), full, rtol=1e-5, atol=1e-6)
    h0 = _x((2, 4), seed=2)
    layer.reset_states([h0])
    expected = _run(whole, x, initial_state=[torch.as_tensor(h0)])
    np.testing.assert_allclose(_run(layer, x), expected, rtol=1e-5, atol=1e-6)


def test_stateful_lstm_two_states():
    x = _x((3, 4, 2))
    lstm = layers.LSTM(2, stateful=True, return_state=True, batch_input_shape=(3, 4, 2))
    _, h, c = _run(lstm, x)
    np.testing.assert_allclose(lstm.states[0].numpy(), h)
    np.testing.assert_allclose(lstm.states[1].numpy(), c)


# ------------------------------------------------------------------ dropout
@pytest.mark.parametrize("make", [
    lambda: layers.SimpleRNN(4, dropout=0.3, recurrent_dropout=0.4),
    lambda: layers.LSTM(4, dropout=0.3, recurrent_dropout=0.4),
    lambda: layers.GRU(4, dropout=0.3, recurrent_dropout=0.4),
])
def test_dropout_only_in_training(make):
    x = _x((3, 5, 6))
    layer = make()
    config = layer.get_config()
    plain = type(layer).from_config({**config, "dropout": 0., "recurrent_dropout": 0.,
                                     "name": "plain"})
    expected = _run(plain, x)
    layer(torch.as_tensor(x))
    layer.set_weights(plain.get_weights())
    np.testing.assert_array_equal(_run(layer, x), expected)
    trained = _run(layer, x, training=True)
    assert np.abs(trained - expected).max() > 1e-3


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_dropout_masks_per_gate(reset_after):
    x = _x((3, 5, 6))
    layer = layers.GRU(4, dropout=0.4, recurrent_dropout=0.3, reset_after=reset_after)
    layer(torch.as_tensor(x))
    weights = _randomize(layer)
    got = _run(layer, x, training=True)
    x_mask = [m.numpy() for m in layer.cell._dropout_mask]
    h_mask = [m.numpy() for m in layer.cell._recurrent_dropout_mask]
    assert len(x_mask) == len(h_mask) == 3
    ref, _ = run_reference(lambda x_t, s: gru_step(weights, x_t, s, reset_after, x_mask=x_mask,
                                                   h_mask=h_mask), x, _zeros(3, 4, 1))
    np.testing.assert_allclose(got, ref[:, -1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_implementation_2_keeps_keras_dropped_state_blend(reset_after):
    x = _x((3, 5, 6))
    layer = layers.GRU(4, dropout=0.4, recurrent_dropout=0.3, reset_after=reset_after,
                       implementation=2)
    layer(torch.as_tensor(x))
    weights = _randomize(layer)
    plain = _run(layer, x)
    got = _run(layer, x, training=True)
    x_mask = [layer.cell._dropout_mask[0].numpy()] * 3
    h_mask = [layer.cell._recurrent_dropout_mask[0].numpy()] * 3
    ref, _ = run_reference(lambda x_t, s: gru_step(weights, x_t, s, reset_after, x_mask=x_mask,
                                                   h_mask=h_mask, blend_dropped=True),
                           x, _zeros(3, 4, 1))
    np.testing.assert_allclose(got, ref[:, -1], rtol=1e-5, atol=1e-5)
    ref, _ = run_reference(lambda x_t, s: gru_step(weights, x_t, s, reset_after), x,
                           _zeros(3, 4, 1))
    np.testing.assert_allclose(plain, ref[:, -1], rtol=1e-5, atol=1e-5)  # inference: same


def test_lstm_implementation_2_uses_one_dropout_mask_for_all_gates():
    x = _x((3, 5, 6))
    layer = layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5, implementation=2)
    got = _run(layer, x, training=True)
    x_mask = [layer.cell._dropout_mask[0].numpy()] * 4
    h_mask = [layer.cell._recurrent_dropout_mask[0].numpy()] * 4
    weights = layer.get_weights()
    ref, _ = run_reference(lambda x_t, s: lstm_step(weights, x_t, s, x_mask=x_mask,
                                                    h_mask=h_mask), x, _zeros(3, 4, 2))
    np.testing.assert_allclose(got, ref[:, -1], rtol=1e-5, atol=1e-5)


def test_dropout_masks_are_drawn_once_per_sequence():
    x = _x((3, 5, 6))
    layer = layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5)
    got = _run(layer, x, training=True)
    x_masks = [m.numpy() for m in layer.cell._dropout_mask]
    h_masks = [m.numpy() for m in layer.cell._recurrent_dropout_mask]
    assert len(x_masks) == 4 and x_masks[0].shape == (3, 6) and h_masks[0].shape == (3, 4)
    assert set(np.unique(x_masks[0])) <= {0.0, 2.0}
    weights = layer.get_weights()
    ref, _ = run_reference(lambda x_t, s: lstm_step(weights, x_t, s, x_mask=x_masks,
                                                    h_mask=h_masks), x, _zeros(3, 4, 2))
    np.testing.assert_allclose(got, ref[:, -1], rtol=1e-5, atol=1e-5)
    simple = layers.SimpleRNN(4, dropout=0.5, recurrent_dropout=0.5)
    got = _run(simple, x, training=True)
    masks = simple.cell._dropout_mask, simple.cell._recurrent_dropout_mask
    weights = simple.get_weights()
    ref, _ = run_reference(lambda x_t, s: simple_step(weights, x_t, s, [masks[0][0].numpy()],
                                                      [masks[1][0].numpy()]), x, _zeros(3, 4, 1))
    np.testing.assert_allclose(got, ref[:, -1], rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ the books
def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def test_books_parameter_counts():
    model = Sequential([layers.Embedding(10000, 32), layers.SimpleRNN(32),
                        layers.Dense(1, activation="sigmoid")])
    text = _summary(model)
    assert "simple_rnn_1 (SimpleRNN)     (None, 32)                2080" in text
    lstm = Sequential([layers.LSTM(32, input_shape=(None, 32))])
    assert "8320" in _summary(lstm) and lstm.layers[0].count_params() == 8320
    gru = Sequential([layers.GRU(32, input_shape=(None, 14))])
    assert gru.layers[0].count_params() == 4512
    gru2 = Sequential([layers.GRU(32, reset_after=True, input_shape=(None, 14))])
    assert gru2.layers[0].count_params() == 4608
    stacked = Sequential([layers.Embedding(100, 8),
                          layers.LSTM(32, dropout=0.2, recurrent_dropout=0.2,
                                      return_sequences=True),
                          layers.LSTM(16)])
    assert stacked.layers[1].output_shape == (None, None, 32)
    assert stacked.layers[2].output_shape == (None, 16)


def test_training_a_tiny_model_lowers_the_loss():
    rng = np.random.RandomState(0)
    x = rng.randint(1, 20, size=(64, 6))
    y = (x[:, -1] > 10).astype("float32")
    model = Sequential([layers.Embedding(20, 8, mask_zero=True), layers.GRU(8, dropout=0.1),
                        layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0] - 0.02


def test_stateful_model_fits_and_json_round_trip():
    from cornu.models import model_from_json
    model = Sequential([layers.LSTM(4, stateful=True, batch_input_shape=(8, 6, 1)),
                        layers.Dense(1)])
    model.compile("sgd", "mse")
    rng = np.random.RandomState(0)
    x, y = rng.rand(32, 6, 1).astype("float32"), rng.rand(32, 1).astype("float32")
    history = model.fit(x, y, batch_size=8, shuffle=False, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.abs(model.layers[0].states[0].numpy()).sum() > 0  # carried from the last batch
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    model.layers[0].reset_states()
    np.testing.assert_allclose(clone.predict(x, batch_size=8), model.predict(x, batch_size=8),
                               rtol=1e-6)


def test_regularizers_trainable_and_input_dim_arguments():
    layer = layers.GRU(3, kernel_regularizer="l2", recurrent_regularizer="l1",
                       input_dim=2, input_length=5)
    assert layer.batch_input_shape == (None, 5, 2)
    layer(torch.zeros(1, 5, 2))
    kernel, recurrent = layer.get_weights()[:2]
    got = sorted(float(loss.detach()) for loss in layer.losses)
    want = sorted([0.01 * float((kernel ** 2).sum()), 0.01 * float(np.abs(recurrent).sum())])
    np.testing.assert_allclose(got, want, rtol=1e-5)
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3


# ------------------------------------------------------------------ configs
@pytest.mark.parametrize("make", [
    lambda: layers.SimpleRNN(3, activation="relu", dropout=0.1, return_sequences=True),
    lambda: layers.LSTM(3, recurrent_activation="sigmoid", unit_forget_bias=False,
                        go_backwards=True, kernel_regularizer="l2"),
    lambda: layers.GRU(3, reset_after=True, return_state=True, recurrent_dropout=0.2),
])
def test_flat_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    assert "cell" not in config and config["units"] == 3
    clone = layers.deserialize(layers.serialize(layer))
    assert type(clone) is type(layer) and clone.get_config() == config
    x = _x((2, 4, 5))
    expected = _run(layer, x)
    clone(torch.as_tensor(x))
    clone.set_weights(layer.get_weights())
    got = _run(clone, x)
    for a, b in zip(got if isinstance(got, list) else [got],
                    expected if isinstance(expected, list) else [expected]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_keras_2_config_keys():
    lstm = layers.LSTM(3).get_config()
    assert lstm["recurrent_activation"] == "hard_sigmoid" and lstm["implementation"] == 1
    assert lstm["unit_forget_bias"] is True and lstm["recurrent_dropout"] == 0.
    assert layers.GRU(3).get_config()["reset_after"] is False
    assert "implementation" not in layers.SimpleRNN(3, implementation=2).get_config()


def test_rnn_config_nests_the_cell():
    rnn = layers.RNN(layers.GRUCell(5, reset_after=True), return_sequences=True)
    config = layers.serialize(rnn)
    assert config["config"]["cell"]["class_name"] == "GRUCell"
    assert config["config"]["cell"]["config"]["reset_after"] is True
    clone = layers.deserialize(config)
    assert isinstance(clone.cell, layers.GRUCell) and clone.return_sequences
    assert clone.cell.units == 5


def test_layer_exposes_cell_settings():
    layer = layers.GRU(7, dropout=0.25, recurrent_activation="sigmoid")
    assert (layer.units, layer.dropout, layer.reset_after) == (7, 0.25, False)
    assert layer.recurrent_activation is layer.cell.recurrent_activation
    layer(torch.zeros(1, 2, 3))
    assert layer.cell.recurrent_kernel.shape == (7, 21)


# ------------------------------------------------------------------ errors
def test_wrong_rank_names_the_layer():
    layer = layers.LSTM(3, name="my_lstm")
    with pytest.raises(ValueError, match=r"layer my_lstm .*expected ndim=3, found ndim=2"):
        layer(torch.zeros(4, 5))
    with pytest.raises(ValueError, match="my_lstm.*ndim=3"):
        Sequential([layers.Dense(4, input_shape=(5,)), layers.LSTM(3, name="my_lstm")])


def test_state_errors():
    with pytest.raises(ValueError, match="stateful RNN needs to know its batch size"):
        layers.SimpleRNN(3, stateful=True)(layers.Input((4, 2)))
    with pytest.raises(AttributeError, match="must be stateful"):
        layers.SimpleRNN(3).reset_states()
    layer = layers.SimpleRNN(3, stateful=True, batch_input_shape=(2, 4, 2))
    layer(torch.zeros(2, 4, 2))
    with pytest.raises(ValueError, match=r"expected shape=\(2, 3\), found shape=\(2, 4\)"):
        layer.reset_states([np.zeros((2, 4))])
    with pytest.raises(ValueError, match="batch size 2, but received a batch of 3"):
        layer(torch.zeros(3, 4, 2))
    with pytest.raises(ValueError, match="has 2 state\\(s\\) but was passed 1"):
        layers.LSTM(3)(torch.zeros(2, 4, 2), initial_state=[torch.zeros(2, 3)])
    with pytest.raises(ValueError, match="`units` must be a positive integer"):
        layers.LSTM(0)
    with pytest.raises(TypeError, match="Keyword argument not understood: 'unit'"):
        layers.GRU(3, unit=4)


def test_model_reset_states_resets_every_stateful_layer():
    from cornu.models import Model
    inner = Sequential([layers.SimpleRNN(3, stateful=True, batch_input_shape=(2, 4, 2))])
    outer = Sequential([layers.InputLayer(batch_input_shape=(2, 4, 2)), inner,
                        layers.Dense(1)])
    x = np.random.RandomState(5).rand(2, 4, 2).astype("float32")
    first = outer.predict(x, batch_size=2)
    second = outer.predict(x, batch_size=2)
    assert not np.allclose(first, second)  # the states carried over
    outer.reset_states()
    np.testing.assert_allclose(outer.predict(x, batch_size=2), first, rtol=1e-6)
    assert isinstance(inner, Model)
