"""cornu: the Keras 2 API of the textbooks, on PyTorch.

Example:
    >>> import cornu
    >>> cornu.__version__
    '0.1.0'
"""
__version__ = "0.1.0"

from cornu import backend  # noqa: E402,F401
