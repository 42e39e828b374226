"""``model.summary()`` in the Keras 2 text format, character for character.

Sequential-like models print three columns in 65 characters; graphs with branches or shared
layers print a fourth, ``Connected to``, in 98.
"""


def _is_sequential_like(model):
    plan = getattr(model, "_plan", None)
    if plan is None or model.__class__.__name__ == "Sequential":
        return True
    nodes = []
    for depth_nodes in plan.nodes_by_depth.values():
        if len(depth_nodes) > 1 or (depth_nodes and len(depth_nodes[0].inbound_layers) > 1):
            return False
        nodes += depth_nodes
    for layer in model.layers:
        if sum(1 for node in layer._inbound_nodes if node in nodes) > 1:
            return False
    return True


def _print_row(fields, positions, print_fn):
    line = ""
    for i, field in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line += str(field)
        line = line[:positions[i]]
        line += " " * (positions[i] - len(line))
    print_fn(line)


def _output_shape(layer):
    try:
        return layer.output_shape
    except AttributeError:
        return "multiple"


def _connections(layer, relevant_nodes):
    found = []
    for node in layer._inbound_nodes:
        if relevant_nodes and node not in relevant_nodes:
            continue
        for inbound, node_index, tensor_index in zip(node.inbound_layers, node.node_indices,
                                                     node.tensor_indices):
            # Keras 2 models own a node 0 (their inner graph), so their calls count from 1.
            if hasattr(inbound, "_plan"):
                node_index += 1
            found.append(f"{inbound.name}[{node_index}][{tensor_index}]")
    return found


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Prints the summary table of a model.

    Args:
        model: a built model.
        line_length: total width (default 65, or 98 with a ``Connected to`` column).
        positions: column ends, as fractions of the width or absolute positions.
        print_fn: called with each line (default ``print``).

    Example:
        >>> print_summary(model)  # doctest: +SKIP
    """
    print_fn = print_fn or print
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        header = ["Layer (type)", "Output Shape", "Param #"]
        relevant_nodes = []
    else:
        line_length = line_length or 98
        positions = positions or [.33, .55, .67, 1.]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        relevant_nodes = [n for nodes in model._plan.nodes_by_depth.values() for n in nodes]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    _print_row(header, positions, print_fn)
    print_fn("=" * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        fields = [f"{layer.name} ({layer.__class__.__name__})", _output_shape(layer),
                  layer.count_params()]
        if sequential_like:
            _print_row(fields, positions, print_fn)
        else:
            connections = _connections(layer, relevant_nodes)
            _print_row(fields + [connections[0] if connections else ""], positions, print_fn)
            for extra in connections[1:]:
                _print_row(["", "", "", extra], positions, print_fn)
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)

    trainable = sum(p.numel() for p in model.trainable_weights)
    non_trainable = sum(p.numel() for p in model.non_trainable_weights)
    print_fn(f"Total params: {trainable + non_trainable:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {non_trainable:,}")
    print_fn("_" * line_length)
