"""``keras.wrappers``: ``scikit_learn``, Keras models as scikit-learn estimators.

Example:
    >>> from cornu.wrappers.scikit_learn import KerasClassifier
"""
from cornu.wrappers import scikit_learn

__all__ = ["scikit_learn"]
