"""Layers (and models) to ``{'class_name': ..., 'config': ...}`` and back.

Class names resolve through the layer registry, then the user's custom objects. Settings that
tf.keras adds to Keras 2 configs (``ragged``, ``optional``, ``time_major``) are dropped when
they hold the value meaning "off" and the class does not take them.

Example:
    >>> from cornu.layers import Dense
    >>> config = serialize(Dense(3, name='d'))
    >>> config['class_name'], deserialize(config).units
    ('Dense', 3)
"""
import inspect

from cornu.saving.registry import layer_classes
from cornu.utils.serialization import (deserialize_keras_object, get_custom_objects,
                                       serialize_keras_object)
from cornu.utils.suggestions import suggestion


# tf.keras config keys with the value under which they change nothing.
_TF_KERAS_NEUTRAL = {"ragged": False, "optional": False, "time_major": False}


def _accepted_arguments(cls):
    names = set()
    for klass in cls.__mro__:
        if "__init__" in vars(klass):
            names.update(inspect.signature(klass.__init__).parameters)
    return names


def _without_neutral_tf_keras_keys(settings, cls):
    """``settings`` without the tf.keras keys that are "off" and that ``cls`` does not take."""
    dropped = [key for key, off in _TF_KERAS_NEUTRAL.items()
               if key in settings and settings[key] == off]
    if not dropped or not isinstance(cls, type):
        return settings
    accepted = _accepted_arguments(cls)
    return {key: value for key, value in settings.items()
            if key in accepted or key not in dropped}


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
        ValueError: ``Unknown layer: <name>`` (with the closest known name) when no class of
            that name is known.
    """
    known = layer_classes()
    class_name = config.get("class_name") if isinstance(config, dict) else None
    if isinstance(class_name, str) and class_name not in known \
            and class_name not in (custom_objects or {}) and class_name not in get_custom_objects():
        raise ValueError(f"Unknown layer: {class_name}.{suggestion(class_name, list(known))} If "
                         "it is a custom layer, pass it in custom_objects={"
                         f"{class_name!r}: {class_name}}} (to load_model, model_from_json ...) "
                         "or register it with keras.utils.get_custom_objects().")
    if isinstance(class_name, str) and isinstance(config.get("config"), dict):
        cls = (custom_objects or {}).get(class_name) or get_custom_objects().get(class_name) \
            or known.get(class_name)
        config = {**config, "config": _without_neutral_tf_keras_keys(config["config"], cls)}
    return deserialize_keras_object(config, module_objects=known,
                                    custom_objects=custom_objects,
                                    printable_module_name="layer")
