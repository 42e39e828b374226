"""One layer's config between cornu's (Keras 2) form and Keras 3's, both ways.

Keras 3 wraps every object as ``{'module', 'class_name', 'config', 'registered_name'}``, gives
layers a dtype policy instead of a dtype name, renames a few arguments (``LeakyReLU(alpha)`` is
``negative_slope``, ``InputLayer(batch_input_shape)`` is ``batch_shape``) and adds arguments that
Keras 2 does not have. Reading drops those only when they hold the value Keras documents as the
default (which is what Keras 2 computes); any other value, a class cornu does not have, or an
activation that means another function in Keras 3 (``hard_sigmoid``: slope 1/6 there, 0.2 in
Keras 2) raises an error naming the layer and the key.

Example:
    >>> from cornu.layers import Dense
    >>> layer = Dense(3, name='d')
    >>> k3 = to_keras3_layer(layer.__class__.__name__, layer.get_config())
    >>> k3['module'], k3['config']['dtype']['class_name']
    ('keras.layers', 'DTypePolicy')
    >>> from_keras3_layer(k3)['config']['dtype']
    'float32'
"""
import copy

from cornu.saving.layer_config import _accepted_arguments
from cornu.saving.registry import layer_classes

#: cornu aliases and Keras 2 class names -> Keras 3's class name.
_KERAS3_CLASS = {
    "Model": "Functional", "Convolution1D": "Conv1D", "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D", "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose", "Deconvolution2D": "Conv2DTranspose",
    "Deconvolution3D": "Conv3DTranspose", "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D", "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D", "MaxPool3D": "MaxPooling3D", "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D", "AvgPool3D": "AveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D", "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D", "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D", "GlobalAvgPool3D": "GlobalAveragePooling3D",
}
#: Keras 2 layers Keras 3 removed: no file Keras 3 reads can hold them.
_NOT_IN_KERAS3 = {"ThresholdedReLU": "use ReLU(threshold=theta) instead",
                  "CuDNNLSTM": "use LSTM (Keras 3 picks cuDNN itself)",
                  "CuDNNGRU": "use GRU(reset_after=True, recurrent_activation='sigmoid')"}
#: Keys whose Keras 3 name differs, per class: Keras 2 name -> Keras 3 name.
_RENAMED = {"LeakyReLU": {"alpha": "negative_slope"},
            "InputLayer": {"batch_input_shape": "batch_shape"}}
#: Keras 2 keys Keras 3 ignores: dropped when writing (they change no number).
_KERAS2_ONLY = {"implementation", "input_length", "batch_input_shape"}
#: Keras 3 keys cornu's layers lack, with the values under which Keras 3 computes what Keras 2
#: does (``...``: any value, the setting has no effect on the numbers or the weights).
_KERAS3_DEFAULTS = {
    "seed": (None,), "use_cudnn": ("auto", True, False), "quantization_config": (None,),
    "lora_rank": (None,), "lora_alpha": ..., "synchronized": (False,), "renorm": (False,),
    "renorm_clipping": (None,), "renorm_momentum": ..., "keepdims": (False,),
    "zero_output_for_mask": (False,), "ragged": (False,), "optional": (False,),
    "autocast": (True,), "noise_shape": (None,), "sparse": (False,),
}
#: Layers whose config is read as cornu wrote it (``Lambda``: its function by name, checked by
#: ``Lambda.from_config`` under safe mode; Keras 3's own Lambda configs hold bytecode and are
#: refused there).
_PASSED_THROUGH = {"Lambda"}
#: Keyword arguments every cornu layer takes (``Layer.__init__``).
_LAYER_KEYWORDS = {"name", "trainable", "dtype", "batch_input_shape", "input_shape",
                   "batch_size", "weights", "activity_regularizer"}
_OBJECT_MODULES = {"initializer": "keras.initializers", "regularizer": "keras.regularizers",
                   "constraint": "keras.constraints"}
_ACTIVATION_KEYS = ("activation", "recurrent_activation")
#: Activations whose name means another function in Keras 3.
_DIFFERENT_IN_KERAS3 = {"hard_sigmoid": "Keras 2's hard_sigmoid is clip(0.2 x + 0.5, 0, 1); "
                                        "Keras 3's is clip(x / 6 + 0.5, 0, 1)"}


class TranslationError(ValueError):
    """A config that has no counterpart in the other Keras version (message says which)."""


def keras3_class_name(class_name):
    """Keras 3's name for a cornu class name (aliases resolved, ``Model`` is ``Functional``).

    Args:
        class_name: e.g. ``'Convolution2D'``.

    Example:
        >>> keras3_class_name('MaxPool2D')
        'MaxPooling2D'
    """
    return _KERAS3_CLASS.get(class_name, class_name)


def dtype_policy(dtype):
    """Keras 3's dtype policy object for a dtype name.

    Args:
        dtype: e.g. ``'float32'``.
    """
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": str(dtype)},
            "registered_name": None}


def _kind(key):
    for kind in _OBJECT_MODULES:
        if key.endswith(kind):
            return kind
    return None


def _object_to_keras3(value, module):
    if not isinstance(value, dict) or "class_name" not in value:
        return value
    config = dict(value.get("config") or {})
    if value["class_name"] == "VarianceScaling" and config.get("distribution") == "normal":
        config["distribution"] = "truncated_normal"  # Keras 2.2's 'normal' is truncated
    return {"module": module, "class_name": value["class_name"], "config": config,
            "registered_name": None}


def _object_from_keras3(value):
    if not isinstance(value, dict) or "class_name" not in value:
        return value
    config = value.get("config")
    if isinstance(config, dict):
        # Keras 3.15 adds these to initializers; None is the plain fan computation.
        config = {k: v for k, v in config.items()
                  if not (k in ("input_axes", "output_axes") and v is None)}
    return {"class_name": value["class_name"], "config": config}


def _check_activation(class_name, name, key, value):
    if isinstance(value, str) and value in _DIFFERENT_IN_KERAS3:
        raise TranslationError(
            f"Layer {name!r} ({class_name}): {key}={value!r} has no Keras 3 counterpart: "
            f"{_DIFFERENT_IN_KERAS3[value]}. Use another activation (e.g. "
            f"{key}='sigmoid', which Keras 3 and tf.keras default to), or save in Keras 2's "
            "format with a name ending in '.h5'.")


def to_keras3_layer(class_name, config):
    """A cornu layer's ``get_config()`` as Keras 3 serializes the layer.

    Args:
        class_name: the layer's class name.
        config: its Keras 2 config (not modified).

    Raises:
        TranslationError: the layer or one of its settings has no Keras 3 counterpart.
    """
    name = config.get("name")
    if class_name in _NOT_IN_KERAS3:
        raise TranslationError(f"Layer {name!r}: Keras 3 has no {class_name} layer; "
                               f"{_NOT_IN_KERAS3[class_name]}, or save in Keras 2's format with "
                               "a name ending in '.h5'.")
    renamed = _RENAMED.get(class_name, {})
    result = {}
    for key, value in config.items():
        if key in _KERAS2_ONLY and key not in renamed:
            continue
        if key in _ACTIVATION_KEYS:
            _check_activation(class_name, name, key, value)
        kind = _kind(key)
        if key == "dtype" and class_name != "InputLayer":
            value = dtype_policy(value or "float32")
        elif kind is not None:
            value = _object_to_keras3(value, _OBJECT_MODULES[kind])
        elif key in ("layer", "backward_layer") and isinstance(value, dict):
            value = to_keras3_layer(value["class_name"], value["config"])
        result[renamed.get(key, key)] = copy.deepcopy(value)
    if class_name == "InputLayer":
        result.setdefault("ragged", False)
    return {"module": "keras.layers", "class_name": keras3_class_name(class_name),
            "config": result, "registered_name": None}


def _dtype_name(value, class_name, name):
    if isinstance(value, dict):
        config = value.get("config") if isinstance(value.get("config"), dict) else {}
        value = config.get("name")
    if value not in (None, "float32"):
        raise TranslationError(f"Layer {name!r} ({class_name}) has the dtype policy {value!r}; "
                               "cornu computes in float32 only. Save the model from Keras 3 "
                               "with the default 'float32' policy.")
    return "float32"


def _cornu_class(class_name, custom_objects):
    if class_name == "Functional":
        return layer_classes().get("Model"), "Model"
    cls = (custom_objects or {}).get(class_name) or layer_classes().get(class_name)
    return cls, class_name


def from_keras3_layer(serialized, custom_objects=None, inside_bidirectional=False):
    """A Keras 3 serialized layer as cornu's ``{'class_name', 'config'}``.

    Args:
        serialized: ``{'module', 'class_name', 'config', 'registered_name', ...}``.
        custom_objects: user classes by name (their configs pass through unchanged).
        inside_bidirectional: the layer is a Bidirectional's direction (Keras 3 sets
            ``zero_output_for_mask`` there itself).

    Raises:
        TranslationError: a setting has no cornu counterpart.
    """
    if not isinstance(serialized, dict) or not isinstance(serialized.get("class_name"), str) \
            or not isinstance(serialized.get("config"), dict):
        raise TranslationError(f"A layer entry should be {{'class_name': ..., 'config': "
                               f"{{...}}}}, found {serialized!r:.200}.")
    config = serialized["config"]
    cls, class_name = _cornu_class(serialized["class_name"], custom_objects)
    name = config.get("name")
    if cls is None:
        registered = serialized.get("registered_name")
        cls = (custom_objects or {}).get(registered) if registered else None
        if cls is None:
            raise TranslationError(f"Layer {name!r} is a {class_name}, which cornu does not "
                                   "have. If it is your own layer, pass it in custom_objects="
                                   f"{{{class_name!r}: {class_name}}}.")
        class_name = registered
    inverse = {new: old for old, new in _RENAMED.get(class_name, {}).items()}
    custom = class_name in (custom_objects or {}) or class_name not in layer_classes() \
        or class_name in _PASSED_THROUGH
    accepted = (_accepted_arguments(cls) - {"self", "kwargs"}) | _LAYER_KEYWORDS
    result = {}
    for key, value in config.items():
        key = inverse.get(key, key)
        if key in _ACTIVATION_KEYS and isinstance(value, str) and value in _DIFFERENT_IN_KERAS3:
            raise TranslationError(f"Layer {name!r} ({class_name}): Keras 3's {key}={value!r} "
                                   f"is another function than cornu's ({_DIFFERENT_IN_KERAS3[value]}"
                                   "). Save the model from Keras 3 with another activation.")
        if key not in accepted and not custom:
            allowed = _KERAS3_DEFAULTS.get(key, ())
            if key == "zero_output_for_mask" and inside_bidirectional:
                continue
            if allowed is ... or value in allowed:
                continue
            raise TranslationError(f"Layer {name!r} ({class_name}) has {key}={value!r}, which "
                                   f"cornu's {class_name} does not support. Save the model from "
                                   "Keras 3 without that setting.")
        if key == "dtype" and class_name != "InputLayer":
            value = _dtype_name(value, class_name, name)
        elif _kind(key) is not None:
            value = _object_from_keras3(value)
        elif key in ("layer", "backward_layer") and isinstance(value, dict):
            value = from_keras3_layer(value, custom_objects,
                                      inside_bidirectional=class_name == "Bidirectional")
        result[key] = value
    return {"class_name": class_name, "config": result}
