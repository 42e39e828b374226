"""``Wrapper``: the base of the layers that wrap another layer (``TimeDistributed``,
``Bidirectional``): the wrapped layer's checks, and Keras 2's ``{"layer": {...}}`` config.

Example:
    >>> from cornu.layers import Dense, TimeDistributed
    >>> TimeDistributed(Dense(3)).get_config()['layer']['class_name']
    'Dense'
"""
from cornu.graph.layer import Layer
from cornu.saving.layer_config import deserialize, serialize


def check_layer_instance(layer, wrapper_name, argument="layer"):
    """Raises a clear error unless ``layer`` is a layer instance.

    Args:
        layer: what the wrapper received.
        wrapper_name: the wrapper's class name, for the message.
        argument: the argument's name, for the message.
    """
    if isinstance(layer, Layer):
        return
    if isinstance(layer, type) and issubclass(layer, Layer):
        raise ValueError(f"{wrapper_name} wraps a layer instance, but `{argument}` is the class "
                         f"{layer.__name__} itself. Create the layer first, e.g. "
                         f"{wrapper_name}({layer.__name__}(32)).")
    raise ValueError(f"Please initialize `{wrapper_name}` layer with a `Layer` instance. You "
                     f"passed: {layer!r} (of type {type(layer).__name__}) as `{argument}`.")


class Wrapper(Layer):
    """Base of the layers that wrap another one; ``layer`` is the wrapped layer.

    Args:
        layer: a layer instance.
        **kwargs: the usual layer arguments (``name``, ``input_shape`` ...).

    Example:
        >>> from cornu.layers import Dense, TimeDistributed
        >>> TimeDistributed(Dense(3)).layer.units
        3
    """

    def __init__(self, layer, **kwargs):
        check_layer_instance(layer, type(self).__name__)
        super().__init__(**kwargs)
        self._keep_layer(layer)

    def _keep_layer(self, layer):
        """Stores the wrapped layer; tracked here, so its weights are the wrapper's."""
        self.layer = layer

    def get_config(self):
        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
