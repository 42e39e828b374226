"""``keras.models``: ``Sequential`` and ``Model``.

Example:
    >>> from cornu.models import Sequential
    >>> from cornu.layers import Dense
    >>> Sequential([Dense(1, input_shape=(3,))]).count_params()
    4
"""
from cornu.engine.model import Model
from cornu.engine.sequential import Sequential

__all__ = ["Model", "Sequential"]
