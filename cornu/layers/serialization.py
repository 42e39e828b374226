"""``keras.layers.serialize`` / ``deserialize``: layers (and models) to configs and back.

Example:
    >>> from cornu.layers import Dense
    >>> config = serialize(Dense(3, name='d'))
    >>> config['class_name'], deserialize(config).units
    ('Dense', 3)
"""
from cornu.saving.layer_config import deserialize, serialize

__all__ = ["deserialize", "serialize"]
