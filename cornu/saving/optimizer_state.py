"""The optimizer's state in a model file: the ``optimizer_weights`` group of Keras 2.

Keras 2.2.4 (TensorFlow backend) lists ``optimizer.weights``: ``iterations`` (for the
optimizers whose update reads it) named ``Adam/iterations:0``, then the slots in order (Adam:
every ``m``, then every ``v``, then the ``vhats``), named as TensorFlow named unnamed
variables, ``training/Adam/Variable:0``, ``training/Adam/Variable_1:0`` ... RMSprop, Adagrad
and Adadelta list no ``iterations`` in Keras 2.2.4; with ``decay > 0`` their updates read it,
so cornu then writes it first (Keras 2.3's layout, which both cornu and Keras 2.3 read) and a
resumed run continues exactly.

Slots of weights that cornu stores in torch's layout (convolution kernels) are written and read
in the Keras layout of their weight, as Keras files hold them.

Reading also accepts tf.keras's newer optimizers (``iteration:0``, then the slots per weight:
``Adam/m/dense/kernel:0``, ``Adam/v/dense/kernel:0`` ...), reordered into Keras 2's order.

Example:
    >>> names = optimizer_weight_names(SGD(momentum=0.9))  # doctest: +SKIP
    ['SGD/iterations:0', 'training/SGD/Variable:0', 'training/SGD/Variable_1:0']
"""
import warnings

import torch

from cornu.graph.layer import Weight
from cornu.saving.hdf5_attributes import read_name_list, write_name_list
from cornu.saving.hdf5_reading import child, has_member, stored_array


def _saved_tensors(optimizer):
    """The state tensors written, in order (see the module docstring)."""
    weights = list(optimizer.weights)
    if weights and not optimizer.weights_include_iterations and optimizer.initial_decay > 0:
        return [optimizer.iterations] + weights
    return weights


def _slot_layouts(model, optimizer):
    """``id(slot tensor) -> Weight layout`` for the slots shaped like a weight that is stored
    in another layout than Keras's (the optimizer keeps them in the stored layout)."""
    stored_otherwise = {id(info["param"]): info["layout"] for info in model._effective_infos()
                        if type(info["layout"]) is not Weight
                        or info["layout"].permutation is not None}
    return {id(optimizer._state[param][name]): stored_otherwise[id(param)]
            for param in optimizer._params if id(param) in stored_otherwise
            for name in optimizer.slot_names
            if optimizer._state[param][name].shape == param.shape}


def optimizer_weight_names(optimizer):
    """The Keras 2 names of the saved state tensors of ``optimizer``.

    Args:
        optimizer: a cornu optimizer (after its first step; before, it has no state).
    """
    prefix = type(optimizer).__name__
    names, slot = [], 0
    for tensor in _saved_tensors(optimizer):
        if tensor is optimizer.iterations:
            names.append(f"{prefix}/iterations:0")
        else:
            names.append(f"training/{prefix}/Variable{f'_{slot}' if slot else ''}:0")
            slot += 1
    return names


def write_optimizer_weights(handle, model):
    """Writes the ``optimizer_weights`` group (nothing when the optimizer has no state yet).

    Args:
        handle: the h5py File of the model.
        model: the compiled model.
    """
    optimizer = model.optimizer
    tensors = _saved_tensors(optimizer)
    if not tensors:
        return
    layouts = _slot_layouts(model, optimizer)
    group = handle.create_group("optimizer_weights")
    names = optimizer_weight_names(optimizer)
    write_name_list(group, "weight_names", names)
    for name, tensor in zip(names, tensors):
        layout = layouts.get(id(tensor))
        value = tensor.detach() if layout is None else layout.to_keras(tensor.detach())
        group.create_dataset(name, data=value.cpu().numpy())


def _keras_2_order(names, arrays):
    """tf.keras's newer optimizers list ``iteration:0`` then the slots weight by weight
    (``Adam/m/...``, ``Adam/v/...``); Keras 2 lists each slot for every weight in turn."""
    if not names or names[0] != "iteration:0":
        return arrays
    by_slot = {}
    for name, array in zip(names[1:], arrays[1:]):
        parts = name.split("/")
        by_slot.setdefault(parts[1] if len(parts) > 2 else "", []).append(array)
    return arrays[:1] + [array for slot in by_slot.values() for array in slot]


def _in_stored_layouts(model, optimizer, arrays):
    """The arrays (Keras layouts) with the slots of differently stored weights permuted."""
    layouts = _slot_layouts(model, optimizer)
    targets = optimizer._targets_for(arrays)
    if len(targets) != len(arrays):
        return arrays  # set_weights will say what does not fit
    converted = []
    for target, array in zip(targets, arrays):
        layout = layouts.get(id(target))
        if layout is not None and array.shape == tuple(layout.to_keras(target).shape):
            array = layout.from_keras(torch.as_tensor(array)).numpy()
        converted.append(array)
    return converted


def saved_optimizer_state(handle, where):
    """The ``optimizer_weights`` group of an HDF5 model file (Keras 2's or Keras 3's legacy
    writer): its weight names, their stored arrays (not read yet) and the group's description
    for messages; None when the file has no optimizer state.

    Args:
        handle: the h5py File of the model.
        where: the file, for messages.
    """
    if not has_member(handle, "optimizer_weights", where):
        return None
    context = f"{where}, group 'optimizer_weights'"
    group = child(handle, "optimizer_weights", where)
    names = read_name_list(group, "weight_names", context)
    return names, [stored_array(group, name, context) for name in names], context


def restore_optimizer_weights(handle, model, where):
    """Loads the saved optimizer state into the compiled ``model``'s optimizer.

    As in Keras 2, a state that does not fit (another architecture, another optimizer) is
    reported with a warning and the optimizer starts afresh.

    Args:
        handle: the h5py File of the model.
        model: the model, compiled from the file's training config.
        where: the file, for messages.
    """
    saved = saved_optimizer_state(handle, where)
    if saved is None:
        return
    names, stored, _ = saved
    optimizer = model.optimizer
    optimizer.build(model.trainable_weights)
    limit = max([int(w.numel()) for w in optimizer.weights] + [1])
    oversized = [array.name for array in stored if array.size > limit]
    try:
        if oversized:
            raise ValueError(f"the state tensor {oversized[0]!r} is larger than any weight of "
                             "the model")
        arrays = _keras_2_order(names, [array.read() for array in stored])
        optimizer.set_weights(_in_stored_layouts(model, optimizer, arrays))
    except ValueError as error:
        warnings.warn(f"Error in loading the saved optimizer state from {where} ({error}). As "
                      "a result, your model is starting with a freshly initialized optimizer.",
                      stacklevel=4)
