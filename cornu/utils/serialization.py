"""Turning Keras objects into configs and back, with user-registered custom objects.

Every Keras 2 module (activations, initializers, losses, optimizers ...) resolves identifiers
the same way: a name string, a ``{'class_name': ..., 'config': ...}`` dict, or the object itself.

Example:
    >>> def my_act(x):
    ...     return x
    >>> with custom_object_scope({'my_act': my_act}):
    ...     deserialize_keras_object('my_act', {}, printable_module_name='activation') is my_act
    True
"""
import inspect

from cornu.utils.suggestions import suggestion

_GLOBAL_CUSTOM_OBJECTS = {}


def get_custom_objects():
    """Returns the global dict of user objects, usable as ``get_custom_objects()['f'] = f``."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """Makes custom objects resolvable by name inside a ``with`` block.

    Args:
        *args: dicts mapping names to classes or functions.
    """

    def __init__(self, *args):
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = dict(_GLOBAL_CUSTOM_OBJECTS)
        for objects in self.custom_objects:
            _GLOBAL_CUSTOM_OBJECTS.update(objects)
        return self

    def __exit__(self, *exc):
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(self.backup)


def custom_object_scope(*args):
    """``with custom_object_scope({'MyLayer': MyLayer}): ...``.

    Args:
        *args: dicts mapping names to classes or functions.
    """
    return CustomObjectScope(*args)


def check_known(name, known, custom_objects, what, valid_names=None, also=()):
    """Raises a helpful ``ValueError`` when ``name`` is neither built in nor a custom object.

    Args:
        name: the requested name, e.g. ``'rleu'``.
        known: the module's own names.
        custom_objects: names passed by the caller, or None.
        what: what is being looked up, e.g. ``'activation function'``.
        valid_names: the list to show (default: ``known``, sorted).
        also: valid names besides ``known`` (for the ``Did you mean`` suggestion).

    Example:
        >>> check_known('relu', {'relu': None}, None, 'activation function')
    """
    if name in known or name in (custom_objects or {}) or name in _GLOBAL_CUSTOM_OBJECTS:
        return
    listed = valid_names or ", ".join(sorted(known, key=str.lower))
    hint = suggestion(name, list(known) + list(also))
    raise ValueError(f"Unknown {what}: {name!r}.{hint} Valid names: {listed}. For your own, "
                     "pass custom_objects={'name': obj} or register it with "
                     "keras.utils.get_custom_objects().")


def serialize_keras_object(instance):
    """Returns a config for an object: ``{'class_name', 'config'}`` or a function's name.

    Args:
        instance: an object with ``get_config()``, a named function, or None.
    """
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return {"class_name": instance.__class__.__name__, "config": instance.get_config()}
    if hasattr(instance, "__name__"):
        return instance.__name__
    raise ValueError(f"Cannot serialize {instance!r}: it has neither get_config() nor __name__.")


def _lookup(name, module_objects, custom_objects):
    for table in (custom_objects or {}, _GLOBAL_CUSTOM_OBJECTS, module_objects):
        if name in table:
            return table[name]
    return None


def deserialize_keras_object(identifier, module_objects, custom_objects=None,
                             printable_module_name="object"):
    """Builds an object from a name or a config dict.

    Args:
        identifier: a string name or a ``{'class_name': ..., 'config': ...}`` dict.
        module_objects: the module's own names, e.g. ``{'relu': relu}``.
        custom_objects: extra names from the caller.
        printable_module_name: used in the error message, e.g. ``'activation function'``.
    """
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(f"Improper config format for {printable_module_name}: {identifier!r}. "
                             "Expected a dict with 'class_name' and 'config'.")
        class_name = identifier["class_name"]
        cls = _lookup(class_name, module_objects, custom_objects)
        if cls is None:
            raise ValueError(f"Unknown {printable_module_name}: {class_name}. If it is a custom "
                             "object, pass it in custom_objects={...} or register it with "
                             "keras.utils.get_custom_objects().")
        config = identifier["config"]
        if hasattr(cls, "from_config"):
            params = inspect.signature(cls.from_config).parameters
            if "custom_objects" in params:
                merged = {**module_objects, **_GLOBAL_CUSTOM_OBJECTS, **(custom_objects or {})}
                return cls.from_config(config, custom_objects=merged)
            with CustomObjectScope(custom_objects or {}):
                return cls.from_config(config)
        with CustomObjectScope(custom_objects or {}):
            return cls(**config)
    if isinstance(identifier, str):
        obj = _lookup(identifier, module_objects, custom_objects)
        if obj is None:
            raise ValueError(f"Unknown {printable_module_name}: {identifier!r}. If it is a custom "
                             "object, pass it in custom_objects={...} or register it with "
                             "keras.utils.get_custom_objects().")
        return obj
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier!r}.")


def deserialize_instance(config, module_objects, custom_objects, what):
    """Builds an object (an initializer, constraint, regularizer ...) from a config dict, after
    checking its class name, so a typo gets a "Did you mean" error listing the valid names.

    Args:
        config: ``{'class_name': ..., 'config': ...}`` (or a name).
        module_objects: the module's own classes and functions by name.
        custom_objects: extra names from the caller, or None.
        what: what is being built, e.g. ``'constraint'``, for the error messages.

    Example:
        >>> class Halve:
        ...     def __call__(self, w):
        ...         return w / 2
        >>> type(deserialize_instance({'class_name': 'Halve', 'config': {}}, {'Halve': Halve},
        ...                           None, 'constraint')).__name__
        'Halve'
    """
    if isinstance(config, dict) and "class_name" in config:
        check_known(config["class_name"], module_objects, custom_objects, what)
    return deserialize_keras_object(config, module_objects=module_objects,
                                    custom_objects=custom_objects, printable_module_name=what)


def get_instance(identifier, deserialize, what, expected):
    """Resolves a layer argument such as ``kernel_initializer=``: None stays None, a name gives
    a default instance of that class, a config dict is deserialized, a callable is used as is.

    Args:
        identifier: None, a name, a config dict, or a callable.
        deserialize: the module's ``deserialize(config)``.
        what: what is being resolved, e.g. ``'constraint'``, for the error message.
        expected: the accepted forms, for the error message, e.g.
            ``"None, a name such as 'max_norm', a config dict, or a callable."``.

    Example:
        >>> get_instance(None, deserialize=None, what='constraint', expected='') is None
        True
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {what} identifier: {identifier!r}. Expected {expected}")


def function_name_in_config(config, functions):
    """The function name a config dict stands for, or the dict unchanged: Keras 3 saves a
    function as ``{'class_name': 'function', 'config': 'mse'}``, and a class name that is one
    of ``functions`` names that function.

    Args:
        config: a ``{'class_name': ..., 'config': ...}`` dict.
        functions: the module's functions by name.

    Example:
        >>> function_name_in_config({'class_name': 'function', 'config': 'mse'}, {})
        'mse'
    """
    class_name = config.get("class_name")
    if class_name == "function" and isinstance(config.get("config"), str):
        return config["config"]
    if isinstance(class_name, str) and class_name in functions:
        return class_name
    return config
