"""Model configs between cornu (Keras 2 format) and Keras 3's ``config.json``, both ways.

Keras 3 lists a Sequential's ``InputLayer`` among its layers (``batch_shape``), and describes a
functional model's calls as ``{'args': [...], 'kwargs': {...}}`` holding ``__keras_tensor__``
records (shape, dtype, ``keras_history``). Its counts of a layer's calls differ from Keras 2's in
two places: a call's inputs count the calls of every layer from 0, and only the model's
``input_layers``/``output_layers`` count a nested *functional* model's calls from 1 (a nested
Sequential counts from 0 there too); Keras 2 counts every nested model's calls from 1.

Example:
    >>> from cornu.layers import Dense
    >>> from cornu.models import Sequential
    >>> k3 = to_keras3_model(Sequential([Dense(2, input_shape=(3,), name='d')]))
    >>> [layer['class_name'] for layer in k3['config']['layers']]
    ['InputLayer', 'Dense']
"""
from cornu.saving.keras3_layers import (TranslationError, dtype_policy, from_keras3_layer,
                                        keras3_class_name, to_keras3_layer)
from cornu.saving.registry import is_model, layer_class

_MODEL_MODULES = {"Sequential": ("keras", None), "Functional": ("keras.src.models.functional",
                                                                 "Functional")}


def _is_sequential(layer):
    sequential = layer_class("Sequential")
    return sequential is not None and isinstance(layer, sequential)


def _shape(tensor):
    return [None if d is None else int(d) for d in tensor.shape]


def _input_layer(name, batch_shape, dtype="float32"):
    return {"module": "keras.layers", "class_name": "InputLayer",
            "config": {"batch_shape": list(batch_shape), "dtype": dtype, "sparse": False,
                       "ragged": False, "name": name}, "registered_name": None}


def _layer_to_keras3(layer):
    if is_model(layer):
        return to_keras3_model(layer)
    return to_keras3_layer(layer.__class__.__name__, layer.get_config())


def _sequential_to_keras3(model):
    layers = [_layer_to_keras3(layer) for layer in model.layers]
    config = {"name": model.name, "trainable": model.trainable, "dtype": dtype_policy("float32"),
              "layers": layers}
    if model.inputs:
        input_shape = _shape(model.inputs[0])
        layers.insert(0, _input_layer(model.inputs[0]._keras_history[0].name, input_shape))
        config["build_input_shape"] = input_shape
    return config


def _functional_to_keras3(model):
    own = {id(node) for node in model._plan.nodes}
    own_calls = {id(layer): [n for n in layer._inbound_nodes if id(n) in own]
                 for layer in model.layers}

    def history(tensor, boundary):
        layer, node_index, tensor_index = tensor._keras_history
        position = own_calls[id(layer)].index(layer._inbound_nodes[node_index])
        if boundary and is_model(layer) and not _is_sequential(layer):
            position += 1
        return [layer.name, position, tensor_index]

    def keras_tensor(tensor):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": _shape(tensor), "dtype": "float32",
                           "keras_history": history(tensor, False)}}

    layers = []
    for layer in model.layers:
        entry = _layer_to_keras3(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = []
        for node in own_calls[id(layer)]:
            if not node.input_tensors:
                continue
            tensors = [keras_tensor(t) for t in node.input_tensors]
            args = tensors if len(tensors) == 1 else [tensors]
            entry["inbound_nodes"].append({"args": args, "kwargs": dict(node.arguments)})
        layers.append(entry)

    def boundary(tensors):
        found = [history(t, True) for t in tensors]
        return found[0] if len(found) == 1 else found

    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": boundary(model.inputs), "output_layers": boundary(model.outputs)}


def to_keras3_model(model):
    """A cornu model serialized as Keras 3 does (without ``compile_config``).

    Args:
        model: a Sequential or functional Model (nested models included).

    Raises:
        TranslationError: a layer or setting has no Keras 3 counterpart.
        NotImplementedError: a subclassed model (no config).
    """
    if _is_sequential(model):
        class_name, config = "Sequential", _sequential_to_keras3(model)
    else:
        if getattr(model, "_plan", None) is None:
            raise NotImplementedError(f"Model {model.name!r} is a subclassed model (it defines "
                                      "call()), so it has no config to save. Build it with "
                                      "Sequential or Model(inputs, outputs).")
        class_name, config = keras3_class_name("Model"), _functional_to_keras3(model)
    module, registered = _MODEL_MODULES[class_name]
    serialized = {"module": module, "class_name": class_name, "config": config,
                  "registered_name": registered}
    if model.inputs:
        shapes = [_shape(t) for t in model.inputs]
        serialized["build_config"] = {"input_shape": shapes[0] if len(shapes) == 1 else shapes}
    return serialized


# ------------------------------------------------------------------------- reading
def _is_keras3_model(entry):
    return isinstance(entry, dict) and entry.get("class_name") in ("Sequential", "Functional")


def _layer_from_keras3(entry, custom_objects):
    if _is_keras3_model(entry):
        return model_from_keras3(entry, custom_objects)
    return from_keras3_layer(entry, custom_objects)


def _sequential_from_keras3(config, custom_objects):
    entries = list(config.get("layers") or [])
    batch_shape = None
    if entries and isinstance(entries[0], dict) and entries[0].get("class_name") == "InputLayer":
        batch_shape = (entries.pop(0).get("config") or {}).get("batch_shape")
    layers = [_layer_from_keras3(entry, custom_objects) for entry in entries]
    result = {"name": config.get("name"), "layers": layers}
    if batch_shape is not None and layers and layers[0]["class_name"] not in ("Sequential",
                                                                              "Model"):
        layers[0]["config"]["batch_input_shape"] = list(batch_shape)
    elif batch_shape is not None or config.get("build_input_shape") is not None:
        result["build_input_shape"] = batch_shape or config.get("build_input_shape")
    return result


def _is_triple(value):
    return isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)


def _node_from_keras3(node, layer_name, kinds):
    """One Keras 3 call record as Keras 2's ``[[name, node, tensor, kwargs], ...]``.

    Args:
        node: ``{'args': [...], 'kwargs': {...}}``.
        layer_name: the called layer, for messages.
        kinds: layer name -> Keras 3 class name (nested models count calls from 1 in Keras 2).
    """
    if not isinstance(node, dict) or not isinstance(node.get("args"), list):
        raise TranslationError(f"Layer {layer_name!r}: a call record should be {{'args': [...], "
                               f"'kwargs': {{...}}}}, found {node!r:.200}.")
    args, kwargs = node["args"], node.get("kwargs") or {}
    inputs = args[0] if len(args) == 1 and isinstance(args[0], list) else args
    entries = []
    for tensor in inputs:
        history = tensor.get("config", {}).get("keras_history") \
            if isinstance(tensor, dict) and tensor.get("class_name") == "__keras_tensor__" \
            else None
        if not _is_triple(history):
            raise TranslationError(f"Layer {layer_name!r} is called with {tensor!r:.200}, not "
                                   "with tensors of the model; cornu rebuilds calls on tensors "
                                   "only.")
        name, index, tensor_index = history
        index = int(index) + (1 if kinds.get(name) in _MODEL_MODULES else 0)
        entries.append([name, index, int(tensor_index), kwargs])
    if any(isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"
           for value in kwargs.values()):
        raise TranslationError(f"Layer {layer_name!r} is called with tensors as keyword "
                               "arguments, which cornu cannot rebuild from a Keras 3 file.")
    return entries


def _boundary_from_keras3(value, kinds, key):
    triples = [value] if _is_triple(value) else value
    if not isinstance(triples, list) or not all(_is_triple(t) for t in triples):
        raise TranslationError(f"The model's {key} should be [layer_name, node_index, "
                               f"tensor_index] triples, found {value!r:.200}.")
    return [[name, int(index) + (1 if kinds.get(name) == "Sequential" else 0), int(tensor)]
            for name, index, tensor in triples]


def _functional_from_keras3(config, custom_objects):
    entries = config.get("layers")
    if not isinstance(entries, list):
        raise TranslationError("A functional model's config should list its 'layers'.")
    kinds = {entry.get("name"): entry.get("class_name") for entry in entries
             if isinstance(entry, dict)}
    layers = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        translated = _layer_from_keras3(entry, custom_objects)
        translated["name"] = name
        translated["inbound_nodes"] = [_node_from_keras3(node, name, kinds)
                                       for node in entry.get("inbound_nodes") or []]
        layers.append(translated)
    return {"name": config.get("name"), "layers": layers,
            "input_layers": _boundary_from_keras3(config.get("input_layers"), kinds,
                                                  "input_layers"),
            "output_layers": _boundary_from_keras3(config.get("output_layers"), kinds,
                                                   "output_layers")}


def model_from_keras3(serialized, custom_objects=None):
    """A Keras 3 serialized model as cornu's ``{'class_name', 'config'}`` (Keras 2 format).

    Args:
        serialized: the parsed ``config.json`` (or a nested model's entry).
        custom_objects: user classes by name.

    Raises:
        TranslationError: the config is malformed or holds what cornu cannot rebuild.
    """
    if not _is_keras3_model(serialized) or not isinstance(serialized.get("config"), dict):
        found = serialized.get("class_name") if isinstance(serialized, dict) else serialized
        raise TranslationError(f"The saved model should be a Sequential or Functional model, "
                               f"found {found!r:.200} (a subclassed model cannot be rebuilt "
                               "without its code).")
    if serialized["class_name"] == "Sequential":
        return {"class_name": "Sequential",
                "config": _sequential_from_keras3(serialized["config"], custom_objects)}
    return {"class_name": "Model",
            "config": _functional_from_keras3(serialized["config"], custom_objects)}
