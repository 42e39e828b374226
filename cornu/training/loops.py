"""The loops of ``fit``, ``evaluate`` and ``predict``: batches from a data adapter, a step per
batch, the epoch logs, and the callbacks' hooks, the same for every step and every source.

Example:
    >>> history = fit_loop(model, step, adapter, None, callbacks, epochs=5)  # doctest: +SKIP
"""
import torch

from cornu.callbacks.logs import LogsDict
from cornu.graph.call_context import CallScope
from cornu.training.epoch_logs import PENDING_BYTES, LogAccumulator, epoch_means
from cornu.training.fit_state import FitState
from cornu.training.objective import output_masks


def epoch_logs(objective, train_means, val_means):
    """The logs of an epoch: train values by name, then ``val_`` ones (a ``LogsDict``).

    Args:
        objective: the ``CompiledObjective`` (its names, and their other spellings).
        train_means: the training averages in ``objective.names`` order.
        val_means: the validation averages, or None.
    """
    names = objective.names
    logs = LogsDict(zip(names, train_means), spelling=objective)
    if val_means is not None:
        logs.update(("val_" + k, v) for k, v in zip(names, val_means))
    return logs


def should_validate(epoch, validation_freq):
    """Whether epoch ``epoch`` (from 0) validates: every ``validation_freq`` epochs, or at
    the listed (1-based) epochs.

    Args:
        epoch: the epoch index.
        validation_freq: an int, or a collection of epoch numbers.
    """
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


def fit_loop(model, step, data, validation, callbacks, epochs, initial_epoch=0,
             validation_freq=1, validation_step=None, history_only=False, tuner=None):
    """Trains ``model`` with ``step`` on the batches of ``data`` for some epochs.

    Args:
        model: the model (its ``stop_training`` flag ends training early).
        step: the training step (``steps.select``).
        data: a ``DataAdapter`` of training batches.
        validation: a ``DataAdapter`` of validation batches, or None.
        callbacks: a ``CallbackList`` (History last).
        epochs: the index of the last epoch to train.
        initial_epoch: the epoch to start counting from (a callback may move it in
            ``on_train_begin`` through ``model._fit_state``: see ``fit_state``).
        validation_freq: see ``should_validate``.
        validation_step: the step scoring the validation batches (default: ``step``).
        history_only: whether the model's ``History`` is the only callback: then nobody reads
            an epoch's logs before training ends, and the epochs are scored together at the
            end (``EpochsToScore``), with the same values.
        tuner: a ``ThreadTuner`` to report each batch to, or None.
    """
    objective = step.objective
    batch_hooks = callbacks.needs_batch_logs
    waiting = EpochsToScore(objective) if history_only else None
    checked = False
    model.stop_training = False
    model._fit_state = FitState(data, initial_epoch, epochs)
    try:
        callbacks.on_train_begin()
        initial_epoch = model._fit_state.initial_epoch  # a callback may resume a backup
        for epoch in range(initial_epoch, epochs):
            callbacks.on_epoch_begin(epoch)
            log = LogAccumulator(objective, per_batch=batch_hooks)
            for index, (xs, ys, sws) in enumerate(data.epoch()):
                size = len(xs[0])
                if batch_hooks:
                    callbacks.on_batch_begin(index, {"batch": index, "size": size})
                if tuner is not None:
                    tuner.batch_started()
                outs, extra = step.train(xs, ys, sws)
                if tuner is not None:
                    tuner.batch_done(size)
                masks = output_masks(outs)
                if not checked:  # a loss or metric that cannot be computed fails at once
                    objective.batch_values(ys, outs, sws, extra, masks)
                    checked = True
                values = log.add(outs, ys, sws, extra, size, masks)
                if batch_hooks:
                    logs = LogsDict(batch=index, size=size, spelling=objective)
                    logs.update(zip(objective.names, values.tolist()))
                    callbacks.on_batch_end(index, logs)
                if model.stop_training:
                    break
            data.on_epoch_end()
            val_log = None
            if validation is not None and should_validate(epoch, validation_freq):
                val_log = test_loop(validation_step or step, validation)
            if waiting is None:
                train_means, val_means = epoch_means([log, val_log])
                callbacks.on_epoch_end(epoch, epoch_logs(objective, train_means, val_means))
            elif waiting.add(epoch, log, val_log) > PENDING_BYTES:
                waiting.report(callbacks)
            if model.stop_training or getattr(data, "exhausted", False):
                break
    finally:
        vars(model).pop("_fit_state", None)
        if waiting is not None:
            waiting.report(callbacks)  # an interrupted fit keeps its finished epochs
    callbacks.on_train_end()


class EpochsToScore:
    """Finished epochs whose logs only ``History`` records: kept until training ends (or their
    outputs pass ``PENDING_BYTES``), then scored in one pass and reported in order.

    Args:
        objective: the ``CompiledObjective``.
    """

    def __init__(self, objective):
        self.objective = objective
        self.epochs = []
        self.pending_bytes = 0

    def add(self, epoch, log, val_log):
        """Keeps an epoch; returns the bytes of outputs now waiting to be scored."""
        self.epochs.append((epoch, log, val_log))
        self.pending_bytes += log.pending_bytes + (val_log.pending_bytes if val_log else 0)
        return self.pending_bytes

    def report(self, callbacks):
        """Scores the waiting epochs and calls ``on_epoch_end`` for each, in order."""
        means = epoch_means([log for _, train, val in self.epochs for log in (train, val)])
        for index, (epoch, _, _) in enumerate(self.epochs):
            callbacks.on_epoch_end(epoch, epoch_logs(self.objective, means[2 * index],
                                                     means[2 * index + 1]))
        self.epochs, self.pending_bytes = [], 0


def test_loop(step, data, progbar=None, callbacks=None):
    """Scores the batches of ``data`` with ``step``; returns the ``LogAccumulator``.

    When every loss and metric scores each sample on its own, an accelerated step may take
    more samples per batch than asked (``step.test_rows``): the means are the same.

    Args:
        step: a training step.
        data: a ``DataAdapter`` of test batches.
        progbar: a ``Progbar`` to advance (counting samples, or steps when ``data`` has no
            sample count), or None.
        callbacks: a ``CallbackList`` whose test-batch hooks to call, or None.
    """
    log = LogAccumulator(step.objective, per_batch=False)
    batches = data.epoch()
    rows = getattr(data, "batch_size", None)
    if rows and progbar is None and callbacks is None and data.steps is None \
            and not getattr(data, "weighted", True):
        wider = step.test_rows(rows)
        if wider > rows:
            batches = data.in_order(wider)
    for index, (xs, ys, sws) in enumerate(batches):
        size = len(xs[0])
        if callbacks is not None:
            callbacks.on_test_batch_begin(index, {"batch": index, "size": size})
        outs, extra = step.test(xs, ys, sws)
        values = log.add(outs, ys, sws, extra, size, output_masks(outs))
        if callbacks is not None:
            logs = {"batch": index, "size": size}
            if values is not None:
                logs.update(zip(step.objective.names, values.tolist()))
            callbacks.on_test_batch_end(index, logs)
        if progbar is not None:
            progbar.update(log.seen if data.num_samples is not None else index + 1)
    data.on_epoch_end()
    return log


def predict_batch(model, xs):
    """The model's outputs (detached tensors) for one batch of input tensors, in inference mode
    (with autograd when outputs are ``K.gradients(...)`` of the graph).

    Args:
        model: the model.
        xs: input tensors.
    """
    if model._has_gradient_outputs():
        xs = [x.requires_grad_() if x.is_floating_point() else x for x in xs]
        with torch.enable_grad(), CallScope(False):
            return [out.detach() for out in model._forward(xs)]
    with torch.inference_mode(), CallScope(False):
        return model._forward(xs)


def predict_loop(model, data, progbar=None, callbacks=None):
    """The model's outputs over the batches of ``data``, as NumPy arrays (one per output).

    Args:
        model: the model.
        data: a ``DataAdapter`` of input batches.
        progbar: a ``Progbar`` to advance, or None.
        callbacks: a ``CallbackList`` whose predict-batch hooks to call, or None.
    """
    parts, seen = [], 0
    for index, (xs, _, _) in enumerate(data.epoch()):
        size = len(xs[0])
        if callbacks is not None:
            callbacks.on_predict_batch_begin(index, {"batch": index, "size": size})
        outs = predict_batch(model, xs)
        parts.append(outs)
        seen += size
        if callbacks is not None:
            callbacks.on_predict_batch_end(index, {"batch": index, "size": size,
                                                   "outputs": outs})
        if progbar is not None:
            progbar.update(seen if data.num_samples is not None else index + 1)
    data.on_epoch_end()
    if not parts:
        raise ValueError("The data gave no batch to predict on: pass at least one sample (or "
                         "steps >= 1 for a generator).")
    return [torch.cat(p).numpy() if len(p) > 1 else p[0].numpy() for p in zip(*parts)]
