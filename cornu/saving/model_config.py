"""Model configs in the Keras 2 format: functional graphs, Sequential stacks, and JSON.

A functional config lists each layer with the calls that fed it (``inbound_nodes``), then the
model's input and output coordinates ``[layer_name, node_index, tensor_index]``. Node indices
count only the calls that belong to this model (a layer shared with another model has more).
Keras 2 networks own a node 0 linking their inputs to their outputs, so configs count the calls
of a nested model from 1; cornu models have no such node, so indices of nested models are shifted
by one when writing and reading, and files stay interchangeable with Keras 2.

Example:
    >>> from cornu.layers import Dense, Input
    >>> from cornu.models import Model
    >>> x = Input(shape=(3,), name='x')
    >>> config = functional_config(Model(x, Dense(2, name='d')(x)))
    >>> config['input_layers'], config['output_layers']
    ([['x', 0, 0]], [['d', 0, 0]])
"""
import copy
import json
import warnings

from cornu.utils.generic_utils import unpack_singleton
from cornu.graph.input_layer import InputLayer
from cornu.saving.layer_config import deserialize, serialize
from cornu.saving.registry import is_model

# --------------------------------------------------------------------- functional
def _first_node_index(layer):
    """Where a layer's calls start counting in configs: 1 for nested models (see module doc)."""
    return 1 if is_model(layer) else 0


def _call_arguments(layer, node):
    if not node.arguments:
        return {}
    try:
        json.dumps(node.arguments)
    except TypeError:
        warnings.warn(f"Layer {layer.name} was passed non-serializable keyword arguments: "
                      f"{node.arguments}. They will not be included in the serialized model "
                      "(and thus will be missing at deserialization time).")
        return {}
    return node.arguments


def functional_config(model):
    """``get_config()`` of a functional model, in the Keras 2.2.4 format.

    Args:
        model: a Model built from ``Model(inputs, outputs)``.

    Raises:
        NotImplementedError: for subclassed models, which have no graph to describe.
    """
    if model._plan is None:
        raise NotImplementedError(f"Model {model.name!r} has no layer graph (it is a subclassed "
                                  "model defining call()), so it has no config. Build it with "
                                  "Model(inputs, outputs) or Sequential to serialize it, or "
                                  "override get_config/from_config.")
    for tensor in model.inputs:
        if not isinstance(tensor._keras_history[0], InputLayer):
            raise ValueError(f"Model {model.name!r} has an input {tensor!r} that does not come "
                             "from keras.layers.Input, so its config cannot describe it. Start "
                             "the model from Input(...) tensors.")
    own_nodes = {id(node) for node in model._plan.nodes}
    config_index = {}
    for layer in model.layers:
        kept = _first_node_index(layer)
        for node in layer._inbound_nodes:
            if id(node) in own_nodes:
                config_index[id(node)] = kept
                kept += 1

    def coordinates(tensor):
        layer, node_index, tensor_index = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        return [layer.name, config_index[id(node)], tensor_index]

    layer_configs = []
    for layer in model.layers:
        inbound_nodes = []
        for node in layer._inbound_nodes:
            if id(node) not in own_nodes or not node.input_tensors:
                continue
            kwargs = _call_arguments(layer, node)
            inbound_nodes.append([coordinates(t) + [kwargs] for t in node.input_tensors])
        layer_configs.append({"name": layer.name, "class_name": layer.__class__.__name__,
                              "config": layer.get_config(), "inbound_nodes": inbound_nodes})
    return copy.deepcopy({"name": model.name, "layers": layer_configs,
                          "input_layers": [coordinates(t) for t in model.inputs],
                          "output_layers": [coordinates(t) for t in model.outputs]})


def _coordinate_list(entries, key):
    """``input_layers``/``output_layers`` as a list of triples (tf.keras writes one bare triple)."""
    if entries and isinstance(entries[0], str):
        entries = [entries]
    for entry in entries:
        if not isinstance(entry, (list, tuple)) or len(entry) != 3:
            raise ValueError(f"Improperly formatted model config: each entry of {key!r} should "
                             f"be [layer_name, node_index, tensor_index], found {entry!r}.")
    return entries


def _output_tensor(created, layer_name, node_index, tensor_index, where):
    """The tensor at config coordinates, or None when that call has not been made yet."""
    if layer_name not in created:
        raise ValueError(f"Improperly formatted model config: {where} refers to layer "
                         f"{layer_name!r}, which is not among the config's layers "
                         f"{sorted(created)}.")
    layer = created[layer_name]
    position = int(node_index) - _first_node_index(layer)
    if position < 0:
        raise ValueError(f"Improperly formatted model config: {where} refers to call "
                         f"{node_index} of model {layer_name!r}; calls of nested models are "
                         "counted from 1.")
    if position >= len(layer._inbound_nodes):
        return None
    return layer._inbound_nodes[position].output_tensors[int(tensor_index)]


def _call_inputs(created, layer_name, node_data):
    """Input tensors and keyword arguments of one recorded call, or None if not ready yet."""
    tensors, kwargs = [], {}
    for entry in node_data:
        if not isinstance(entry, (list, tuple)) or len(entry) not in (3, 4):
            raise ValueError(f"Improperly formatted model config: an inbound node of layer "
                             f"{layer_name!r} holds {entry!r}; expected [inbound_layer_name, "
                             "node_index, tensor_index, kwargs].")
        if len(entry) == 4:
            kwargs = entry[3] or {}
        tensor = _output_tensor(created, entry[0], entry[1], entry[2],
                                f"an inbound node of layer {layer_name!r}")
        if tensor is None:
            return None
        tensors.append(tensor)
    return tensors, kwargs


def functional_from_config(cls, config, custom_objects=None):
    """Rebuilds a functional model from ``functional_config`` output (fresh weights).

    Layers are created first; then their recorded calls are replayed in config order, each
    layer's calls in sequence, deferring a call until the calls it depends on have been made.

    Args:
        cls: the Model class to instantiate.
        config: the config dict.
        custom_objects: a dict from name to custom classes or functions.
    """
    created, pending = {}, {}
    for layer_data in config["layers"]:
        name = layer_data["name"]
        created[name] = deserialize(layer_data, custom_objects=custom_objects)
        pending[name] = list(layer_data.get("inbound_nodes") or [])
    while any(pending.values()):
        progressed = False
        for name, queue in pending.items():
            while queue:
                ready = _call_inputs(created, name, queue[0])
                if ready is None:
                    break
                tensors, kwargs = ready
                created[name](unpack_singleton(tensors), **kwargs)
                queue.pop(0)
                progressed = True
        if not progressed:
            stuck = sorted(name for name, queue in pending.items() if queue)
            raise ValueError(f"Improperly formatted model config: the calls of layers {stuck} "
                             "wait on calls that never happen (a cycle, or a node index beyond "
                             "the calls recorded).")

    def tensors_at(key):
        found = []
        for layer_name, node_index, tensor_index in _coordinate_list(config[key], key):
            tensor = _output_tensor(created, layer_name, node_index, tensor_index, key)
            if tensor is None:
                raise ValueError(f"Improperly formatted model config: {key} refers to call "
                                 f"{node_index} of layer {layer_name!r}, which has fewer calls.")
            found.append(tensor)
        return found

    return cls(inputs=tensors_at("input_layers"), outputs=tensors_at("output_layers"),
               name=config.get("name"))


# --------------------------------------------------------------------- Sequential
def sequential_config(model):
    """``get_config()`` of a Sequential: ``{'name': ..., 'layers': [{'class_name', 'config'}]}``.

    This is the form Keras 2.2.3+ and tf.keras write. When the model is built, the first layer's
    config carries ``batch_input_shape`` so that the rebuilt model is built too.

    Args:
        model: a Sequential.
    """
    layer_configs = [serialize(layer) for layer in model.layers]
    if layer_configs and model.inputs and not is_model(model.layers[0]):
        first = layer_configs[0]["config"]
        if first.get("batch_input_shape") is None:
            first["batch_input_shape"] = tuple(model.inputs[0].shape)
    return copy.deepcopy({"name": model.name, "layers": layer_configs})


def sequential_from_config(cls, config, custom_objects=None):
    """Rebuilds a Sequential from its config: a dict (Keras 2.2.3+, tf.keras) or a list (older).

    Args:
        cls: the Sequential class to instantiate.
        config: ``{'name', 'layers'[, 'build_input_shape']}`` or a list of layer configs.
        custom_objects: a dict from name to custom classes or functions.
    """
    if isinstance(config, dict) and "layers" in config:
        name, layer_configs = config.get("name"), config["layers"]
        build_input_shape = config.get("build_input_shape")
    elif isinstance(config, (list, tuple)):
        name, layer_configs, build_input_shape = None, config, None
    else:
        raise ValueError(f"Improperly formatted Sequential config: expected a dict with 'name' "
                         f"and 'layers' or a list of layer configs, found {config!r:.200}.")
    model = cls(name=name)
    for layer_config in layer_configs:
        model.add(deserialize(layer_config, custom_objects=custom_objects))
    if not model.inputs and build_input_shape:
        model.build(tuple(build_input_shape))
    return model
