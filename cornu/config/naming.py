"""Keras 2 automatic layer and model names: ``dense_1``, ``dense_2``, ``sequential_1`` ...

Counters are per prefix and keep counting across models in one session, as Keras 2 does;
``clear_session()`` resets them.
"""
import re
from collections import defaultdict

_UIDS = defaultdict(int)


def get_uid(prefix=""):
    """Returns the next number for a prefix, starting at 1.

    Args:
        prefix: the name prefix, e.g. ``'dense'``.

    Example:
        >>> get_uid('demo_prefix')
        1
    """
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def reset_uids():
    """Forgets every counter, so the next ``dense`` layer is ``dense_1`` again."""
    _UIDS.clear()


def to_snake_case(name):
    """``'MaxPooling2D'`` -> ``'max_pooling2d'``, as Keras 2 names layers.

    Args:
        name: a class name.
    """
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def unique_object_name(class_name):
    """The next automatic name for an instance of ``class_name``: ``'Dense'`` -> ``'dense_3'``.

    Args:
        class_name: the class name of the layer or model.
    """
    prefix = to_snake_case(class_name)
    return f"{prefix}_{get_uid(prefix)}"
