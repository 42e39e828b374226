"""Convolution layers beyond the table rows: Keras weight layouts, the books' parameter
counts, data formats, constraints on the Keras layout, gradients, and error messages."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import constraints, layers
from cornu.models import Model, Sequential
from tests.layers import spatial_reference as ref


def _summary_lines(model):
    lines = []
    model.summary(print_fn=lines.append)
    return lines


def test_mnist_convnet_summary_matches_the_book():
    model = Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax")])
    lines = _summary_lines(model)
    shapes = [layer.output_shape for layer in model.layers]
    assert shapes[:6] == [(None, 26, 26, 32), (None, 13, 13, 32), (None, 11, 11, 64),
                          (None, 5, 5, 64), (None, 3, 3, 64), (None, 576)]
    assert [layer.count_params() for layer in model.layers] == [320, 0, 18496, 0, 36928, 0,
                                                                 36928, 650]
    assert "Total params: 93,322" in lines


def test_cats_vs_dogs_convnet_summary_matches_the_book():
    model = Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(150, 150, 3)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(128, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(128, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.Dense(1, activation="sigmoid")])
    assert model.layers[7].output_shape == (None, 7, 7, 128)
    assert model.layers[8].output_shape == (None, 6272)
    assert "Total params: 3,453,121" in _summary_lines(model)


@pytest.mark.parametrize("make, shape", [
    (lambda: layers.Conv2D(4, (3, 2)), (2, 6, 5, 3)),
    (lambda: layers.Conv1D(4, 3), (2, 6, 3)),
    (lambda: layers.Conv3D(2, (1, 2, 3)), (1, 3, 4, 5, 3)),
    (lambda: layers.Conv2DTranspose(4, (3, 2)), (2, 3, 3, 3)),
    (lambda: layers.DepthwiseConv2D((3, 2), depth_multiplier=2), (2, 5, 5, 3)),
    (lambda: layers.SeparableConv2D(5, (2, 3), depth_multiplier=2), (2, 5, 5, 3)),
])
def test_set_weights_takes_and_get_weights_gives_the_keras_layout(make, shape):
    layer = make()
    layer(torch.zeros(shape))
    rng = np.random.RandomState(0)
    new = [rng.uniform(-1, 1, w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(new)
    for got, want in zip(layer.get_weights(), new):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("make, shape, innermost", [
    (lambda: layers.Conv2D(4, (3, 2)), (1, 6, 5, 3), 1),
    (lambda: layers.Conv1D(4, 3), (1, 6, 3), 1),
    (lambda: layers.Conv3D(2, (1, 2, 3)), (1, 3, 4, 5, 3), 1),
    (lambda: layers.Conv2DTranspose(4, (3, 2)), (1, 3, 3, 3), 1),
    (lambda: layers.Conv2D(4, (3, 2), data_format="channels_first"), (1, 3, 6, 5), -1),
])
def test_a_channels_last_kernel_is_stored_channels_last_and_shown_in_the_keras_layout(
        make, shape, innermost):
    layer = make()
    layer(torch.zeros(shape))
    # the stored axis 1 (in, or out for a transpose) is innermost in memory for channels_last
    assert layer.kernel.stride(innermost) == 1
    keras_kernel = np.arange(layer.kernel.numel(), dtype="float32").reshape(
        layer.get_weights()[0].shape)
    layer.set_weights([keras_kernel] + layer.get_weights()[1:])
    np.testing.assert_array_equal(layer.get_weights()[0], keras_kernel)
    assert layer.kernel.stride(innermost) == 1


def test_keras_kernel_shapes():
    conv = layers.Conv2D(8, (3, 2))
    conv(torch.zeros(1, 5, 5, 4))
    transpose = layers.Conv2DTranspose(8, (3, 2))
    transpose(torch.zeros(1, 5, 5, 4))
    depthwise = layers.DepthwiseConv2D((3, 2), depth_multiplier=3)
    depthwise(torch.zeros(1, 5, 5, 4))
    assert conv.get_weights()[0].shape == (3, 2, 4, 8)
    assert transpose.get_weights()[0].shape == (3, 2, 8, 4)
    assert depthwise.get_weights()[0].shape == (3, 2, 4, 3)


def test_a_keras_kernel_computes_a_cross_correlation():
    layer = layers.Conv2D(1, (2, 2), use_bias=False)
    layer(torch.zeros(1, 3, 3, 1))
    kernel = np.array([[1, 2], [3, 4]], dtype="float32").reshape(2, 2, 1, 1)
    layer.set_weights([kernel])
    x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    y = layer(torch.from_numpy(x)).detach().numpy()[0, :, :, 0]
    # out[0, 0] = 0*1 + 1*2 + 3*3 + 4*4 (no kernel flip)
    np.testing.assert_array_equal(y, [[27, 37], [57, 67]])


def test_same_padding_puts_the_extra_pad_at_the_end():
    layer = layers.Conv1D(1, 2, padding="same", use_bias=False)
    layer(torch.zeros(1, 3, 1))
    layer.set_weights([np.array([1, 10], dtype="float32").reshape(2, 1, 1)])
    y = layer(torch.tensor([[[1.0], [2.0], [3.0]]])).detach().numpy().ravel()
    np.testing.assert_array_equal(y, [21, 32, 3])  # padded as [1, 2, 3, 0]


def test_causal_padding_only_looks_back():
    layer = layers.Conv1D(1, 3, padding="causal", dilation_rate=2, use_bias=False)
    layer(torch.zeros(1, 6, 1))
    layer.set_weights([np.array([1, 10, 100], dtype="float32").reshape(3, 1, 1)])
    x = torch.arange(1.0, 7.0).view(1, 6, 1)
    y = layer(x).detach().numpy().ravel()
    np.testing.assert_array_equal(y, [100, 200, 310, 420, 531, 642])


def test_image_data_format_is_the_default_data_format():
    before = K.image_data_format()
    K.set_image_data_format("channels_first")
    try:
        conv = layers.Conv2D(4, 3)
        pool = layers.MaxPooling2D()
        flat = layers.Flatten()
        conv1d = layers.Conv1D(4, 3)
    finally:
        K.set_image_data_format(before)
    assert conv.data_format == pool.data_format == flat.data_format == "channels_first"
    assert conv1d.data_format == "channels_last"  # Keras 2's Conv1D default ignores it
    assert conv(torch.zeros(1, 2, 6, 6)).shape == (1, 4, 4, 4)


def test_channels_first_and_last_agree_with_the_same_weights():
    last = layers.Conv2D(3, 3, strides=2, padding="same")
    first = layers.Conv2D(3, 3, strides=2, padding="same", data_format="channels_first")
    x = np.random.RandomState(1).rand(2, 7, 6, 2).astype("float32")
    y_last = last(torch.from_numpy(x))
    first(torch.from_numpy(x.transpose(0, 3, 1, 2)))
    first.set_weights(last.get_weights())
    y_first = first(torch.from_numpy(x.transpose(0, 3, 1, 2).copy()))
    np.testing.assert_allclose(y_first.detach().numpy().transpose(0, 2, 3, 1),
                               y_last.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_kernel_constraint_sees_the_keras_layout():
    model = Sequential([layers.Conv2D(2, 3, input_shape=(5, 5, 3),
                                      kernel_constraint=constraints.max_norm(0.1,
                                                                             axis=[0, 1, 2]))])
    model.compile("sgd", "mse")
    rng = np.random.RandomState(0)
    model.set_weights([rng.uniform(-3, 3, (3, 3, 3, 2)).astype("float32"), np.zeros(2, "f4")])
    model.train_on_batch(rng.rand(4, 5, 5, 3).astype("float32"), np.ones((4, 3, 3, 2), "f4"))
    kernel = model.get_weights()[0]
    norms = np.sqrt((kernel ** 2).sum(axis=(0, 1, 2)))  # one norm per filter
    np.testing.assert_allclose(norms, [0.1, 0.1], rtol=1e-4)


def test_gradients_match_a_numpy_finite_difference():
    layer = layers.Conv2D(2, 3, strides=2, padding="same", dtype="float64")
    x = torch.from_numpy(np.random.RandomState(0).rand(1, 5, 6, 2)).requires_grad_(True)
    (layer(x) ** 2).sum().backward()
    kernel, bias = layer.get_weights()
    x_np = x.detach().numpy()

    def loss(values):
        return (ref.conv(values, kernel, bias, strides=2, padding="same") ** 2).sum()
    index = (0, 2, 3, 1)
    step = np.zeros_like(x_np)
    step[index] = 1e-6
    numeric = (loss(x_np + step) - loss(x_np - step)) / 2e-6
    assert x.grad[index].item() == pytest.approx(numeric, rel=1e-5)


def test_a_functional_convnet_trains_and_predicts():
    inputs = layers.Input(shape=(8, 8, 1))
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    b = layers.SeparableConv2D(4, 3, padding="same")(inputs)
    merged = layers.add([a, b])
    pooled = layers.GlobalAveragePooling2D()(layers.BatchNormalization()(merged))
    model = Model(inputs, layers.Dense(2, activation="softmax")(pooled))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.RandomState(0)
    x = rng.rand(64, 8, 8, 1).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype("int64")
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert len(history.history["loss"]) == 3
    assert model.predict(x[:5]).shape == (5, 2)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Conv2D(4, 3, padding="sme"), "Did you mean 'same'"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: layers.Conv2D(4, 3, data_format="channels_middle"), "data_format"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output padding"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
])
def test_bad_arguments_say_what_is_wrong(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_input_rank_names_the_layer():
    layer = layers.Conv2D(4, 3, name="my_conv")
    with pytest.raises(ValueError, match="my_conv"):
        layer(torch.zeros(2, 28, 28))


def test_unknown_channel_count_is_refused():
    with pytest.raises(ValueError, match="channel dimension"):
        layers.Conv2D(4, 3)(layers.Input(batch_shape=(None, 8, 8, None)))


def test_groups_must_divide_the_channels():
    with pytest.raises(ValueError, match="divisible by groups=2"):
        layers.Conv2D(4, 3, groups=2)(torch.zeros(1, 5, 5, 3))


def test_aliases_resolve_from_configs():
    from cornu.layers import deserialize
    layer = deserialize({"class_name": "Convolution2D", "config": {"filters": 2,
                                                                   "kernel_size": 3}})
    assert type(layer) is layers.Conv2D
    assert type(deserialize({"class_name": "MaxPool2D", "config": {}})) is layers.MaxPooling2D
