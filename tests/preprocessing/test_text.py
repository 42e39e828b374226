"""keras.preprocessing.text: Tokenizer, its matrices and JSON, the word splitter and the
hashing functions, against the book's outputs, hand-computed cases and Keras's formulas."""
import collections
import hashlib
import json
import math
import types

import numpy as np
import pytest

from cornu import compat
from cornu.preprocessing.text import (Tokenizer, hashing_trick, one_hot,
                                      text_to_word_sequence, tokenizer_from_json)

SAMPLES = ['The cat sat on the mat.', 'The dog ate my homework.']  # Chollet 6.1.1

#: ``Tokenizer(num_words=1000).fit_on_texts(SAMPLES).to_json()`` as keras-preprocessing 1.1.2
#: writes it
KERAS_JSON = (
    '{"class_name": "Tokenizer", "config": {"num_words": 1000, "filters": '
    '"!\\"#$%&()*+,-./:;<=>?@[\\\\]^_`{|}~\\t\\n", "lower": true, "split": " ", '
    '"char_level": false, "oov_token": null, "document_count": 2, "word_counts": '
    '"{\\"the\\": 3, \\"cat\\": 1, \\"sat\\": 1, \\"on\\": 1, \\"mat\\": 1, \\"dog\\": 1, '
    '\\"ate\\": 1, \\"my\\": 1, \\"homework\\": 1}", "word_docs": "{\\"cat\\": 1, \\"sat\\": 1, '
    '\\"on\\": 1, \\"mat\\": 1, \\"the\\": 2, \\"ate\\": 1, \\"homework\\": 1, \\"my\\": 1, '
    '\\"dog\\": 1}", "index_docs": "{\\"2\\": 1, \\"3\\": 1, \\"4\\": 1, \\"5\\": 1, \\"1\\": 2, '
    '\\"7\\": 1, \\"9\\": 1, \\"8\\": 1, \\"6\\": 1}", "index_word": "{\\"1\\": \\"the\\", '
    '\\"2\\": \\"cat\\", \\"3\\": \\"sat\\", \\"4\\": \\"on\\", \\"5\\": \\"mat\\", '
    '\\"6\\": \\"dog\\", \\"7\\": \\"ate\\", \\"8\\": \\"my\\", \\"9\\": \\"homework\\"}", '
    '"word_index": "{\\"the\\": 1, \\"cat\\": 2, \\"sat\\": 3, \\"on\\": 4, \\"mat\\": 5, '
    '\\"dog\\": 6, \\"ate\\": 7, \\"my\\": 8, \\"homework\\": 9}"}}')


@pytest.fixture
def book_tokenizer():
    tokenizer = Tokenizer(num_words=1000)
    tokenizer.fit_on_texts(SAMPLES)
    return tokenizer


# ----------------------------------------------------------------------------- the book (E17)

def test_chollet_word_index_docs_and_sequences(book_tokenizer):
    assert list(book_tokenizer.word_index.items()) == [
        ('the', 1), ('cat', 2), ('sat', 3), ('on', 4), ('mat', 5), ('dog', 6), ('ate', 7),
        ('my', 8), ('homework', 9)]
    assert isinstance(book_tokenizer.word_docs, collections.defaultdict)
    assert dict(book_tokenizer.word_docs) == {'ate': 1, 'cat': 1, 'dog': 1, 'homework': 1,
                                              'mat': 1, 'my': 1, 'on': 1, 'sat': 1, 'the': 2}
    assert isinstance(book_tokenizer.word_counts, collections.OrderedDict)
    assert list(book_tokenizer.word_counts.items())[:2] == [('the', 3), ('cat', 1)]
    assert book_tokenizer.index_word[9] == 'homework'
    assert book_tokenizer.document_count == 2
    assert book_tokenizer.texts_to_sequences(SAMPLES) == [[1, 2, 3, 4, 1, 5], [1, 6, 7, 8, 9]]


def test_chollet_binary_matrix(book_tokenizer):
    one_hot_results = book_tokenizer.texts_to_matrix(SAMPLES, mode='binary')
    assert one_hot_results.shape == (2, 1000) and one_hot_results.dtype == np.float64
    assert one_hot_results[0][0:10].tolist() == [0, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert one_hot_results[1][0:10].tolist() == [0, 1, 0, 0, 0, 0, 1, 1, 1, 1]
    assert one_hot_results[:, 10:].sum() == 0


def test_fits_a_pandas_series_and_a_generator():
    pandas = pytest.importorskip("pandas")
    from_series = Tokenizer()
    from_series.fit_on_texts(pandas.Series(SAMPLES))
    from_generator = Tokenizer()
    from_generator.fit_on_texts(text for text in SAMPLES)
    assert from_series.word_index == from_generator.word_index
    assert from_series.document_count == from_generator.document_count == 2


# ----------------------------------------------------------------------------- the vocabulary

def test_ties_keep_the_order_of_first_appearance():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(['b a c', 'a b d d'])
    # counts: b 2, a 2, c 1, d 2 -> by count, ties in order of first appearance
    assert list(tokenizer.word_index) == ['b', 'a', 'd', 'c']
    tokenizer.fit_on_texts(['c c'])  # fitting again re-ranks the whole vocabulary
    assert list(tokenizer.word_index) == ['c', 'b', 'a', 'd']
    assert tokenizer.document_count == 3 and tokenizer.word_docs['c'] == 2
    assert dict(tokenizer.index_docs) == {1: 2, 2: 2, 3: 2, 4: 1}


def test_oov_token_takes_index_1_and_replaces_unknown_words():
    tokenizer = Tokenizer(oov_token='<unk>')
    tokenizer.fit_on_texts(SAMPLES)
    assert tokenizer.word_index['<unk>'] == 1 and tokenizer.word_index['the'] == 2
    assert tokenizer.texts_to_sequences(['the zebra ate']) == [[2, 1, 8]]
    assert tokenizer.sequences_to_texts([[2, 1, 8, 99]]) == ['the <unk> ate <unk>']


def test_num_words_limits_the_outputs_but_not_word_index():
    tokenizer = Tokenizer(num_words=3)
    tokenizer.fit_on_texts(SAMPLES)
    assert len(tokenizer.word_index) == 9
    assert tokenizer.texts_to_sequences(SAMPLES) == [[1, 2, 1], [1]]
    assert tokenizer.sequences_to_texts([[1, 2, 3, 9]]) == ['the cat']
    assert tokenizer.texts_to_matrix(SAMPLES, mode='count').tolist() == [[0, 2, 1], [0, 1, 0]]
    with_oov = Tokenizer(num_words=3, oov_token='?')
    with_oov.fit_on_texts(SAMPLES)
    assert with_oov.texts_to_sequences(['the cat sat']) == [[2, 1, 1]]
    assert with_oov.sequences_to_texts([[2, 3, 5]]) == ['the ? ?']


def test_char_level_and_lower():
    tokenizer = Tokenizer(char_level=True)
    tokenizer.fit_on_texts(['Abba!', 'b a'])
    assert tokenizer.word_index == {'a': 1, 'b': 2, '!': 3, ' ': 4}  # a and b: 3 each
    assert tokenizer.texts_to_sequences(['BA?']) == [[2, 1]]
    keep_case = Tokenizer(char_level=True, lower=False)
    keep_case.fit_on_texts(['Aa'])
    assert keep_case.word_index == {'A': 1, 'a': 2}


def test_lists_of_tokens_are_taken_as_they_are():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts([['New York', 'Paris'], ['paris']])
    assert tokenizer.word_index == {'paris': 1, 'new york': 2}
    assert tokenizer.texts_to_sequences([['PARIS', 'Rome']]) == [[1]]
    numbers = Tokenizer(lower=False)
    numbers.fit_on_texts([[3, 1, 3]])
    assert numbers.word_index == {3: 1, 1: 2}


def test_split_and_filters_reach_the_splitter():
    tokenizer = Tokenizer(filters='.', split=',', lower=False)
    tokenizer.fit_on_texts(['New York,Paris.Rome,Paris'])
    assert tokenizer.word_index == {'Paris': 1, 'New York': 2, 'Rome': 3}


def test_generators_are_lazy(book_tokenizer):
    sequences = book_tokenizer.texts_to_sequences_generator(iter(SAMPLES))
    texts = book_tokenizer.sequences_to_texts_generator([[2, 1], [6]])
    assert isinstance(sequences, types.GeneratorType) and isinstance(texts, types.GeneratorType)
    assert next(sequences) == [1, 2, 3, 4, 1, 5]
    assert list(texts) == ['cat the', 'dog']


def test_an_unfitted_tokenizer_gives_empty_sequences():
    assert Tokenizer().texts_to_sequences(['a b']) == [[]]
    assert Tokenizer(oov_token='?').texts_to_sequences(['a b']) == [[]]


# ----------------------------------------------------------------------------- matrices

def test_count_and_freq_modes():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(['a a b', 'b c'])  # a 1, b 2, c 3 (a: 2, b: 2, ties by appearance)
    assert tokenizer.word_index == {'a': 1, 'b': 2, 'c': 3}
    texts = ['a a b zzz', 'c', '']
    assert tokenizer.texts_to_matrix(texts, mode='count').tolist() == [
        [0, 2, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    # freq divides by the length of the sequence (unknown words are not in it)
    np.testing.assert_array_equal(tokenizer.texts_to_matrix(texts, mode='freq'),
                                  [[0, 2 / 3, 1 / 3, 0], [0, 0, 0, 1], [0, 0, 0, 0]])


def test_freq_counts_indices_beyond_num_words_in_the_length():
    tokenizer = Tokenizer(num_words=3)
    assert tokenizer.sequences_to_matrix([[1, 1, 7, 2]], mode='freq').tolist() == [
        [0, 0.5, 0.25]]


def test_tfidf_follows_keras_formula():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(['a a b', 'b c', 'b b b'])
    assert tokenizer.word_index == {'b': 1, 'a': 2, 'c': 3}
    matrix = tokenizer.texts_to_matrix(['a a b', 'c c c c d'], mode='tfidf')

    def tfidf(count, documents_with_word):
        return (1 + math.log(count)) * math.log(1 + 3 / (1 + documents_with_word))

    expected = [[0, tfidf(1, 3), tfidf(2, 1), 0], [0, 0, 0, tfidf(4, 1)]]
    np.testing.assert_allclose(matrix, expected, rtol=1e-14, atol=0)


def test_fit_on_sequences_feeds_tfidf():
    tokenizer = Tokenizer(num_words=4)
    tokenizer.fit_on_sequences([[1, 2, 2], [2, 3], np.array([3])])
    assert tokenizer.document_count == 3 and dict(tokenizer.index_docs) == {1: 1, 2: 2, 3: 2}
    matrix = tokenizer.sequences_to_matrix([[2, 2, 0]], mode='tfidf')
    np.testing.assert_allclose(matrix[0, 2], (1 + math.log(2)) * math.log(1 + 3 / 3),
                               rtol=1e-14)
    np.testing.assert_allclose(matrix[0, 0], math.log(1 + 3 / 1), rtol=1e-14)


def test_sequences_to_matrix_against_a_numpy_reference():
    rng = np.random.RandomState(0)
    sequences = [list(rng.randint(0, 12, rng.randint(0, 9))) for _ in range(30)]
    tokenizer = Tokenizer(num_words=10)
    tokenizer.fit_on_sequences(sequences)
    counts = np.zeros((30, 10))
    for row, sequence in enumerate(sequences):
        for index in sequence:
            if index < 10:
                counts[row, index] += 1
    lengths = np.array([max(len(s), 1) for s in sequences], dtype=float)[:, None]
    docs = np.array([tokenizer.index_docs.get(j, 0) for j in range(10)])
    with np.errstate(divide='ignore'):
        tfidf = np.where(counts > 0, (1 + np.log(counts)) * np.log(1 + 30 / (1 + docs)), 0)
    expected = {'binary': (counts > 0).astype(float), 'count': counts,
                'freq': counts / lengths, 'tfidf': tfidf}
    for mode, matrix in expected.items():
        np.testing.assert_allclose(tokenizer.sequences_to_matrix(sequences, mode=mode), matrix,
                                   rtol=1e-14, err_msg=mode)


def test_matrix_errors():
    with pytest.raises(ValueError, match=r"Specify a dimension \(`num_words` argument\)"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="Fit the Tokenizer on some data before using tfidf"):
        Tokenizer(num_words=3).sequences_to_matrix([[1]], mode='tfidf')
    with pytest.raises(ValueError, match="Unknown vectorization mode: 'tf-idf'.*Did you mean "
                                         "'tfidf'"):
        Tokenizer(num_words=3).texts_to_matrix(['a'], mode='tf-idf')
    with pytest.raises(ValueError, match="must be >= 0"):
        Tokenizer(num_words=3).sequences_to_matrix([[1, -1]])
    with pytest.raises(TypeError, match="sequences of integer word indices"):
        Tokenizer(num_words=3).sequences_to_matrix([[1, 'a']])
    with pytest.raises(TypeError, match="found fractional values"):
        Tokenizer(num_words=3).sequences_to_matrix([[1, 1.5]])
    assert Tokenizer(num_words=3).sequences_to_matrix([[1., 2.]]).tolist() == [[0, 1, 1]]


# ----------------------------------------------------------------------------- input errors

def test_wrong_inputs_raise_type_errors_that_name_them():
    tokenizer = Tokenizer()
    with pytest.raises(TypeError, match="text 1 is float nan"):
        tokenizer.fit_on_texts(['a', float('nan')])
    with pytest.raises(TypeError, match="expects a list \\(or any iterable\\) of texts"):
        tokenizer.fit_on_texts(None)
    with pytest.raises(TypeError, match="text 0 is tuple"):
        tokenizer.texts_to_sequences([('a', 'b')])
    with pytest.raises(TypeError, match="not all strings"):
        tokenizer.fit_on_texts([['a', 1]])


def test_keyword_arguments():
    with pytest.raises(TypeError, match="Unrecognized keyword arguments.*Did you mean "
                                        "'num_words'"):
        Tokenizer(num_word=10)
    with pytest.warns(UserWarning, match="renamed `num_words`"):
        assert Tokenizer(nb_words=10).num_words == 10


# ----------------------------------------------------------------------------- JSON

def test_config_has_keras_layout(book_tokenizer):
    config = book_tokenizer.get_config()
    assert list(config) == ['num_words', 'filters', 'lower', 'split', 'char_level',
                            'oov_token', 'document_count', 'word_counts', 'word_docs',
                            'index_docs', 'index_word', 'word_index']
    assert json.loads(config['index_word'])['1'] == 'the'
    description = json.loads(book_tokenizer.to_json(indent=1))
    assert description['class_name'] == 'Tokenizer' and description['config'] == config


def test_json_round_trip_gives_the_same_tokenizer(book_tokenizer):
    restored = tokenizer_from_json(book_tokenizer.to_json())
    for name in ('num_words', 'filters', 'lower', 'split', 'char_level', 'oov_token',
                 'document_count', 'word_index', 'index_word', 'word_counts', 'word_docs',
                 'index_docs'):
        assert getattr(restored, name) == getattr(book_tokenizer, name), name
    assert isinstance(restored.word_counts, collections.OrderedDict)
    for mode in ('binary', 'count', 'tfidf', 'freq'):
        np.testing.assert_array_equal(restored.texts_to_matrix(SAMPLES, mode=mode),
                                      book_tokenizer.texts_to_matrix(SAMPLES, mode=mode))
    restored.fit_on_texts(['a new text'])  # fitting goes on after loading
    assert restored.word_index['new'] == 11 and restored.document_count == 3


def test_reads_the_json_keras_writes(book_tokenizer):
    restored = tokenizer_from_json(KERAS_JSON)
    assert restored.word_index == book_tokenizer.word_index
    assert restored.index_docs == book_tokenizer.index_docs
    np.testing.assert_array_equal(restored.texts_to_matrix(SAMPLES, mode='tfidf'),
                                  book_tokenizer.texts_to_matrix(SAMPLES, mode='tfidf'))
    assert json.loads(book_tokenizer.to_json())['config']['word_index'] == json.loads(
        KERAS_JSON)['config']['word_index']


def test_oov_tokenizer_round_trip():
    tokenizer = Tokenizer(num_words=5, oov_token='<unk>', char_level=True)
    tokenizer.fit_on_texts(['hello'])
    restored = tokenizer_from_json(tokenizer.to_json())
    assert restored.texts_to_sequences(['help']) == tokenizer.texts_to_sequences(['help'])
    with pytest.raises(ValueError, match="'config' entry"):
        tokenizer_from_json('[1, 2]')


# ----------------------------------------------------------------------------- words and hashes

def test_text_to_word_sequence():
    assert text_to_word_sequence('The cat sat on the mat.') == ['the', 'cat', 'sat', 'on',
                                                                 'the', 'mat']
    assert text_to_word_sequence("Don't\tstop,\nnow!") == ["don't", 'stop', 'now']
    assert text_to_word_sequence('Hello, World', lower=False) == ['Hello', 'World']
    assert text_to_word_sequence('a-b c.d', filters='.', split='-') == ['a', 'b c', 'd']
    assert text_to_word_sequence('a;b c', filters=[';']) == ['a', 'b', 'c']
    assert text_to_word_sequence('a::b', filters='', split='::') == ['a', 'b']
    with pytest.raises(TypeError, match="expects a string, received int"):
        text_to_word_sequence(3)


def test_hashing_trick_with_md5_is_deterministic():
    words = ['the', 'cat', 'sat', 'on', 'the', 'mat']
    expected = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 99 + 1 for w in words]
    assert hashing_trick('The cat sat on the mat.', 100, hash_function='md5') == expected
    assert expected == [51, 3, 10, 28, 51, 26]  # the same in every process


def test_hashing_trick_range_and_hash_functions():
    text = ' '.join(f'word{i}' for i in range(500))
    indices = hashing_trick(text, 7)
    assert min(indices) >= 1 and max(indices) <= 6 and len(set(indices)) == 6
    assert hashing_trick(text, 7) == [hash(f'word{i}') % 6 + 1 for i in range(500)]
    assert hashing_trick('aa b ccc', 3, hash_function=len) == [1, 2, 2]
    assert hashing_trick('Aa, b', np.int64(10), hash_function=len, lower=False) == [3, 2]
    with pytest.raises(ValueError, match="Unknown hash_function 'MD5'.*Did you mean 'md5'"):
        hashing_trick('a', 10, hash_function='MD5')
    with pytest.raises(TypeError, match="hash_function must be"):
        hashing_trick('a', 10, hash_function=3)
    with pytest.raises(ValueError, match="integer >= 2"):
        hashing_trick('a', 1)


def test_one_hot_is_hashing_with_python_hash():
    text = 'The cat sat on the mat.'
    indices = one_hot(text, 50)
    assert indices == hashing_trick(text, 50, hash_function=hash)
    assert len(indices) == 6 and indices[0] == indices[4]
    assert all(1 <= index <= 49 for index in indices)


# ----------------------------------------------------------------------------- the alias

def test_keras_preprocessing_text_resolves_to_cornu():
    compat.install_keras_alias()
    try:
        from keras.preprocessing.text import Tokenizer as KerasTokenizer
        from keras.preprocessing import text as keras_text
    finally:
        compat.uninstall_keras_alias()
    assert KerasTokenizer is Tokenizer
    assert keras_text.tokenizer_from_json is tokenizer_from_json
    assert keras_text.one_hot is one_hot
