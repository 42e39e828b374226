"""Model architectures as JSON, in the Keras 2 format: ``model.to_json()`` and
``model_from_json`` (and ``model_from_config`` for the parsed dict).

Example:
    >>> from cornu.models import Sequential
    >>> from cornu.layers import Dense
    >>> model = Sequential([Dense(1, input_shape=(3,))])
    >>> model_from_json(model.to_json()).count_params()
    4
"""
import json

import numpy as np
import torch

from cornu.config.keras_version import KERAS_VERSION
from cornu.saving.layer_config import deserialize
from cornu.saving.safe_mode import unsafe_deserialization

BACKEND = "tensorflow"


def json_default(obj):
    """``json.dumps`` fallback for values found in configs (NumPy values, dtypes, objects).

    Args:
        obj: a value the json module cannot encode itself.
    """
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, torch.dtype):
        return str(obj).replace("torch.", "")
    if hasattr(obj, "get_config"):
        return {"class_name": obj.__class__.__name__, "config": obj.get_config()}
    if callable(obj) and hasattr(obj, "__name__"):
        return obj.__name__
    raise TypeError(f"Not JSON serializable: {obj!r} (of type {type(obj).__name__}). Configs "
                    "may hold numbers, strings, lists, dicts, NumPy values and objects with "
                    "get_config().")


def model_to_json(model, **kwargs):
    """The model's architecture as a JSON string, as Keras 2 ``model.to_json()`` writes it.

    Args:
        model: a Model or Sequential.
        **kwargs: passed to ``json.dumps`` (e.g. ``indent=2``).
    """
    document = {"class_name": model.__class__.__name__, "config": model.get_config(),
                "keras_version": KERAS_VERSION, "backend": BACKEND}
    return json.dumps(document, default=json_default, **kwargs)


def model_from_config(config, custom_objects=None):
    """Builds a model (fresh weights) from ``{'class_name': ..., 'config': ...}``.

    Args:
        config: a dict as ``json.loads(model.to_json())`` gives.
        custom_objects: a dict from name to custom layer classes or functions.
    """
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Maybe you meant "
                        "to use `Sequential.from_config(config)`?")
    return deserialize(config, custom_objects=custom_objects)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """Builds a model (fresh weights, not compiled) from ``model.to_json()`` output.

    Args:
        json_string: the JSON text.
        custom_objects: a dict from name to custom layer classes or functions.
        safe_mode: False to allow ``Lambda`` layers (their functions are looked up by name,
            never loaded from the text); only for files from a source you trust.

    Example:
        >>> model = model_from_json(open('model.json').read())  # doctest: +SKIP
    """
    config = json.loads(json_string)
    if safe_mode:
        return model_from_config(config, custom_objects=custom_objects)
    with unsafe_deserialization():
        return model_from_config(config, custom_objects=custom_objects)


def model_from_yaml(yaml_string, custom_objects=None):
    """Not supported: YAML model files would need a YAML parser; use JSON.

    Args:
        yaml_string: ignored.
        custom_objects: ignored.

    Raises:
        NotImplementedError: always.
    """
    raise NotImplementedError("cornu does not read YAML model files (Keras 2.2.4 read them with "
                              "PyYAML, and later Keras dropped YAML as unsafe). Save the "
                              "architecture with model.to_json() and load it with "
                              "keras.models.model_from_json(json_string).")
