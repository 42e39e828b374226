"""The compile settings (``compile_config``) and optimizer state (``optimizer/vars``) of a
Keras 3 archive, to and from cornu's Keras 2 optimizers.

Keras 3 lists an optimizer's variables as ``iterations`` (int64), ``learning_rate``, then its
slots, made for each trainable weight in turn: Adam ``m, v`` for the first weight, ``m, v`` for
the second ... (then every ``v_hat`` when ``amsgrad``); Adadelta and Adamax interleave their two
slots the same way; SGD has its momentums only when ``momentum != 0``. Slots of weights that
cornu stores in torch's layout (convolution kernels) are written in the Keras layout.

Keras 3 has no ``decay`` (Keras 2's ``lr / (1 + decay * iterations)``) and no Nadam
``schedule_decay``: such optimizers are refused with directions. Keras 3's legacy HDF5 files
list the same variables in their ``optimizer_weights`` group (``keras3_hdf5``), read through
``optimizer_restorer`` too.

Example:
    >>> slot_order(Adam())  # doctest: +SKIP
    [('ms', 'vs')]
"""
import numpy as np
import torch

from cornu.graph.layer import Weight
from cornu.saving.errors import SavedFileError
from cornu.saving.hdf5_reading import child, has_member, stored_array
from cornu.saving.keras3_layers import TranslationError
from cornu.saving.training_config import compile_arguments
from cornu.saving.keras3_weights import stored_count

#: Keras 2 config keys -> Keras 3's, for every optimizer.
_RENAMED = {"lr": "learning_rate"}
_SUPPORTED = ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax")


def slot_order(optimizer):
    """Keras 3's slot passes: a list of tuples of cornu slot names made together per weight.

    Args:
        optimizer: a cornu optimizer of a supported class.
    """
    name = type(optimizer).__name__
    if name == "SGD":
        return [("moments",)] if float(optimizer.momentum) != 0 else []
    if name == "Adam":
        return [("ms", "vs")] + ([("vhats",)] if optimizer.amsgrad else [])
    if name == "Adadelta":
        return [("accumulators", "delta_accumulators")]
    if name == "Adamax":
        return [("ms", "us")]
    return [("accumulators",)]  # RMSprop, Adagrad


def _check_supported(optimizer):
    name = type(optimizer).__name__
    if name not in _SUPPORTED:
        raise TranslationError(f"The optimizer {name} cannot be saved for Keras 3 (its update "
                               f"differs there). Use one of {', '.join(_SUPPORTED)}, save with "
                               "include_optimizer=False, or save in Keras 2's format with a "
                               "name ending in '.h5'.")
    if getattr(optimizer, "initial_decay", 0) > 0:
        raise TranslationError(f"The optimizer {name} has decay={optimizer.initial_decay}; "
                               "Keras 3 optimizers have no decay argument. Save with "
                               "include_optimizer=False, or in Keras 2's format with a name "
                               "ending in '.h5'.")


def compile_config(model):
    """The model's compile settings as Keras 3's ``compile_config``, or None if not compiled.

    Args:
        model: a Model or Sequential.

    Raises:
        TranslationError: the optimizer has no Keras 3 counterpart.
    """
    if model.optimizer is None or model._compile_args is None:
        return None
    optimizer = model.optimizer
    _check_supported(optimizer)
    settings = {_RENAMED.get(k, k): v for k, v in optimizer.get_config().items() if k != "decay"}
    settings["name"] = type(optimizer).__name__.lower()
    if type(optimizer).__name__ == "Adagrad":
        settings["initial_accumulator_value"] = 0.0  # Keras 2 starts at 0, Keras 3 at 0.1
    loss, metrics, loss_weights, weighted_metrics = model._compile_args
    return {"optimizer": {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
                          "config": settings, "registered_name": None},
            "loss": loss, "loss_weights": loss_weights, "metrics": metrics or None,
            "weighted_metrics": weighted_metrics, "run_eagerly": False,
            "steps_per_execution": 1, "jit_compile": False}


def _plain(value, where):
    """A Keras 3 serialized function or loss object as its name."""
    if isinstance(value, list):
        return [_plain(item, where) for item in value]
    if isinstance(value, dict) and "class_name" in value:
        config = value.get("config")
        if value["class_name"] == "function" and isinstance(config, str):
            return config
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
        raise SavedFileError(f"{where}: the saved loss or metric {value!r:.200} has no name "
                             "cornu can resolve. Load with compile=False and compile yourself.")
    if isinstance(value, dict):
        return {key: _plain(item, where) for key, item in value.items()}
    return value


def compile_arguments_from_keras3(config, output_names, where, custom_objects=None):
    """``compile`` keyword arguments for a Keras 3 ``compile_config``.

    Args:
        config: the parsed ``compile_config``.
        output_names: the model's output names.
        where: the file, for messages.
        custom_objects: user functions and classes by name.

    Raises:
        SavedFileError: the settings are malformed or name what cornu lacks.
    """
    optimizer = config.get("optimizer") if isinstance(config, dict) else None
    if isinstance(optimizer, str):
        optimizer = {"class_name": optimizer, "config": {}}
    if not isinstance(optimizer, dict):
        raise SavedFileError(f"{where}: compile_config should name an optimizer, found "
                             f"{config!r:.200}. Load with compile=False.")
    class_name = optimizer.get("registered_name") or optimizer.get("class_name")
    training = {"optimizer_config": {"class_name": optimizer.get("class_name", class_name),
                                     "config": optimizer.get("config") or {}},
                "loss": _plain(config.get("loss"), where),
                "metrics": _plain(config.get("metrics"), where) or [],
                "weighted_metrics": _plain(config.get("weighted_metrics"), where),
                "loss_weights": config.get("loss_weights")}
    return compile_arguments(training, output_names, where, custom_objects)


def _trainable_infos(model):
    seen, infos = set(), []
    for info in model._effective_infos():
        if info["trainable"] and id(info["param"]) not in seen:
            seen.add(id(info["param"]))
            infos.append(info)
    return infos


def _slot_entries(model, optimizer):
    """``(slot tensor, layout or None)`` in Keras 3's order."""
    entries = []
    for names in slot_order(optimizer):
        for info in _trainable_infos(model):
            state = optimizer._state[info["param"]]
            layout = info["layout"]
            keep = type(layout) is Weight and layout.permutation is None
            entries += [(state[name], None if keep else layout) for name in names]
    return entries


def write_optimizer(handle, model):
    """Writes ``optimizer/vars`` (iterations, learning rate, slots) in Keras 3's order.

    Args:
        handle: an h5py File opened for writing.
        model: the compiled model.
    """
    optimizer = model.optimizer
    optimizer.build(model.trainable_weights)
    group = handle.require_group("optimizer/vars")
    group.attrs["name"] = type(optimizer).__name__.lower()
    group.create_dataset("0", data=np.asarray(int(optimizer.iterations), dtype=np.int64))
    group.create_dataset("1", data=np.asarray(float(optimizer.lr), dtype=np.float32))
    for index, (tensor, layout) in enumerate(_slot_entries(model, optimizer), start=2):
        value = tensor.detach() if layout is None else layout.to_keras(tensor.detach())
        group.create_dataset(str(index), data=value.cpu().numpy())


def optimizer_restorer(model, stored, where):
    """Checks saved optimizer variables in Keras 3's order against the compiled ``model``.

    Keras 3 creates ``iterations`` and the learning rate with the optimizer and its slots at the
    first step, so a model compiled but never trained saves only those two: they are accepted
    when ``iterations`` is 0 (the slots are then zeros, as cornu starts them).

    Args:
        model: the model, compiled from the file's settings.
        stored: ``StoredArray`` list (not read yet): iterations, learning rate, then the slots.
        where: the file and group, for messages.

    Returns:
        A function applying the state.

    Raises:
        SavedFileError: the state does not fit the optimizer.
        TranslationError: the optimizer has no Keras 3 counterpart.

    Example:
        >>> apply = optimizer_restorer(model, [iterations, rate, *slots], 'm.h5')  # doctest: +SKIP
        >>> apply()  # doctest: +SKIP
    """
    optimizer = model.optimizer
    _check_supported(optimizer)
    optimizer.build(model.trainable_weights)
    entries = _slot_entries(model, optimizer)
    if len(stored) < 2 or any(array.shape != () for array in stored[:2]):
        raise SavedFileError(f"{where}: the first two variables should be the iterations and "
                             "learning rate (scalars). Load with compile=False.")
    iterations, learning_rate = (array.read() for array in stored[:2])
    if len(stored) == 2 and int(iterations) == 0:
        entries = []  # saved before the first step: no slots yet
    if len(stored) != len(entries) + 2:
        raise SavedFileError(f"{where}: holds {len(stored)} variables, but a "
                             f"{type(optimizer).__name__} for this model has {len(entries) + 2} "
                             "(iterations, learning rate and its slots). Load with "
                             "compile=False.")
    arrays = []
    for index, ((tensor, layout), array) in enumerate(zip(entries, stored[2:]), start=2):
        expected = tuple(tensor.shape if layout is None else layout.to_keras(tensor).shape)
        if array.shape != expected:
            raise SavedFileError(f"{where}: variable {index} ({array.name!r}) has shape "
                                 f"{array.shape}, expected {expected}. Load with "
                                 "compile=False.")
        arrays.append(array.read())

    def apply():
        with torch.no_grad():
            for (tensor, layout), array in zip(entries, arrays):
                value = torch.as_tensor(np.asarray(array), dtype=tensor.dtype)
                tensor.copy_(value if layout is None else layout.from_keras(value))
        optimizer.iterations = int(iterations)
        optimizer.lr = float(learning_rate)
    return apply


def read_optimizer(handle, model, where):
    """Reads ``optimizer/vars`` for the compiled ``model``, checked but not applied.

    Args:
        handle: the h5py File in Keras 3's layout.
        model: the model, compiled from the file's compile_config.
        where: the file, for messages.

    Returns:
        A function applying the state, or None when the file holds none.

    Raises:
        SavedFileError: the state does not fit the optimizer.
    """
    if not has_member(handle, "optimizer", where):
        return None
    context = f"{where}, group 'optimizer/vars'"
    group = child(handle, "optimizer/vars", where)
    count = stored_count(group, context)
    if count == 0:
        return None
    stored = [stored_array(group, str(index), context) for index in range(count)]
    return optimizer_restorer(model, stored, context)
