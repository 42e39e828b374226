"""The reference training step: Keras's ``train_step`` through autograd, for every model.

One step is: the forward pass in training mode (losses that layers add inside ``call`` are
collected), the compiled loss with sample weights and output masks, the weight regularisers
and the model's kept ``add_loss`` terms, backward into the parameters' ``.grad``, the optimizer
update (clipping included), and the weight constraints. Accelerated steps (``steps.select``)
must compute exactly this.

Example:
    >>> step = ReferenceStep(model, objective, model.optimizer)  # doctest: +SKIP
    >>> outputs, extra_loss = step.train(xs, ys, sws)  # doctest: +SKIP
"""
import torch

from cornu.graph.call_context import CallScope
from cornu.training.objective import output_masks


def _kept_losses(model):
    """The zero-argument loss callables added outside ``call`` to the model or its layers."""
    layers = [model] + model._sublayers()
    return [loss for layer in layers for loss in layer._losses if callable(loss)]


class ReferenceStep:
    """Forward, loss, backward, update and constraints through autograd.

    Args:
        model: the model.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer (None for a step that only evaluates).
    """

    name = "reference"

    def __init__(self, model, objective, optimizer):
        infos = model._effective_infos()
        self.model = model
        self.objective = objective
        self.optimizer = optimizer
        self.params = [i["param"] for i in infos if i["trainable"]]
        self.regularized = [(i["regularizer"], i["param"]) for i in infos if i["regularizer"]]
        self.constrained = [(i["constraint"], i["param"], i["layout"]) for i in infos
                            if i["constraint"] is not None and i["trainable"]]
        self.kept_losses = _kept_losses(model)

    def forward(self, xs, training):
        """The model's outputs and the losses its layers added inside ``call``.

        Args:
            xs: input tensors.
            training: the mode the layers run in, unless the learning phase says otherwise.
        """
        with CallScope(training) as context:
            outputs = self.model._forward(xs)
        return outputs, context.losses

    def extra_losses(self, call_losses):
        """Regularisation and added losses of a step, summed (or None when there are none).

        Args:
            call_losses: losses that layers added inside ``call`` this step.
        """
        terms = [regularizer(p) for regularizer, p in self.regularized]
        terms += [loss() for loss in self.kept_losses] + list(call_losses)
        if not terms:
            return None
        return torch.stack([torch.as_tensor(t).sum() for t in terms]).sum()

    def training_loss(self, xs, ys, sws):
        """The forward pass in training mode and the batch's total loss.

        Returns ``(total loss, outputs, extra loss or None)``.

        Args:
            xs: input tensors.
            ys: target tensors.
            sws: sample weight tensors (or None entries).
        """
        outs, call_losses = self.forward(xs, True)
        extra = self.extra_losses(call_losses)
        total, _ = self.objective.losses(ys, outs, sws, output_masks(outs))
        if extra is not None:
            total = total + extra
        return total, outs, extra

    def inference(self, xs):
        """The forward pass in inference mode: outputs and the losses added in ``call``.

        Args:
            xs: input tensors.
        """
        return self.forward(xs, False)

    def train(self, xs, ys, sws):
        """Updates the weights on one batch.

        Returns the outputs (detached) and the batch's extra loss (or None), for logging.

        Args:
            xs: input tensors.
            ys: target tensors.
            sws: sample weight tensors (or None entries).
        """
        for p in self.params:
            p.grad = None  # autograd then hands its fresh gradients over without a copy
        total, outs, extra = self.training_loss(xs, ys, sws)
        if self.params and total.requires_grad:
            total.backward()
            self.optimizer.step(self.params)
            if self.constrained:
                with torch.no_grad():
                    for constraint, p, layout in self.constrained:  # on the Keras layout
                        p.copy_(layout.from_keras(constraint(layout.to_keras(p))))
        return _detached(outs), None if extra is None else extra.detach()

    def test(self, xs, ys, sws):
        """The outputs and extra loss of one batch, without updating anything.

        Args:
            xs: input tensors.
            ys: target tensors (unused: scoring happens in the epoch logs).
            sws: sample weight tensors (unused, likewise).
        """
        with torch.no_grad():
            outs, call_losses = self.inference(xs)
            return outs, self.extra_losses(call_losses)

    def test_rows(self, batch_size):
        """How many samples ``test`` may take at once for an evaluation at ``batch_size``."""
        return batch_size


def _detached(outputs):
    """Detached outputs that keep their ``_keras_mask`` (the epoch logs apply it)."""
    detached = []
    for out in outputs:
        copy = out.detach()
        mask = getattr(out, "_keras_mask", None)
        if mask is not None:
            copy._keras_mask = mask
        detached.append(copy)
    return detached
