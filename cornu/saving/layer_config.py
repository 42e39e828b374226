"""Layers (and models) to ``{'class_name': ..., 'config': ...}`` and back.

Class names resolve through the layer registry, then the user's custom objects.

Example:
    >>> from cornu.layers import Dense
    >>> config = serialize(Dense(3, name='d'))
    >>> config['class_name'], deserialize(config).units
    ('Dense', 3)
"""
from cornu.saving.registry import layer_classes
from cornu.utils.serialization import deserialize_keras_object, serialize_keras_object


def serialize(layer):
    """Returns ``{'class_name': ..., 'config': ...}`` for a layer or model.

    Args:
        layer: a Layer (or Model) instance.
    """
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Builds a layer (or model) from ``{'class_name': ..., 'config': ...}``.

    Args:
        config: the dict ``serialize`` returns.
        custom_objects: a dict from name to custom layer classes (and functions they use).

    Raises:
        ValueError: ``Unknown layer: <name>`` when no class of that name is known.
    """
    return deserialize_keras_object(config, module_objects=layer_classes(),
                                    custom_objects=custom_objects,
                                    printable_module_name="layer")
