"""``Node``: one call of a layer on symbolic tensors, linking it to the layers that fed it.

A layer called twice (shared weights) has two inbound nodes; models walk nodes backwards from
their outputs to find the layers to run, in order.
"""


class Node:
    """Records ``outbound_layer(input_tensors, **arguments) -> output_tensors``.

    Args:
        outbound_layer: the layer that was called.
        input_tensors: list of ``KerasTensor`` it was called on.
        output_tensors: list of ``KerasTensor`` it returned.
        arguments: extra keyword arguments of the call (e.g. ``training``).
    """

    def __init__(self, outbound_layer, input_tensors, output_tensors, arguments=None):
        self.outbound_layer = outbound_layer
        self.input_tensors = list(input_tensors)
        self.output_tensors = list(output_tensors)
        self.arguments = dict(arguments or {})
        self.inbound_layers = [t._keras_history[0] if t._keras_history else None
                               for t in self.input_tensors]
        self.node_indices = [t._keras_history[1] if t._keras_history else None
                             for t in self.input_tensors]
        self.tensor_indices = [t._keras_history[2] if t._keras_history else None
                               for t in self.input_tensors]
        self.input_shapes = [t.shape for t in self.input_tensors]
        self.output_shapes = [t.shape for t in self.output_tensors]
        node_index = len(outbound_layer._inbound_nodes)
        for tensor_index, tensor in enumerate(self.output_tensors):
            tensor._keras_history = (outbound_layer, node_index, tensor_index)
        outbound_layer._inbound_nodes.append(self)
        for layer in self.inbound_layers:
            if layer is not None:
                layer._outbound_nodes.append(self)
