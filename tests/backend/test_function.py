"""K.function, K.gradients and the learning phase, as the books use them."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu.layers import Dense, Dropout, Input
from cornu.models import Model, Sequential

RNG = np.random.RandomState(0)


def numpy_dense(x, layer, activation=None):
    kernel, bias = layer.get_weights()
    out = x @ kernel + bias
    return {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, None: lambda v: v}[activation](out)


def test_function_extracts_intermediate_features_of_a_sequential_model():
    model = Sequential([Dense(5, input_shape=(13,), activation="relu"),
                        Dense(2, activation="tanh"), Dense(3, activation="softmax")])
    x = RNG.rand(178, 13).astype("float32")
    features_function = K.function([model.layers[0].input], [model.layers[1].output])
    features = features_function([x])[0]
    assert isinstance(features, np.ndarray) and features.shape == (178, 2)
    expected = numpy_dense(numpy_dense(x, model.layers[0], "relu"), model.layers[1], "tanh")
    np.testing.assert_allclose(features, expected, rtol=1e-5, atol=1e-6)
    # several outputs, float64 input, called repeatedly
    both = K.function([model.input], [model.layers[0].output, model.output])
    first, last = both([x.astype("float64")[:4]])
    np.testing.assert_allclose(first, numpy_dense(x[:4], model.layers[0], "relu"), atol=1e-6)
    np.testing.assert_allclose(last, model.predict(x[:4]), atol=1e-6)
    np.testing.assert_allclose(both([x[:4]])[1], last)


def test_function_on_functional_model_and_intermediate_inputs():
    inputs = Input(shape=(4,))
    hidden = Dense(3, activation="relu")(inputs)
    second_to_last = Dense(2)(hidden)
    outputs = Dense(1)(second_to_last)
    model = Model(inputs=inputs, outputs=outputs)
    x = RNG.rand(6, 4).astype("float32")
    features = K.function([inputs], [second_to_last])([x])[0]
    h = numpy_dense(x, model.layers[1], "relu")
    np.testing.assert_allclose(features, numpy_dense(h, model.layers[2]), atol=1e-6)
    # feeding an intermediate tensor runs only the layers after it
    tail = K.function([hidden], [outputs])([h])[0]
    np.testing.assert_allclose(tail, numpy_dense(numpy_dense(h, model.layers[2]),
                                                 model.layers[3]), atol=1e-5)


def test_function_argument_errors():
    inputs = Input(shape=(3,))
    out = Dense(2)(inputs)
    with pytest.raises(TypeError, match="list or tuple"):
        K.function(inputs, [out])
    with pytest.raises(TypeError, match="list or tuple"):
        K.function([inputs], out)
    with pytest.raises(ValueError, match="Invalid argument 'bogus'"):
        K.function([inputs], [out], bogus=1)
    f = K.function([inputs], [out], name="f")
    with pytest.raises(TypeError, match="list of input values"):
        f(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="1 inputs but was called with 2"):
        f([np.zeros((2, 3)), np.zeros((2, 3))])
    with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 4\)"):
        f([np.zeros((2, 4))])
    with pytest.raises(ValueError, match="Graph disconnected"):
        K.function([Input(shape=(3,))], [out])


def test_learning_phase_input_toggles_dropout():
    model = Sequential([Dropout(0.5, input_shape=(1000,))])
    f = K.function([model.input, K.learning_phase()], [model.output])
    ones = np.ones((4, 1000), dtype="float32")
    train = f([ones, 1])[0]
    assert set(np.unique(train)) == {0.0, 2.0}
    assert 0.4 < (train == 0).mean() < 0.6
    np.testing.assert_array_equal(f([ones, 0])[0], ones)
    assert not model.layers[0].training  # the mode is restored after the call
    # without a phase input: inference, unless the global phase says training
    plain = K.function([model.input], [model.output])
    np.testing.assert_array_equal(plain([ones])[0], ones)
    K.set_learning_phase(1)
    assert set(np.unique(plain([ones])[0])) == {0.0, 2.0}


def test_fed_phase_overrides_the_global_phase():
    model = Sequential([Dropout(0.5, input_shape=(100,))])
    f = K.function([model.input, K.learning_phase()], [model.output])
    K.set_learning_phase(1)
    ones = np.ones((2, 100), dtype="float32")
    np.testing.assert_array_equal(f([ones, 0])[0], ones)
    seen = []

    class Probe(Dense):
        def call(self, inputs):
            seen.append(K.learning_phase_value())
            return super().call(inputs)

    inputs = Input(shape=(2,))
    probe = K.function([inputs, K.learning_phase()], [Probe(1)(inputs)])
    probe([np.ones((1, 2)), 0])
    assert seen == [0]


def test_learning_phase_api():
    phase = K.learning_phase()
    assert phase.shape == () and phase.dtype == torch.bool
    assert K.learning_phase() is phase
    assert K.learning_phase_value() is None
    with K.learning_phase_scope(1):
        assert K.learning_phase_value() == 1
    K.set_learning_phase(0)
    assert K.learning_phase() == 0 and K.learning_phase_value() == 0
    for bad in (2, -1, 0.5, "1"):
        with pytest.raises(ValueError, match="0 or 1"):
            K.set_learning_phase(bad)
    # once set, learning_phase() is that integer; a function may still take it as an input
    model = Sequential([Dropout(0.5, input_shape=(50,))])
    f = K.function([model.input, K.learning_phase()], [model.output])
    assert set(np.unique(f([np.ones((2, 50)), 1])[0])) == {0.0, 2.0}
    np.testing.assert_array_equal(f([np.ones((2, 50)), 0])[0], np.ones((2, 50)))
    with pytest.raises(TypeError, match="symbolic tensors"):
        K.function([model.input, np.ones(3)], [model.output])
    K.clear_session()
    assert K.learning_phase_value() is None
    assert K.learning_phase() is not phase


def test_switch_on_the_learning_phase():
    inputs = Input(shape=(2,))
    out = K.switch(K.learning_phase(), inputs * 10, inputs)
    f = K.function([inputs, K.learning_phase()], [out])
    np.testing.assert_array_equal(f([np.ones((1, 2)), 1])[0], [[10, 10]])
    np.testing.assert_array_equal(f([np.ones((1, 2)), 0])[0], [[1, 1]])
    # not fed: the global phase (inference by default)
    np.testing.assert_array_equal(K.function([inputs], [out])([np.ones((1, 2))])[0], [[1, 1]])


def test_gradient_of_linear_model_mean_is_w_over_n():
    model = Sequential([Dense(1, input_shape=(3,))])
    loss = K.mean(model.output)
    grads = K.gradients(loss, model.input)
    assert isinstance(grads, list) and grads[0].shape == (None, 3)
    f = K.function([model.input], [loss, grads[0]])
    x = RNG.rand(5, 3).astype("float32")
    loss_value, grads_value = f([x])
    kernel, bias = model.layers[0].get_weights()
    assert np.ndim(loss_value) == 0
    np.testing.assert_allclose(loss_value, (x @ kernel + bias).mean(), rtol=1e-5)
    np.testing.assert_allclose(grads_value, np.tile(kernel.T / 5, (5, 1)), rtol=1e-5)


def test_gradient_of_relu_mlp_matches_torch_autograd():
    model = Sequential([Dense(8, input_shape=(4,), activation="relu"),
                        Dense(6, activation="relu"), Dense(2)])
    loss = K.mean(K.square(model.output))
    f = K.function([model.input], K.gradients(loss, [model.input]))
    x = RNG.randn(7, 4).astype("float32")
    expected_input = torch.tensor(x, requires_grad=True)
    torch.mean(torch.square(model(expected_input))).backward()
    np.testing.assert_allclose(f([x])[0], expected_input.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_gradients_with_respect_to_weights_and_unused_variables():
    inputs = Input(shape=(3,))
    dense = Dense(2)
    out = dense(inputs)
    other = Input(shape=(3,))
    loss = K.sum(out)
    grads = K.gradients(loss, [dense.kernel, dense.bias, other])
    assert [g.shape for g in grads] == [(3, 2), (2,), (None, 3)]
    x = RNG.rand(4, 3).astype("float32")
    kernel_grad, bias_grad, other_grad = K.function([inputs, other], grads)([x, x])
    np.testing.assert_allclose(kernel_grad, np.tile(x.sum(0)[:, None], (1, 2)), rtol=1e-5)
    np.testing.assert_allclose(bias_grad, [4.0, 4.0])
    np.testing.assert_array_equal(other_grad, np.zeros_like(x))


def test_gradients_on_real_tensors():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = K.variable(np.array([0.5, 0.5, 0.5]))
    grads = K.gradients(K.sum(x * x * w), [x, w, torch.zeros(2)])
    np.testing.assert_allclose(grads[0].detach(), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(grads[1].detach(), [1.0, 4.0, 9.0])
    np.testing.assert_array_equal(grads[2], [0.0, 0.0])


def test_grad_cam_gradient_with_respect_to_an_intermediate_output():
    inputs = Input(shape=(4,))
    conv_like = Dense(5, activation="relu", name="last_conv")(inputs)
    predictions = Dense(3, activation="softmax")(conv_like)
    model = Model(inputs, predictions)
    class_output = model.output[:, 1]
    last_conv_layer = model.get_layer("last_conv")
    grads = K.gradients(class_output, last_conv_layer.output)[0]
    pooled_grads = K.mean(grads, axis=0)
    assert pooled_grads.shape == (5,)
    iterate = K.function([model.input], [pooled_grads, last_conv_layer.output[0]])
    x = RNG.rand(1, 4).astype("float32")
    pooled_value, conv_value = iterate([x])
    assert pooled_value.shape == (5,) and conv_value.shape == (5,)
    hidden = torch.tensor(numpy_dense(x, model.layers[1], "relu"), requires_grad=True)
    model.layers[2](hidden)[:, 1].sum().backward()
    np.testing.assert_allclose(pooled_value, hidden.grad.numpy()[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(conv_value, hidden.detach().numpy()[0], rtol=1e-6)


def test_gradient_ascent_increases_the_target_activation():
    """Filter visualisation: normalised gradients, repeated steps on the input."""
    model = Sequential([Dense(6, input_shape=(8,), activation="relu"), Dense(4)])
    layer_output = model.layers[0].output
    loss = K.mean(layer_output[:, 2])
    grads = K.gradients(loss, model.input)[0]
    grads /= (K.sqrt(K.mean(K.square(grads))) + 1e-5)
    iterate = K.function([model.input], [loss, grads])
    input_data = RNG.random_sample((1, 8)).astype("float32") + 1.0
    with torch.no_grad():
        model.layers[0].kernel[:, 2] = torch.abs(model.layers[0].kernel[:, 2])
    losses = []
    for _ in range(5):
        loss_value, grads_value = iterate([input_data])
        losses.append(float(loss_value))
        input_data += grads_value * 0.1
    assert all(b > a for a, b in zip(losses, losses[1:]))


def test_second_order_gradients():
    inputs = Input(shape=(1,))
    cube = inputs ** 3
    first = K.gradients(K.sum(cube), inputs)[0]
    second = K.gradients(K.sum(first), inputs)[0]
    values = K.function([inputs], [first, second])([np.array([[2.0]], "float32")])
    np.testing.assert_allclose(values[0], [[12.0]])
    np.testing.assert_allclose(values[1], [[12.0]])


def test_function_updates_and_placeholders():
    x = K.placeholder(shape=(None, 2))
    assert x.shape == (None, 2) and K.placeholder(ndim=3).shape == (None, None, None)
    total = K.variable(0.0)
    f = K.function([x], [K.sum(x)], updates=[(total, total + K.sum(x))])
    f([np.ones((2, 2))])
    f([np.ones((3, 2))])
    assert float(K.get_value(total)) == 10.0
    with pytest.raises(TypeError, match="pair"):
        K.function([x], [x], updates=[x])
