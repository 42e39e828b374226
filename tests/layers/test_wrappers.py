"""Wrappers and stacked cells: Bidirectional (every merge mode, sequences, states, weights,
configs, the books' parameter counts, stateful layers, training), TimeDistributed (Dense
against NumPy, convolutions, masks, configs) and StackedRNNCells (against stacked layers with
the same weights), with the NumPy step loops of test_recurrent."""
import numpy as np
import pytest
import torch

from cornu import compat, layers, optimizers
from cornu.models import Model, Sequential
from cornu.saving.registry import layer_class
from tests.layers.test_recurrent import (_randomize, _x, _zeros, gru_step, lstm_step,
                                         run_reference, simple_step)

STEPS = {"LSTM": (lstm_step, 2), "GRU": (gru_step, 1), "SimpleRNN": (simple_step, 1)}


def _numpy(out):
    if isinstance(out, list):
        return [o.detach().numpy() for o in out]
    return out.detach().numpy()


def _by_hand(kind, weights, x, states=None, units=4):
    """The forward run and the run on the time-reversed input, with the forward weights
    (first half of ``weights``) and the backward ones: ``(sequence, states)`` each, the
    backward sequence in its processing order."""
    step, count = STEPS[kind]
    half = len(weights) // 2
    forward_states, backward_states = states or (_zeros(x.shape[0], units, count),) * 2
    forward = run_reference(lambda x_t, s: step(weights[:half], x_t, s), x, forward_states)
    backward = run_reference(lambda x_t, s: step(weights[half:], x_t, s), x[:, ::-1],
                             backward_states)
    return forward, backward


MERGED = {"concat": lambda f, b: np.concatenate([f, b], axis=-1), "sum": lambda f, b: f + b,
          "mul": lambda f, b: f * b, "ave": lambda f, b: (f + b) / 2}


# ------------------------------------------------------------------ Bidirectional values
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_bidirectional_merge_modes_match_a_forward_and_a_reversed_run(merge_mode, kind):
    x = _x((3, 5, 6))
    layer = layers.Bidirectional(getattr(layers, kind)(4), merge_mode=merge_mode)
    layer(torch.as_tensor(x))
    weights = _randomize(layer)
    (forward, _), (backward, _) = _by_hand(kind, weights, x)
    got = _numpy(layer(torch.as_tensor(x)))
    if merge_mode is None:
        assert isinstance(got, list) and len(got) == 2
        np.testing.assert_allclose(got[0], forward[:, -1], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got[1], backward[:, -1], rtol=1e-5, atol=1e-5)
    else:
        want = MERGED[merge_mode](forward[:, -1], backward[:, -1])
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("merge_mode", ["concat", "ave", None])
def test_bidirectional_sequences_put_the_backward_outputs_back_in_time_order(merge_mode):
    x = _x((2, 6, 3))
    layer = layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode=merge_mode)
    layer(torch.as_tensor(x))
    weights = _randomize(layer)
    (forward, _), (backward, _) = _by_hand("LSTM", weights, x)
    backward_in_time_order = backward[:, ::-1]
    got = _numpy(layer(torch.as_tensor(x)))
    if merge_mode is None:
        np.testing.assert_allclose(got[0], forward, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got[1], backward_in_time_order, rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_allclose(got, MERGED[merge_mode](forward, backward_in_time_order),
                                   rtol=1e-5, atol=1e-5)
    # step 0 of the backward half saw the whole sequence: it is the backward run's last output
    np.testing.assert_allclose(backward_in_time_order[:, 0], backward[:, -1])


@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_return_state_gives_forward_then_backward_states(merge_mode):
    x = _x((2, 5, 3))
    layer = layers.Bidirectional(layers.LSTM(4, return_sequences=True, return_state=True),
                                 merge_mode=merge_mode)
    layer(torch.as_tensor(x))
    weights = _randomize(layer)
    (forward, forward_states), (backward, backward_states) = _by_hand("LSTM", weights, x)
    got = _numpy(layer(torch.as_tensor(x)))
    outputs = got[:2] if merge_mode is None else got[:1]
    states = got[len(outputs):]
    assert len(states) == 4
    for have, want in zip(states, forward_states + backward_states):
        np.testing.assert_allclose(have, want, rtol=1e-5, atol=1e-5)
    if merge_mode is None:
        np.testing.assert_allclose(outputs[1], backward[:, ::-1], rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_allclose(outputs[0][..., 4:], backward[:, ::-1], rtol=1e-5,
                                   atol=1e-5)


def test_bidirectional_symbolic_shapes():
    inputs = layers.Input((7, 3))
    assert layers.Bidirectional(layers.LSTM(5))(inputs).shape == (None, 10)
    assert layers.Bidirectional(layers.GRU(5, return_sequences=True),
                                merge_mode="sum")(inputs).shape == (None, 7, 5)
    outputs = layers.Bidirectional(layers.LSTM(5, return_sequences=True, return_state=True))(
        inputs)
    assert [t.shape for t in outputs] == [(None, 7, 10)] + [(None, 5)] * 4
    outputs = layers.Bidirectional(layers.GRU(5, return_state=True), merge_mode=None)(inputs)
    assert [t.shape for t in outputs] == [(None, 5)] * 4
    unknown = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True))
    assert unknown.compute_output_shape((None, None, 3)) == (None, None, 4)


def test_bidirectional_initial_state_is_split_between_the_layers():
    x = _x((2, 5, 3))
    states = [_x((2, 4), seed=s) for s in (5, 6, 7, 8)]
    layer = layers.Bidirectional(layers.LSTM(4))
    layer(torch.as_tensor(x))
    weights = _randomize(layer)
    (forward, _), (backward, _) = _by_hand("LSTM", weights, x, (states[:2], states[2:]))
    want = np.concatenate([forward[:, -1], backward[:, -1]], axis=-1)
    got = layer(torch.as_tensor(x), initial_state=[torch.as_tensor(s) for s in states])
    np.testing.assert_allclose(_numpy(got), want, rtol=1e-5, atol=1e-5)

    inputs = layers.Input((5, 3))
    state_inputs = [layers.Input((4,)) for _ in range(4)]
    wrapper = layers.Bidirectional(layers.LSTM(4))
    model = Model([inputs] + state_inputs, wrapper(inputs, initial_state=state_inputs))
    wrapper.set_weights(weights)
    np.testing.assert_allclose(model.predict([x] + states), want, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ weights, names, masks
def test_bidirectional_weights_are_the_forward_then_the_backward_layers():
    layer = layers.Bidirectional(layers.GRU(3, name="gru"))
    layer(torch.zeros(1, 2, 5))
    assert (layer.forward_layer.name, layer.backward_layer.name) == ("forward_gru",
                                                                       "backward_gru")
    assert (layer.forward_layer.go_backwards, layer.backward_layer.go_backwards) == (False, True)
    assert [w.shape for w in layer.get_weights()] == [(5, 9), (3, 9), (9,)] * 2
    weights = _randomize(layer)
    for got, want in zip(layer.forward_layer.get_weights() + layer.backward_layer.get_weights(),
                         weights):
        np.testing.assert_array_equal(got, want)
    assert layer.trainable_weights[0] is layer.forward_layer.cell.kernel
    assert layer.trainable_weights[3] is layer.backward_layer.cell.kernel
    assert len(layer.trainable_weights) == 6 and layer.non_trainable_weights == []
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 6
    with pytest.raises(ValueError, match="expecting 6 weights: 3 for forward_gru, then 3"):
        layer.set_weights(weights[:3])


def test_bidirectional_weights_argument_is_set_when_built():
    weights = [np.full(shape, value, "float32") for value, shape in
               enumerate([(5, 2), (2, 2), (2,), (5, 2), (2, 2), (2,)])]
    layer = layers.Bidirectional(layers.SimpleRNN(2), weights=weights)
    layer(torch.zeros(1, 3, 5))
    for got, want in zip(layer.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(layer.backward_layer.get_weights()[0], weights[3])


def test_bidirectional_masks():
    x = torch.zeros(2, 4, 3)
    mask = torch.tensor([[True, True, False, False], [True, True, True, True]])
    sequences = layers.Bidirectional(layers.LSTM(2, return_sequences=True))
    assert torch.equal(sequences(x, mask=mask)._keras_mask, mask)
    both = layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode=None)
    assert [torch.equal(m, mask) for m in both.compute_mask(x, mask)] == [True, True]
    assert layers.Bidirectional(layers.LSTM(2)).compute_mask(x, mask) is None
    assert layers.Bidirectional(layers.LSTM(2), merge_mode=None).compute_mask(x, mask) == \
        [None, None]
    with_states = layers.Bidirectional(layers.LSTM(2, return_sequences=True, return_state=True),
                                       merge_mode=None).compute_mask(x, mask)
    assert len(with_states) == 6 and with_states[2:] == [None] * 4


# ------------------------------------------------------------------ configs
def test_bidirectional_config_round_trip():
    layer = layers.Bidirectional(layers.GRU(3, reset_after=True, return_sequences=True,
                                            name="encoder"), merge_mode="mul", name="bi")
    config = layers.serialize(layer)
    assert config["class_name"] == "Bidirectional"
    assert config["config"]["merge_mode"] == "mul" and config["config"]["name"] == "bi"
    assert config["config"]["layer"]["class_name"] == "GRU"
    assert config["config"]["layer"]["config"]["name"] == "encoder"
    assert config["config"]["layer"]["config"]["go_backwards"] is False
    clone = layers.deserialize(config)
    assert clone.get_config() == layer.get_config()
    assert clone.backward_layer.name == "backward_encoder" and clone.backward_layer.reset_after
    x = _x((2, 4, 5))
    expected = _numpy(layer(torch.as_tensor(x)))
    clone(torch.as_tensor(x))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(_numpy(clone(torch.as_tensor(x))), expected, rtol=1e-6)


def test_bidirectional_custom_backward_layer_round_trip():
    backward = layers.LSTM(3, go_backwards=True, recurrent_activation="sigmoid", name="back")
    layer = layers.Bidirectional(layers.LSTM(3, name="fore"), backward_layer=backward,
                                 merge_mode="sum")
    assert layer.backward_layer is backward and backward.name == "backward_back"
    config = layer.get_config()
    assert config["backward_layer"]["config"]["name"] == "back"
    clone = layers.deserialize(layers.serialize(layer))
    assert clone.backward_layer.name == "backward_back"
    assert clone.backward_layer.get_config()["recurrent_activation"] == "sigmoid"
    assert clone.forward_layer.get_config()["recurrent_activation"] == "hard_sigmoid"


def test_rnn_with_a_custom_cell_is_copied_with_its_class():
    class DoublingCell(layers.SimpleRNNCell):
        def call(self, inputs, states, training=None):
            output, new = super().call(inputs, states, training)
            return output * 2, [s * 2 for s in new]
    layer = layers.Bidirectional(layers.RNN(DoublingCell(2)))
    assert type(layer.backward_layer.cell) is DoublingCell
    assert layer(torch.ones(1, 3, 2)).shape == (1, 4)


# ------------------------------------------------------------------ the books
def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def test_books_parameter_counts():
    model = Sequential([layers.Bidirectional(layers.LSTM(32), input_shape=(None, 100))])
    text = _summary(model)
    assert "bidirectional_1 (Bidirection (None, 64)                34048" in text
    assert 34048 == 2 * 4 * (32 * (100 + 32) + 32)
    imdb = Sequential([layers.Embedding(10000, 32), layers.Bidirectional(layers.LSTM(32)),
                       layers.Dense(1, activation="sigmoid")])
    assert "(None, 64)                16640" in _summary(imdb)  # Chollet, listing 6.42
    jena = Sequential([layers.Bidirectional(layers.GRU(32), input_shape=(None, 14)),
                       layers.Dense(1)])
    assert jena.layers[0].count_params() == 2 * 4512  # Chollet, listing 6.44
    inner_shape = Sequential([layers.Bidirectional(layers.LSTM(8, input_shape=(5, 3)))])
    assert inner_shape.output_shape == (None, 16)


def test_sequential_with_bidirectional_lstm_trains():
    rng = np.random.RandomState(0)
    x = rng.randint(1, 20, size=(64, 6))
    y = (x[:, 0] > 10).astype("float32")  # the first token: easiest read backwards
    model = Sequential([layers.Embedding(20, 8, mask_zero=True),
                        layers.Bidirectional(layers.LSTM(8)),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizers.Adam(lr=0.01), "binary_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0] - 0.1, losses


def test_stateful_bidirectional_carries_states_and_resets():
    x = _x((2, 4, 3))
    model = Sequential([layers.Bidirectional(layers.SimpleRNN(3, stateful=True),
                                             batch_input_shape=(2, 4, 3))])
    wrapper = model.layers[0]
    assert wrapper.stateful and wrapper.backward_layer.stateful
    first = model.predict(x, batch_size=2)
    assert not np.allclose(model.predict(x, batch_size=2), first)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-6)
    wrapper.reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-6)


# ------------------------------------------------------------------ errors
def test_bidirectional_errors():
    with pytest.raises(ValueError, match=r"recurrent layer .*Dense layer 'dense'.*"
                                         r"TimeDistributed\(Dense"):
        layers.Bidirectional(layers.Dense(3, name="dense"))
    with pytest.raises(ValueError, match=r"the class LSTM itself.*Bidirectional\(LSTM\(32\)\)"):
        layers.Bidirectional(layers.LSTM)
    with pytest.raises(ValueError, match="with a `Layer` instance"):
        layers.Bidirectional("lstm")
    with pytest.raises(ValueError, match=r"Invalid merge mode 'max'.*'concat', None"):
        layers.Bidirectional(layers.LSTM(3), merge_mode="max")
    with pytest.raises(ValueError, match="different `go_backwards`.*go_backwards=True"):
        layers.Bidirectional(layers.LSTM(3), backward_layer=layers.LSTM(3))
    with pytest.raises(ValueError, match="same value for attribute `return_sequences`"):
        layers.Bidirectional(layers.LSTM(3), backward_layer=layers.LSTM(
            3, go_backwards=True, return_sequences=True))
    layer = layers.Bidirectional(layers.LSTM(3))
    with pytest.raises(ValueError, match="forward layer's, then the backward layer's. Found 3"):
        layer(torch.zeros(2, 4, 2), initial_state=[torch.zeros(2, 3)] * 3)
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        layer(torch.zeros(4, 5))


# ------------------------------------------------------------------ TimeDistributed
def test_time_distributed_dense_matches_numpy_step_by_step():
    x = _x((3, 4, 5))
    layer = layers.TimeDistributed(layers.Dense(2, activation="tanh"))
    got = _numpy(layer(torch.as_tensor(x)))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (5, 2) and layer.count_params() == 12
    for t in range(4):
        np.testing.assert_allclose(got[:, t], np.tanh(x[:, t] @ kernel + bias), rtol=1e-5,
                                   atol=1e-6)
    assert layer.weights == layer.layer.weights
    assert layer.trainable_weights[0] is layer.layer.kernel


def test_time_distributed_shapes():
    conv = layers.TimeDistributed(layers.Conv2D(64, (3, 3)))
    assert conv(torch.zeros(2, 10, 8, 8, 3)).shape == (2, 10, 6, 6, 64)
    inputs = layers.Input((10, 299, 299, 3))
    assert layers.TimeDistributed(layers.Conv2D(64, (3, 3)))(inputs).shape == \
        (None, 10, 297, 297, 64)
    model = Sequential([layers.TimeDistributed(layers.Dense(8), input_shape=(10, 16))])
    assert model.output_shape == (None, 10, 8)
    assert "time_distributed_3 (TimeDist (None, 10, 8)             136" in _summary(model)
    flat = layers.TimeDistributed(layers.Flatten())
    assert flat.compute_output_shape((None, None, 4, 5)) == (None, None, 20)


def test_time_distributed_masks():
    x = torch.as_tensor(_x((2, 3, 4)))
    mask = torch.tensor([[True, False, True], [False, True, True]])
    dense = layers.TimeDistributed(layers.Dense(2))
    assert torch.equal(dense(x, mask=mask)._keras_mask, mask)  # Dense passes it on
    assert dense.compute_mask(x, None) is None
    words = torch.tensor([[[1, 2, 0], [0, 0, 0]], [[3, 0, 0], [4, 5, 6]]])
    embedding = layers.TimeDistributed(layers.Embedding(10, 3, mask_zero=True))
    out = embedding(words)
    assert out.shape == (2, 2, 3, 3)
    assert torch.equal(out._keras_mask, words != 0)  # the inner layer's own mask
    flatten = layers.TimeDistributed(layers.Flatten())
    reduced = flatten.compute_mask(out, words != 0)  # inner none: the input mask, reduced
    assert reduced.tolist() == [[True, False], [True, True]]


def test_time_distributed_lstm_reads_padded_words_like_unpadded_ones():
    words = np.array([[[0, 0, 3, 4], [0, 5, 6, 7]], [[1, 2, 3, 4], [0, 0, 0, 9]]])
    inputs = layers.Input((2, None))
    hidden = layers.TimeDistributed(layers.Embedding(10, 5, mask_zero=True))(inputs)
    outputs = layers.TimeDistributed(layers.LSTM(3))(hidden)
    model = Model(inputs, outputs)
    padded = model.predict(words)
    assert padded.shape == (2, 2, 3)
    np.testing.assert_allclose(padded[0, 0], model.predict(np.array([[[3, 4]] * 2]))[0, 0],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(padded[1, 1], model.predict(np.array([[[9]] * 2]))[0, 0],
                               rtol=1e-5, atol=1e-6)


def test_time_distributed_stateful_layer_runs_step_by_step():
    x = _x((2, 3, 4, 5))
    layer = layers.TimeDistributed(layers.SimpleRNN(3, stateful=True),
                                   batch_input_shape=(2, 3, 4, 5))
    got = _numpy(layer(torch.as_tensor(x)))
    alone = layers.SimpleRNN(3, stateful=True, batch_input_shape=(2, 4, 5))
    alone(torch.as_tensor(x[:, 0]))
    alone.reset_states()
    alone.set_weights(layer.get_weights())
    for t in range(3):  # the states carry from one outer step to the next
        np.testing.assert_allclose(got[:, t], _numpy(alone(torch.as_tensor(x[:, t]))),
                                   rtol=1e-5, atol=1e-6)


def test_time_distributed_config_round_trip():
    layer = layers.TimeDistributed(layers.Dense(4, activation="relu", name="inner"),
                                   name="td", input_shape=(5, 3))
    config = layers.serialize(layer)
    assert config["config"]["layer"] == {"class_name": "Dense",
                                         "config": layer.layer.get_config()}
    assert config["config"]["batch_input_shape"] == (None, 5, 3)
    clone = layers.deserialize(config)
    assert isinstance(clone, layers.TimeDistributed) and clone.layer.name == "inner"
    assert clone.get_config() == layer.get_config()
    x = _x((2, 5, 3))
    expected = _numpy(layer(torch.as_tensor(x)))
    clone(torch.as_tensor(x))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(_numpy(clone(torch.as_tensor(x))), expected, rtol=1e-6)


def test_time_distributed_errors():
    with pytest.raises(ValueError, match=r"at least 3 dimensions; it received shape \(4, 5\)"):
        layers.TimeDistributed(layers.Dense(2))(torch.zeros(4, 5))
    with pytest.raises(ValueError, match=r"the class Dense itself"):
        layers.TimeDistributed(layers.Dense)
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.TimeDistributed(layers.Conv2D(2, 3))(torch.zeros(2, 3, 4, 5))


# ------------------------------------------------------------------ StackedRNNCells
def test_stacked_cells_match_two_stacked_layers_with_the_same_weights():
    x = _x((2, 6, 3))
    stacked = layers.RNN([layers.LSTMCell(5), layers.GRUCell(4, reset_after=True)],
                         return_sequences=True, return_state=True)
    sequence, *states = _numpy(stacked(torch.as_tensor(x)))
    assert isinstance(stacked.cell, layers.StackedRNNCells)
    assert stacked.cell.state_size == (4, 5, 5) and stacked.cell.output_size == 4
    weights = _randomize(stacked)
    assert [w.shape for w in weights] == [(3, 20), (5, 20), (20,), (5, 12), (4, 12), (2, 12)]
    sequence, *states = _numpy(stacked(torch.as_tensor(x)))
    first = layers.LSTM(5, return_sequences=True, return_state=True)
    second = layers.GRU(4, reset_after=True, return_sequences=True, return_state=True)
    hidden, h1, c1 = _numpy(first(torch.as_tensor(x)))
    first.set_weights(weights[:3])
    hidden, h1, c1 = _numpy(first(torch.as_tensor(x)))
    second(torch.as_tensor(hidden))
    second.set_weights(weights[3:])
    want, h2 = _numpy(second(torch.as_tensor(hidden)))
    np.testing.assert_allclose(sequence, want, rtol=1e-5, atol=1e-5)
    for got, expected in zip(states, [h2, h1, c1]):  # Keras 2.2.4: last cell's states first
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert stacked.compute_output_shape((None, 6, 3)) == [(None, 6, 4), (None, 4), (None, 5),
                                                          (None, 5)]


def test_stacked_cells_with_a_mask_match_stacked_layers():
    tokens = np.array([[0, 0, 3, 5, 7], [4, 2, 9, 1, 6]])
    stacked = Sequential([layers.Embedding(10, 3, mask_zero=True),
                          layers.RNN([layers.SimpleRNNCell(4), layers.LSTMCell(2)])])
    padded = stacked.predict(tokens)
    np.testing.assert_allclose(padded[0], stacked.predict(tokens[:1, 2:])[0], rtol=1e-5,
                               atol=1e-6)
    layered = Sequential([layers.Embedding(10, 3, mask_zero=True),
                          layers.SimpleRNN(4, return_sequences=True), layers.LSTM(2)])
    layered.predict(tokens)
    layered.set_weights(stacked.get_weights())
    np.testing.assert_allclose(layered.predict(tokens), padded, rtol=1e-5, atol=1e-6)


def test_stacked_cells_config_weights_and_dropout():
    cells = [layers.SimpleRNNCell(3, dropout=0.5), layers.GRUCell(2)]
    stack = layers.StackedRNNCells(cells, name="stack")
    config = layers.serialize(stack)
    assert [c["class_name"] for c in config["config"]["cells"]] == ["SimpleRNNCell", "GRUCell"]
    clone = layers.deserialize(config)
    assert clone.name == "stack" and clone.get_config() == stack.get_config()
    rnn = layers.RNN(stack, return_sequences=True)
    rnn_clone = layers.deserialize(layers.serialize(rnn))
    assert isinstance(rnn_clone.cell, layers.StackedRNNCells)
    assert [type(c) for c in rnn_clone.cell.cells] == [layers.SimpleRNNCell, layers.GRUCell]
    x = torch.as_tensor(_x((2, 4, 5)))
    rnn(x)
    assert [w.shape for w in rnn.get_weights()] == [(5, 3), (3, 3), (3,), (3, 6), (2, 6), (6,)]
    assert rnn.count_params() == 15 + 9 + 3 + 18 + 12 + 6
    first = _numpy(rnn(x, training=True))
    assert not np.allclose(first, _numpy(rnn(x, training=True)))  # new masks per sequence
    stack.reset_dropout_mask()
    assert cells[0]._dropout_mask is None


def test_stacked_cells_errors():
    with pytest.raises(ValueError, match="at least one cell"):
        layers.StackedRNNCells([])
    with pytest.raises(ValueError, match="must have a `state_size` attribute"):
        layers.RNN([layers.LSTMCell(3), layers.Dense(3)])


# ------------------------------------------------------------------ names
@pytest.fixture
def alias():
    compat.install_keras_alias()
    yield
    compat.uninstall_keras_alias()


def test_keras_names_resolve(alias):
    import keras
    from keras.layers.wrappers import Bidirectional, TimeDistributed
    from keras.layers.recurrent import StackedRNNCells
    from keras.layers.core import Masking
    assert Bidirectional is layers.Bidirectional and TimeDistributed is layers.TimeDistributed
    assert StackedRNNCells is layers.StackedRNNCells and Masking is layers.Masking
    assert keras.layers.Bidirectional is layers.Bidirectional
    for name in ("Bidirectional", "TimeDistributed", "Masking", "StackedRNNCells", "Wrapper"):
        assert layer_class(name) is getattr(layers, name)  # configs resolve by class name
