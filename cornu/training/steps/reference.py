"""The hot path: batches as tensor slices, one training step, evaluation and prediction loops.

Everything per batch stays on the tensor side: the step returns the batch's outputs, and
``LogAccumulator`` (``epoch_logs``) scores losses and metrics over many batches at once.
"""
from contextlib import nullcontext
from itertools import repeat

import numpy as np
import torch

from cornu.graph import layer as base_layer
from cornu.training.data.arrays import batch_shuffle
from cornu.training.accelerators.dense.step import DenseStackForward, DenseStackStep
from cornu.training.epoch_logs import LogAccumulator

# Models doing less than this many multiply-adds per batch run on one thread: for them, the
# cost of waking and synchronising more threads exceeds the work (and on a busy machine, by far).
# Above it (e.g. one MNIST row through 784-512-10), reading the weights gains from more cores.
_SINGLE_THREAD_WORK = 200_000


class _OneThread:
    """Within the block, torch runs its operations on one intra-op thread."""

    def __enter__(self):
        self.previous = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc):
        torch.set_num_threads(self.previous)


_UNCHANGED = nullcontext()


def thread_policy(parameter_count, batch_size):
    """A context that runs small models on one intra-op thread for the duration of a loop.

    Args:
        parameter_count: scalars in the model's weights.
        batch_size: samples per batch.
    """
    if batch_size * parameter_count >= _SINGLE_THREAD_WORK or torch.get_num_threads() == 1:
        return _UNCHANGED
    return _OneThread()


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
        reusable: how many leading arrays (the inputs) may be gathered into one buffer reused
            from batch to batch; their batches are valid only until the next one is drawn.
    """

    def __init__(self, arrays, batch_size, shuffle, steps, reusable=0):
        if batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, received {batch_size}.")
        self.tensors = [None if a is None else torch.from_numpy(a) for a in arrays]
        self.num_samples = next(len(t) for t in self.tensors if t is not None)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.steps = steps
        self.reusable = reusable
        self._nbytes = sum(t.numel() * t.element_size() for t in self.tensors if t is not None)
        self._pending = iter(())
        self._chunks = {}

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
            return iter(self.chunks(size))
        index = torch.from_numpy(order)
        if self._nbytes <= _WHOLE_EPOCH_GATHER_BYTES:
            return zip(*[repeat(None) if t is None else t.index_select(0, index).split(size)
                         for t in self.tensors])
        return self._gathered_batches(index)

    def _gathered_batches(self, index):
        """Large data: gathers each batch on its own, into reused buffers for the inputs (fresh
        memory for every batch would cost page faults and fragment the heap)."""
        size = self.batch_size
        buffers = [torch.empty((size,) + tuple(t.shape[1:]), dtype=t.dtype)
                   if t is not None and i < self.reusable else None
                   for i, t in enumerate(self.tensors)]
        for part in index.split(size):
            count = len(part)
            yield [None if t is None else
                   t.index_select(0, part) if buffer is None else
                   torch.index_select(t, 0, part, out=buffer[:count])
                   for t, buffer in zip(self.tensors, buffers)]

    def chunks(self, rows):
        """All samples in order, in batches of ``rows`` (views made once, then reused).

        Args:
            rows: samples per batch.
        """
        chunks = self._chunks.get(rows)
        if chunks is None:
            chunks = self._chunks[rows] = list(zip(*[repeat(None) if t is None else t.split(rows)
                                                      for t in self.tensors]))
        return chunks

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


def split_batch(batch, num_inputs, num_outputs):
    """A batch of a ``BatchStream`` as ``(inputs, targets, sample weights)`` lists.

    Args:
        batch: the batch's tensors, inputs first, then targets, then sample weights.
        num_inputs: how many are inputs.
        num_outputs: how many are targets.
    """
    targets_end = num_inputs + num_outputs
    return batch[:num_inputs], batch[num_inputs:targets_end], batch[targets_end:]


def _persistent_losses(model):
    layers = [model] + model._sublayers()
    return [loss for layer in layers for loss in layer._losses if callable(loss)]


class TrainStep:
    """One optimisation step of a compiled model: forward, loss, backward, update.

    Dense stacks with a standard loss take the hand-derived ``DenseStackStep``; everything
    else goes through autograd.

    Args:
        model: the model.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer (None for evaluation only).
    """

    def __init__(self, model, objective, optimizer):
        infos = model._effective_infos()
        self.params = [i["param"] for i in infos if i["trainable"]]
        self.regularized = [(i["regularizer"], i["param"]) for i in infos if i["regularizer"]]
        self.constrained = [(i["constraint"], i["param"]) for i in infos
                            if i["constraint"] is not None and i["trainable"]]
        self.persistent = _persistent_losses(model)
        self.forward = model._forward
        self.objective = objective
        self.optimizer = optimizer
        self.modules = list(model.modules())
        self.dense = None if optimizer is None or self.persistent else DenseStackStep.maybe(
            model, objective, optimizer, self.params, infos)
        # evaluation of a Dense stack: its own forward pass, on reused work tensors
        self.dense_forward = DenseStackForward.maybe(model) if optimizer is None else None

    def set_training(self, mode):
        """Puts every layer of the model in training (dropout on) or inference mode.

        Args:
            mode: True for training.
        """
        for module in self.modules:
            module.__dict__["training"] = mode  # a plain flag: skip torch's __setattr__

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
        if self.dense_forward is not None and not torch.is_grad_enabled():
            return [self.dense_forward(xs[0])], []
        sink = []
        base_layer.LOSS_SINK[0] = sink
        try:
            return self.forward(xs), sink
        finally:
            base_layer.LOSS_SINK[0] = None

    def train(self, xs, ys, sws):
        """Updates the weights on one batch.

        Returns the outputs (detached) and the batch's extra loss (or None), for logging.

        Args:
            xs: input tensors.
            ys: target tensors.
            sws: sample weight tensors (or None entries).
        """
        if self.dense is not None and sws[0] is None:
            return [self.dense.train(xs[0], ys[0])], None
        for p in self.params:
            p.grad = None
        outs, call_losses = self.run_forward(xs)
        extra = self.extra_losses(call_losses)
        total, _ = self.objective.losses(ys, outs, sws)
        if extra is not None:
            total = total + extra
        if self.params and total.requires_grad:
            total.backward()
            self.optimizer.step(self.params)
            if self.constrained:
                with torch.no_grad():
                    for constraint, p in self.constrained:
                        p.copy_(constraint(p))
        return [o.detach() for o in outs], None if extra is None else extra.detach()

    def train_epoch(self, batches, num_inputs, num_outputs, weighted, log):
        """Updates the weights on each batch in turn, recording the outputs in ``log``.

        For loops without batch callbacks: Dense stacks run all batches in one call.

        Args:
            batches: iterable of batches, each a list of inputs, targets and sample weights.
            num_inputs: inputs per batch.
            num_outputs: targets per batch.
            weighted: whether the batches carry sample weights.
            log: the epoch's ``LogAccumulator``.
        """
        if self.dense is not None and not weighted:
            targets = []

            def pairs():
                for batch in batches:
                    targets.append(batch[1])
                    yield batch[0], batch[1]

            log.add_batches(self.dense.train_batches(pairs()), targets)
            return
        for batch in batches:
            xs, ys, sws = split_batch(batch, num_inputs, num_outputs)
            outs, extra = self.train(xs, ys, sws)
            log.add(outs, ys, sws, extra, xs[0].shape[0])


def score_batches(step, stream, num_inputs, num_outputs, progbar=None):
    """A ``LogAccumulator`` of the model's loss and metrics over the batches of a stream.

    Args:
        step: the model's evaluation ``TrainStep`` (built without an optimizer).
        stream: a ``BatchStream`` of inputs, targets and weights.
        num_inputs: how many of the stream's arrays are inputs.
        num_outputs: how many are targets.
        progbar: a ``Progbar`` to advance, or None.
    """
    step.set_training(False)
    log = LogAccumulator(step.objective, per_batch=False)
    batches = stream.epoch()
    unweighted = all(t is None for t in stream.tensors[num_inputs + num_outputs:])
    if step.dense_forward is not None and unweighted and not stream.shuffle \
            and stream.steps is None and progbar is None:
        # A Dense stack scores each sample on its own: bigger batches give the same values
        batches = stream.chunks(max(stream.batch_size, step.dense_forward.rows_per_call))
    with torch.no_grad():
        for batch in batches:
            xs, ys, sws = split_batch(batch, num_inputs, num_outputs)
            outs, call_losses = step.run_forward(xs)
            log.add(outs, ys, sws, step.extra_losses(call_losses), xs[0].shape[0])
            if progbar is not None:
                progbar.update(log.seen)
    return log


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
    if model._has_gradient_outputs():
        # outputs that are K.gradients(...) need autograd through the graph
        tensors = [t.requires_grad_() if t.is_floating_point() else t for t in tensors]
        mode = torch.enable_grad()
    else:
        mode = torch.inference_mode()
    with mode:
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
        return [torch.cat(parts).detach().numpy() if len(parts) > 1
                else parts[0].detach().numpy() for parts in zip(*outs)]
