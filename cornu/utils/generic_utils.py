"""``keras.utils.generic_utils``: small helpers Keras 2 code imports from here.

``to_list`` and ``unpack_singleton`` are the engine's one-or-many conventions; the custom-object
helpers and ``Progbar`` are re-exported from where they live.

Example:
    >>> to_list(3), unpack_singleton([3])
    ([3], 3)
"""
from cornu.utils.progbar import Progbar
from cornu.utils.serialization import (CustomObjectScope, custom_object_scope,
                                       deserialize_keras_object, get_custom_objects,
                                       serialize_keras_object)

__all__ = ["CustomObjectScope", "Progbar", "custom_object_scope", "deserialize_keras_object",
           "get_custom_objects", "serialize_keras_object", "to_list", "unpack_singleton"]


def to_list(x):
    """Wraps a single item in a list; lists and tuples become lists.

    Args:
        x: an item or a list/tuple of items.
    """
    return list(x) if isinstance(x, (list, tuple)) else [x]


def unpack_singleton(x):
    """Returns ``x[0]`` for a one-item list, else ``x``.

    Args:
        x: a list.
    """
    return x[0] if isinstance(x, list) and len(x) == 1 else x
