"""keras.preprocessing.sequence: pad_sequences, TimeseriesGenerator (and training on it),
skipgrams and make_sampling_table, against hand-computed cases, NumPy references and outputs
of keras-preprocessing 1.1.2."""
import itertools
import json
import math
import random

import numpy as np
import pytest

from cornu import compat
from cornu.layers import Dense, Flatten
from cornu.models import Sequential
from cornu.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table,
                                          pad_sequences, skipgrams,
                                          timeseries_generator_from_json)
from cornu.utils.sequence import Sequence


# ----------------------------------------------------------------------------- pad_sequences

def test_pads_and_truncates_at_the_start_by_default():
    padded = pad_sequences([[1, 2, 3, 4], [5, 6], []], maxlen=3)
    assert padded.dtype == np.int32
    assert padded.tolist() == [[2, 3, 4], [0, 5, 6], [0, 0, 0]]


@pytest.mark.parametrize("padding,truncating,expected", [
    ("pre", "pre", [[2, 3, 4], [0, 5, 6]]),
    ("pre", "post", [[1, 2, 3], [0, 5, 6]]),
    ("post", "pre", [[2, 3, 4], [5, 6, 0]]),
    ("post", "post", [[1, 2, 3], [5, 6, 0]]),
])
def test_every_padding_and_truncating(padding, truncating, expected):
    padded = pad_sequences([[1, 2, 3, 4], [5, 6]], maxlen=3, padding=padding,
                           truncating=truncating)
    assert padded.tolist() == expected


def _reference_pad(sequences, maxlen, padding, truncating, value, dtype):
    """Row by row with np.concatenate: the cut, and the padding on its side."""
    rows = []
    for sequence in sequences:
        sequence = list(sequence)
        cut = sequence[max(len(sequence) - maxlen, 0):] if truncating == "pre" \
            else sequence[:maxlen]
        filler = [value] * (maxlen - len(cut))
        rows.append(np.array(filler + cut if padding == "pre" else cut + filler, dtype=dtype))
    return np.stack(rows)


def test_against_a_numpy_reference():
    rng = np.random.RandomState(0)
    sequences = [list(rng.randint(1, 100, rng.randint(0, 9))) for _ in range(40)]
    for maxlen, padding, truncating in itertools.product(
            (1, 4, 8, 12), ("pre", "post"), ("pre", "post")):
        for dtype, value in (("int32", 0), ("int64", -1), ("float32", 0.5)):
            np.testing.assert_array_equal(
                pad_sequences(sequences, maxlen, dtype, padding, truncating, value),
                _reference_pad(sequences, maxlen, padding, truncating, value, dtype))
    assert pad_sequences(sequences).shape == (40, max(map(len, sequences)))


def test_value_and_float_dtype():
    padded = pad_sequences([[1.5, 2.25], [3.75]], dtype='float32', value=-1.)
    assert padded.dtype == np.float32 and padded.tolist() == [[1.5, 2.25], [-1, 3.75]]
    assert pad_sequences([[1.7, -2.7]], maxlen=3).tolist() == [[0, 1, -2]]  # int32 cast
    assert pad_sequences([[1]], maxlen=2, value=7).tolist() == [[7, 1]]


def test_string_dtypes():
    padded = pad_sequences([['a'], ['bb', 'c']], dtype=object, value='<pad>')
    assert padded.dtype == object and padded.tolist() == [['<pad>', 'a'], ['bb', 'c']]
    unicode = pad_sequences([['ab'], ['c', 'd']], dtype='<U2', value='x')
    assert unicode.dtype == np.dtype('<U2') and unicode.tolist() == [['x', 'ab'], ['c', 'd']]
    assert pad_sequences([['a']], maxlen=2, dtype='object', value='-').tolist() == [['-', 'a']]
    with pytest.raises(ValueError, match="`dtype` int32 is not compatible with `value`'s type: "
                                         "<class 'str'>\nYou should set `dtype=object` for "
                                         "variable length strings."):
        pad_sequences([[1]], value='x')


def test_sequences_of_arrays_keep_trailing_dimensions():
    first = np.arange(6).reshape(3, 2)
    padded = pad_sequences([first, np.empty((0, 2)), [[9, 9]]], maxlen=2)
    assert padded.shape == (3, 2, 2)
    assert padded.tolist() == [[[2, 3], [4, 5]], [[0, 0], [0, 0]], [[0, 0], [9, 9]]]
    with pytest.raises(ValueError, match=r"Shape of sample \(3,\) of sequence at position 1 "
                                         r"is different from expected shape \(2,\)"):
        pad_sequences([first, np.ones((1, 3))])


def test_empty_inputs_and_object_arrays():
    assert pad_sequences([[], []]).shape == (2, 0)
    assert pad_sequences([], maxlen=4).shape == (0, 4)
    assert pad_sequences([[1, 2], [3]], maxlen=0).shape == (2, 0)
    reviews = np.empty(2, dtype=object)  # as imdb.load_data returns them
    reviews[0], reviews[1] = [1, 14, 22], [1, 5]
    assert pad_sequences(reviews, maxlen=2).tolist() == [[14, 22], [1, 5]]
    with pytest.raises(ValueError, match="no sequences"):
        pad_sequences([])


def test_errors():
    with pytest.raises(ValueError, match="`sequences` must be iterable."):
        pad_sequences(iter([[1]]))
    with pytest.raises(ValueError, match="must be a list of iterables. Found non-iterable: 3"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match='Padding type "pots" not understood.*Did you mean '
                                         "'post'"):
        pad_sequences([[1]], padding='pots')
    with pytest.raises(ValueError, match='Truncating type "middle" not understood'):
        pad_sequences([[]], truncating='middle')
    with pytest.raises(ValueError, match="`maxlen` must be None or an integer >= 0"):
        pad_sequences([[1]], maxlen=-1)


# ----------------------------------------------------------------------------- TimeseriesGenerator

def _reference_windows(data, targets, rows, length, sampling_rate, reverse):
    samples = np.stack([data[range(row - length, row, sampling_rate)] for row in rows])
    return (samples[:, ::-1] if reverse else samples), targets[list(rows)]


def test_keras_documented_example():
    data = np.array([[i] for i in range(50)])
    targets = np.array([[i] for i in range(50)])
    generator = TimeseriesGenerator(data, targets, length=10, sampling_rate=2, batch_size=2)
    assert isinstance(generator, Sequence) and len(generator) == 20
    x, y = generator[0]
    assert np.array_equal(x, np.array([[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]]))
    assert np.array_equal(y, np.array([[10], [11]]))
    x, y = generator[19]
    assert y.ravel().tolist() == [48, 49]


@pytest.mark.parametrize("length,sampling_rate,stride,start,end,reverse,batch_size", [
    (3, 1, 1, 0, None, False, 4),
    (4, 2, 1, 0, None, False, 3),
    (3, 1, 3, 2, None, False, 2),
    (5, 2, 2, 1, 15, True, 4),
    (2, 1, 1, 5, 9, True, 10),
    (1, 1, 1, 0, None, False, 128),
])
def test_batches_against_a_reference(length, sampling_rate, stride, start, end, reverse,
                                     batch_size):
    data = np.random.RandomState(0).rand(20, 3).astype(np.float32)
    targets = np.arange(20) * 10
    generator = TimeseriesGenerator(data, targets, length, sampling_rate=sampling_rate,
                                    stride=stride, start_index=start, end_index=end,
                                    reverse=reverse, batch_size=batch_size)
    last = 19 if end is None else end
    window_ends = list(range(start + length, last + 1, stride))
    assert len(generator) == math.ceil(len(window_ends) / batch_size)
    for index in range(len(generator)):
        rows = window_ends[index * batch_size:(index + 1) * batch_size]
        x, y = generator[index]
        expected_x, expected_y = _reference_windows(data, targets, rows, length, sampling_rate,
                                                    reverse)
        assert x.dtype == np.float32 and x.shape == (len(rows), -(-length // sampling_rate), 3)
        np.testing.assert_array_equal(x, expected_x)
        np.testing.assert_array_equal(y, expected_y)


def test_shuffle_draws_window_ends_from_numpy_global_generator():
    data = np.arange(30)
    generator = TimeseriesGenerator(data, data * 2, length=4, start_index=3, end_index=25,
                                    shuffle=True, batch_size=6)
    np.random.seed(11)
    x, y = generator[0]
    rows = np.random.RandomState(11).randint(7, 26, size=6)
    np.testing.assert_array_equal(y, rows * 2)
    np.testing.assert_array_equal(x, rows[:, None] + np.arange(-4, 0))
    np.random.seed(11)
    again, _ = generator[5]  # the index does not matter, only the global state
    np.testing.assert_array_equal(again, x)


def test_lists_are_indexed_like_keras():
    data = [[i, -i] for i in range(8)]
    generator = TimeseriesGenerator(data, list(range(8)), length=2, batch_size=3)
    x, y = generator[1]
    assert x.tolist() == [[[3, -3], [4, -4]], [[4, -4], [5, -5]], [[5, -5], [6, -6]]]
    assert y.tolist() == [5, 6, 7]


def test_generator_errors():
    with pytest.raises(ValueError, match="Data length is 5 while target length is 4"):
        TimeseriesGenerator(np.zeros(5), np.zeros(4), length=2)
    with pytest.raises(ValueError, match=r"`start_index\+length=6 > end_index=4` is "
                                         "disallowed"):
        TimeseriesGenerator(np.zeros(5), np.zeros(5), length=6)
    for name in ("sampling_rate", "stride", "batch_size"):
        with pytest.raises(ValueError, match=f"`{name}` must be an integer >= 1"):
            TimeseriesGenerator(np.zeros(5), np.zeros(5), length=2, **{name: 0})


def test_json_round_trip_gives_the_same_batches():
    data = np.arange(24).reshape(12, 2)
    generator = TimeseriesGenerator(data, np.arange(12), length=3, sampling_rate=2, stride=2,
                                    start_index=1, end_index=10, reverse=True, batch_size=2)
    config = generator.get_config()
    assert list(config) == ['data', 'targets', 'length', 'sampling_rate', 'stride',
                            'start_index', 'end_index', 'shuffle', 'reverse', 'batch_size']
    assert config['start_index'] == 1 and json.loads(config['data']) == data.tolist()
    restored = timeseries_generator_from_json(generator.to_json())
    assert len(restored) == len(generator) == 2
    for index in range(len(generator)):
        for got, expected in zip(restored[index], generator[index]):
            np.testing.assert_array_equal(got, expected)
    assert timeseries_generator_from_json(TimeseriesGenerator(
        data, data, length=np.int64(2), batch_size=np.int64(4)).to_json()).length == 2
    with pytest.raises(TypeError, match="Data not JSON serializable"):
        TimeseriesGenerator([object()] * 3, [1, 2, 3], length=1).get_config()


def test_fit_generator_trains_on_a_timeseries_generator():
    rng = np.random.RandomState(0)
    series = rng.rand(200, 2).astype(np.float32)
    targets = series[:, :1] + series[:, 1:]
    generator = TimeseriesGenerator(series, targets, length=4, batch_size=16)
    model = Sequential([Flatten(input_shape=(4, 2)), Dense(1)])
    model.compile(optimizer='sgd', loss='mse')
    before = [w.copy() for w in model.get_weights()]
    history = model.fit_generator(generator, steps_per_epoch=len(generator), epochs=2,
                                  verbose=0)
    assert len(history.history['loss']) == 2 and np.all(np.isfinite(history.history['loss']))
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    assert model.predict_generator(generator, steps=2).shape == (32, 1)


# ----------------------------------------------------------------------------- skipgrams

def test_positive_pairs_by_hand():
    couples, labels = skipgrams([1, 2, 0, 3], vocabulary_size=4, window_size=1,
                                negative_samples=0., shuffle=False)
    assert couples == [[1, 2], [2, 1]] and labels == [1, 1]  # 0 is a non-word
    couples, labels = skipgrams([1, 2, 3], vocabulary_size=4, window_size=2,
                                negative_samples=0., shuffle=False, categorical=True)
    assert couples == [[1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]]
    assert labels == [[0, 1]] * 6


def test_negative_pairs():
    random.seed(0)
    couples, labels = skipgrams([1, 2, 3, 4, 5], vocabulary_size=10, window_size=1,
                                negative_samples=1.5, shuffle=False)
    positives, negatives = couples[:8], couples[8:]
    assert labels == [1] * 8 + [0] * 12
    assert sorted(c[0] for c in negatives[:8]) == sorted(c[0] for c in positives)
    assert all(1 <= c[1] <= 9 for c in negatives)


def test_outputs_of_keras_for_the_same_random_state():
    # keras-preprocessing 1.1.2 after random.seed(42)
    random.seed(42)
    assert skipgrams([1, 2, 3, 0, 4], vocabulary_size=6, window_size=2, seed=5) == (
        [[2, 1], [2, 3], [3, 1], [3, 1], [3, 5], [1, 3], [3, 4], [4, 3], [1, 2], [1, 1],
         [3, 1], [1, 1], [2, 4], [3, 2], [4, 5], [2, 1]],
        [1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0])
    random.seed(42)
    couples, labels = skipgrams([1, 2, 3, 0, 4], vocabulary_size=6, window_size=2,
                                categorical=True, negative_samples=0.5, shuffle=False)
    assert couples[8:] == [[2, 1], [3, 5], [3, 1], [4, 5]]
    assert labels == [[0, 1]] * 8 + [[1, 0]] * 4
    random.seed(3)
    table = [0, .1, .9, .5, .2, .8, 1.]
    assert skipgrams([1, 2, 3, 4, 5, 6], vocabulary_size=7, window_size=1, shuffle=False,
                     sampling_table=table, negative_samples=0)[0] == [
        [2, 1], [2, 3], [3, 2], [3, 4], [5, 4], [5, 6], [6, 5]]


def test_same_seed_same_couples_and_aligned_labels():
    sequence = [3, 1, 4, 1, 5, 9, 2, 6]
    results = []
    for _ in range(2):
        random.seed(1)
        results.append(skipgrams(sequence, vocabulary_size=10, seed=123))
    assert results[0] == results[1]
    # as in Keras, the global generator is left seeded with `seed`, after shuffling the labels
    reference = random.Random(123)
    reference.shuffle(list(results[0][1]))
    assert random.random() == reference.random()
    random.seed(1)
    unshuffled = skipgrams(sequence, vocabulary_size=10, shuffle=False)
    pairs = sorted(zip(map(tuple, results[0][0]), results[0][1]))
    assert pairs == sorted(zip(map(tuple, unshuffled[0]), unshuffled[1]))


def test_sampling_table_keeps_and_drops_centre_words():
    sequence = [1, 2, 3, 4]
    assert skipgrams(sequence, 5, sampling_table=np.zeros(5), negative_samples=0.) == ([], [])
    kept, _ = skipgrams(sequence, 5, window_size=1, sampling_table=np.ones(5),
                        negative_samples=0., shuffle=False)
    assert kept == [[1, 2], [2, 1], [2, 3], [3, 2], [3, 4], [4, 3]]


def test_make_sampling_table_follows_the_formula():
    size, factor = 50, 1e-3
    table = make_sampling_table(size, sampling_factor=factor)
    expected = []
    for rank in range(size):
        rank = max(rank, 1)
        frequency = 1 / (rank * (math.log(rank) + 0.577) + 0.5 - 1 / (12 * rank))
        ratio = frequency / factor
        expected.append(min(1., math.sqrt(ratio) / ratio))
    assert table.shape == (size,) and table.dtype == np.float64
    np.testing.assert_allclose(table, expected, rtol=1e-12)
    assert make_sampling_table(3).round(6).tolist() == [0.003152, 0.003152, 0.005476]
    assert np.all(np.diff(make_sampling_table(1000)[1:]) > 0)


# ----------------------------------------------------------------------------- the alias

def test_keras_preprocessing_sequence_resolves_to_cornu():
    compat.install_keras_alias()
    try:
        from keras.preprocessing import sequence
        from keras.preprocessing.sequence import pad_sequences as keras_pad_sequences
        from keras import preprocessing
    finally:
        compat.uninstall_keras_alias()
    assert keras_pad_sequences is pad_sequences and sequence.pad_sequences is pad_sequences
    assert preprocessing.sequence.TimeseriesGenerator is TimeseriesGenerator
    assert preprocessing.sequence.pad_sequences([[1, 2]], maxlen=3).tolist() == [[0, 1, 2]]
