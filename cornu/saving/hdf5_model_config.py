"""The ``model_config`` cornu writes into HDF5 model files: the model's Keras 2 config, with each
Sequential's input shape given as ``build_input_shape`` (a Keras 2.2.4 key) rather than as its
first layer's ``batch_input_shape``.

Both mean the same to Keras 2.2.4, tf.keras and cornu, which build the stack on that shape.
Keras 3's legacy loader reads a first layer's ``batch_input_shape`` as ``input_shape`` (the
shape *without* the batch axis) and so builds the stack on one axis too many; it reads
``build_input_shape`` right.

Example:
    >>> from cornu.layers import Dense
    >>> from cornu.models import Sequential
    >>> config = hdf5_model_config(Sequential([Dense(2, input_shape=(3,))]))
    >>> config['config']['build_input_shape'], 'batch_input_shape' in str(config)
    ((None, 3), False)
"""


def _move_input_shapes(entry):
    """Moves every Sequential's first-layer ``batch_input_shape`` (nested models included) to
    its ``build_input_shape``, in place."""
    config = entry.get("config") if isinstance(entry, dict) else None
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        return
    layers = config["layers"]
    if entry.get("class_name") == "Sequential" and layers and isinstance(layers[0], dict):
        first = layers[0].get("config")
        if isinstance(first, dict) and first.get("batch_input_shape") is not None:
            config["build_input_shape"] = first.pop("batch_input_shape")
    for layer in layers:
        _move_input_shapes(layer)


def hdf5_model_config(model):
    """``{'class_name', 'config'}`` of ``model`` as its HDF5 model file holds it.

    Args:
        model: a Sequential or functional Model.

    Raises:
        NotImplementedError: a subclassed model (no config).
    """
    config = {"class_name": type(model).__name__, "config": model.get_config()}
    _move_input_shapes(config)
    return config
