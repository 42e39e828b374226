"""Saving and loading models and weights: ``save_model``/``load_model`` (``keras.models``) and
what ``model.save``, ``model.save_weights`` and ``model.load_weights`` call.

Every file name gets the Keras 2 HDF5 layout, as in Keras 2 (``.h5``, ``.hdf5``,
``.model.hdf5``, no extension ...), except two names that promise Keras 3's formats, which
Keras 3 can read only in its own layout: ``model.save('m.keras')`` writes Keras 3's zip archive
(``keras3_model.py``), and ``save_weights('w.weights.h5')`` Keras 3's weights layout. Saves are
atomic (``atomic.py``): a save that is killed leaves the previous file intact.
``overwrite=False`` on an existing file asks on the terminal as Keras 2 does, and raises
``FileExistsError`` where nobody can answer. Loading reads the file's first bytes and layout,
not its name (a zip archive is a ``.keras`` model; a weights file in either layout loads), and
never runs code from it (no pickle; ``Lambda`` layers need ``safe_mode=False``).

h5py is imported on first use, so ``import cornu`` stays fast.

Example:
    >>> model.save('model.h5')  # doctest: +SKIP
    >>> model = load_model('model.h5')  # doctest: +SKIP
"""
import os
import sys


def _where(filepath):
    return os.fspath(filepath)


def _is_h5py_group(value):
    """Whether ``value`` is an open h5py File or Group (only possible once h5py is imported)."""
    h5py = sys.modules.get("h5py")
    return h5py is not None and isinstance(value, h5py.Group)


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Saves a model (architecture, weights, compile settings and optimizer state) to a file:
    Keras 3's zip archive for a name ending in ``.keras``, else Keras 2's HDF5 layout.

    Args:
        model: a Model or Sequential.
        filepath: the file path, or an open ``h5py.File``/``Group`` (written as is, without
            the atomic rename).
        overwrite: replace an existing file without asking.
        include_optimizer: also save the compile settings and the optimizer state.

    Raises:
        NotImplementedError: for a subclassed model (no config to rebuild it from).
        ValueError: for ``.keras``, a layer or setting Keras 3 has no counterpart for.
        FileExistsError: ``overwrite=False``, the file exists, and no terminal can confirm.

    Example:
        >>> save_model(model, 'cats_and_dogs_small_1.h5')  # doctest: +SKIP
    """
    import h5py

    from cornu.saving.atomic import atomic_write, should_write
    from cornu.saving.hdf5_model import write_model
    if _is_h5py_group(filepath):
        write_model(filepath, model, include_optimizer)
        return
    if not should_write(filepath, overwrite):
        return
    if os.fspath(filepath).endswith(".keras"):
        from cornu.saving.keras3_model import save_keras_archive
        save_keras_archive(model, filepath, include_optimizer)
        return
    with atomic_write(filepath) as temporary:
        with h5py.File(temporary, "w") as handle:
            write_model(handle, model, include_optimizer)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by ``model.save``: Keras 2, tf.keras and Keras 3 HDF5 files, and
    Keras 3 ``.keras`` archives (cornu's or Keras 3's).

    Args:
        filepath: the file path, or an open ``h5py.File``/``Group``.
        custom_objects: a dict from names to your classes and functions (custom layers,
            losses, metrics, activations ...), also taken from ``custom_object_scope``.
        compile: compile the model with the saved settings and optimizer state (training then
            resumes where it stopped); False returns it uncompiled.
        safe_mode: refuse ``Lambda`` layers, whose functions run arbitrary code. Pass False only
            for files you trust (the functions are still looked up by name, never loaded from
            the file).

    Raises:
        FileNotFoundError: there is no such file.
        SavedFileError: (a ``ValueError``) the file is damaged, not a model file, or names
            classes cornu cannot find.

    Example:
        >>> model = load_model('cats_and_dogs_small_1.h5')  # doctest: +SKIP
    """
    from cornu.saving.hdf5_model import read_model
    from cornu.saving.hdf5_reading import is_zip_archive, open_hdf5
    if _is_h5py_group(filepath):
        return read_model(filepath, filepath.file.filename, custom_objects, compile, safe_mode)
    if is_zip_archive(filepath):
        from cornu.saving.keras3_model import load_keras_archive
        return load_keras_archive(_where(filepath), custom_objects, compile, safe_mode)
    with open_hdf5(filepath) as handle:
        return read_model(handle, _where(filepath), custom_objects, compile, safe_mode)


def save_weights(model, filepath, overwrite=True):
    """Saves the weights of every layer to an HDF5 file: in Keras 3's layout for a name ending
    in ``.weights.h5`` (the only layout Keras 3 reads under that name), else in Keras 2's.

    Args:
        model: a Model or Sequential.
        filepath: the file path.
        overwrite: replace an existing file without asking.

    Example:
        >>> save_weights(model, 'pre_trained_glove_model.h5')  # doctest: +SKIP
    """
    import h5py

    from cornu.saving.atomic import atomic_write, should_write
    from cornu.saving.hdf5_weights import write_layer_weights
    if not should_write(filepath, overwrite):
        return
    if os.fspath(filepath).endswith(".weights.h5"):
        from cornu.saving.keras3_model import save_keras3_weights
        save_keras3_weights(model, filepath)
        return
    with atomic_write(filepath) as temporary:
        with h5py.File(temporary, "w") as handle:
            write_layer_weights(handle, model.layers)


def load_weights(model, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """Loads weights saved by ``save_weights`` or ``save`` (cornu, Keras 1/2, tf.keras, Keras 3's
    legacy ``.h5`` model files, and Keras 3's ``.weights.h5`` layout, told apart by the file's
    contents).

    Everything is checked before anything is set: a load that fails leaves the model as it was.

    Args:
        model: a Model or Sequential.
        filepath: the file path.
        by_name: match layers by name (others are left alone) instead of by position among the
            layers with weights.
        skip_mismatch: with ``by_name``, skip (with a warning) weights whose number or shape
            does not fit.
        reshape: reshape convolution kernels holding the right number of values.

    Raises:
        FileNotFoundError: there is no such file.
        SavedFileError: (a ``ValueError``) the file is damaged or does not fit the model.

    Example:
        >>> load_weights(model, 'weights.h5')  # doctest: +SKIP
    """
    from cornu.saving.hdf5_reading import attribute, child, has_member, open_hdf5
    from cornu.saving.hdf5_weights import assign, read_layer_weights
    from cornu.saving.hdf5_reading import is_zip_archive
    from cornu.saving.keras3_weights import is_keras3_layout
    where = _where(filepath)
    if is_zip_archive(filepath):
        from cornu.saving.keras3_model import load_archive_weights
        load_archive_weights(model, where)
        return
    with open_hdf5(filepath) as handle:
        if is_keras3_layout(handle, where):
            if by_name or reshape:
                raise ValueError(f"{where} is in Keras 3's layout, which addresses layers by "
                                 "position only: load it without by_name and reshape.")
            from cornu.saving.keras3_model import load_keras3_weights
            load_keras3_weights(model, handle, where)
            return
        group = handle
        if attribute(handle, "layer_names", where) is None \
                and attribute(handle, "layer_names0", where) is None \
                and has_member(handle, "model_weights", where):
            group, where = child(handle, "model_weights", where), f"{where}, group 'model_weights'"
        assign(read_layer_weights(group, model.layers, where, by_name, skip_mismatch, reshape))
