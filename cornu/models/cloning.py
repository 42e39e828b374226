"""``clone_model``: a new model with the same structure and fresh weights.

Example:
    >>> from cornu.models import Sequential
    >>> from cornu.layers import Dense
    >>> model = Sequential([Dense(2, input_shape=(3,))])
    >>> clone_model(model).output_shape
    (None, 2)
"""
from cornu.graph.input_layer import Input, InputLayer
from cornu.graph.keras_tensor import KerasTensor
from cornu.models.model import Model
from cornu.models.sequential import Sequential


def _clone_layer(layer):
    """A new layer with the same config: nested graph models are cloned recursively."""
    if isinstance(layer, Model) and layer.inputs:
        return clone_model(layer)
    return layer.__class__.from_config(layer.get_config())


def _clone_functional_model(model, input_tensors=None):
    input_layers = [t._keras_history[0] for t in model.inputs]
    if input_tensors is None:
        input_tensors = [Input(batch_shape=layer.batch_input_shape, dtype=layer.dtype,
                               sparse=getattr(layer, "sparse", False), name=layer.name)
                         for layer in input_layers]
    else:
        input_tensors = list(input_tensors) if isinstance(input_tensors, (list, tuple)) \
            else [input_tensors]
        if len(input_tensors) != len(model.inputs):
            raise ValueError(f"Model {model.name!r} has {len(model.inputs)} inputs, but "
                             f"input_tensors holds {len(input_tensors)} tensors.")
    for tensor in input_tensors:
        if not isinstance(tensor, KerasTensor):
            raise ValueError(f"input_tensors must be symbolic tensors from keras.layers.Input "
                             f"(or layer outputs), found {type(tensor).__name__}.")
    tensor_map = {id(old): new for old, new in zip(model.inputs, input_tensors)}
    layer_map = {}
    for node in model._plan.nodes:
        layer = node.outbound_layer
        if isinstance(layer, InputLayer) or not node.input_tensors:
            continue
        if layer not in layer_map:
            layer_map[layer] = _clone_layer(layer)
        inputs = [tensor_map[id(t)] for t in node.input_tensors]
        outputs = layer_map[layer](inputs[0] if len(inputs) == 1 else inputs, **node.arguments)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        tensor_map.update((id(old), new) for old, new in zip(node.output_tensors, outputs))
    return Model(input_tensors, [tensor_map[id(t)] for t in model.outputs], name=model.name)


def _clone_sequential_model(model, input_tensors=None):
    layers = [_clone_layer(layer) for layer in model.layers]
    if input_tensors is None:
        clone = Sequential(layers, name=model.name)
        if model.inputs and not clone.inputs:
            clone.build(model.inputs[0].shape)
        return clone
    tensors = list(input_tensors) if isinstance(input_tensors, (list, tuple)) else [input_tensors]
    if len(tensors) != 1:
        raise ValueError("To clone a `Sequential` model, we expect at most one tensor as part "
                         f"of `input_tensors`, found {len(tensors)}.")
    history = getattr(tensors[0], "_keras_history", None)
    if not isinstance(tensors[0], KerasTensor) or history is None \
            or not isinstance(history[0], InputLayer):
        raise ValueError("Cannot clone a `Sequential` model on top of a tensor that does not "
                         "come from keras.layers.Input. Use the functional API instead.")
    return Sequential([history[0]] + layers, name=model.name)


def clone_model(model, input_tensors=None):
    """A new model with the same structure and fresh weights (new layers built from configs).

    Layers shared inside the model stay shared in the clone; the weights are newly initialised
    (copy them with ``clone.set_weights(model.get_weights())``).

    Args:
        model: a Sequential or functional Model.
        input_tensors: optional symbolic tensors (from ``Input``) to build the clone on.

    Example:
        >>> from cornu.layers import Dense
        >>> model = Sequential([Dense(2, input_shape=(3,))])
        >>> clone_model(model).output_shape
        (None, 2)
    """
    if isinstance(model, Sequential):
        return _clone_sequential_model(model, input_tensors)
    if not isinstance(model, Model) or model._plan is None:
        raise ValueError(f"Expected `model` to be a Sequential or functional Model instance, "
                         f"but got: {model!r}. Subclassed models cannot be cloned.")
    return _clone_functional_model(model, input_tensors)
