"""Tracing a layer graph from its output tensors back to its inputs, in Keras 2 order.

The result is an execution plan (nodes from the inputs to the outputs) and the layer list
ordered by depth as Keras 2 orders ``model.layers``.
"""
from cornu.graph.layer_call import run_layer
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
        self.steps = [_Step(node) for node in self.nodes if node.input_tensors]

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

    def run(self, values, training=None, masks=None):
        """Executes the plan on real tensors, each layer through ``run_layer``.

        Args:
            values: dict from input tensor id to its value (filled in place).
            training: the training mode to give every layer (a node's own ``training``
                argument wins), or None to let each layer resolve it.
            masks: dict from input tensor id to its mask, for inputs given a mask.
        """
        for step in self.steps:
            in_ids = step.input_ids
            args = [values[i] for i in in_ids]
            mask = step.mask
            if masks and mask is None:
                given = [masks.get(i) for i in in_ids]
                if any(m is not None for m in given):
                    mask = given[0] if len(given) == 1 else given
            result = run_layer(step.layer, args[0] if len(args) == 1 else args,
                               training=training if step.training is None else step.training,
                               mask=mask, kwargs=step.kwargs)
            out_ids = step.output_ids
            if len(out_ids) == 1:
                values[out_ids[0]] = result
            else:
                values.update(zip(out_ids, result))
        return [values[id(t)] for t in self.outputs]


class _Step:
    """One node to run: its layer, the ids of its input and output tensors, and the call's
    recorded arguments (``training`` and ``mask`` apart)."""

    __slots__ = ("layer", "input_ids", "output_ids", "training", "mask", "kwargs")

    def __init__(self, node):
        self.layer = node.outbound_layer
        self.input_ids = [id(t) for t in node.input_tensors]
        self.output_ids = [id(t) for t in node.output_tensors]
        kwargs = dict(node.arguments)
        self.training = kwargs.pop("training", None)
        self.mask = kwargs.pop("mask", None)
        self.kwargs = kwargs
