"""``keras.datasets``: the classic data sets, downloaded once into ``$KERAS_HOME/datasets/``.

``python -m cornu.datasets.offline mnist`` (also ``fashion_mnist``, ``boston_housing``) fills the
cache from locally installed data instead; ``python -m cornu.datasets.offline glove`` writes the
GloVe vectors that the books read (``cornu.datasets.glove``).

Example:
    >>> from cornu.datasets import mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
"""
from cornu.datasets import (boston_housing, cifar10, cifar100, fashion_mnist, imdb,  # noqa: F401
                            mnist, reuters)
