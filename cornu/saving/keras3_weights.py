"""Layer weights in Keras 3's HDF5 layout (``model.weights.h5`` inside a ``.keras`` archive, and
``save_weights('x.weights.h5')``).

Layout::

    /vars                                  attrs: name=<model name>; empty
    /layers/dense/vars/0, /1               kernel, bias (attrs of vars: name=<layer name>)
    /layers/lstm/cell/vars/0, /1, /2       a layer's sublayers under their attribute names
    /layers/bidirectional/forward_layer/cell/vars/...
    /layers/sequential/layers/dense/vars/...   a nested model
    /optimizer/vars/0 ...                  see ``keras3_optimizer``

Each object of a model's ``layers`` is named after its class in snake case, numbered in order
among those of the same class (``dense``, ``dense_1`` ...), never after the layer's own name:
Keras 3 addresses objects by position, as Keras 2 loads by position. A layer's variables are
those created trainable, then the others, in creation order (a frozen layer keeps that order).

Reading checks every group first and assigns nothing until everything fits.

Example:
    >>> groups = weight_groups(model)  # doctest: +SKIP
    >>> [(g.path, len(g.weights)) for g in groups][:1]  # doctest: +SKIP
    [('layers/dense', 2)]
"""
import re

import torch

from cornu.saving.errors import SavedFileError
from cornu.saving.hdf5_reading import child, guarded, has_member, stored_array
from cornu.saving.keras3_layers import keras3_class_name
from cornu.saving.registry import is_model
from cornu.saving.weight_naming import SavedWeight


def snake_case(class_name):
    """Keras 3's object key for a class name.

    Args:
        class_name: e.g. ``'BatchNormalization'``.

    Example:
        >>> snake_case('BatchNormalization'), snake_case('Conv2DTranspose'), snake_case('LSTM')
        ('batch_normalization', 'conv2d_transpose', 'lstm')
    """
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class WeightGroup:
    """The variables one object saves: ``<path>/vars/0 ... n``.

    Args:
        path: the group path, e.g. ``'layers/lstm/cell'`` (``''`` for the model itself).
        name: the object's name (the ``name`` attribute of its ``vars`` group).
        weights: its ``SavedWeight`` list in Keras 3's order.
    """

    def __init__(self, path, name, weights):
        self.path = path
        self.name = name
        self.weights = weights

    @property
    def vars_path(self):
        """The path of the ``vars`` group."""
        return f"{self.path}/vars" if self.path else "vars"


def _own_weights(layer):
    infos = layer._weights_info
    ordered = [i for i in infos if i["trainable"]] + [i for i in infos if not i["trainable"]]
    return [SavedWeight(f"{layer.name}/{i['name']}:0", i) for i in ordered]


def _container_groups(objects, path, seen):
    counts, groups = {}, []
    for item in objects:
        key = snake_case(keras3_class_name(type(item).__name__))
        index = counts.get(key, -1) + 1
        counts[key] = index
        name = key if index == 0 else f"{key}_{index}"
        groups += _groups(item, f"{path}/{name}" if path else name, seen)
    return groups


def _groups(layer, path, seen):
    if id(layer) in seen:
        return []
    seen.add(id(layer))
    groups = [WeightGroup(path, layer.name, [] if is_model(layer) else _own_weights(layer))]
    if is_model(layer):
        return groups + _container_groups(layer.layers, f"{path}/layers" if path else "layers",
                                          seen)
    for attribute, module in layer.named_children():
        if isinstance(module, torch.nn.ModuleList):
            groups += _container_groups(list(module), f"{path}/{attribute}", seen)
        elif hasattr(module, "_weights_info"):
            groups += _groups(module, f"{path}/{attribute}", seen)
    return groups


def weight_groups(model):
    """Every object of ``model`` that Keras 3 saves, with its path and variables.

    Args:
        model: a Model or Sequential.
    """
    return _groups(model, "", set())


def write_weights(handle, model):
    """Writes the model's weights in Keras 3's layout into an open h5py File.

    Args:
        handle: an h5py File opened for writing.
        model: a Model or Sequential.
    """
    for group in weight_groups(model):
        vars_group = handle.require_group(group.vars_path)
        vars_group.attrs["name"] = group.name
        for index, weight in enumerate(group.weights):
            vars_group.create_dataset(str(index), data=weight.value())


def is_keras3_layout(handle, where):
    """Whether an open HDF5 file is in Keras 3's layout (no Keras 2 ``layer_names``).

    Args:
        handle: an h5py File.
        where: the file, for messages.
    """
    with guarded(where):
        keras2 = any(name in handle.attrs for name in ("layer_names", "layer_names0"))
    return not keras2 and (has_member(handle, "layers", where) or has_member(handle, "vars", where))


def stored_count(group, where):
    """How many variables a ``vars`` group holds, checked to be named ``0 ... n-1``.

    Args:
        group: the h5py Group.
        where: the file and group, for messages.
    """
    with guarded(where):
        names = list(group.keys())
    expected = [str(i) for i in range(len(names))]
    if sorted(names, key=lambda n: (len(n), n)) != expected:
        raise SavedFileError(f"{where}: the variables should be named 0 ... {len(names) - 1}, "
                             f"found {sorted(names)[:10]}. The file is damaged or not a Keras 3 "
                             "weight file.")
    return len(names)


def read_weights(handle, model, where):
    """Reads and checks the weights in Keras 3's layout for ``model``, changing nothing.

    Args:
        handle: an h5py File (or Group) in Keras 3's layout.
        model: the model to load into.
        where: the file, for messages.

    Returns:
        ``(SavedWeight, array)`` pairs for ``hdf5_weights.assign``.

    Raises:
        SavedFileError: a group is missing, or its variables do not fit.
    """
    assignments = []
    for group in weight_groups(model):
        if not group.weights:
            continue
        context = f"{where}, group {group.vars_path!r} (layer {group.name!r})"
        if not _has_path(handle, group.vars_path, where):
            raise SavedFileError(f"{context}: missing, but the model's layer {group.name!r} has "
                                 f"{len(group.weights)} weights. The file was saved from another "
                                 "architecture: build the model as it was saved.")
        vars_group = child(handle, group.vars_path, where)
        count = stored_count(vars_group, context)
        if count != len(group.weights):
            raise SavedFileError(f"{context}: holds {count} variables, but the model's layer "
                                 f"{group.name!r} has {len(group.weights)} "
                                 f"({[w.shape for w in group.weights]}). Build the model as it "
                                 "was saved.")
        for index, weight in enumerate(group.weights):
            array = stored_array(vars_group, str(index), context)
            if array.shape != weight.shape:
                raise SavedFileError(f"{context}: variable {index} has shape {array.shape}, but "
                                     f"the model's {weight.name} has shape {weight.shape}. Build "
                                     "the model as it was saved.")
            assignments.append((weight, array.read()))
    return assignments


def _has_path(handle, path, where):
    node = handle
    for part in path.split("/"):
        if not has_member(node, part, where):
            return False
        node = child(node, part, where)
    return True
