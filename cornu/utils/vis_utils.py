"""Drawing a model's layer graph with graphviz: ``model_to_dot`` and ``plot_model``.

Needs the ``pydot`` package and graphviz's ``dot`` program (``pip install pydot``,
``apt-get install graphviz``); without them a clear ImportError says which is missing.

Example:
    >>> plot_model(model, to_file='model.png', show_shapes=True)  # doctest: +SKIP
"""
import os
import shutil


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError("Failed to import `pydot`: plot_model and model_to_dot need it. "
                          "Install it with `pip install pydot` (and graphviz's `dot` program, "
                          "e.g. `apt-get install graphviz`).") from None
    return pydot


def _shape_text(shape):
    return str(shape).replace("'", "")


def _node_label(layer, show_shapes, show_layer_names):
    class_name = layer.__class__.__name__
    label = f"{layer.name}: {class_name}" if show_layer_names else class_name
    if not show_shapes:
        return label
    try:
        outputs = _shape_text(layer.output_shape)
    except AttributeError:
        outputs = "multiple"
    nodes = getattr(layer, "_inbound_nodes", [])
    if nodes:
        shapes = [node.input_shapes for node in nodes]
        inputs = _shape_text(shapes[0][0] if len(shapes[0]) == 1 else shapes[0]) \
            if len({repr(s) for s in shapes}) == 1 else "multiple"
    else:
        inputs = "multiple"
    return f"{label}|{{input:|output:}}|{{{{{inputs}}}|{{{outputs}}}}}"


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir="TB"):
    """Builds a ``pydot.Dot`` graph of the model's layers.

    Args:
        model: a built model.
        show_shapes: whether to show input and output shapes in each node.
        show_layer_names: whether to show layer names (``dense_1: Dense``).
        rankdir: ``'TB'`` (top to bottom) or ``'LR'`` (left to right).
    """
    pydot = _pydot()
    dot = pydot.Dot()
    dot.set("rankdir", rankdir)
    dot.set("concentrate", True)
    dot.set_node_defaults(shape="record")
    layers = list(model.layers)
    if model.__class__.__name__ == "Sequential" and model.inputs:
        layers = [model.inputs[0]._keras_history[0]] + layers
    for layer in layers:
        dot.add_node(pydot.Node(str(id(layer)),
                                label=_node_label(layer, show_shapes, show_layer_names)))
    present = {id(layer) for layer in layers}
    for layer in layers:
        for node in layer._inbound_nodes:
            for inbound in node.inbound_layers:
                if inbound is not None and id(inbound) in present:
                    dot.add_edge(pydot.Edge(str(id(inbound)), str(id(layer))))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_layer_names=True,
               rankdir="TB"):
    """Draws the model graph to an image file (format from the extension: png, svg, pdf ...).

    Args:
        model: a built model.
        to_file: the output path.
        show_shapes: whether to show shapes.
        show_layer_names: whether to show layer names.
        rankdir: ``'TB'`` or ``'LR'``.
    """
    dot = model_to_dot(model, show_shapes, show_layer_names, rankdir)
    if shutil.which("dot") is None:
        raise ImportError("graphviz's `dot` program was not found on PATH: plot_model needs it "
                          "to render. Install graphviz, e.g. `apt-get install graphviz`.")
    extension = os.path.splitext(to_file)[1][1:] or "png"
    temporary = f"{to_file}.tmp-{os.getpid()}"
    try:
        dot.write(temporary, format=extension)
        os.replace(temporary, to_file)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
