"""Tracing a layer graph from its output tensors back to its inputs, in Keras 2 order.

The result is an execution plan (nodes from the inputs to the outputs) and the layer list
ordered by depth as Keras 2 orders ``model.layers``.
"""
from cornu.utils.generic_utils import to_list


class GraphPlan:
    """The layers and the ordered node calls between some input and output tensors.

    Args:
        inputs: the graph's input ``KerasTensor`` list.
        outputs: the graph's output ``KerasTensor`` list.
    """

    def __init__(self, inputs, outputs):
        self.inputs = to_list(inputs)
        self.outputs = to_list(outputs)
        self._input_ids = {id(t) for t in self.inputs}
        nodes_post_order, layer_order = self._discover()
        node_depths, layer_depths = self._depths(nodes_post_order)
        self.nodes = sorted(node_depths, key=lambda n: (-node_depths[n],
                                                        nodes_post_order.index(n)))
        self.layers = sorted(layer_depths, key=lambda l: (-layer_depths[l], layer_order.index(l)))
        self.nodes_by_depth = {}
        for node in self.nodes:
            self.nodes_by_depth.setdefault(node_depths[node], []).append(node)
        self._check_connected()
        self.steps = [(node.outbound_layer, node.arguments,
                       [id(t) for t in node.input_tensors], [id(t) for t in node.output_tensors])
                      for node in self.nodes if node.input_tensors]

    def _discover(self):
        post_order, layer_order, in_progress = [], [], set()

        def visit(tensor):
            if tensor._keras_history is None:
                raise ValueError(f"Output tensors to a Model must be the output of a Keras layer "
                                 f"(found {tensor!r}, which no layer produced).")
            layer, node_index, _ = tensor._keras_history
            node = layer._inbound_nodes[node_index]
            if id(tensor) in self._input_ids and node.input_tensors:
                return
            if node in post_order:
                return
            if node in in_progress:
                raise ValueError(f"The layer {layer.name} is part of a cycle.")
            in_progress.add(node)
            if layer not in layer_order:
                layer_order.append(layer)
            for inbound in node.input_tensors:
                visit(inbound)
            in_progress.discard(node)
            post_order.append(node)

        for tensor in self.outputs:
            visit(tensor)
        return post_order, layer_order

    def _depths(self, nodes_post_order):
        node_depths, layer_depths = {}, {}
        for node in reversed(nodes_post_order):
            depth = max(node_depths.setdefault(node, 0),
                        layer_depths.get(node.outbound_layer, 0))
            layer_depths[node.outbound_layer] = depth
            node_depths[node] = depth
            for tensor in node.input_tensors:
                layer, node_index, _ = tensor._keras_history
                inbound = layer._inbound_nodes[node_index]
                if inbound not in nodes_post_order:
                    continue
                node_depths[inbound] = max(depth + 1, node_depths.get(inbound, 0))
        return node_depths, layer_depths

    def _check_connected(self):
        available = {id(t) for t in self.inputs}
        for node in self.nodes:
            if not node.input_tensors:
                missing = [t for t in node.output_tensors if id(t) not in available]
                if missing:
                    raise ValueError(f"Graph disconnected: cannot obtain value for tensor "
                                     f"{missing[0]!r} at layer \"{node.outbound_layer.name}\". "
                                     "Pass it in the model's `inputs`.")
                continue
            for tensor in node.input_tensors:
                if id(tensor) not in available:
                    raise ValueError(f"Graph disconnected: cannot obtain value for tensor "
                                     f"{tensor!r} at layer \"{node.outbound_layer.name}\".")
            available.update(id(t) for t in node.output_tensors)

    def run(self, values):
        """Executes the plan on real tensors.

        Args:
            values: dict from input tensor id to its value (filled in place).
        """
        for layer, kwargs, in_ids, out_ids in self.steps:
            args = [values[i] for i in in_ids]
            call = layer.__call__ if layer.activity_regularizer is not None else layer.call
            result = call(args[0] if len(args) == 1 else args, **kwargs)
            if len(out_ids) == 1:
                values[out_ids[0]] = result
            else:
                values.update(zip(out_ids, result))
        return [values[id(t)] for t in self.outputs]
