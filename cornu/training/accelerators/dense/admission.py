"""Which models the Dense-chain step takes: explicit, by exact registered types.

A model is admitted when it is an instance of a registered model class exactly (``Sequential``,
or a functional ``Model`` whose layers form a chain), each of its layers is exactly ``Dense``
(with an activation the step knows), ``Activation`` (folded into the Dense before it) or
``Dropout`` (without ``noise_shape``), the loss is one of the textbook losses, and nothing the
step does not compute is in play: regularisers, constraints, activity regularisers, added
losses, gradient hooks, non-float32 weights. A subclass of any of these classes, however
small, takes the reference step: it may override anything.

Example:
    >>> plan, reason = chain_plan(model, objective)  # doctest: +SKIP
    >>> reason  # doctest: +SKIP
    "layer 'conv2d_1' is a Conv2D; the Dense-chain step takes only Dense, Activation, Dropout"
"""
import torch

from cornu import activations
from cornu.layers.core import Activation, Dense, Dropout
from cornu.training.accelerators.dense.loss_gradient import SUPPORTED_LOSSES
from cornu.training.accelerators.dense.ops import ACTIVATIONS

# model class -> function(model) -> its layers in order if it is a plain chain, else None.
_CHAIN_MODELS = {}


def register_chain_model(cls, chain_of):
    """Registers a model class (exactly) whose instances may be Dense chains.

    Args:
        cls: the model class.
        chain_of: ``function(model) -> list of layers`` when the model is a plain chain from
            one input to one output, else None.
    """
    _CHAIN_MODELS[cls] = chain_of


def _layer_entry(layer):
    """``(kind, layer, activation)`` for a layer the step takes, or a reason it does not."""
    kind = type(layer)
    if layer.activity_regularizer is not None:
        return f"layer {layer.name!r} has an activity regularizer"
    if layer._losses:
        return f"layer {layer.name!r} has losses added with add_loss"
    if kind is Dense:
        if layer.activation not in ACTIVATIONS:
            return f"layer {layer.name!r} has an activation the Dense-chain step does not know"
        return ("dense", layer, layer.activation)
    if kind is Activation:
        if layer.activation not in ACTIVATIONS:
            return f"layer {layer.name!r} has an activation the Dense-chain step does not know"
        return ("activation", layer, layer.activation)
    if kind is Dropout:
        if layer.noise_shape is not None:
            return f"layer {layer.name!r} is a Dropout with a noise_shape"
        return ("dropout", layer, None)
    return (f"layer {layer.name!r} is a {kind.__name__}; the Dense-chain step takes only Dense, "
            "Activation and Dropout layers (exactly, not subclasses)")


def _fold(entries):
    """Folds each Activation into a linear Dense right before it; None when one cannot be."""
    plan = []
    for kind, layer, activation in entries:
        if kind == "activation":
            if not plan or plan[-1][0] != "dense" or plan[-1][2] is not activations.linear:
                return None
            plan[-1] = ("dense", plan[-1][1], activation)
        elif kind == "dropout" and layer.rate == 0:
            continue
        else:
            plan.append((kind, layer, activation))
    return plan


def _weights_reason(model):
    for info in model._effective_infos():
        param = info["param"]
        if info["regularizer"] is not None or info["constraint"] is not None:
            return "a weight has a regularizer or a constraint"
        if param.dtype != torch.float32 or param.device.type != "cpu":
            return "a weight is not float32 on the CPU"
        if param._backward_hooks or getattr(param, "_post_accumulate_grad_hooks", None):
            return "a weight has a gradient hook"
    return None


def chain_plan(model, objective):
    """The step's plan for a model and its objective, and why not when there is none.

    Returns ``(plan, None)``, the plan a list of ``('dense', layer, activation)`` and
    ``('dropout', layer, None)`` entries, or ``(None, reason)``.

    Args:
        model: the model.
        objective: its ``CompiledObjective``.
    """
    chain_of = _CHAIN_MODELS.get(type(model))
    if chain_of is None:
        return None, f"the model is a {type(model).__name__}, not a registered chain model"
    if model._losses:
        return None, "the model has losses added with add_loss"
    layers = chain_of(model)
    if not layers:
        return None, "the model is not a chain from one input to one output"
    if len(model.inputs[0].shape) != 2:
        return None, "the model's input is not 2-D"
    if len(objective.loss_fns) != 1 or objective.loss_fns[0] not in SUPPORTED_LOSSES \
            or objective.loss_weights != [1.0]:
        return None, "the loss is not one the Dense-chain step knows"
    entries = []
    for layer in layers:
        entry = _layer_entry(layer)
        if isinstance(entry, str):
            return None, entry
        entries.append(entry)
    reason = _weights_reason(model)
    if reason is not None:
        return None, reason
    plan = _fold(entries)
    if plan is None:
        return None, "an Activation layer follows something other than a linear Dense"
    if not plan or plan[-1][0] != "dense":
        return None, "the last layer is not a Dense"
    return plan, None
