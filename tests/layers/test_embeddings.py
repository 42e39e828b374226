"""Embedding: lookups against NumPy indexing, the mask, pretrained frozen vectors, shapes with
input_length, the books' summary, config round trips and the out-of-range message."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.models import Sequential


def _indices(shape, high, seed=0):
    return np.random.RandomState(seed).randint(0, high, size=shape)


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32", "float64"])
def test_lookup_is_numpy_indexing_for_any_index_dtype(dtype):
    layer = layers.Embedding(50, 6)
    x = _indices((3, 7), 50).astype(dtype)
    y = layer(torch.as_tensor(x)).detach().numpy()
    np.testing.assert_array_equal(y, layer.get_weights()[0][x.astype("int64")])


def test_default_initializer_is_uniform_plus_minus_005():
    weights = layers.Embedding(2000, 50)
    weights(torch.zeros(1, 1, dtype=torch.long))
    matrix = weights.get_weights()[0]
    assert matrix.shape == (2000, 50)
    assert -0.05 <= matrix.min() < -0.045 and 0.045 < matrix.max() <= 0.05


def test_chollet_6_1_summary_and_training():
    model = Sequential([layers.Embedding(10000, 8, input_length=20), layers.Flatten(),
                        layers.Dense(1, activation="sigmoid")])
    lines = []
    model.summary(print_fn=lines.append)
    assert model.layers[0].output_shape == (None, 20, 8)
    assert "Total params: 80,161" in lines
    model.compile("rmsprop", "binary_crossentropy", metrics=["acc"])
    x, y = _indices((64, 20), 10000), _indices((64,), 2)
    before = model.get_weights()[0].copy()
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert len(history.history["loss"]) == 2
    changed = np.abs(model.get_weights()[0] - before).sum(axis=1) > 0
    assert set(np.flatnonzero(changed)) == set(np.unique(x))  # only the rows looked up move


def test_pretrained_frozen_vectors_stay_put():
    matrix = np.random.RandomState(1).randn(30, 4).astype("float32")
    model = Sequential([layers.Embedding(30, 4, input_length=5, weights=[matrix],
                                         trainable=False),
                        layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], matrix)
    model.fit(_indices((16, 5), 30), np.ones((16, 1)), epochs=2, verbose=0)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], matrix)
    lines = []
    model.summary(print_fn=lines.append)
    assert "Non-trainable params: 120" in lines


def test_mask_zero_marks_padding():
    layer = layers.Embedding(10, 3, mask_zero=True)
    x = torch.tensor([[0, 0, 4, 5], [1, 2, 3, 0]])
    y = layer(x)
    assert y._keras_mask.tolist() == [[False, False, True, True], [True, True, True, False]]
    assert layers.Embedding(10, 3)(x).__dict__.get("_keras_mask") is None


def test_masked_average_equals_the_unpadded_average():
    inputs = layers.Input(shape=(None,))
    pooled = layers.GlobalAveragePooling1D()(layers.Embedding(10, 3, mask_zero=True)(inputs))
    from cornu.models import Model
    model = Model(inputs, pooled)
    padded = model.predict(np.array([[0, 0, 4, 5]]))
    unpadded = model.predict(np.array([[4, 5]]))
    np.testing.assert_allclose(padded, unpadded, rtol=1e-6)


def test_shapes_without_and_with_input_length():
    assert layers.Embedding(10, 3).compute_output_shape((None, 7)) == (None, 7, 3)
    assert layers.Embedding(10, 3, input_length=7).compute_output_shape((None, None)) == \
        (None, 7, 3)
    assert layers.Embedding(10, 3, input_length=(2, 4)).compute_output_shape((None, 2, 4)) == \
        (None, 2, 4, 3)
    with pytest.raises(ValueError, match="input_length"):
        layers.Embedding(10, 3, input_length=7).compute_output_shape((None, 8))


def test_config_round_trip():
    layer = layers.Embedding(12, 4, mask_zero=True, input_length=6,
                             embeddings_regularizer="l2")
    layer(torch.zeros(1, 6, dtype=torch.long))
    config = layer.get_config()
    assert config["input_dim"] == 12 and config["input_length"] == 6 and config["mask_zero"]
    clone = layers.Embedding.from_config(config)
    assert clone.get_config() == config


def test_an_index_out_of_range_names_the_layer_and_input_dim():
    layer = layers.Embedding(100, 4, name="words")
    with pytest.raises(ValueError, match=r"'words' received index 100.*input_dim=100"):
        layer(torch.tensor([[3, 100]]))
    with pytest.raises(ValueError, match="received index -1"):
        layer(torch.tensor([[-1, 2]]))


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 4)
    with pytest.raises(ValueError, match="output_dim"):
        layers.Embedding(10, 2.5)
