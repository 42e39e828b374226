"""``compile`` settings in a model file (Keras 2's ``training_config``) and back.

Written as Keras 2.2.4 writes it: ``{optimizer_config: {class_name, config}, loss, metrics,
weighted_metrics, sample_weight_mode, loss_weights}``, functions by name, except that the
learning rate is named ``learning_rate``, as Keras 2.3 and tf.keras name it: Keras 3 refuses
Keras 2.2's ``lr`` (it could not compile the model), and only Keras 2.2 itself does not read
``learning_rate``. Built-in losses given by an alias (``'mse'``) are written under their
function's name (``'mean_squared_error'``), the only form Keras 3's legacy loader resolves.

Read from Keras 2, tf.keras (``Custom>Adam``, its optimizers' extra settings when they are
neutral, ``MeanMetricWrapper`` metrics) and cornu files; names of user functions resolve
through ``custom_objects``. Keras 3's own ``training_config`` is read by ``keras3_hdf5``.

Example:
    >>> config = training_config(model)  # doctest: +SKIP
    >>> model.compile(**compile_arguments(config, model.output_names))  # doctest: +SKIP
"""
import inspect

from cornu import losses as losses_module
from cornu import metrics as metrics_module
from cornu import optimizers as optimizers_module
from cornu.saving.errors import SavedFileError
from cornu.utils.serialization import get_custom_objects

# tf.keras optimizer settings cornu's Keras 2 optimizers do not have, and the values under
# which they change nothing.
_NEUTRAL_SETTINGS = {
    "name": None, "jit_compile": None, "is_legacy_optimizer": None, "ema_momentum": None,
    "ema_overwrite_frequency": None, "weight_decay": (None, 0, 0.0),
    "global_clipnorm": (None,), "use_ema": (False,), "centered": (False,),
    # tf.keras's Adagrad starts its accumulators at 0.1; the saved state holds them.
    "initial_accumulator_value": None,
    # Keras 3's optimizer settings, under the values that change nothing.
    "loss_scale_factor": (None,), "gradient_accumulation_steps": (None,),
    "momentum": (0, 0.0),
}

#: Optimizer settings written under their Keras 2.3 names (see the module docstring).
_WRITTEN_NAMES = {"lr": "learning_rate"}


def _loss_names(value):
    """``value`` (a loss, or a list or dict of them) with built-in aliases as function names."""
    if isinstance(value, list):
        return [_loss_names(item) for item in value]
    if isinstance(value, dict):
        return {key: _loss_names(item) for key, item in value.items()}
    if not isinstance(value, str):
        return value
    try:
        function = losses_module.get(value)
    except ValueError:
        return value
    built_in = getattr(function, "__module__", "").startswith(losses_module.__name__)
    return function.__name__ if built_in and hasattr(function, "__name__") else value


def training_config(model):
    """The model's ``compile`` settings as Keras 2 saves them, or None if not compiled.

    Args:
        model: a Model or Sequential.
    """
    if model.optimizer is None or model._compile_args is None:
        return None
    loss, metrics, loss_weights, weighted_metrics = model._compile_args
    optimizer = model.optimizer
    settings = {_WRITTEN_NAMES.get(key, key): value
                for key, value in optimizer.get_config().items()}
    return {"optimizer_config": {"class_name": type(optimizer).__name__, "config": settings},
            "loss": _loss_names(loss), "metrics": metrics or [],
            "weighted_metrics": weighted_metrics,
            "sample_weight_mode": model.sample_weight_mode, "loss_weights": loss_weights}


def _with_custom_objects(value, custom_objects):
    """Replaces names of user objects (anywhere in lists and dicts) by the objects."""
    if isinstance(value, list):
        return [_with_custom_objects(item, custom_objects) for item in value]
    if isinstance(value, dict):
        return {key: _with_custom_objects(item, custom_objects) for key, item in value.items()}
    if isinstance(value, str) and value in custom_objects:
        return custom_objects[value]
    return value


def _optimizer(config, custom_objects, where):
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str) \
            or not isinstance(config.get("config", {}), dict):
        raise SavedFileError(f"{where}: the training config's optimizer_config should be "
                             f"{{'class_name': ..., 'config': {{...}}}}, found {config!r:.200}.")
    class_name = config["class_name"].rpartition(">")[2]  # tf.keras: 'Custom>Adam'
    settings = dict(config.get("config", {}))
    cls = custom_objects.get(class_name) or getattr(optimizers_module, class_name, None)
    if isinstance(cls, type) and issubclass(cls, optimizers_module.Optimizer):
        accepted = set(inspect.signature(cls.__init__).parameters) | {"clipnorm", "clipvalue"}
        for key in sorted(set(settings) - accepted):
            neutral = _NEUTRAL_SETTINGS.get(key, ())
            if neutral is None or settings[key] in neutral:
                del settings[key]
    if isinstance(settings.get("learning_rate"), dict):
        raise SavedFileError(f"{where}: the optimizer's learning rate is a schedule "
                             f"({settings['learning_rate'].get('class_name')}); cornu's Keras 2 "
                             "optimizers take a number. Load with compile=False and compile "
                             "again, using a LearningRateScheduler callback.")
    try:
        return optimizers_module.deserialize({"class_name": class_name, "config": settings},
                                             custom_objects=custom_objects)
    except (TypeError, ValueError) as error:
        raise SavedFileError(f"{where}: the saved optimizer {class_name} cannot be rebuilt "
                             f"({error}). Load with compile=False and compile the model "
                             "yourself, or pass the optimizer class in custom_objects.") from error


def _metric_name(metric, custom_objects, where):
    """tf.keras saves metric objects as ``{'class_name': 'MeanMetricWrapper', 'config': {'name':
    'accuracy', 'fn': 'categorical_accuracy'}}``: the name where cornu knows it, else ``fn``."""
    if not isinstance(metric, dict):
        return metric
    config = metric.get("config") if isinstance(metric.get("config"), dict) else {}
    candidates = [config.get("name"), config.get("fn"), metric.get("class_name")]
    for candidate in candidates:
        if not isinstance(candidate, str):
            continue
        if candidate in ("acc", "accuracy", "ce", "crossentropy") or candidate in custom_objects:
            return candidate
        try:
            metrics_module.get(candidate)
            return candidate
        except ValueError:
            continue
    raise SavedFileError(f"{where}: the saved metric {metric!r:.200} has no counterpart in cornu. "
                         "Pass its function in custom_objects under its name, or load with "
                         "compile=False and compile the model yourself.")


def _metrics(value, output_names, custom_objects, where):
    def name(metric):
        return _metric_name(metric, custom_objects, where)
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _metrics(item, output_names, custom_objects, where)
                for key, item in value.items()}
    if not isinstance(value, list):
        return name(value)
    if value and all(isinstance(item, list) for item in value):  # tf.keras: one list per output
        if len(value) == 1:
            return [name(m) for m in value[0]]
        return {output: [name(m) for m in item] for output, item in zip(output_names, value)}
    return [name(m) for m in value]


def compile_arguments(config, output_names, where, custom_objects=None):
    """The ``compile`` keyword arguments for a saved training config.

    Args:
        config: the parsed ``training_config``.
        output_names: the model's output names (tf.keras lists metrics per output).
        where: the file, for error messages.
        custom_objects: user classes and functions by name.

    Raises:
        SavedFileError: the config is malformed or names something cornu cannot rebuild.
    """
    if not isinstance(config, dict) or "optimizer_config" not in config:
        raise SavedFileError(f"{where}: the training config should be a dict with an "
                             f"'optimizer_config', found {config!r:.200}. Load with "
                             "compile=False and compile the model yourself.")
    custom_objects = {**get_custom_objects(), **(custom_objects or {})}
    metrics = _metrics(config.get("metrics"), output_names, custom_objects, where)
    weighted = _metrics(config.get("weighted_metrics"), output_names, custom_objects, where)
    return {"optimizer": _optimizer(config["optimizer_config"], custom_objects, where),
            "loss": _with_custom_objects(config.get("loss"), custom_objects),
            "metrics": _with_custom_objects(metrics, custom_objects),
            "weighted_metrics": _with_custom_objects(weighted, custom_objects),
            "loss_weights": config.get("loss_weights"),
            "sample_weight_mode": config.get("sample_weight_mode")}


def compile_saved(model, arguments, where, source):
    """Compiles a loaded model with the arguments its file holds, or says how to go on.

    Args:
        model: the rebuilt model.
        arguments: keyword arguments for ``model.compile``, read from the file.
        where: the file, for messages.
        source: what in the file they come from (``'training config'``, ``'compile_config'``).

    Raises:
        SavedFileError: ``compile`` refused them.
    """
    try:
        model.compile(**arguments)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise SavedFileError(f"{where}: the model cannot be compiled with its saved {source} "
                             f"({error}). Load it with compile=False and compile it "
                             "yourself.") from error
