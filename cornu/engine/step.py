"""The hot path: batches as tensor slices, one training step, evaluation and prediction loops.

Everything per batch stays on the tensor side: the step returns one stacked tensor of the
logged values, which the loop sums; Python floats are made once per epoch (or per batch only
when a callback reads batch logs).
"""
from itertools import repeat

import numpy as np
import torch

from cornu.engine import base_layer
from cornu.engine.data_adapter import batch_shuffle

# Below this many bytes an epoch's shuffled copy of the data is made in one gather, so that
# batches are free views; above it, each batch is gathered on its own to bound memory.
_WHOLE_EPOCH_GATHER_BYTES = 64 * 2 ** 20


class BatchStream:
    """Cuts arrays into batches of tensors, shuffled per epoch as Keras 2 does.

    Args:
        arrays: NumPy arrays with the same first dimension (None entries stay None).
        batch_size: samples per batch.
        shuffle: True (samples), ``'batch'`` (batch-sized chunks) or False.
        steps: batches per epoch, or None for one pass over the data.
    """

    def __init__(self, arrays, batch_size, shuffle, steps):
        if batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, received {batch_size}.")
        self.tensors = [None if a is None else torch.from_numpy(a) for a in arrays]
        self.num_samples = next(len(t) for t in self.tensors if t is not None)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.steps = steps
        self._nbytes = sum(t.numel() * t.element_size() for t in self.tensors if t is not None)
        self._pending = iter(())

    def _order(self):
        if self.shuffle == "batch":
            return batch_shuffle(np.arange(self.num_samples), self.batch_size)
        if self.shuffle:
            index = np.arange(self.num_samples)
            np.random.shuffle(index)
            return index
        return None

    def _one_pass(self):
        order = self._order()
        size = self.batch_size
        if order is None:
            return zip(*[repeat(None) if t is None else t.split(size) for t in self.tensors])
        index = torch.from_numpy(order)
        if self._nbytes <= _WHOLE_EPOCH_GATHER_BYTES:
            return zip(*[repeat(None) if t is None else t.index_select(0, index).split(size)
                         for t in self.tensors])
        return ([None if t is None else t.index_select(0, part) for t in self.tensors]
                for part in index.split(size))

    def epoch(self):
        """Yields the batches of one epoch, each a list of tensors (or None)."""
        if self.steps is None:
            yield from self._one_pass()
            return
        for _ in range(self.steps):
            batch = next(self._pending, None)
            if batch is None:
                self._pending = iter(self._one_pass())
                batch = next(self._pending)
            yield batch


def _model_infos(model):
    return model._effective_infos()


def _persistent_losses(model):
    layers = [model] + model._sublayers()
    return [loss for layer in layers for loss in layer._losses if callable(loss)]


class TrainStep:
    """One optimisation step of a compiled model: forward, loss, backward, update.

    Args:
        model: the model.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer.
    """

    def __init__(self, model, objective, optimizer):
        infos = _model_infos(model)
        self.params = [i["param"] for i in infos if i["trainable"]]
        self.regularized = [(i["regularizer"], i["param"]) for i in infos if i["regularizer"]]
        self.constrained = [(i["constraint"], i["param"]) for i in infos
                            if i["constraint"] is not None and i["trainable"]]
        self.persistent = _persistent_losses(model)
        self.forward = model._forward
        self.objective = objective
        self.optimizer = optimizer

    def extra_losses(self, call_losses):
        """Regularisation and added losses of a step, summed (or None when there are none).

        Args:
            call_losses: losses that layers added inside ``call`` this step.
        """
        terms = [reg(p) for reg, p in self.regularized]
        terms += [loss() for loss in self.persistent] + call_losses
        if not terms:
            return None
        return torch.stack([torch.as_tensor(t).sum() for t in terms]).sum()

    def run_forward(self, xs):
        """The outputs and the losses layers added inside ``call``.

        Args:
            xs: input tensors.
        """
        sink = []
        base_layer.LOSS_SINK[0] = sink
        try:
            return self.forward(xs), sink
        finally:
            base_layer.LOSS_SINK[0] = None

    def train(self, xs, ys, sws):
        """Updates the weights on one batch; returns the logged values as one tensor.

        Args:
            xs: input tensors.
            ys: target tensors.
            sws: sample weight tensors (or None entries).
        """
        for p in self.params:
            p.grad = None
        outs, call_losses = self.run_forward(xs)
        total, logged = self.objective.batch_values(ys, outs, sws,
                                                    self.extra_losses(call_losses))
        if self.params and total.requires_grad:
            total.backward()
            self.optimizer.step(self.params)
            if self.constrained:
                with torch.no_grad():
                    for constraint, p in self.constrained:
                        p.copy_(constraint(p))
        return logged


def evaluate_batches(model, objective, stream, num_inputs, num_outputs, progbar=None):
    """Loss and metrics averaged over the batches of a stream (weighted by batch size).

    Args:
        model: the compiled model.
        objective: its ``CompiledObjective``.
        stream: a ``BatchStream`` of inputs, targets and weights.
        num_inputs: how many of the stream's arrays are inputs.
        num_outputs: how many are targets.
        progbar: a ``Progbar`` to advance, or None.
    """
    step = TrainStep(model, objective, None)
    if model.training:
        model.train(False)
    totals, seen = None, 0
    with torch.no_grad():
        for batch in stream.epoch():
            xs = batch[:num_inputs]
            ys = batch[num_inputs:num_inputs + num_outputs]
            sws = batch[num_inputs + num_outputs:]
            outs, call_losses = step.run_forward(xs)
            _, logged = objective.batch_values(ys, outs, sws, step.extra_losses(call_losses))
            size = len(xs[0])
            totals = logged * size if totals is None else totals.add_(logged, alpha=size)
            seen += size
            if progbar is not None:
                progbar.update(seen)
    return (totals / max(seen, 1)).tolist()


def predict_batches(model, xs, batch_size, steps, progbar=None):
    """The model's outputs for input arrays, batch by batch, as NumPy arrays.

    Args:
        model: the model.
        xs: input arrays.
        batch_size: samples per batch.
        steps: number of batches, or None for all.
        progbar: a ``Progbar`` to advance, or None.
    """
    if model.training:
        model.train(False)
    tensors = [torch.from_numpy(x) for x in xs]
    with torch.inference_mode():
        if len(xs[0]) <= batch_size and steps is None:
            outs = [model._forward(tensors)]
        else:
            outs = []
            for index, batch in enumerate(zip(*[t.split(batch_size) for t in tensors])):
                if steps is not None and index >= steps:
                    break
                outs.append(model._forward(list(batch)))
                if progbar is not None:
                    progbar.update(min((index + 1) * batch_size, len(xs[0])))
        if progbar is not None and len(outs) == 1:
            progbar.update(len(xs[0]))
        return [torch.cat(parts).numpy() if len(parts) > 1 else parts[0].numpy()
                for parts in zip(*outs)]
