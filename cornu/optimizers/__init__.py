"""``keras.optimizers``: the Keras 2 optimizers and their Keras 2.2.4 update rules, on torch.

Identifiers resolve like Keras 2: a name (case-insensitive), a config dict, or an instance.

Example:
    >>> from cornu import optimizers
    >>> opt = optimizers.get('Adam')
    >>> optimizers.serialize(opt)['class_name']
    'Adam'
"""
from cornu.optimizers.adadelta import Adadelta
from cornu.optimizers.adagrad import Adagrad
from cornu.optimizers.adam import Adam, Adamax
from cornu.optimizers.base import Optimizer
from cornu.optimizers.nadam import Nadam
from cornu.optimizers.rmsprop import RMSprop
from cornu.optimizers.sgd import SGD
from cornu.utils.serialization import (check_known, deserialize_keras_object,
                                       serialize_keras_object)

# Keras 2 lower-case aliases.
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam

_BUILT_IN = {"sgd": SGD, "rmsprop": RMSprop, "adagrad": Adagrad, "adadelta": Adadelta,
             "adam": Adam, "adamax": Adamax, "nadam": Nadam}


def serialize(optimizer):
    """Returns ``{'class_name': ..., 'config': ...}`` for an optimizer.

    Args:
        optimizer: an ``Optimizer`` instance.
    """
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Builds an optimizer from ``serialize`` output; built-in class names are case-insensitive.

    Args:
        config: dict with ``class_name`` and ``config``.
        custom_objects: dict of user optimizer classes by name.
    """
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        if config["class_name"].lower() in _BUILT_IN:
            config = {**config, "class_name": config["class_name"].lower()}
        else:
            check_known(config["class_name"], _BUILT_IN, custom_objects, "optimizer",
                        valid_names=", ".join(_BUILT_IN))
    return deserialize_keras_object(config, module_objects=_BUILT_IN,
                                    custom_objects=custom_objects,
                                    printable_module_name="optimizer")


def get(identifier):
    """Returns an optimizer from a name, a config dict or an instance (returned as is).

    Args:
        identifier: ``'sgd'``, ``'rmsprop'``, ``'adagrad'``, ``'adadelta'``, ``'adam'``,
            ``'adamax'``, ``'nadam'`` (any case), a config dict, or an ``Optimizer``.

    Example:
        >>> get('sgd').get_config()['lr']
        0.009999999776482582
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if _is_torch_optimizer(identifier):
        raise ValueError(f"Got a torch optimizer ({type(identifier).__name__}); compile() needs a "
                         "Keras optimizer with Keras 2 update rules, e.g. "
                         "keras.optimizers.Adam(lr=0.001) or the name 'adam'.")
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Expected a name "
                     "such as 'rmsprop', a config dict or an optimizer instance.")


def _is_torch_optimizer(identifier):
    import torch
    return isinstance(identifier, torch.optim.Optimizer)


__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam",
           "get", "serialize", "deserialize"]
