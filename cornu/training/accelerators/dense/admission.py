"""Which models the Dense-graph step takes: explicit, by exact registered types.

A model is admitted when it is an instance of a registered model class exactly (``Sequential``
or a functional ``Model``, registered by ``cornu.models``) with one 2-D input and one output,
each of its layers is exactly ``Dense`` (with an activation the step knows), ``Activation``
(folded into the linear Dense before it), ``Dropout`` (without ``noise_shape``),
``Concatenate`` (along the last axis) or ``Add`` (of equal shapes), each used once, the output
comes from a Dense, the loss is one of the textbook losses, and nothing the step does not
compute is in play: regularisers, constraints, activity regularisers, added losses, gradient
hooks, non-float32 weights. A subclass of any of these classes, however small, takes the
reference step: it may override anything.

Example:
    >>> plan, reason = graph_plan(model, objective)  # doctest: +SKIP
    >>> reason  # doctest: +SKIP
    "layer 'conv2d_1' is a Conv2D; the Dense-graph step takes only Dense, Activation, ..."
"""
import torch

from cornu import activations
from cornu.layers.core import Activation, Dense, Dropout
from cornu.layers.merge import Add, Concatenate
from cornu.training.accelerators.dense.loss_gradient import SUPPORTED_LOSSES
from cornu.training.accelerators.dense.ops import ACTIVATIONS
from cornu.training.accelerators.graph_models import INPUT, is_graph_model, layer_calls

_KINDS = {Dense: "dense", Activation: "activation", Dropout: "dropout",
          Concatenate: "concatenate", Add: "add"}


class PlanNode:
    """One layer of an admitted model: what it is and which tensors it reads and writes.

    Args:
        kind: ``'dense'``, ``'dropout'``, ``'concatenate'`` or ``'add'``.
        layer: the layer.
        activation: a Dense's activation (an Activation folded in), else None.
        inputs: ids of the tensors it reads (``INPUT`` for the model input).
        output: id of the tensor it writes.
    """

    __slots__ = ("kind", "layer", "activation", "inputs", "output")

    def __init__(self, kind, layer, activation, inputs, output):
        self.kind, self.layer, self.activation = kind, layer, activation
        self.inputs, self.output = list(inputs), output


def _node(layer, inputs, output):
    """The plan node of a layer the step takes, or a reason it does not take it."""
    kind = _KINDS.get(type(layer))
    if kind is None:
        return (f"layer {layer.name!r} is a {type(layer).__name__}; the Dense-graph step takes "
                "only Dense, Activation, Dropout, Concatenate and Add layers (exactly, not "
                "subclasses)")
    if layer.activity_regularizer is not None:
        return f"layer {layer.name!r} has an activity regularizer"
    if layer._losses:
        return f"layer {layer.name!r} has losses added with add_loss"
    activation = getattr(layer, "activation", None)
    if kind in ("dense", "activation") and activation not in ACTIVATIONS:
        return f"layer {layer.name!r} has an activation the Dense-graph step does not know"
    if kind == "dropout" and layer.noise_shape is not None:
        return f"layer {layer.name!r} is a Dropout with a noise_shape"
    if kind == "concatenate" and layer.axis not in (-1, 1):
        return f"layer {layer.name!r} concatenates along axis {layer.axis}, not the last"
    return PlanNode(kind, layer, activation, inputs, output)


def _consumers(nodes):
    count = {}
    for node in nodes:
        for tensor in node.inputs:
            count[tensor] = count.get(tensor, 0) + 1
    return count


def _simplify(nodes, model_output):
    """Folds each Activation into the linear Dense it reads (when nothing else reads that
    Dense) and drops Dropouts of rate 0; None when an Activation cannot be folded."""
    consumers = _consumers(nodes)
    by_output = {node.output: node for node in nodes}
    kept, renamed = [], {}
    for node in nodes:
        node.inputs = [renamed.get(t, t) for t in node.inputs]
        if node.kind == "dropout" and node.layer.rate == 0:
            renamed[node.output] = node.inputs[0]
            continue
        if node.kind == "activation":
            source = by_output.get(node.inputs[0])
            if source is None or source.kind != "dense" or source.activation is not \
                    activations.linear or consumers[source.output] != 1:
                return None
            source.activation = node.activation
            renamed[node.output] = source.output
            continue
        kept.append(node)
    output = renamed.get(model_output, model_output)
    return kept, output


def _shapes_reason(model, calls):
    shapes = {INPUT: tuple(model.inputs[0].shape)}
    for layer, inputs, output, shape in calls:
        shapes[output] = tuple(shape)
        given = [shapes.get(t) for t in inputs]
        if any(s is None or len(s) != 2 for s in given):
            return f"layer {layer.name!r} does not take 2-D inputs"
        if isinstance(layer, Add) and len(set(given)) != 1:
            return f"layer {layer.name!r} adds tensors of different shapes"
    return None


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


def graph_plan(model, objective):
    """The step's plan for a model and its objective, and why not when there is none.

    Returns ``(plan, None)``, the plan a list of ``PlanNode`` in run order ending with the Dense
    that gives the model output, or ``(None, reason)``.

    Args:
        model: the model.
        objective: its ``CompiledObjective``.
    """
    if not is_graph_model(model):
        return None, f"the model is a {type(model).__name__}, not a registered model class"
    if model._losses:
        return None, "the model has losses added with add_loss"
    calls = layer_calls(model)
    if not calls:
        return None, "the model is not a graph of single calls from one input to one output"
    if len(objective.loss_fns) != 1 or objective.loss_fns[0] not in SUPPORTED_LOSSES \
            or objective.loss_weights != [1.0]:
        return None, "the loss is not one the Dense-graph step knows"
    nodes = []
    for layer, inputs, output, _ in calls:
        node = _node(layer, inputs, output)
        if isinstance(node, str):
            return None, node
        nodes.append(node)
    reason = _shapes_reason(model, calls) or _weights_reason(model)
    if reason is not None:
        return None, reason
    simplified = _simplify(nodes, calls[-1][2])
    if simplified is None:
        return None, "an Activation layer reads something other than a linear Dense"
    plan, output = simplified
    if not plan or plan[-1].kind != "dense" or plan[-1].output != output:
        return None, "the model output does not come from a Dense layer"
    return plan, None
