"""``keras.engine.saving``: Keras 2's module of model-file functions, for code that imports
them from there (the model methods and ``keras.models.load_model`` are the usual way).

Example:
    >>> from keras.engine.saving import load_model, save_weights_to_hdf5_group  # doctest: +SKIP
"""
from cornu.saving.api import load_model, save_model
from cornu.saving.hdf5_attributes import read_name_list, write_name_list
from cornu.saving.hdf5_weights import assign, read_layer_weights, write_layer_weights
from cornu.saving.json_format import model_from_config, model_from_json, model_from_yaml
from cornu.saving.legacy_weights import convert_weights

__all__ = ["load_attributes_from_hdf5_group", "load_model", "load_weights_from_hdf5_group",
           "load_weights_from_hdf5_group_by_name", "model_from_config", "model_from_json",
           "model_from_yaml", "preprocess_weights_for_loading", "save_attributes_to_hdf5_group",
           "save_model", "save_weights_to_hdf5_group"]


def _where(group):
    return f"{group.file.filename}, group {group.name!r}"


def save_attributes_to_hdf5_group(group, name, data):
    """Stores a list of names as an attribute, split into chunks when large (Keras 2 layout).

    Args:
        group: an h5py Group.
        name: the attribute name.
        data: a list of str or UTF-8 bytes.
    """
    write_name_list(group, name, [item.decode("utf8") if isinstance(item, bytes) else item
                                  for item in data])


def load_attributes_from_hdf5_group(group, name):
    """A list-of-names attribute (joined from its chunks) as a list of str.

    Args:
        group: an h5py Group.
        name: the attribute name.
    """
    return read_name_list(group, name, _where(group))


def save_weights_to_hdf5_group(group, layers):
    """Writes the weights of ``layers`` into ``group`` (Keras 2 layout).

    Args:
        group: an h5py File or Group.
        layers: a list of layers, e.g. ``model.layers``.
    """
    write_layer_weights(group, layers)


def load_weights_from_hdf5_group(f, layers, reshape=False):
    """Loads weights into ``layers`` by position among the layers with weights.

    Args:
        f: an h5py File or Group in the Keras 2 layout.
        layers: a list of layers, e.g. ``model.layers``.
        reshape: reshape convolution kernels holding the right number of values.
    """
    assign(read_layer_weights(f, layers, _where(f), reshape=reshape))


def load_weights_from_hdf5_group_by_name(f, layers, skip_mismatch=False, reshape=False):
    """Loads weights into the layers whose names match the file's.

    Args:
        f: an h5py File or Group in the Keras 2 layout.
        layers: a list of layers.
        skip_mismatch: skip (with a warning) weights that do not fit, instead of raising.
        reshape: reshape convolution kernels holding the right number of values.
    """
    assign(read_layer_weights(f, layers, _where(f), by_name=True, skip_mismatch=skip_mismatch,
                              reshape=reshape))


def preprocess_weights_for_loading(layer, weights, original_keras_version=None,
                                   original_backend=None, reshape=False):
    """Converts weight arrays from older layouts (Keras 1, Theano, CuDNN) to Keras 2's.

    Args:
        layer: the layer receiving them.
        weights: a list of NumPy arrays.
        original_keras_version: the file's Keras version (``'1'`` converts Keras 1 layouts).
        original_backend: the file's backend (``'theano'`` flips convolution kernels).
        reshape: reshape convolution kernels holding the right number of values.
    """
    return convert_weights(layer, weights, original_keras_version, original_backend, reshape)
