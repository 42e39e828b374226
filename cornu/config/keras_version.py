"""The Keras release whose behaviour cornu follows: written into model JSON, and reported as
``keras.__version__`` when ``import keras`` is served by cornu (``cornu.__version__`` is
cornu's own).

Example:
    >>> KERAS_VERSION
    '2.2.4'
"""
KERAS_VERSION = "2.2.4"
