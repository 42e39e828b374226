"""Masks, Keras 2 semantics: the Masking layer, and padded sequences giving the results of the
unpadded ones through Embedding(mask_zero=True) or Masking, the recurrent layers,
Bidirectional, TimeDistributed, merge layers, GlobalAveragePooling1D and Lambda."""
import numpy as np
import pytest
import torch

from cornu import layers
from cornu.models import Model, Sequential

LENGTHS = (3, 5, 1)
WIDTH = 6


def _sequences(seed=0):
    """Three token sequences (ids 1..9) of the lengths in LENGTHS."""
    rng = np.random.RandomState(seed)
    return [rng.randint(1, 10, size=n) for n in LENGTHS]


def _pad(rows, side, width=WIDTH):
    """Rows of ids (or of vectors) padded with zeros to ``width`` steps."""
    padded = np.zeros((len(rows), width) + rows[0].shape[1:], rows[0].dtype)
    for i, row in enumerate(rows):
        if side == "left":
            padded[i, width - len(row):] = row
        else:
            padded[i, :len(row)] = row
    return padded


def _real_steps(output, length, side, width=WIDTH):
    return output[width - length:] if side == "left" else output[:length]


def _close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ Masking
def test_masking_zeroes_the_masked_steps_and_outputs_their_mask():
    x = torch.tensor([[[1., 0.], [0., 0.], [0., 2.]],
                      [[0., 0.], [3., 4.], [0., 0.]]])
    out = layers.Masking()(x)
    assert out._keras_mask.tolist() == [[True, False, True], [False, True, False]]
    assert torch.equal(out, x)  # the masked steps were zeros already
    y = torch.tensor([[[-1., -1.], [-1., 5.], [2., 3.]]])
    masked = layers.Masking(mask_value=-1.)(y)
    assert masked._keras_mask.tolist() == [[False, True, True]]
    assert masked.tolist() == [[[0., 0.], [-1., 5.], [2., 3.]]]
    layer = layers.Masking(mask_value=-1., input_shape=(None, 2))
    assert layer.compute_output_shape((None, 7, 2)) == (None, 7, 2)
    clone = layers.deserialize(layers.serialize(layer))
    assert clone.mask_value == -1. and clone.get_config() == layer.get_config()


# ------------------------------------------------------------------ padded == unpadded
RECURRENT = {
    "SimpleRNN": lambda **kw: layers.SimpleRNN(4, **kw),
    "LSTM": lambda **kw: layers.LSTM(4, **kw),
    "GRU": lambda **kw: layers.GRU(4, reset_after=True, **kw),
    "Bidirectional(LSTM)": lambda **kw: layers.Bidirectional(layers.LSTM(4, **kw)),
    "Bidirectional(GRU, sum)": lambda **kw: layers.Bidirectional(layers.GRU(4, **kw),
                                                                 merge_mode="sum"),
}


def _front(kind):
    """The first layer, and how it turns rows of ids into its inputs."""
    if kind == "Embedding":
        return layers.Embedding(10, 3, mask_zero=True), lambda ids: ids
    table = np.random.RandomState(7).uniform(0.5, 1.5, (10, 3)).astype("float32")
    table[0] = 0
    return layers.Masking(input_shape=(None, 3)), lambda ids: table[ids]


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("front", ["Embedding", "Masking"])
@pytest.mark.parametrize("kind", sorted(RECURRENT))
def test_padded_batch_gives_each_unpadded_sequence_result(kind, front, side):
    first, to_inputs = _front(front)
    model = Sequential([first, RECURRENT[kind]()])
    rows = _sequences()
    padded = model.predict(to_inputs(_pad(rows, side)))
    for i, row in enumerate(rows):
        _close(padded[i], model.predict(to_inputs(row[None]))[0])


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("kind", ["LSTM", "Bidirectional(LSTM)", "Bidirectional(GRU, sum)"])
def test_padded_sequences_give_the_unpadded_outputs_at_the_real_steps(kind, side):
    model = Sequential([layers.Embedding(10, 3, mask_zero=True),
                        RECURRENT[kind](return_sequences=True)])
    rows = _sequences(seed=1)
    padded = model.predict(_pad(rows, side))
    for i, row in enumerate(rows):
        _close(_real_steps(padded[i], len(row), side), model.predict(row[None])[0])


def test_mask_flows_through_bidirectional_into_the_next_layer():
    inputs = layers.Input((None,))
    hidden = layers.Embedding(10, 4, mask_zero=True)(inputs)
    hidden = layers.Bidirectional(layers.GRU(3, return_sequences=True))(hidden)
    hidden = layers.Dropout(0.3)(hidden)
    outputs = layers.LSTM(2)(hidden)
    model = Model(inputs, outputs)
    rows = _sequences(seed=2)
    for side in ("left", "right"):
        padded = model.predict(_pad(rows, side))
        for i, row in enumerate(rows):
            _close(padded[i], model.predict(row[None])[0])


def test_mask_flows_through_time_distributed_dense():
    model = Sequential([layers.Embedding(10, 4, mask_zero=True),
                        layers.TimeDistributed(layers.Dense(5, activation="relu")),
                        layers.SimpleRNN(3)])
    rows = _sequences(seed=3)
    padded = model.predict(_pad(rows, "left"))
    for i, row in enumerate(rows):
        _close(padded[i], model.predict(row[None])[0])


# ------------------------------------------------------------------ merge layers
def test_merge_layers_and_their_masks():
    a, b = torch.ones(2, 3, 4), torch.ones(2, 3, 4)
    mask_a = torch.tensor([[True, True, False], [True, False, False]])
    mask_b = torch.tensor([[False, True, True], [True, True, False]])
    both = [[False, True, False], [True, False, False]]
    for layer in (layers.Add(), layers.Multiply(), layers.Average(), layers.Maximum(),
                  layers.Subtract(), layers.Concatenate()):
        assert layer([a, b], mask=[mask_a, mask_b])._keras_mask.tolist() == both
        assert layer.compute_mask([a, b], [mask_a, None]).tolist() == mask_a.tolist()
        assert layer.compute_mask([a, b], None) is None
        assert layer.compute_mask([a, b], [None, None]) is None
    in_time = layers.Concatenate(axis=1).compute_mask([a, b[:, :2]], [mask_a, mask_b[:, :2]])
    assert in_time.tolist() == [[True, True, False, False, True],
                                [True, False, False, True, True]]
    unmasked_second = layers.Concatenate(axis=1).compute_mask([a, b[:, :2]], [mask_a, None])
    assert unmasked_second.tolist() == [[True, True, False, True, True],
                                        [True, False, False, True, True]]
    assert layers.Dot(axes=-1).compute_mask([a, b], [mask_a, mask_b]) is None
    with pytest.raises(ValueError, match="one mask \\(or None\\) per input"):
        layers.Add().compute_mask([a, b], [mask_a])


def test_mask_flows_through_a_merge_of_two_recurrent_branches():
    inputs = layers.Input((None,))
    embedded = layers.Embedding(10, 4, mask_zero=True)(inputs)
    left = layers.LSTM(3, return_sequences=True)(embedded)
    right = layers.GRU(3, return_sequences=True, go_backwards=False)(embedded)
    merged = layers.concatenate([left, right])
    summed = layers.add([left, right])
    outputs = layers.concatenate([layers.SimpleRNN(2)(merged), layers.SimpleRNN(2)(summed)])
    model = Model(inputs, outputs)
    rows = _sequences(seed=4)
    padded = model.predict(_pad(rows, "right"))
    for i, row in enumerate(rows):
        _close(padded[i], model.predict(row[None])[0])


# ------------------------------------------------------------------ pooling and Lambda
def test_global_average_pooling_1d_averages_the_unmasked_steps():
    x = torch.tensor([[[1., 2.], [3., 4.], [100., 100.]]])
    mask = torch.tensor([[True, True, False]])
    assert layers.GlobalAveragePooling1D()(x, mask=mask).tolist() == [[2., 3.]]
    model = Sequential([layers.Embedding(10, 4, mask_zero=True),
                        layers.GlobalAveragePooling1D(), layers.Dense(1)])
    rows = _sequences(seed=5)
    padded = model.predict(_pad(rows, "left"))
    for i, row in enumerate(rows):
        _close(padded[i], model.predict(row[None])[0])


def test_lambda_passes_masks_as_keras_2_does():
    seen = {}

    def doubled(x, mask=None):
        seen["mask"] = mask
        return x * 2
    x = torch.ones(1, 3, 2)
    mask = torch.tensor([[True, False, True]])
    out = layers.Lambda(doubled, mask=lambda inputs, mask: mask)(x, mask=mask)
    assert torch.equal(seen["mask"], mask) and torch.equal(out._keras_mask, mask)
    assert not hasattr(layers.Lambda(doubled)(x, mask=mask), "_keras_mask")  # no `mask`: dropped
    model = Sequential([layers.Embedding(10, 4, mask_zero=True),
                        layers.Lambda(lambda x: x * 2, mask=lambda inputs, mask: mask),
                        layers.LSTM(3)])
    rows = _sequences(seed=6)
    padded = model.predict(_pad(rows, "right"))
    for i, row in enumerate(rows):
        _close(padded[i], model.predict(row[None])[0])
