"""``keras.datasets``: the classic data sets, downloaded once into ``$KERAS_HOME/datasets/``.

``python -m cornu.datasets.offline mnist`` fills the cache from locally installed data instead.

Example:
    >>> from cornu.datasets import mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
"""
from cornu.datasets import fashion_mnist, mnist  # noqa: F401
