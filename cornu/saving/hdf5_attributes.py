"""HDF5 attributes as Keras 2 writes them: UTF-8 byte strings, and name lists as arrays of byte
strings, split into ``name0``, ``name1`` ... when larger than an HDF5 object header allows.

Reading also accepts what tf.keras writes (Python strings, variable-length string arrays).

Example:
    >>> import h5py
    >>> with h5py.File('w.h5', 'w') as f:  # doctest: +SKIP
    ...     write_name_list(f, 'layer_names', ['dense_1', 'dense_2'])
    ...     read_name_list(f, 'layer_names', 'w.h5')
    ['dense_1', 'dense_2']
"""
import numpy as np

from cornu.saving.errors import SavedFileError
from cornu.saving.hdf5_reading import attribute

#: Bytes an attribute may hold in an HDF5 object header (Keras 2's ``HDF5_OBJECT_HEADER_LIMIT``).
HEADER_LIMIT = 64512


def write_text(group, name, text):
    """Stores ``text`` as Keras 2 (with h5py 2) did: a variable-length byte-string attribute
    (``keras_version``, ``model_config`` ...); variable-length, so a long model config fits.

    Args:
        group: an h5py File or Group.
        name: the attribute name.
        text: a str.
    """
    group.attrs[name] = text.encode("utf8")


def write_name_list(group, name, names):
    """Stores a list of names (``layer_names``, ``weight_names``) as Keras 2 does: an array of
    UTF-8 byte strings, split over ``name0``, ``name1`` ... when it exceeds ``HEADER_LIMIT``.

    Args:
        group: an h5py File or Group.
        name: the attribute name.
        names: a list of str.

    Raises:
        ValueError: one name alone is longer than ``HEADER_LIMIT`` bytes.
    """
    encoded = [item.encode("utf8") for item in names]
    too_long = [item for item in encoded if len(item) > HEADER_LIMIT]
    if too_long:
        raise ValueError(f"Cannot save the {name} attribute: the name {too_long[0][:80]!r}... is "
                         f"longer than the {HEADER_LIMIT} bytes an HDF5 attribute can hold. "
                         "Use shorter layer names.")
    array = np.asarray(encoded)  # empty: a float array, as Keras 2 writes it
    chunks = 1
    parts = [array]
    while any(part.nbytes > HEADER_LIMIT for part in parts):
        chunks += 1
        parts = np.array_split(array, chunks)
    if chunks == 1:
        group.attrs[name] = array
        return
    for index, part in enumerate(parts):
        group.attrs[f"{name}{index}"] = part


def _as_text(value, name, where):
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bytes, np.bytes_)):
        try:
            return bytes(value).decode("utf8")
        except UnicodeDecodeError as error:
            raise SavedFileError(f"{where}: the attribute {name!r} is not valid UTF-8 text "
                                 f"({error}). The file is damaged or was not written by "
                                 "Keras.") from error
    if isinstance(value, str):
        return value
    raise SavedFileError(f"{where}: the attribute {name!r} should be text, found "
                         f"{type(value).__name__} {str(value)[:80]}. The file is damaged or was "
                         "not written by Keras.")


def read_text(group, name, where):
    """A text attribute (bytes or str in the file) as a str, or None when absent.

    Args:
        group: an h5py File or Group.
        name: the attribute name.
        where: the file (and group) for error messages.

    Raises:
        SavedFileError: the attribute is not text.
    """
    value = attribute(group, name, where)
    return None if value is None else _as_text(value, name, where)


def _names(value, name, where):
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise SavedFileError(f"{where}: the attribute {name!r} should be a list of names, "
                                 f"found an array of shape {value.shape}. The file is damaged "
                                 "or was not written by Keras.")
        if value.size == 0:
            return []
        return [_as_text(item, name, where) for item in value]
    return [_as_text(value, name, where)]


def read_name_list(group, name, where):
    """A list-of-names attribute, joined from its chunks ``name0``, ``name1`` ... if split;
    an empty list when absent.

    Args:
        group: an h5py File or Group.
        name: the attribute name.
        where: the file (and group) for error messages.

    Raises:
        SavedFileError: the attribute does not hold names.
    """
    value = attribute(group, name, where)
    if value is not None:
        return _names(value, name, where)
    names, index = [], 0
    while (value := attribute(group, f"{name}{index}", where)) is not None:
        names += _names(value, name, where)
        index += 1
    return names
