"""Whole models in an HDF5 file, in the Keras 2 layout (``model.save('m.h5')``,
``load_model``).

Layout::

    /                    attrs: keras_version, backend, model_config (JSON, see
                                ``hdf5_model_config``), training_config (JSON, when compiled)
    /model_weights       the layer weights (see ``hdf5_weights``)
    /optimizer_weights   attrs: weight_names; the optimizer state (see ``optimizer_state``)

Loading rebuilds the model from its config (never running code from the file: a ``Lambda``
needs ``safe_mode=False``, and even then its function is looked up by name), sets its weights,
and compiles it with the saved settings and optimizer state, so training resumes where it
stopped. Files from Keras 3's legacy writer hold Keras 3's configs, translated on loading
(``keras3_hdf5``).

Example:
    >>> with h5py.File('m.h5', 'w') as f:  # doctest: +SKIP
    ...     write_model(f, model, include_optimizer=True)
"""
import contextlib
import json
import warnings

from cornu.config.keras_version import KERAS_VERSION
from cornu.saving.errors import SavedFileError
from cornu.saving.hdf5_attributes import read_text, write_text
from cornu.saving.hdf5_model_config import hdf5_model_config
from cornu.saving.hdf5_reading import child
from cornu.saving.hdf5_weights import assign, read_layer_weights, write_layer_weights
from cornu.saving.json_format import BACKEND, json_default, model_from_config
from cornu.saving.keras3_hdf5 import (is_keras3_file, keras2_model_config,
                                      keras3_compile_arguments, restore_keras3_optimizer)
from cornu.saving.optimizer_state import restore_optimizer_weights, write_optimizer_weights
from cornu.saving.safe_mode import unsafe_deserialization
from cornu.saving.training_config import compile_arguments, compile_saved, training_config
from cornu.utils.serialization import CustomObjectScope


def write_model(handle, model, include_optimizer=True):
    """Writes ``model`` into an open HDF5 file (or group) as Keras 2 does.

    Args:
        handle: an h5py File or Group opened for writing.
        model: a Model or Sequential (subclassed models have no config to save).
        include_optimizer: also save the compile settings and the optimizer state.
    """
    model_config = json.dumps(hdf5_model_config(model), default=json_default)
    settings = training_config(model) if include_optimizer else None
    write_text(handle, "keras_version", KERAS_VERSION)
    write_text(handle, "backend", BACKEND)
    write_text(handle, "model_config", model_config)
    write_layer_weights(handle.create_group("model_weights"), model.layers)
    if settings is not None:
        write_text(handle, "training_config", json.dumps(settings, default=json_default))
        write_optimizer_weights(handle, model)


def _json(handle, name, where):
    text = read_text(handle, name, where)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as error:
        raise SavedFileError(f"{where}: the {name} attribute is not valid JSON ({error}). The file "
                             "is damaged; save it again.") from error


def rebuild_model(config, where, custom_objects, safe_mode):
    """Builds a model (fresh weights) from a Keras 2 model config, in safe mode unless told.

    Args:
        config: ``{'class_name': ..., 'config': ...}``.
        where: the file, for messages.
        custom_objects: user classes and functions by name.
        safe_mode: refuse ``Lambda`` layers.

    Raises:
        SavedFileError: the config is malformed or names what cannot be built.
    """
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise SavedFileError(f"{where}: the model config should be {{'class_name': ..., "
                             f"'config': {{...}}}}, found {str(config)[:200]}. The file is "
                             "damaged or not a Keras model file.")
    unsafe = contextlib.nullcontext() if safe_mode else unsafe_deserialization()
    try:
        with unsafe:
            return model_from_config(config, custom_objects=custom_objects)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RuntimeError,
            OverflowError, MemoryError) as error:  # RuntimeError: torch refusing a shape
        raise SavedFileError(f"{where}: the model cannot be rebuilt from its saved config: "
                             f"{error}") from error


def read_model(handle, where, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds the model saved in an open HDF5 file (or group): Keras 2, tf.keras, cornu, or
    Keras 3's legacy writer (its Keras 3 configs translated, see ``keras3_hdf5``).

    Args:
        handle: an h5py File or Group.
        where: the file, for messages.
        custom_objects: user classes and functions by name.
        compile: compile the model with the saved settings and optimizer state.
        safe_mode: refuse ``Lambda`` layers (their functions would run arbitrary code).

    Raises:
        SavedFileError: the file is malformed, or holds only weights.
    """
    config = _json(handle, "model_config", where)
    if config is None:
        raise SavedFileError(f"{where} holds no model config, so it is not a whole-model file "
                             "(a file from model.save_weights?). Build the model in code and "
                             "call model.load_weights(filepath).")
    keras3 = is_keras3_file(handle, where)
    with CustomObjectScope(custom_objects or {}):
        if keras3:
            config = keras2_model_config(config, where, custom_objects)
        model = rebuild_model(config, where, custom_objects, safe_mode)
        weights_group = child(handle, "model_weights", where)
        assign(read_layer_weights(weights_group, model.layers, f"{where}, group 'model_weights'"))
        if not compile:
            return model
        settings = _json(handle, "training_config", where)
        if settings is None:
            warnings.warn(f"No training configuration found in {where}: the model was *not* "
                          "compiled. Compile it manually.", stacklevel=3)
            return model
        arguments_for = keras3_compile_arguments if keras3 else compile_arguments
        arguments = arguments_for(settings, model.output_names, where, custom_objects)
        compile_saved(model, arguments, where, "training config")
        restore = restore_keras3_optimizer if keras3 else restore_optimizer_weights
        restore(handle, model, where)
    return model
