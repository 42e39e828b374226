"""``keras.layers.serialize`` / ``deserialize``: layers (and models) to configs and back.

Classes are found by name at call time in the ``cornu.layers`` namespace, plus ``Model`` and
``Sequential`` (and the tf.keras name ``Functional``) and the user's custom objects, so a layer
family added to ``cornu.layers`` later resolves without any registry edit.

Example:
    >>> from cornu.layers import Dense
    >>> config = serialize(Dense(3, name='d'))
    >>> config['class_name'], deserialize(config).units
    ('Dense', 3)
"""
import inspect

from cornu.utils.serialization import deserialize_keras_object, serialize_keras_object


def layer_classes():
    """Every layer class ``deserialize`` knows by name, from the current ``cornu.layers``.

    Returns:
        A dict from class name to class.
    """
    import cornu.layers
    from cornu.engine.base_layer import Layer
    from cornu.engine.model import Model
    from cornu.engine.sequential import Sequential

    classes = {name: value for name, value in vars(cornu.layers).items()
               if inspect.isclass(value) and issubclass(value, Layer)}
    classes.update(Model=Model, Functional=Model, Sequential=Sequential)
    return classes


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
