"""CuDNNLSTM and CuDNNGRU: Keras 2's cuDNN layers on torch's fused kernels, checked against a
NumPy loop of cuDNN's formulas on the Keras weights (each gate's kernel block read as cuDNN
reads it), against LSTM/GRU with sigmoid gates given the weights Keras 2 converts them to
(``_convert_rnn_weights``), and for Keras 2's shapes, parameter counts, configs, states, errors
and training."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.layers.recurrent.cudnn import CuDNNGRUCell, CuDNNLSTMCell
from cornu.models import Model, Sequential, model_from_json


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _x(shape, seed=0):
    return np.random.RandomState(seed).normal(size=shape).astype("float32")


def _random_weights(layer, seed=1):
    rng = np.random.RandomState(seed)
    weights = [rng.normal(scale=0.5, size=w.shape).astype("float32")
               for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def _built(layer, x):
    layer(torch.as_tensor(x))
    return layer


def _run(layer, x, **kwargs):
    out = layer(torch.as_tensor(x), **kwargs)
    return [o.detach().numpy() for o in out] if isinstance(out, list) else out.detach().numpy()


# ------------------------------------------------------------------ cuDNN's formulas in NumPy
def _cudnn_blocks(kernel, recurrent, gates):
    """cuDNN's matrices: input block ``k`` read row-major as ``(units, features)``, recurrent
    block ``k`` as is; a gate is ``x @ W.T + h @ R.T``."""
    units = recurrent.shape[0]
    inputs = [np.ascontiguousarray(kernel[:, k * units:(k + 1) * units]).reshape(units, -1)
              for k in range(gates)]
    recurrents = [recurrent[:, k * units:(k + 1) * units] for k in range(gates)]
    return inputs, recurrents


def cudnn_lstm_reference(weights, x, h, c):
    kernel, recurrent, bias = weights
    units = recurrent.shape[0]
    W, R = _cudnn_blocks(kernel, recurrent, 4)
    b = [bias[k * units:(k + 1) * units] + bias[(4 + k) * units:(5 + k) * units]
         for k in range(4)]
    outputs = []
    for t in range(x.shape[1]):
        pre = [x[:, t] @ W[k].T + h @ R[k].T + b[k] for k in range(4)]
        c = _sigmoid(pre[1]) * c + _sigmoid(pre[0]) * np.tanh(pre[2])
        h = _sigmoid(pre[3]) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, 1), h, c


def cudnn_gru_reference(weights, x, h):
    kernel, recurrent, bias = weights
    units = recurrent.shape[0]
    W, R = _cudnn_blocks(kernel, recurrent, 3)
    b_in = [bias[k * units:(k + 1) * units] for k in range(3)]
    b_rec = [bias[(3 + k) * units:(4 + k) * units] for k in range(3)]
    outputs = []
    for t in range(x.shape[1]):
        z = _sigmoid(x[:, t] @ W[0].T + b_in[0] + h @ R[0].T + b_rec[0])
        r = _sigmoid(x[:, t] @ W[1].T + b_in[1] + h @ R[1].T + b_rec[1])
        candidate = np.tanh(x[:, t] @ W[2].T + b_in[2] + r * (h @ R[2].T + b_rec[2]))
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, 1), h


def keras_converted(weights, gates, lstm):
    """Keras 2.2.4's CuDNN -> LSTM/GRU(reset_after=True) weight conversion: each input block
    transposed and reshaped in Fortran order, each recurrent block transposed, the LSTM's two
    biases summed (the GRU's reshaped to ``(2, 3 units)``)."""
    kernel, recurrent, bias = weights
    kernel = np.hstack([k.T.reshape(k.shape, order="F") for k in np.hsplit(kernel, gates)])
    recurrent = np.hstack([k.T for k in np.hsplit(recurrent, gates)])
    bias = np.sum(np.split(bias, 2), axis=0) if lstm else bias.reshape(2, -1)
    return [kernel, recurrent, bias]


# ------------------------------------------------------------------ values
@pytest.mark.parametrize("go_backwards", [False, True])
def test_cudnn_lstm_matches_numpy_cudnn_formulas(go_backwards):
    x = _x((3, 5, 4))
    layer = _built(layers.CuDNNLSTM(6, return_sequences=True, return_state=True,
                                    go_backwards=go_backwards), x)
    weights = _random_weights(layer)
    outputs, h, c = _run(layer, x)
    steps = x[:, ::-1] if go_backwards else x
    ref_outputs, ref_h, ref_c = cudnn_lstm_reference(weights, steps, np.zeros((3, 6)),
                                                     np.zeros((3, 6)))
    np.testing.assert_allclose(outputs, ref_outputs, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h, ref_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c, ref_c, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_cudnn_gru_matches_numpy_cudnn_formulas(go_backwards):
    x = _x((3, 5, 4))
    layer = _built(layers.CuDNNGRU(6, return_sequences=True, return_state=True,
                                   go_backwards=go_backwards), x)
    weights = _random_weights(layer)
    outputs, h = _run(layer, x)
    steps = x[:, ::-1] if go_backwards else x
    ref_outputs, ref_h = cudnn_gru_reference(weights, steps, np.zeros((3, 6)))
    np.testing.assert_allclose(outputs, ref_outputs, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h, ref_h, rtol=1e-5, atol=1e-5)


def test_cudnn_lstm_equals_sigmoid_lstm_with_summed_bias():
    x = _x((4, 7, 5))
    cudnn = _built(layers.CuDNNLSTM(3, return_sequences=True), x)
    weights = _random_weights(cudnn)
    lstm = _built(layers.LSTM(3, recurrent_activation="sigmoid", return_sequences=True), x)
    lstm.set_weights(keras_converted(weights, 4, lstm=True))
    np.testing.assert_allclose(_run(cudnn, x), _run(lstm, x), rtol=1e-5, atol=1e-6)
    summed = lstm.get_weights()[2]
    np.testing.assert_array_equal(summed, weights[2][:12] + weights[2][12:])


def test_cudnn_gru_equals_reset_after_sigmoid_gru():
    x = _x((4, 7, 5))
    cudnn = _built(layers.CuDNNGRU(3, return_sequences=True), x)
    weights = _random_weights(cudnn)
    gru = _built(layers.GRU(3, reset_after=True, recurrent_activation="sigmoid",
                            return_sequences=True), x)
    gru.set_weights(keras_converted(weights, 3, lstm=False))
    np.testing.assert_allclose(_run(cudnn, x), _run(gru, x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make, cell_class", [
    (lambda: layers.CuDNNLSTM(4, return_sequences=True), CuDNNLSTMCell),
    (lambda: layers.CuDNNGRU(4, return_sequences=True), CuDNNGRUCell),
])
def test_one_step_cell_under_rnn_equals_the_fused_layer(make, cell_class):
    x = _x((2, 6, 3))
    layer = _built(make(), x)
    weights = _random_weights(layer)
    rnn = _built(layers.RNN(cell_class(4), return_sequences=True), x)
    rnn.set_weights(weights)
    np.testing.assert_allclose(_run(rnn, x), _run(layer, x), rtol=1e-5, atol=1e-6)


def test_initial_state_and_stateful_carry_over():
    x1, x2 = _x((2, 4, 3), seed=1), _x((2, 4, 3), seed=2)
    stateful = _built(layers.CuDNNLSTM(5, stateful=True, batch_input_shape=(2, 4, 3)), x1)
    plain = _built(layers.CuDNNLSTM(5, return_state=True), x1)
    plain.set_weights(_random_weights(stateful))
    stateful.reset_states()  # building it ran x1 once
    _, h, c = _run(plain, x1)
    _run(stateful, x1)
    np.testing.assert_allclose(stateful.states[0].numpy(), h, rtol=1e-6)
    expected, _, _ = _run(plain, x2, initial_state=[torch.as_tensor(h), torch.as_tensor(c)])
    np.testing.assert_allclose(_run(stateful, x2), expected, rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    assert all(not s.any() for s in stateful.states)
    np.testing.assert_allclose(_run(stateful, x1), _run(plain, x1)[0], rtol=1e-5, atol=1e-6)


def test_initial_state_in_a_functional_model():
    inputs = layers.Input((4, 3))
    state = layers.Input((5,))
    output = layers.CuDNNGRU(5)(inputs, initial_state=[state])
    model = Model([inputs, state], output)
    x, h0 = _x((2, 4, 3)), _x((2, 5), seed=3)
    weights = model.layers[-1].get_weights()
    _, ref_h = cudnn_gru_reference(weights, x, h0)
    np.testing.assert_allclose(model.predict([x, h0]), ref_h, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ weights and summary
def test_keras_weight_shapes_and_parameter_counts():
    lstm = _built(layers.CuDNNLSTM(32), _x((1, 2, 100)))
    assert [w.shape for w in lstm.get_weights()] == [(100, 128), (32, 128), (256,)]
    assert lstm.count_params() == 4 * 32 * (100 + 32 + 2) == 17152
    gru = _built(layers.CuDNNGRU(32), _x((1, 2, 100)))
    assert [w.shape for w in gru.get_weights()] == [(100, 96), (32, 96), (192,)]
    assert gru.count_params() == 3 * 32 * (100 + 32 + 2) == 12864
    model = Sequential([layers.Embedding(1000, 100, input_length=20), layers.CuDNNLSTM(32),
                        layers.Dense(1, activation="sigmoid")])
    lines = []
    model.summary(print_fn=lines.append)
    rows = [line.split() for line in lines if line.startswith("cu_dnnlstm_")]
    assert len(rows) == 1 and rows[0][1:] == ["(CuDNNLSTM)", "(None,", "32)", "17152"]


def test_get_weights_keep_the_keras_layout_through_set_weights():
    for make, width in ((layers.CuDNNLSTM, 8), (layers.CuDNNGRU, 6)):
        layer = _built(make(2), _x((1, 3, 4)))
        weights = _random_weights(layer)
        for got, want in zip(layer.get_weights(), weights):
            np.testing.assert_array_equal(got, want)
        assert weights[0].shape == (4, width)


def test_unit_forget_bias_sets_the_recurrent_forget_bias_to_one():
    layer = _built(layers.CuDNNLSTM(3), _x((1, 2, 4)))
    expected = np.zeros(24, dtype="float32")
    expected[15:18] = 1  # Keras's cuDNN layout: the recurrent bias of the forget gate
    np.testing.assert_array_equal(layer.get_weights()[2], expected)
    off = _built(layers.CuDNNLSTM(3, unit_forget_bias=False), _x((1, 2, 4)))
    assert not off.get_weights()[2].any()
    ones = _built(layers.CuDNNLSTM(3, bias_initializer="ones"), _x((1, 2, 4)))
    np.testing.assert_array_equal(ones.get_weights()[2], np.ones(24))


def test_constraints_see_the_keras_layout():
    model = Sequential([layers.CuDNNLSTM(3, kernel_constraint="unit_norm",
                                         input_shape=(4, 5)),
                        layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(_x((8, 4, 5)), _x((8, 1)), epochs=1, verbose=0)
    kernel = model.layers[0].get_weights()[0]
    np.testing.assert_allclose(np.linalg.norm(kernel, axis=0), np.ones(12), rtol=1e-5)


def test_regularizers_and_trainable():
    layer = _built(layers.CuDNNGRU(3, kernel_regularizer="l2", bias_regularizer="l1"),
                   _x((1, 2, 4)))
    kernel, _, bias = _random_weights(layer)
    got = sorted(float(loss.detach()) for loss in layer.losses)
    want = sorted([0.01 * float((kernel ** 2).sum()), 0.01 * float(np.abs(bias).sum())])
    np.testing.assert_allclose(got, want, rtol=1e-5)
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3


# ------------------------------------------------------------------ configs
KERAS_LSTM_KEYS = ["name", "trainable", "batch_input_shape", "dtype", "return_sequences",
                   "return_state", "go_backwards", "stateful", "units", "kernel_initializer",
                   "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                   "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                   "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                   "bias_constraint"]


def test_keras_2_config_keys():
    config = layers.CuDNNLSTM(3, input_shape=(None, 4)).get_config()
    assert list(config) == KERAS_LSTM_KEYS
    gru = layers.CuDNNGRU(3, input_shape=(None, 4)).get_config()
    assert list(gru) == [key for key in KERAS_LSTM_KEYS if key != "unit_forget_bias"]
    assert config["units"] == 3 and config["unit_forget_bias"] is True
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"


@pytest.mark.parametrize("make", [
    lambda: layers.CuDNNLSTM(3, unit_forget_bias=False, go_backwards=True,
                             kernel_regularizer="l2", return_state=True),
    lambda: layers.CuDNNGRU(3, return_sequences=True, bias_constraint="non_neg"),
])
def test_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    clone = layers.deserialize(layers.serialize(layer))
    assert type(clone) is type(layer) and clone.get_config() == {**config, "name": clone.name}
    x = _x((2, 4, 5))
    _built(layer, x)
    _random_weights(layer)
    expected = _run(layer, x)
    _built(clone, x).set_weights(layer.get_weights())
    got = _run(clone, x)
    for a, b in zip(got if isinstance(got, list) else [got],
                    expected if isinstance(expected, list) else [expected]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_model_json_round_trip_keeps_predictions():
    model = Sequential([layers.CuDNNGRU(4, return_sequences=True, input_shape=(5, 3)),
                        layers.CuDNNLSTM(2)])
    clone = model_from_json(model.to_json())
    assert [type(layer) for layer in clone.layers] == [layers.CuDNNGRU, layers.CuDNNLSTM]
    clone.set_weights(model.get_weights())
    x = _x((3, 5, 3))
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-6)


# ------------------------------------------------------------------ training and errors
def test_training_updates_every_weight_and_lowers_the_loss():
    rng = np.random.RandomState(0)
    x = rng.randint(1, 20, size=(64, 6))
    y = (x[:, -1] > 10).astype("float32")
    model = Sequential([layers.Embedding(20, 8), layers.CuDNNLSTM(8),
                        layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    before = [w.copy() for w in model.layers[1].get_weights()]
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] - 0.04
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.layers[1].get_weights()))


def test_bidirectional_cudnn_gru():
    x = _x((2, 4, 3))
    layer = layers.Bidirectional(layers.CuDNNGRU(5, return_sequences=True))
    out = _run(layer, x)
    assert out.shape == (2, 4, 10)
    forward, backward = layer.forward_layer, layer.backward_layer
    assert backward.go_backwards and isinstance(backward, layers.CuDNNGRU)
    np.testing.assert_allclose(out[..., :5], _run(forward, x), rtol=1e-6)
    np.testing.assert_allclose(out[..., 5:], _run(backward, x)[:, ::-1], rtol=1e-6)


def test_masks_are_refused_as_in_keras():
    model = Sequential([layers.Embedding(10, 4, mask_zero=True), layers.CuDNNLSTM(3)])
    with pytest.raises(ValueError, match="masking is not supported for CuDNN RNNs.*"
                                         r"LSTM\(3, recurrent_activation='sigmoid'\)"):
        model.predict(np.array([[0, 1, 2]]))


def test_no_dropout_or_unroll_arguments():
    with pytest.raises(TypeError, match="Keyword argument not understood: 'dropout'"):
        layers.CuDNNLSTM(3, dropout=0.2)
    with pytest.raises(TypeError, match="Keyword argument not understood: 'recurrent_dropout'"):
        layers.CuDNNGRU(3, recurrent_dropout=0.2)
    with pytest.raises(TypeError, match="'unroll'.*remove `unroll`"):
        layers.CuDNNGRU(3, unroll=True)


def test_wrong_rank_and_units():
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.CuDNNLSTM(3)(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="units"):
        layers.CuDNNGRU(0)


def test_keras_module_paths():
    from cornu import compat
    compat.install_keras_alias()
    try:
        from keras.layers import CuDNNGRU, CuDNNLSTM
        from keras.layers.cudnn_recurrent import CuDNNLSTM as FromModule
        assert FromModule is CuDNNLSTM is layers.CuDNNLSTM and CuDNNGRU is layers.CuDNNGRU
    finally:
        compat.uninstall_keras_alias()
