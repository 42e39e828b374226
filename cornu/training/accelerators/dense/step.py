"""The Dense-chain step: the reference step's maths, written out by hand for the textbooks'
most common model, a chain of Dense layers.

For a model that ``admission.chain_plan`` admits, the gradients are derived by hand (two
matrix products per layer, ``ops``) instead of recording an autograd graph, and written into
the parameters' ``.grad`` (the optimizer's flat buffer); the optimizer then updates as on every
step. On small models, where the fixed cost of each torch call dominates, this is several
times faster: the step runs in inference mode, activations in place, work tensors are reused,
and small products go to NumPy's BLAS. Batches it does not take (sample weights, evaluation in
the training phase) go to the reference step.

Example:
    >>> step = DenseChainStep.admit(model, objective, optimizer)  # doctest: +SKIP
    >>> outputs, extra_loss = step.train(xs, ys, sws)  # doctest: +SKIP
"""
import torch

from cornu.graph.call_context import phase_or
from cornu.kernels.openblas import numpy_blas_one_thread
from cornu.training.accelerators.dense.admission import chain_plan
from cornu.training.accelerators.dense.loss_gradient import OutputGradient
from cornu.training.accelerators.dense.ops import DenseOp, DropoutOp
from cornu.training.steps.reference import ReferenceStep

# Memory for one layer's outputs when evaluating many rows at once.
_CALL_BYTES = 4 * 2 ** 20


class DenseChainStep:
    """Training and evaluation of an admitted Dense chain (see the module docstring).

    Args:
        model: the model.
        plan: its ``chain_plan``.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer (None for a step that only evaluates).
    """

    name = "dense-chain"

    def __init__(self, model, plan, objective, optimizer):
        self.reference = ReferenceStep(model, objective, optimizer)
        self.objective, self.optimizer = objective, optimizer
        self.params = self.reference.params
        if optimizer is not None and self.params:
            optimizer.bind(self.params)  # each .grad a view of the flat buffer: written below
        self.grad_views = [p.grad for p in self.params]
        trainable = {id(p) for p in self.params} if optimizer is not None else set()
        last = len(plan) - 1
        self.ops = [DenseOp(layer, act, id(layer.kernel) in trainable, index == last)
                    if kind == "dense" else DropoutOp(layer)
                    for index, (kind, layer, act) in enumerate(plan)]
        self.dense_ops = [op for op in self.ops if isinstance(op, DenseOp)]
        _, layer, act = plan[-1]
        self.output_gradient = OutputGradient(objective.loss_fns[0], act, layer.units,
                                              layer.kernel)
        self.threaded_numpy = any(op.threaded_numpy_rows for op in self.dense_ops)
        # Backward order, with whether each op must pass a gradient on to its inputs: with
        # dropout (training) and without (the learning phase set to 0)
        self.backward_ops = {dropout: [(op, index > 0) for index, op in
                                       reversed(list(enumerate(self._active(dropout))))]
                             for dropout in (True, False)}
        widest = max(max(op.kernel.shape) for op in self.dense_ops)
        #: rows per call that keep each layer's outputs within a few megabytes
        self.rows_per_call = max(1, _CALL_BYTES // (4 * widest))

    @classmethod
    def admit(cls, model, objective, optimizer):
        """A ``DenseChainStep`` for the model if ``admission.chain_plan`` admits it, else None.

        Args:
            model: the model.
            objective: its ``CompiledObjective``.
            optimizer: its optimizer (None for evaluation only).
        """
        plan, _ = chain_plan(model, objective)
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
            grad = self.output_gradient(output, ys[0])
            activated = False  # the output gradient is already taken through the activation
            for op, input_grad in self.backward_ops[dropout]:
                grad = op.backward(grad, activated, input_grad)
                activated = True
            self.optimizer.step(self.params)
        return [output], None

    def _active(self, dropout):
        """The ops that run: all of them, or without the dropouts."""
        return self.ops if dropout else self.dense_ops

    def _forward(self, x, dropout):
        for op in self._active(dropout):
            x = op.forward(x)
        return x

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
        more than ``batch_size`` when every loss and metric scores each sample on its own
        (the epoch means are then the same in any batching).

        Args:
            batch_size: the batch size the evaluation was asked for.
        """
        if not self.objective.scores_in_bulk:
            return batch_size
        return max(batch_size, self.rows_per_call)
