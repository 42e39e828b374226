"""The model classes whose layer graphs the accelerated steps may read: registered exactly.

``cornu.models`` registers ``Sequential`` and the functional ``Model`` with the method that
lists their layer calls; a subclass is not registered, so it takes the reference step (it may
override anything).

Example:
    >>> calls = layer_calls(model)  # doctest: +SKIP
    >>> calls[0]  # doctest: +SKIP
    (<Dense name=dense_1>, ['input'], 0, (None, 64))
"""

#: The id of the model input in a list of layer calls.
INPUT = "input"

# model class -> function(model) -> [(layer, input ids, output id, output shape)], or None.
_GRAPH_MODELS = {}


def register_graph_model(cls, graph_of):
    """Registers a model class (exactly) whose instances the accelerated steps may take.

    Args:
        cls: the model class.
        graph_of: ``function(model) -> [(layer, input ids, output id, output shape), ...]`` in
            run order, the model input having id ``INPUT``, the last output being the model's;
            or None when the model is not a graph of single-output calls from one input, each
            layer called once.
    """
    _GRAPH_MODELS[cls] = graph_of


def is_graph_model(model):
    """Whether the model's class (exactly) is registered.

    Args:
        model: the model.
    """
    return type(model) in _GRAPH_MODELS


def layer_calls(model):
    """The model's layer calls in run order (see ``register_graph_model``), or None when its
    class is not registered or it is not such a graph.

    Args:
        model: the model.
    """
    graph_of = _GRAPH_MODELS.get(type(model))
    return None if graph_of is None else graph_of(model)
