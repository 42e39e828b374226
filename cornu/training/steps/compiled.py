"""The step under ``compile(jit_compile=True)``: the reference step with its forward pass and
loss compiled by ``torch.compile``.

TorchDynamo captures the forward pass, the losses and the regularisation terms as one graph
(AOTAutograd derives and compiles its backward graph too); the optimizer update and the
constraints then run as on the reference step. The first batch of each new shape pays for the
compilation (seconds on a CPU), so it pays off on long runs of large models. Random layers
(Dropout) draw from the compiler's own generator, so their masks differ from the reference
step's for the same seed; everything else computes the same values up to rounding.

Example:
    >>> model.compile('sgd', 'mse', jit_compile=True)  # doctest: +SKIP
    >>> model.fit(x, y)  # doctest: +SKIP
"""
import torch

from cornu.training.objective import output_masks
from cornu.training.steps.reference import ReferenceStep, _detached

#: The ``torch.compile`` backend: ``'inductor'`` generates C++ for the CPU.
BACKEND = "inductor"


class CompiledStep(ReferenceStep):
    """The reference step with ``torch.compile`` around the forward pass and the loss.

    Args:
        model: the model.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer (None for a step that only evaluates).
    """

    name = "compiled"

    def __init__(self, model, objective, optimizer):
        super().__init__(model, objective, optimizer)
        self._compiled_loss = torch.compile(self._loss, backend=BACKEND)
        self._compiled_forward = torch.compile(self.forward, backend=BACKEND)

    def _loss(self, xs, ys, sws):
        outs, call_losses = self.forward(xs, True)
        extra = self.extra_losses(call_losses)
        total, _ = self.objective.losses(ys, outs, sws, output_masks(outs))
        if extra is not None:
            total = total + extra
        return total, outs, extra

    def train(self, xs, ys, sws):
        """Updates the weights on one batch (see ``ReferenceStep.train``).

        Args:
            xs: input tensors.
            ys: target tensors.
            sws: sample weight tensors (or None entries).
        """
        if self.params:
            self.optimizer.zero_grad()
        total, outs, extra = self._compiled_loss(xs, ys, sws)
        if self.params and total.requires_grad:
            total.backward()
            self.optimizer.step(self.params)
            if self.constrained:
                with torch.no_grad():
                    for constraint, p in self.constrained:
                        p.copy_(constraint(p))
        return _detached(outs), None if extra is None else extra.detach()

    def test(self, xs, ys, sws):
        """The outputs and extra loss of one batch, through the compiled forward pass.

        Args:
            xs: input tensors.
            ys: target tensors (unused: scoring happens in the epoch logs).
            sws: sample weight tensors (unused, likewise).
        """
        with torch.no_grad():
            outs, call_losses = self._compiled_forward(xs, False)
            return outs, self.extra_losses(call_losses)
