"""Layer weights in an HDF5 group, in the Keras 2 layout (``save_weights``, and the
``model_weights`` group of a model file).

Layout::

    <group>                 attrs: layer_names=[b'dense_1', ...], backend, keras_version
    <group>/dense_1         attrs: weight_names=[b'dense_1/kernel:0', b'dense_1/bias:0']
    <group>/dense_1/dense_1/kernel:0      dataset (784, 512)

Reading matches file layers to model layers in order, among the layers that have weights
(Keras 2's topological loading), or by name. Everything is read and checked first; nothing is
written into the model until every weight fits (``assign``), so a failed load changes nothing.
A dataset is read only once its shape is known to fit the layer, so a hostile file cannot make
the loader allocate more than the layer's own size.

Example:
    >>> with h5py.File('w.h5', 'w') as f:  # doctest: +SKIP
    ...     write_layer_weights(f, model.layers)
    >>> with h5py.File('w.h5', 'r') as f:  # doctest: +SKIP
    ...     assign(read_layer_weights(f, model.layers, 'w.h5'))
"""
import warnings

import numpy as np

from cornu.config.keras_version import KERAS_VERSION
from cornu.saving.errors import SavedFileError
from cornu.saving.hdf5_attributes import (read_name_list, read_text, write_name_list,
                                          write_text)
from cornu.saving.hdf5_reading import attribute, child, stored_array
from cornu.saving.json_format import BACKEND
from cornu.saving.legacy_weights import convert_weights
from cornu.saving.weight_naming import saved_weights


def write_layer_weights(group, layers):
    """Writes the weights of ``layers`` into ``group`` as Keras 2 does.

    Args:
        group: an h5py File or Group.
        layers: the model's layers (``model.layers``).
    """
    write_name_list(group, "layer_names", [layer.name for layer in layers])
    write_text(group, "backend", BACKEND)
    write_text(group, "keras_version", KERAS_VERSION)
    for layer in layers:
        layer_group = group.create_group(layer.name)
        weights = saved_weights(layer)
        write_name_list(layer_group, "weight_names", [w.name for w in weights])
        for weight in weights:
            layer_group.create_dataset(weight.name, data=weight.value())


class _FileLayer:
    """One layer group of the file: its name and its weight arrays (not read yet)."""

    def __init__(self, group, name, where):
        self.name = name
        self.where = f"{where}, layer {name!r}"
        layer_group = child(group, name, where)
        self.weight_names = read_name_list(layer_group, "weight_names", self.where)
        self.arrays = [stored_array(layer_group, weight_name, self.where)
                       for weight_name in self.weight_names]


def _describe(layers):
    names = [layer.name for layer in layers]
    return ", ".join(names[:8]) + (f" ... ({len(names)} in all)" if len(names) > 8 else "")


class _Mismatch(Exception):
    """A file layer that does not fit a model layer (message in ``args[0]``)."""


def _fitted_arrays(file_layer, layer, expected, versions, reshape):
    """The file layer's arrays in the layout of ``expected`` (the layer's ``SavedWeight`` list).

    Raises:
        _Mismatch: the number or shapes of the weights do not fit.
    """
    stored = file_layer.arrays
    capacity = sum(int(np.prod(w.shape)) for w in expected)
    for array in stored:
        if array.size > capacity:  # no conversion can make it fit: never read it
            raise _Mismatch(f"its weight {array.name!r} has shape {array.shape}, more values "
                            f"({array.size}) than all the weights of layer {layer.name!r} "
                            f"together ({capacity}: {[w.shape for w in expected]})")
    try:
        arrays = convert_weights(layer, [array.read() for array in stored], *versions,
                                 reshape=reshape)
    except ValueError as error:  # e.g. Keras 1 gate arrays whose shapes do not join
        raise _Mismatch(f"its weights {file_layer.weight_names} of shapes "
                        f"{[array.shape for array in stored]} do not convert to the layout of "
                        f"layer {layer.name!r} ({error})") from None
    if len(arrays) != len(expected):
        raise _Mismatch(f"it holds {len(stored)} weights "
                        f"{file_layer.weight_names}, but layer {layer.name!r} "
                        f"({type(layer).__name__}) has {len(expected)}: "
                        f"{[w.name for w in expected]}")
    return arrays


def _shape_mismatches(file_layer, layer, expected, arrays):
    names = file_layer.weight_names if len(file_layer.weight_names) == len(arrays) else \
        [f"converted weight #{i}" for i in range(len(arrays))]
    return [(weight, f"its weight {name!r} has shape {tuple(array.shape)}, but the model's "
                     f"{weight.name} has shape {weight.shape}")
            for name, weight, array in zip(names, expected, arrays)
            if tuple(array.shape) != weight.shape]


def _versions(group, where):
    """The file's Keras version (``'1'`` when not recorded, as Keras 2 reads it) and backend."""
    version = read_text(group, "keras_version", where)
    return "1" if version is None else version, read_text(group, "backend", where)


def _file_layers_with_weights(group, where):
    if attribute(group, "layer_names", where) is None \
            and attribute(group, "layer_names0", where) is None:
        raise SavedFileError(f"{where} has no 'layer_names' attribute, so it is not a Keras 2 "
                             "weight file (Keras 3 writes '.weights.h5' files in another "
                             "layout). Save the weights with model.save_weights(...) from "
                             "Keras 2, tf.keras or cornu.")
    names = read_name_list(group, "layer_names", where)
    file_layers = [_FileLayer(group, name, where) for name in names]
    return [file_layer for file_layer in file_layers if file_layer.weight_names]


def _topological(group, layers, where, reshape):
    versions = _versions(group, where)
    file_layers = _file_layers_with_weights(group, where)
    targets = [layer for layer in layers if saved_weights(layer)]
    if len(file_layers) != len(targets):
        unbuilt = [layer.name for layer in layers if not layer.built]
        hint = (f" Layers {unbuilt} are not built yet, so they have no weights: build the model "
                "first (give the first layer an input_shape, or call model.build(input_shape))."
                if unbuilt else "")
        raise SavedFileError(
            f"{where} holds weights for {len(file_layers)} layers "
            f"({', '.join(f.name for f in file_layers[:8])}{' ...' * (len(file_layers) > 8)}), "
            f"but the model has {len(targets)} layers with weights ({_describe(targets)})."
            f"{hint} Build the model as it was when saved, or load with by_name=True to match "
            "layers by name.")
    assignments = []
    for index, (file_layer, layer) in enumerate(zip(file_layers, targets)):
        expected = saved_weights(layer)
        context = (f"{where}: layer #{index} {layer.name!r} ({type(layer).__name__}) of the "
                   f"model was matched with layer {file_layer.name!r} of the file, but")
        hint = ("The file was saved from another architecture: build the model as it was "
                "saved, or load with by_name=True, skip_mismatch=True to load the layers that "
                "fit.")
        try:
            arrays = _fitted_arrays(file_layer, layer, expected, versions, reshape)
        except _Mismatch as mismatch:
            raise SavedFileError(f"{context} {mismatch.args[0]}. {hint}") from None
        mismatches = _shape_mismatches(file_layer, layer, expected, arrays)
        if mismatches:
            raise SavedFileError(f"{context} {mismatches[0][1]}. {hint}")
        assignments += zip(expected, arrays)
    return assignments


def _by_name(group, layers, where, skip_mismatch, reshape):
    versions = _versions(group, where)
    index = {}
    for layer in layers:
        index.setdefault(layer.name, []).append(layer)
    assignments = []
    for file_layer in _file_layers_with_weights(group, where):
        for layer in index.get(file_layer.name, []):
            expected = saved_weights(layer)
            context = f"{where}: layer {layer.name!r} ({type(layer).__name__}) does not fit:"
            hint = "Pass skip_mismatch=True to skip the weights that do not fit (with a warning)."
            try:
                arrays = _fitted_arrays(file_layer, layer, expected, versions, reshape)
            except _Mismatch as mismatch:
                if not skip_mismatch:
                    raise SavedFileError(f"{context} {mismatch.args[0]}. {hint}") from None
                warnings.warn(f"Skipping loading of weights for layer {layer.name!r}: "
                              f"{mismatch.args[0]} ({where}).", stacklevel=5)
                continue
            mismatches = _shape_mismatches(file_layer, layer, expected, arrays)
            if mismatches and not skip_mismatch:
                raise SavedFileError(f"{context} {mismatches[0][1]}. {hint}")
            for _, message in mismatches:
                warnings.warn(f"Skipping loading of a weight of layer {layer.name!r}: "
                              f"{message} ({where}).", stacklevel=5)
            skipped = {id(weight) for weight, _ in mismatches}
            assignments += [(weight, array) for weight, array in zip(expected, arrays)
                            if id(weight) not in skipped]
    return assignments


def read_layer_weights(group, layers, where, by_name=False, skip_mismatch=False, reshape=False):
    """Reads and checks the weights in ``group`` for ``layers``, without changing them.

    Args:
        group: an h5py File or Group in the Keras 2 layout.
        layers: the model's layers.
        where: the file (and group) for error messages.
        by_name: match file layers to model layers by name (unmatched ones are ignored)
            instead of by position among the layers with weights.
        skip_mismatch: with ``by_name``, skip (with a warning) the weights whose number or
            shape does not fit, instead of raising.
        reshape: reshape a convolution kernel holding the right number of values.

    Returns:
        A list of ``(SavedWeight, array)`` pairs, for ``assign``.

    Raises:
        SavedFileError: the file is malformed or does not fit the model.
    """
    if skip_mismatch and not by_name:
        raise ValueError("skip_mismatch=True works only with by_name=True (loading by position "
                         "cannot tell which weights were meant for which layer). Pass "
                         "by_name=True, skip_mismatch=True.")
    if by_name:
        return _by_name(group, layers, where, skip_mismatch, reshape)
    return _topological(group, layers, where, reshape)


def assign(assignments):
    """Writes checked values into the weights: all converted first, then all copied.

    Args:
        assignments: ``(SavedWeight, array)`` pairs from ``read_layer_weights``.
    """
    converted = [(weight, weight.converted(array)) for weight, array in assignments]
    for weight, tensor in converted:
        weight.assign(tensor)
