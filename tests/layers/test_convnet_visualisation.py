"""The books' ways of looking inside a convnet (Chollet 5.4): intermediate activations, filter
patterns by gradient ascent with ``K.gradients`` and ``K.function``, and Grad-CAM."""
import numpy as np

from cornu import backend as K
from cornu import layers
from cornu.models import Model, Sequential


def _convnet():
    return Sequential([
        layers.Conv2D(8, (3, 3), activation="relu", input_shape=(16, 16, 3), name="block1_conv"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(16, (3, 3), activation="relu", name="block2_conv"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(3, activation="softmax")])


def test_intermediate_activations_are_the_layers_outputs():
    model = _convnet()
    image = np.random.RandomState(0).rand(1, 16, 16, 3).astype("float32")
    activation_model = Model(inputs=model.input,
                             outputs=[layer.output for layer in model.layers[:4]])
    activations = activation_model.predict(image)
    assert [a.shape for a in activations] == [(1, 14, 14, 8), (1, 7, 7, 8), (1, 5, 5, 16),
                                              (1, 2, 2, 16)]
    first = activations[0]
    assert first.min() >= 0
    pooled = first.reshape(1, 7, 2, 7, 2, 8).max(axis=(2, 4))
    np.testing.assert_allclose(activations[1], pooled)


def test_filter_pattern_by_gradient_ascent():
    model = _convnet()
    conv = model.get_layer("block1_conv")
    kernel, bias = conv.get_weights()
    kernel[..., 0] = np.random.RandomState(0).uniform(-0.01, 0.03, kernel.shape[:-1])
    conv.set_weights([kernel, bias])  # a filter that responds to the grey start image
    layer_output = model.get_layer("block1_conv").output
    loss = K.mean(layer_output[:, :, :, 0])
    grads = K.gradients(loss, model.input)[0]
    grads /= (K.sqrt(K.mean(K.square(grads))) + 1e-5)
    iterate = K.function([model.input], [loss, grads])
    image = np.random.RandomState(1).random((1, 16, 16, 3)).astype("float32") * 20 + 128.
    first_loss, _ = iterate([image])
    for _ in range(10):
        loss_value, grads_value = iterate([image])
        image += grads_value * 1.0
    assert grads_value.shape == (1, 16, 16, 3)
    assert loss_value > first_loss  # the filter responds more and more


def test_gradient_of_a_filter_mean_matches_a_finite_difference():
    model = _convnet()
    layer_output = model.get_layer("block1_conv").output
    loss = K.mean(layer_output[:, :, :, 2])
    iterate = K.function([model.input], [loss, K.gradients(loss, model.input)[0]])
    image = np.random.RandomState(2).rand(1, 16, 16, 3).astype("float64")
    _, grads = iterate([image.astype("float32")])
    index = np.unravel_index(np.abs(grads).argmax(), grads.shape)
    assert grads[index] != 0
    step = np.zeros_like(image)
    step[index] = 1e-2
    up = iterate([(image + step).astype("float32")])[0]
    down = iterate([(image - step).astype("float32")])[0]
    assert np.isclose(grads[index], (up - down) / 2e-2, rtol=1e-2)


def test_grad_cam_weights_the_last_conv_maps_by_their_gradients():
    model = _convnet()
    image = np.random.RandomState(3).rand(1, 16, 16, 3).astype("float32")
    class_output = model.output[:, 1]
    last_conv = model.get_layer("block2_conv")
    grads = K.gradients(class_output, last_conv.output)[0]
    pooled_grads = K.mean(grads, axis=(0, 1, 2))
    iterate = K.function([model.input], [pooled_grads, last_conv.output[0]])
    pooled_grads_value, conv_output_value = iterate([image])
    assert pooled_grads_value.shape == (16,) and conv_output_value.shape == (5, 5, 16)
    heatmap = np.maximum(np.mean(conv_output_value * pooled_grads_value, axis=-1), 0)
    assert heatmap.shape == (5, 5)
    # the pooled gradients are those of the class score with respect to the maps
    maps = Model(model.input, [last_conv.output, model.output]).predict(image)[0]
    assert np.allclose(maps[0], conv_output_value)
