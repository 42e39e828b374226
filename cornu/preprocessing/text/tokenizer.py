"""``Tokenizer``: Keras 2's vocabulary of a text corpus (keras-preprocessing 1.1 semantics).

``fit_on_texts`` counts the words; ``word_index`` ranks them by count, most frequent first,
ties in order of first appearance, from 1 (0 is left for padding; an ``oov_token`` takes 1).
``num_words`` limits only the outputs (indices ``>= num_words`` are dropped or become the
``oov_token``'s index), never ``word_index``.

Where cornu differs from keras-preprocessing 1.1 it is in states Keras handles by accident:
``word_docs`` lists the words in order of first appearance (Keras: set order); an unfitted
tokenizer with an ``oov_token`` drops unknown words (Keras writes ``None``); a JSON round trip
gives back an ``OrderedDict`` ``word_counts`` and ``defaultdict`` ``word_docs`` /
``index_docs`` (Keras: plain dicts, so fitting again failed); a text that is neither a string
nor a list of tokens raises a ``TypeError`` that names it.

Example:
    >>> tokenizer = Tokenizer(num_words=1000)
    >>> tokenizer.fit_on_texts(['The cat sat on the mat.', 'The dog ate my homework.'])
    >>> tokenizer.texts_to_sequences(['the cat ate the homework'])
    [[1, 2, 7, 1, 9]]
"""
import collections
import json
import warnings

from cornu.preprocessing.text.matrix import check_mode, sequences_matrix
from cornu.preprocessing.text.words import DEFAULT_FILTERS, text_to_word_sequence
from cornu.utils.suggestions import suggestion

_ARGUMENTS = ("num_words", "filters", "lower", "split", "char_level", "oov_token",
              "document_count")


def _iterable(texts, method):
    """``iter(texts)``, or a TypeError naming ``method``."""
    try:
        return iter(texts)
    except TypeError:
        raise TypeError(f"Tokenizer.{method} expects a list (or any iterable) of texts, "
                        f"received {type(texts).__name__}.") from None


class Tokenizer:
    """Turns texts into sequences of word indices or into word-count matrices (Keras 2).

    Args:
        num_words: if given, only indices below ``num_words`` (the ``num_words - 1`` most
            frequent words) appear in the outputs.
        filters: the characters removed from the texts (by default the punctuation but the
            apostrophe, tabs and newlines).
        lower: lower-case the texts.
        split: the separator between words.
        char_level: every character is a token.
        oov_token: if given, it gets index 1 and replaces the words out of the vocabulary
            (or beyond ``num_words``) in ``texts_to_sequences``.
        document_count: the number of documents already fitted (set by
            ``tokenizer_from_json``).
        **kwargs: ``nb_words``, the Keras 1 name of ``num_words`` (with a warning).

    Attributes:
        word_counts: ``OrderedDict`` word -> count, in order of first appearance.
        word_docs: ``defaultdict(int)`` word -> number of documents containing it.
        index_docs: ``defaultdict(int)`` index -> number of documents containing it.
        word_index: dict word -> index, by decreasing count.
        index_word: dict index -> word.
        document_count: the number of fitted documents.

    Example:
        >>> tokenizer = Tokenizer(oov_token='<unk>')
        >>> tokenizer.fit_on_texts(['a b b'])
        >>> tokenizer.word_index, tokenizer.texts_to_sequences(['b c a'])
        ({'<unk>': 1, 'b': 2, 'a': 3}, [[2, 1, 3]])
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, document_count=0, **kwargs):
        if "nb_words" in kwargs:
            warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed "
                          "`num_words`.")
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}."
                            + suggestion(next(iter(kwargs)), _ARGUMENTS))
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}

    def _tokens(self, text, position, method):
        """The tokens of one text: its words, its characters (``char_level``) or, for a list,
        its elements (lower-cased if ``lower``)."""
        if isinstance(text, list):
            if not self.lower:
                return text
            if not all(isinstance(token, str) for token in text):
                raise TypeError(f"Tokenizer.{method}: text {position} is a list of tokens "
                                f"that are not all strings, which lower=True cannot "
                                f"lower-case; pass strings or set lower=False.")
            return [token.lower() for token in text]
        if not isinstance(text, str):
            raise TypeError(f"Tokenizer.{method} expects texts that are strings (or lists of "
                            f"tokens); text {position} is {type(text).__name__} "
                            f"{text!r:.60}.")
        if self.char_level:
            return text.lower() if self.lower else text
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        """Counts the words of ``texts`` and ranks the vocabulary (can be called again with
        more texts).

        Args:
            texts: an iterable of strings (a list, a generator, a pandas Series), or of lists
                of tokens.

        Example:
            >>> tokenizer = Tokenizer()
            >>> tokenizer.fit_on_texts(['b a', 'a c'])
            >>> tokenizer.word_index, tokenizer.document_count
            ({'a': 1, 'b': 2, 'c': 3}, 2)
        """
        for position, text in enumerate(_iterable(texts, "fit_on_texts")):
            self.document_count += 1
            for word, count in collections.Counter(
                    self._tokens(text, position, "fit_on_texts")).items():
                self.word_counts[word] = self.word_counts.get(word, 0) + count
                self.word_docs[word] += 1
        ranked = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary.extend(word for word, _ in ranked)
        self.word_index = {word: index for index, word in enumerate(vocabulary, start=1)}
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, docs in self.word_docs.items():
            self.index_docs[self.word_index[word]] = docs

    def fit_on_sequences(self, sequences):
        """Counts the documents containing each index, for ``sequences_to_matrix`` in
        ``'tfidf'`` mode when no texts were fitted.

        Args:
            sequences: a list of sequences of word indices.

        Example:
            >>> tokenizer = Tokenizer(num_words=4)
            >>> tokenizer.fit_on_sequences([[1, 2, 2], [2]])
            >>> dict(tokenizer.index_docs), tokenizer.document_count
            ({1: 1, 2: 2}, 2)
        """
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in dict.fromkeys(sequence):
                self.index_docs[int(index)] += 1

    def texts_to_sequences(self, texts):
        """The word indices of each text (see ``texts_to_sequences_generator``).

        Args:
            texts: an iterable of strings, or of lists of tokens.

        Returns:
            A list of lists of ints.

        Example:
            >>> tokenizer = Tokenizer()
            >>> tokenizer.fit_on_texts(['a b b'])
            >>> tokenizer.texts_to_sequences(['b a z'])
            [[1, 2]]
        """
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Yields the word indices of each text, one list per text: unknown words and indices
        ``>= num_words`` are dropped, or replaced by the ``oov_token``'s index.

        Args:
            texts: an iterable of strings, or of lists of tokens.

        Example:
            >>> tokenizer = Tokenizer(num_words=2)
            >>> tokenizer.fit_on_texts(['a b b'])
            >>> next(tokenizer.texts_to_sequences_generator(['b a b']))
            [1, 1]
        """
        num_words, word_index = self.num_words, self.word_index
        oov_index = word_index.get(self.oov_token)
        for position, text in enumerate(_iterable(texts, "texts_to_sequences")):
            sequence = []
            for word in self._tokens(text, position, "texts_to_sequences"):
                index = word_index.get(word)
                if index is None or (num_words and index >= num_words):
                    index = oov_index
                if index is not None:
                    sequence.append(index)
            yield sequence

    def sequences_to_texts(self, sequences):
        """The text of each sequence of indices (see ``sequences_to_texts_generator``).

        Args:
            sequences: an iterable of sequences of word indices.

        Returns:
            A list of strings.

        Example:
            >>> tokenizer = Tokenizer()
            >>> tokenizer.fit_on_texts(['The cat sat on the mat.'])
            >>> tokenizer.sequences_to_texts([[2, 1, 5]])
            ['cat the mat']
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Yields the words of each sequence joined by spaces: unknown indices and indices
        ``>= num_words`` are dropped, or become the ``oov_token``.

        Args:
            sequences: an iterable of sequences of word indices.

        Example:
            >>> tokenizer = Tokenizer(oov_token='?')
            >>> tokenizer.fit_on_texts(['a b'])
            >>> next(tokenizer.sequences_to_texts_generator([[2, 9, 3]]))
            'a ? b'
        """
        num_words, index_word = self.num_words, self.index_word
        oov_word = index_word.get(self.word_index.get(self.oov_token))
        for sequence in sequences:
            words = []
            for index in sequence:
                word = index_word.get(index)
                if word is None or (num_words and index >= num_words):
                    word = oov_word
                if word is not None:
                    words.append(word)
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """The ``(len(texts), num_words)`` matrix of the texts (see ``sequences_to_matrix``).

        Args:
            texts: a list of strings, or of lists of tokens.
            mode: ``'binary'``, ``'count'``, ``'tfidf'`` or ``'freq'``.

        Example:
            >>> tokenizer = Tokenizer(num_words=5)
            >>> tokenizer.fit_on_texts(['a b b'])
            >>> tokenizer.texts_to_matrix(['b b c'], mode='count').tolist()
            [[0.0, 2.0, 0.0, 0.0, 0.0]]
        """
        check_mode(mode)
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """The ``(len(sequences), num_words)`` float64 matrix of the sequences: column ``j``
        of row ``i`` describes index ``j`` in sequence ``i`` (``num_words`` defaults to
        ``len(word_index) + 1``).

        Args:
            sequences: a list of sequences of word indices.
            mode: ``'binary'`` (1 if present), ``'count'``, ``'freq'`` (count / sequence
                length) or ``'tfidf'`` (``(1 + log(count)) * log(1 + document_count /
                (1 + index_docs[j]))``).

        Raises:
            ValueError: an unknown ``mode``; neither ``num_words`` nor a fitted vocabulary;
                ``'tfidf'`` before any fitting.

        Example:
            >>> Tokenizer(num_words=3).sequences_to_matrix([[1, 1], [2]]).tolist()
            [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        """
        check_mode(mode)
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some text "
                             "data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        return sequences_matrix(sequences, num_words, mode, self.document_count,
                                self.index_docs)

    def get_config(self):
        """The tokenizer as a dict in Keras's layout: the arguments, then ``word_counts``,
        ``word_docs``, ``index_docs``, ``index_word`` and ``word_index`` as JSON strings.

        Example:
            >>> Tokenizer(num_words=10).get_config()['word_index']
            '{}'
        """
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """``{"class_name": "Tokenizer", "config": get_config()}`` as a JSON string, which
        ``tokenizer_from_json`` reads back (in cornu or in Keras).

        Args:
            **kwargs: passed to ``json.dumps`` (e.g. ``indent=2``).

        Example:
            >>> Tokenizer().to_json()[:36]
            '{"class_name": "Tokenizer", "config"'
        """
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)
