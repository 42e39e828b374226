"""The layer registry: which class a config's ``class_name`` names.

Layer families register their classes when ``cornu.layers`` is imported, and ``cornu.models``
registers the model classes, so configs resolve class names without this package importing
either. User classes are not registered: they come through ``custom_objects``, as in Keras 2.

Example:
    >>> from cornu.layers import Dense
    >>> layer_class('Dense') is Dense
    True
"""
_LAYERS = {}
_MODELS = []


def register_layer(cls, name=None):
    """Makes ``cls`` resolvable by ``name`` (default: its class name) in configs.

    Args:
        cls: a Layer subclass.
        name: the ``class_name`` configs use for it.
    """
    _LAYERS[name or cls.__name__] = cls
    return cls


def register_model(cls, name=None):
    """Like ``register_layer``, for a model class (configs count a model's calls from 1).

    Args:
        cls: a Model subclass.
        name: the ``class_name`` configs use for it.
    """
    register_layer(cls, name)
    if cls not in _MODELS:
        _MODELS.append(cls)
    return cls


def layer_classes():
    """A copy of the registry: class name -> class."""
    return dict(_LAYERS)


def layer_class(name):
    """The registered class for ``name``, or None.

    Args:
        name: a config's ``class_name``.
    """
    return _LAYERS.get(name)


def is_model(layer):
    """Whether ``layer`` is an instance of a registered model class.

    Args:
        layer: a layer.
    """
    return isinstance(layer, tuple(_MODELS))
