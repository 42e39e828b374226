"""Points a ``cornu.datasets`` loader at a file written by the test: a ``file://`` origin, its
hash, and (for loaders that check array digests) the digests of its arrays.

Example:
    >>> serve_from(monkeypatch, mnist, tmp_path / "origin" / "mnist.npz", arrays)  # doctest: +SKIP
"""
from cornu.datasets.digests import array_digest
from cornu.utils.data_utils import hash_file


def serve_from(monkeypatch, module, upstream, arrays=None):
    """Makes ``module`` download ``upstream`` and accept it as Keras's file.

    Args:
        monkeypatch: the pytest fixture (the loader's constants are restored after the test).
        module: the loader module, with ``ORIGIN`` and ``FILE_HASH`` (and ``ARRAYS``).
        upstream: path of the file standing in for Keras's download.
        arrays: dict name -> array held in ``upstream``, for loaders that check array digests.
    """
    monkeypatch.setattr(module, "ORIGIN", upstream.as_uri())
    monkeypatch.setattr(module, "FILE_HASH", hash_file(str(upstream)))
    if arrays is not None:
        monkeypatch.setattr(module, "ARRAYS", {name: (str(a.dtype), a.shape, array_digest(a))
                                               for name, a in arrays.items()})
