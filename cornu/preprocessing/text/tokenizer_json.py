"""``tokenizer_from_json``: a ``Tokenizer`` back from ``Tokenizer.to_json()`` (cornu's or
Keras 2's, keras-preprocessing 1.1 layout).

Example:
    >>> tokenizer = Tokenizer()
    >>> tokenizer.fit_on_texts(['a b b'])
    >>> tokenizer_from_json(tokenizer.to_json()).word_index
    {'b': 1, 'a': 2}
"""
import collections
import json

from cornu.preprocessing.text.tokenizer import Tokenizer


def _int_keys(mapping):
    """The JSON object with its keys (indices, stored as strings) back to ints."""
    return {int(key): value for key, value in mapping.items()}


def tokenizer_from_json(json_string):
    """The ``Tokenizer`` described by a JSON string of ``Tokenizer.to_json()``.

    ``word_counts`` comes back as an ``OrderedDict`` and ``word_docs`` / ``index_docs`` as
    ``defaultdict(int)``, so the tokenizer can be fitted on more texts (Keras 1.1 gave plain
    dicts).

    Args:
        json_string: the JSON text.

    Raises:
        ValueError: the JSON does not describe a Tokenizer.

    Example:
        >>> tokenizer_from_json(Tokenizer(num_words=7).to_json()).num_words
        7
    """
    description = json.loads(json_string)
    config = description.get("config") if isinstance(description, dict) else None
    if not isinstance(config, dict):
        raise ValueError("tokenizer_from_json expects the JSON of Tokenizer.to_json(): an "
                         "object with a 'config' entry.")
    config = dict(config)
    tables = {name: json.loads(config.pop(name, "{}"))
              for name in ("word_counts", "word_docs", "index_docs", "index_word",
                           "word_index")}
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = collections.OrderedDict(tables["word_counts"])
    tokenizer.word_docs = collections.defaultdict(int, tables["word_docs"])
    tokenizer.index_docs = collections.defaultdict(int, _int_keys(tables["index_docs"]))
    tokenizer.word_index = tables["word_index"]
    tokenizer.index_word = _int_keys(tables["index_word"])
    return tokenizer
