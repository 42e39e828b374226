"""Keras 3's legacy HDF5 model files (``model.save('m.h5')`` in Keras 3): Keras 2's layout
holding Keras 3's configs.

Keras 3 writes the attributes and groups of a Keras 2 file (``model_config``,
``training_config``, ``model_weights`` with ``layer_names`` and ``weight_names``,
``optimizer_weights``), with ``keras_version`` 3.x, and differs inside them:

- ``model_config`` is Keras 3's serialization (dtype policies, initializers with ``module``,
  a Sequential's ``InputLayer`` with ``batch_shape``, functional calls as ``{'args', 'kwargs'}``
  with ``__keras_tensor__`` records): it is translated by ``keras3_config``.
- ``training_config`` holds Keras 3's compile settings (``optimizer_config`` with Keras 3's
  optimizer arguments, losses and metrics by name or as Keras 3 objects).
- weights are named by their Keras 3 paths (``shared/kernel``,
  ``sequential/lstm/lstm_cell/kernel``), in Keras 2's order (trainable, then the others), with
  an extra ``top_level_model_weights`` group outside ``layer_names``: the Keras 2 reader loads
  them by position.
- ``optimizer_weights`` lists Keras 3's optimizer variables (``adam/iteration``,
  ``adam/learning_rate``, then the slots weight by weight: ``adam/dense_kernel_momentum``,
  ``adam/dense_kernel_velocity`` ...), as in a ``.keras`` archive; only the first two before
  the first training step.

Keras 3 writes weights-only files only in its own ``.weights.h5`` layout (``save_weights``
refuses other names), which ``load_weights`` reads too.

Example:
    >>> with h5py.File('keras3_model.h5', 'r') as f:  # doctest: +SKIP
    ...     is_keras3_file(f, 'keras3_model.h5')
    True
"""
import warnings

from cornu.saving.errors import SavedFileError
from cornu.saving.hdf5_attributes import read_text
from cornu.saving.keras3_config import model_from_keras3
from cornu.saving.keras3_layers import TranslationError
from cornu.saving.keras3_optimizer import compile_arguments_from_keras3, optimizer_restorer
from cornu.saving.optimizer_state import saved_optimizer_state


def is_keras3_file(handle, where):
    """Whether an HDF5 model file was written by Keras 3 (its ``keras_version`` is 3 or later).

    Args:
        handle: the h5py File (or Group) of the model.
        where: the file, for messages.
    """
    version = read_text(handle, "keras_version", where) or ""
    major = version.split(".")[0]
    return major.isdigit() and int(major) >= 3


def keras2_model_config(config, where, custom_objects=None):
    """A Keras 3 ``model_config`` as cornu's (Keras 2) ``{'class_name', 'config'}``.

    Args:
        config: the parsed ``model_config`` attribute.
        where: the file, for messages.
        custom_objects: user classes by name.

    Raises:
        SavedFileError: the config is malformed or holds what cornu cannot rebuild.
    """
    try:
        return model_from_keras3(config, custom_objects)
    except TranslationError as error:
        raise SavedFileError(f"{where} (written by Keras 3): {error}") from None
    except (TypeError, KeyError, AttributeError, IndexError) as error:
        raise SavedFileError(f"{where}: the model_config written by Keras 3 is malformed "
                             f"({type(error).__name__}: {error}). The file is damaged; save it "
                             "again.") from error


def keras3_compile_arguments(settings, output_names, where, custom_objects=None):
    """``compile`` keyword arguments for the ``training_config`` Keras 3 writes.

    Args:
        settings: the parsed ``training_config``: ``optimizer_config``, ``loss``, ``metrics``,
            ``weighted_metrics``, ``loss_weights`` (and Keras 3's ``run_eagerly`` ... which
            change no number).
        output_names: the model's output names.
        where: the file, for messages.
        custom_objects: user functions and classes by name.

    Raises:
        SavedFileError: the settings are malformed or name what cornu lacks.
    """
    if not isinstance(settings, dict) or "optimizer_config" not in settings:
        raise SavedFileError(f"{where}: the training config should be a dict with an "
                             f"'optimizer_config', found {settings!r:.200}. Load with "
                             "compile=False and compile the model yourself.")
    compile_config = {**settings, "optimizer": settings["optimizer_config"]}
    return compile_arguments_from_keras3(compile_config, output_names, where, custom_objects)


def restore_keras3_optimizer(handle, model, where):
    """Loads Keras 3's ``optimizer_weights`` into the compiled ``model``'s optimizer.

    A state that does not fit (another optimizer, a setting cornu's optimizer lacks) is
    reported with a warning, and the optimizer starts afresh, as Keras does.

    Args:
        handle: the h5py File of the model.
        model: the model, compiled from the file's training config.
        where: the file, for messages.
    """
    saved = saved_optimizer_state(handle, where)
    if saved is None:
        return
    _, stored, context = saved
    try:
        apply = optimizer_restorer(model, stored, context)
    except (SavedFileError, TranslationError) as error:
        warnings.warn(f"Error in loading the saved optimizer state ({error}). As a result, your "
                      "model is starting with a freshly initialized optimizer.", stacklevel=4)
        return
    apply()
