"""The Dense-graph step: the reference step's maths, written out by hand for the textbooks'
most common models, Dense layers in a chain or in a graph with branches.

For a model that ``admission.graph_plan`` admits, the gradients are derived by hand (two
matrix products per Dense layer, ``ops``) instead of recording an autograd graph, and written
into the parameters' ``.grad`` (the optimizer's flat buffer); the optimizer then updates as on
every step. On small models, where the fixed cost of each torch call dominates, this is several
times faster: the step runs in inference mode, activations in place, work tensors are reused,
and small products go to NumPy's BLAS. Batches it does not take (sample weights, evaluation in
the training phase) go to the reference step.

Example:
    >>> step = DenseGraphStep.admit(model, objective, optimizer)  # doctest: +SKIP
    >>> outputs, extra_loss = step.train(xs, ys, sws)  # doctest: +SKIP
"""
import torch

from cornu.graph.call_context import phase_or
from cornu.kernels.openblas import numpy_blas_one_thread
from cornu.training.accelerators.dense.admission import graph_plan
from cornu.training.accelerators.graph_models import INPUT
from cornu.training.accelerators.dense.loss_gradient import OutputGradient
from cornu.training.accelerators.dense.ops import AddOp, ConcatenateOp, DenseOp, DropoutOp
from cornu.training.steps.reference import ReferenceStep

# Memory for one layer's outputs when evaluating many rows at once.
_CALL_BYTES = 4 * 2 ** 20


class _Node:
    """A plan node with its op: what the forward and backward passes walk."""

    __slots__ = ("op", "inputs", "output", "needs", "is_dropout")

    def __init__(self, op, inputs, output):
        self.op, self.inputs, self.output = op, inputs, output
        self.needs = [tensor != INPUT for tensor in inputs]  # the model input needs no gradient
        self.is_dropout = isinstance(op, DropoutOp)


def _make_op(plan_node, trainable, keeps_output):
    kind, layer = plan_node.kind, plan_node.layer
    if kind == "dense":
        return DenseOp(layer, plan_node.activation, id(layer.kernel) in trainable, keeps_output)
    return {"dropout": DropoutOp, "concatenate": ConcatenateOp, "add": AddOp}[kind](layer)


class DenseGraphStep:
    """Training and evaluation of an admitted model (see the module docstring).

    Args:
        model: the model.
        plan: its ``graph_plan``.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer (None for a step that only evaluates).
    """

    name = "dense-graph"

    def __init__(self, model, plan, objective, optimizer):
        self.reference = ReferenceStep(model, objective, optimizer)
        self.objective, self.optimizer = objective, optimizer
        self.params = self.reference.params
        if optimizer is not None and self.params:
            optimizer.bind(self.params)  # each .grad a view of the flat buffer: written below
        self.grad_views = [p.grad for p in self.params]
        trainable = {id(p) for p in self.params} if optimizer is not None else set()
        self.output = plan[-1].output
        self.nodes = [_Node(_make_op(node, trainable, node.output == self.output), node.inputs,
                            node.output) for node in plan]
        self.dense_ops = [node.op for node in self.nodes if isinstance(node.op, DenseOp)]
        last = plan[-1]
        self.output_gradient = OutputGradient(objective.loss_fns[0], last.activation,
                                              last.layer.units, last.layer.kernel)
        self.threaded_numpy = any(op.threaded_numpy_rows for op in self.dense_ops)
        widest = max(max(op.kernel.shape) for op in self.dense_ops)
        #: rows per call that keep each layer's outputs within a few megabytes
        self.rows_per_call = max(1, _CALL_BYTES // (4 * widest))

    @classmethod
    def admit(cls, model, objective, optimizer):
        """A ``DenseGraphStep`` for the model if ``admission.graph_plan`` admits it, else None.

        Args:
            model: the model.
            objective: its ``CompiledObjective``.
            optimizer: its optimizer (None for evaluation only).
        """
        plan, _ = graph_plan(model, objective)
        return None if plan is None else cls(model, plan, objective, optimizer)

    def train(self, xs, ys, sws):
        """Updates the weights on one batch; returns ``([output], None)`` for logging.

        Args:
            xs: input tensors (one, 2-D).
            ys: target tensors (one).
            sws: sample weights (one entry; a weighted batch goes to the reference step).
        """
        if sws[0] is not None or not self.params:
            return self.reference.train(xs, ys, sws)
        if self.params[0].grad is not self.grad_views[0]:  # the reference step took a batch
            for param, view in zip(self.params, self.grad_views):
                param.grad = view
        dropout = phase_or(True)
        with torch.inference_mode(), numpy_blas_one_thread(self.threaded_numpy):
            output = self._forward(xs[0], dropout)
            self._backward(self.output_gradient(output, ys[0]), dropout)
            self.optimizer.step(self.params)
        return [output], None

    def _forward(self, x, dropout):
        values = {INPUT: x}
        for node in self.nodes:
            if node.is_dropout and not dropout:
                values[node.output] = values[node.inputs[0]]
            else:
                values[node.output] = node.op.forward(*[values[t] for t in node.inputs])
        return values[self.output]

    def _backward(self, output_grad, dropout):
        """Walks the nodes backwards, summing the gradients of tensors read more than once."""
        grads = {self.output: output_grad}
        for node in reversed(self.nodes):
            grad = grads.pop(node.output)
            if node.is_dropout and not dropout:
                results = [grad]
            else:  # the output gradient is already taken through the last activation
                results = node.op.backward(grad, node.output != self.output, node.needs)
            for tensor, result in zip(node.inputs, results):
                if result is None:
                    continue
                earlier = grads.get(tensor)
                grads[tensor] = result if earlier is None else earlier + result

    def test(self, xs, ys, sws):
        """The output of one batch (``([output], None)``), without updating anything.

        Args:
            xs: input tensors (one, 2-D).
            ys: target tensors (unused: scoring happens in the epoch logs).
            sws: sample weights (unused, likewise).
        """
        if phase_or(False):  # the learning phase asks for dropout: the reference step has it
            return self.reference.test(xs, ys, sws)
        x = xs[0]
        threaded = any(x.shape[0] in op.threaded_numpy_rows for op in self.dense_ops)
        with torch.inference_mode(), numpy_blas_one_thread(threaded):
            return [self._forward(x, False)], None

    def test_rows(self, batch_size):
        """How many samples ``test`` may take at once for an evaluation at ``batch_size``:
        more than ``batch_size`` when every loss and metric scores each sample on its own and
        no dropout is drawn (the epoch means are then the same in any batching).

        Args:
            batch_size: the batch size the evaluation was asked for.
        """
        if not self.objective.scores_in_bulk or phase_or(False):
            return batch_size
        return max(batch_size, self.rows_per_call)
