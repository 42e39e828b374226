"""Whole models in Keras 3's ``.keras`` archive, and weights in Keras 3's ``.weights.h5``
layout: what ``model.save('m.keras')``, ``load_model('m.keras')`` and ``save_weights`` /
``load_weights`` on a ``.weights.h5`` name do.

Saving translates the Keras 2 configs cornu keeps into Keras 3's (``keras3_config``), so Keras 3
loads the archive; loading translates back, rebuilds the model (never running code from the
file: a ``Lambda`` needs ``safe_mode=False``), reads and checks every weight and the optimizer
state, and only then sets them, so a failed load changes nothing.

Example:
    >>> save_keras_archive(model, 'model.keras')  # doctest: +SKIP
    >>> model = load_keras_archive('model.keras')  # doctest: +SKIP
"""
import io
import time
import warnings

from cornu.saving.atomic import atomic_write
from cornu.saving.errors import SavedFileError
from cornu.saving.hdf5_model import rebuild_model
from cornu.saving.hdf5_reading import guarded
from cornu.saving.hdf5_weights import assign
from cornu.saving.keras3_config import model_from_keras3, to_keras3_model
from cornu.saving.keras3_layers import TranslationError
from cornu.saving.keras3_optimizer import (compile_arguments_from_keras3, compile_config,
                                           read_optimizer, write_optimizer)
from cornu.saving.keras3_weights import read_weights, write_weights
from cornu.saving.keras_zip import hdf5_bytes, read_archive, write_archive
from cornu.saving.training_config import compile_saved
from cornu.utils.serialization import CustomObjectScope

#: The Keras version recorded in the metadata: the Keras 3 format cornu writes.
KERAS3_FORMAT_VERSION = "3.15.1"


def _translated(model, include_optimizer):
    try:
        config = to_keras3_model(model)
        settings = compile_config(model) if include_optimizer else None
    except TranslationError as error:
        raise ValueError(f"Cannot save model {model.name!r} in Keras 3's format: {error}") \
            from None
    if settings is not None:
        config["compile_config"] = settings
    return config, settings


def save_keras_archive(model, filepath, include_optimizer=True):
    """Writes ``model`` as a Keras 3 ``.keras`` archive, atomically.

    Args:
        model: a Sequential or functional Model.
        filepath: the target path.
        include_optimizer: also save the compile settings and the optimizer state.

    Raises:
        ValueError: a layer or setting has no Keras 3 counterpart (the message says which).
    """
    config, settings = _translated(model, include_optimizer)

    def fill(handle):
        write_weights(handle, model)
        if settings is not None and model.optimizer._params:
            write_optimizer(handle, model)

    weights = hdf5_bytes(fill)
    metadata = {"keras_version": KERAS3_FORMAT_VERSION,
                "date_saved": time.strftime("%Y-%m-%d@%H:%M:%S")}
    with atomic_write(filepath) as temporary:
        write_archive(temporary, metadata, config, weights)


def save_keras3_weights(model, filepath):
    """Writes the model's weights in Keras 3's ``.weights.h5`` layout, atomically.

    Args:
        model: a Model or Sequential.
        filepath: the target path (ending in ``.weights.h5``).
    """
    import h5py
    with atomic_write(filepath) as temporary:
        with h5py.File(temporary, "w") as handle:
            write_weights(handle, model)


def _open_weights(data, where):
    import h5py
    with guarded(f"{where}, member model.weights.h5"):
        return h5py.File(io.BytesIO(data), "r")


def load_keras_archive(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds the model saved in a ``.keras`` archive (Keras 3 or cornu).

    Args:
        filepath: the archive's path.
        custom_objects: user classes and functions by name.
        compile: compile with the saved settings and restore the optimizer state.
        safe_mode: refuse ``Lambda`` layers.

    Raises:
        SavedFileError: the archive is malformed, hostile, or holds what cornu cannot rebuild.
    """
    where = str(filepath)
    archive = read_archive(filepath)
    with CustomObjectScope(custom_objects or {}):
        try:
            config = model_from_keras3(archive.config, custom_objects)
        except TranslationError as error:
            raise SavedFileError(f"{where}: {error}") from None
        except (TypeError, KeyError, AttributeError, IndexError) as error:
            raise SavedFileError(f"{where}: config.json is not a Keras model config "
                                 f"({type(error).__name__}: {error}).") from error
        model = rebuild_model(config, where, custom_objects, safe_mode)
        handle = _open_weights(archive.weights, where)
        with handle:
            weights = read_weights(handle, model, f"{where}, model.weights.h5")
            settings = archive.config.get("compile_config")
            restore = None
            if compile and settings:
                arguments = compile_arguments_from_keras3(settings, model.output_names, where,
                                                          custom_objects)
                compile_saved(model, arguments, where, "compile_config")
                try:
                    restore = read_optimizer(handle, model, f"{where}, model.weights.h5")
                except (SavedFileError, TranslationError) as error:
                    warnings.warn(f"Error in loading the saved optimizer state ({error}). As a "
                                  "result, your model is starting with a freshly initialized "
                                  "optimizer.", stacklevel=3)
            elif compile:
                warnings.warn(f"No training configuration found in {where}: the model was *not* "
                              "compiled. Compile it manually.", stacklevel=3)
    assign(weights)
    if restore is not None:
        restore()
    return model


def load_keras3_weights(model, handle, where):
    """Loads weights in Keras 3's layout from an open HDF5 file; nothing changes on failure.

    Args:
        model: the model.
        handle: an h5py File in Keras 3's layout.
        where: the file, for messages.
    """
    assign(read_weights(handle, model, where))


def load_archive_weights(model, filepath):
    """Loads only the weights of a ``.keras`` archive into ``model`` (as Keras 3's
    ``load_weights('m.keras')``); nothing changes on failure.

    Args:
        model: the model, built as the archive's.
        filepath: the archive's path.
    """
    where = str(filepath)
    archive = read_archive(filepath)
    with _open_weights(archive.weights, where) as handle:
        assign(read_weights(handle, model, f"{where}, model.weights.h5"))
