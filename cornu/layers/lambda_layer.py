"""``Lambda``: any function of the input tensor(s), used as a layer.

Saving and loading (a Keras 3 rule, stricter than Keras 2): a config stores the wrapped function
by *name* only, never as code. Module-level named functions are stored with
``function_type='function'`` and their module; lambdas, closures and other callables with
``function_type='lambda'``. Rebuilding any Lambda from a config is refused by default
(``safe_mode``), because a Lambda runs arbitrary Python: ``Lambda.from_config`` raises
``ValueError`` unless the caller opts in with ``safe_mode=False`` or inside
``with unsafe_deserialization():``. Even then the function is only *looked up*: in
``custom_objects``, in ``get_custom_objects()``, or (for module-level functions) in its module
when that module is already imported. Keras 2 files that hold marshalled bytecode for a lambda
load only when the function is passed in ``custom_objects`` under the layer's name.

Example:
    >>> layer = Lambda(lambda x: x ** 2)
    >>> layer(torch.tensor([[1.0, 2.0]])).tolist()
    [[1.0, 4.0]]
    >>> config = Lambda(square, name='sq').get_config()     # square: a module-level function
    >>> Lambda.from_config(config, safe_mode=False).function is square
    True
"""
import inspect
import sys

import numpy as np
import torch

from cornu.graph.layer import Layer
from cornu.saving.safe_mode import safe_mode_enabled, unsafe_deserialization  # noqa: F401
from cornu.utils.serialization import get_custom_objects

def _accepts_argument(function, name):
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _describe(function):
    """``(name, function_type, module)`` of a callable, for a config."""
    name = getattr(function, "__name__", None) or type(function).__name__
    module = getattr(function, "__module__", None)
    module_level = (hasattr(function, "__name__") and name != "<lambda>" and module is not None
                    and getattr(function, "__qualname__", name) == name
                    and getattr(function, "__closure__", None) is None)
    return name, ("function" if module_level else "lambda"), module


def _serialize_argument(value):
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return {"type": "ndarray", "value": value.tolist()}
    return value


def _deserialize_argument(value):
    if isinstance(value, dict) and value.get("type") == "ndarray":
        return np.array(value["value"])
    return value


def _resolve(stored, function_type, module, custom_objects, layer_name, what):
    """Finds a stored function by name; raises a ValueError saying how to provide it."""
    custom = custom_objects or {}
    keys = [stored] if isinstance(stored, str) else []
    if function_type == "lambda":
        keys.append(layer_name)
    for key in keys:
        for table in (custom, get_custom_objects()):
            if key in table:
                return table[key]
    if function_type == "function" and isinstance(stored, str) and module in sys.modules:
        found = getattr(sys.modules[module], stored, None)
        if callable(found):
            return found
    if not isinstance(stored, str):
        raise ValueError(f"The {what} of Lambda layer {layer_name!r} was saved (by Keras 2) as "
                         f"Python bytecode, which cornu never runs. Pass the function itself: "
                         f"custom_objects={{{layer_name!r}: your_function}}.")
    if function_type == "lambda":
        key = stored if stored.isidentifier() else layer_name
        raise ValueError(f"The {what} of Lambda layer {layer_name!r} was a lambda or closure "
                         f"({stored}); cornu stores such functions by name only and never stores "
                         f"or runs code from a file. Pass it as "
                         f"custom_objects={{{key!r}: your_function}}.")
    raise ValueError(f"Could not find the {what} {stored!r} of Lambda layer {layer_name!r}: it is "
                     f"not in custom_objects and its module {module!r} is not imported. Import "
                     f"that module first or pass custom_objects={{{stored!r}: {stored}}}.")


class Lambda(Layer):
    """Wraps an arbitrary function of the input tensor(s) as a layer.

    The function is called as ``function(inputs, **arguments)`` on torch tensors (a list of
    them when the layer is called on a list). Lambda layers have no weights.

    Args:
        function: the function to apply.
        output_shape: the output shape: a tuple for the sample shape (the batch size is
            carried over from the input), or a function ``input_shape -> output_shape`` on full
            shapes. When None, the shape is found by running the function on zeros (twice
            when the input has unknown sample dims, to tell which output dims follow them).
        mask: a mask to return, or a function ``(inputs, mask) -> mask``.
        arguments: a dict of extra keyword arguments for ``function``.

    Saving: ``get_config`` stores the function's name, never its code; ``from_config`` refuses
    unless ``safe_mode=False`` or ``unsafe_deserialization()`` (see the module docstring).

    Example:
        >>> model = Sequential([Lambda(lambda x: x ** 2, input_shape=(3,))])
        >>> Lambda(lambda x, k: x * k, arguments={'k': 3})(torch.ones(1, 2)).tolist()
        [[3.0, 3.0]]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda expects a callable `function`, e.g. Lambda(lambda x: x ** 2); "
                            f"got {function!r}.")
        if not (output_shape is None or callable(output_shape)
                or isinstance(output_shape, (tuple, list))):
            raise TypeError(f"In Lambda, `output_shape` must be a list, a tuple, or a function. "
                            f"Got {output_shape!r}.")
        self.function = function
        self.arguments = dict(arguments) if arguments else {}
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = (tuple(output_shape) if isinstance(output_shape, (tuple, list))
                              else output_shape)
        self._function_takes_mask = _accepts_argument(function, "mask")

    def call(self, inputs, mask=None):
        if self._function_takes_mask:
            return self.function(inputs, mask=mask, **self.arguments)
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._inferred_output_shape(input_shape)
        if isinstance(self._output_shape, tuple):
            first = input_shape[0] if isinstance(input_shape, list) else input_shape
            return (first[0] if first else None,) + self._output_shape
        shape = self._output_shape(input_shape)
        if not isinstance(shape, (list, tuple)):
            raise ValueError(f"`output_shape` function must return a tuple or a list of tuples. "
                             f"Got {shape!r} (Lambda layer {self.name}).")
        if shape and all(isinstance(s, (list, tuple)) for s in shape):
            return [tuple(s) for s in shape]
        return tuple(shape)

    def _inferred_output_shape(self, input_shape):
        """Runs the function on zeros; unknown sample dims are probed at sizes 1 and 2, and
        output dims that follow them are reported as None."""
        shape = super().compute_output_shape(input_shape)
        multi = isinstance(input_shape, list)
        shapes = input_shape if multi else [input_shape]
        if not any(d is None for s in shapes for d in tuple(s)[1:]):
            return shape
        widened = [tuple(s)[:1] + tuple(2 if d is None else d for d in tuple(s)[1:])
                   for s in shapes]
        other = super().compute_output_shape(widened if multi else widened[0])

        def unknown_where_different(a, b):
            if len(a) != len(b):
                return a
            return tuple(x if x == y else None for x, y in zip(a, b))
        if isinstance(shape, list):
            return [unknown_where_different(a, b) for a, b in zip(shape, other)]
        return unknown_where_different(shape, other)

    def compute_mask(self, inputs, mask=None):
        """The output mask: ``mask(inputs, mask)`` when ``mask`` is a function, else ``mask``.

        Args:
            inputs: the layer's input tensor(s).
            mask: the incoming mask, or None.
        """
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        name, function_type, module = _describe(self.function)
        config = {**super().get_config(), "function": name, "function_type": function_type,
                  "module": module}
        if self._output_shape is None or isinstance(self._output_shape, tuple):
            config.update(output_shape=self._output_shape, output_shape_type="raw",
                          output_shape_module=None)
        else:
            shape_name, shape_type, shape_module = _describe(self._output_shape)
            config.update(output_shape=shape_name, output_shape_type=shape_type,
                          output_shape_module=shape_module)
        config["arguments"] = {k: _serialize_argument(v) for k, v in self.arguments.items()}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds a Lambda from ``get_config()`` output; refused unless unsafe mode is on.

        Args:
            config: the layer config.
            custom_objects: dict of name -> function to resolve the stored names from.
            safe_mode: False to allow this deserialization; None (default) follows
                ``unsafe_deserialization()`` (refused outside it).
        """
        config = dict(config)
        layer_name = config.get("name") or "lambda"
        if safe_mode is None:
            safe_mode = safe_mode_enabled()
        if safe_mode:
            raise ValueError(
                f"Requested the deserialization of a Lambda layer ({layer_name!r}, function "
                f"{config.get('function')!r}). A Lambda runs arbitrary Python code, so this is "
                "disallowed by default. If you trust the source of the model, pass "
                "safe_mode=False (Lambda.from_config(config, safe_mode=False, "
                "custom_objects={...})) or load it inside "
                "`with cornu.layers.lambda_layer.unsafe_deserialization():`.")
        function = _resolve(config.pop("function"), config.pop("function_type", "function"),
                            config.pop("module", None), custom_objects, layer_name, "function")
        output_shape = config.pop("output_shape", None)
        output_shape_type = config.pop("output_shape_type", "raw")
        output_shape_module = config.pop("output_shape_module", None)
        if output_shape is not None:
            output_shape = (tuple(output_shape) if output_shape_type == "raw" else
                            _resolve(output_shape, output_shape_type, output_shape_module,
                                     custom_objects, layer_name, "output_shape function"))
        arguments = {k: _deserialize_argument(v)
                     for k, v in (config.pop("arguments", None) or {}).items()}
        return cls(function, output_shape=output_shape, arguments=arguments, **config)
