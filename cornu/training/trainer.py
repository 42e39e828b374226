"""The Keras 2 training API of every model: ``compile``, ``fit``, ``evaluate``, ``predict``.

The step is lean on purpose: the data is converted to tensors once per call, batches are
slices, the optimizer updates all weights with fused torch ops, and metrics stay tensors
(summed per epoch) until something prints them.

Example:
    >>> model.compile('rmsprop', 'categorical_crossentropy', metrics=['accuracy'])  # doctest: +SKIP
    >>> history = model.fit(x, y, batch_size=128, epochs=5)  # doctest: +SKIP
"""
import torch

from cornu import optimizers as optimizers_module
from cornu.callbacks import CallbackList, History, ProgbarLogger
from cornu.training.data import arrays as data
from cornu.training.objective import CompiledObjective
from cornu.graph.op_layer import GradientOp
from cornu.training.epoch_logs import PENDING_BYTES, LogAccumulator, epoch_means
from cornu.training.steps.reference import (BatchStream, TrainStep, predict_batches, score_batches,
                               split_batch, thread_policy)
from cornu.utils.gc_pause import gc_paused
from cornu.utils.progbar import Progbar

_COMPILE_EXTRAS = {"run_eagerly", "jit_compile", "steps_per_execution", "target_tensors"}
_FIT_EXTRAS = {"max_queue_size", "workers", "use_multiprocessing"}


class Trainer:
    """Mixin giving a model the Keras 2 training and inference methods."""

    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.loss_weights = None
        self.metrics = None
        self.history = None
        self.stop_training = False
        self._compile_args = None
        self._objective = None
        self._train_step = None
        self._eval_step = None
        self._parameter_total = None
        self._gradient_outputs = None

    # ----------------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None, **kwargs):
        """Configures the model for training.

        Args:
            optimizer: an optimizer name (``'rmsprop'``) or instance (``SGD(lr=0.01)``).
            loss: a loss name or function, or a list/dict with one per output.
            metrics: a list of metric names or functions (``['accuracy']``), or a dict per
                output.
            loss_weights: scalar weights of each output's loss (list or dict).
            sample_weight_mode: None, or ``'temporal'`` for per-timestep weights.
            weighted_metrics: metrics computed with sample weights.
            target_tensors: not supported (Keras 2 TensorFlow feature); must be None.
        """
        unknown = set(kwargs) - _COMPILE_EXTRAS
        if unknown:
            raise TypeError(f"Invalid keyword argument(s) in `compile`: {sorted(unknown)}")
        if target_tensors is not None:
            raise ValueError("target_tensors binds TensorFlow tensors in Keras 2; cornu feeds "
                             "targets through fit(x, y). Remove target_tensors.")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss, self.loss_weights, self.metrics = loss, loss_weights, metrics or []
        self.sample_weight_mode = sample_weight_mode
        self._compile_args = (loss, metrics, loss_weights, weighted_metrics)
        self._objective = None
        self._invalidate_compiled_step()
        if self.built:
            self._ensure_objective()

    def _invalidate_compiled_step(self):
        self._train_step = None
        self._eval_step = None
        self._parameter_total = None
        self._gradient_outputs = None

    def _has_gradient_outputs(self):
        """Whether the graph holds ``K.gradients`` nodes (prediction then needs autograd)."""
        if self._gradient_outputs is None:
            self._gradient_outputs = any(isinstance(layer, GradientOp) for layer in self.layers)
        return self._gradient_outputs

    def _parameter_count(self):
        """Scalars in all weights, cached until the model's structure changes."""
        if self._parameter_total is None:
            self._parameter_total = sum(p.numel() for p in self.parameters())
        return self._parameter_total

    def _ensure_objective(self):
        if self._compile_args is None:
            raise RuntimeError("You must compile your model before training/testing. Use "
                               "`model.compile(optimizer, loss)`.")
        if self._objective is None:
            loss, metrics, loss_weights, weighted = self._compile_args
            self._objective = CompiledObjective(loss, metrics, loss_weights, weighted,
                                                self.output_names,
                                                [t.shape for t in self.outputs])
        return self._objective

    @property
    def metrics_names(self):
        """Names of what ``evaluate`` returns: ``['loss', 'acc']`` ..."""
        return list(self._ensure_objective().names) if self._compile_args else []

    # ----------------------------------------------------------------- data
    def _build_from_data(self, x):
        if not self.built:
            self.build((None,) + data.sample_shape(x))

    def _inputs(self, x):
        self._build_from_data(x)
        dtypes = [t.dtype for t in self.inputs]
        return data.standardize(x, self.input_names,
                                [t.shape for t in self.inputs], "input", dtypes)

    def _standardize(self, x, y, sample_weight=None, class_weight=None):
        xs = self._inputs(x)
        objective = self._ensure_objective()
        ys = data.standardize(y, self.output_names,
                              data.target_shapes(objective.loss_fns,
                                                 [t.shape for t in self.outputs]),
                              "target", hint=data.categorical_hint(objective.loss_fns))
        sws = data.sample_weights(sample_weight, class_weight, ys, self.output_names)
        data.check_lengths(xs, ys, sws)
        return xs, ys, sws

    def _step(self):
        if self._train_step is None:
            self._train_step = TrainStep(self, self._ensure_objective(), self.optimizer)
        return self._train_step

    def _evaluation_step(self):
        if self._eval_step is None:
            self._eval_step = TrainStep(self, self._ensure_objective(), None)
        return self._eval_step

    # ----------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_freq=1, **kwargs):
        """Trains the model for a number of epochs and returns a ``History``.

        Args:
            x: input data: an array, a list of arrays, or a dict by input name.
            y: target data, likewise.
            batch_size: samples per gradient update (default 32).
            epochs: index of the last epoch to train (counting from ``initial_epoch``).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch.
            callbacks: a list of ``Callback`` instances.
            validation_split: fraction of the data (taken from the end) to validate on.
            validation_data: ``(x_val, y_val)`` or ``(x_val, y_val, sample_weight_val)``.
            shuffle: shuffle the samples each epoch (True), by batch chunks (``'batch'``), or not.
            class_weight: dict class index -> weight, scaling the loss per sample.
            sample_weight: per-sample (or per-timestep) loss weights.
            initial_epoch: the epoch to start counting from (to resume training).
            steps_per_epoch: batches per epoch (default: one pass over the data).
            validation_steps: batches of validation per epoch (default: all).
            validation_freq: validate every N epochs, or at the listed epochs (1-based).
        """
        unknown = set(kwargs) - _FIT_EXTRAS
        if unknown:
            raise TypeError(f"Unrecognized keyword arguments: {sorted(unknown)}")
        batch_size = 32 if batch_size is None else int(batch_size)
        xs, ys, sws = self._standardize(x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None:
            val = self._validation_arrays(validation_data)
        elif validation_split and validation_split > 0:
            (xs, ys, sws), val = self._split(xs, ys, sws, validation_split)

        stream = BatchStream(xs + ys + sws, batch_size, shuffle, steps_per_epoch,
                             reusable=len(xs))
        n_out = len(ys)
        objective = self._ensure_objective()
        out_labels = list(objective.names)
        callback_metrics = out_labels + (["val_" + n for n in out_labels] if val else [])
        self.history = History(key_aliases=objective.aliases)
        callback_list = [ProgbarLogger("steps" if steps_per_epoch else "samples")] if verbose \
            else []
        callback_list = CallbackList(callback_list + list(callbacks or []) + [self.history])
        callback_list.set_model(self)
        callback_list.set_params({
            "batch_size": batch_size, "epochs": epochs, "steps": steps_per_epoch,
            "samples": stream.num_samples, "verbose": verbose, "do_validation": bool(val),
            "metrics": callback_metrics})
        for cb in callback_list:
            cb.validation_data = val[0] + val[1] if val else None
        if val and verbose and steps_per_epoch is None:
            print(f"Train on {stream.num_samples} samples, validate on {len(val[0][0])} samples")

        val_stream = BatchStream(val[0] + val[1] + val[2], batch_size, False,
                                 validation_steps) if val else None
        with thread_policy(self._parameter_count(), batch_size), gc_paused():
            self._fit_loop(stream, val_stream, callback_list, initial_epoch, epochs,
                           validation_freq, len(xs), n_out, any(w is not None for w in sws))
        return self.history

    def _fit_loop(self, stream, val_stream, callback_list, initial_epoch, epochs,
                  validation_freq, n_in, n_out, weighted):
        objective = self._ensure_objective()
        out_labels = list(objective.names)
        # Like TensorFlow on CPU, flush denormal floats to zero: optimizer slots of dead units
        # decay into denormals, which make every later step many times slower.
        torch.set_flush_denormal(True)
        step = self._step()
        batch_logs_needed = callback_list.needs_batch_logs
        # Epochs whose logs only History records wait here, to be scored together.
        waiting = None if callback_list.needs_epoch_logs else _WaitingEpochs(out_labels)
        self.stop_training = False
        callback_list.on_train_begin()
        try:
            for epoch in range(initial_epoch, epochs):
                callback_list.on_epoch_begin(epoch)
                step.set_training(True)
                log = LogAccumulator(objective, per_batch=batch_logs_needed)
                if batch_logs_needed:
                    self._train_with_batch_callbacks(step, stream, callback_list, log, n_in,
                                                     n_out, out_labels)
                else:
                    step.train_epoch(stream.epoch(), n_in, n_out, weighted, log)
                step.set_training(False)
                val_log = None
                if val_stream is not None and self._should_validate(epoch, validation_freq):
                    val_log = score_batches(self._evaluation_step(), val_stream, n_in, n_out)
                if waiting is None:
                    train_means, val_means = epoch_means([log, val_log])
                    callback_list.on_epoch_end(epoch, _epoch_logs(out_labels, train_means,
                                                                  val_means))
                elif waiting.add(epoch, log, val_log) > PENDING_BYTES:
                    waiting.report(callback_list)
                if self.stop_training:
                    break
        finally:
            if waiting is not None:
                waiting.report(callback_list)
        callback_list.on_train_end()

    def _train_with_batch_callbacks(self, step, stream, callback_list, log, n_in, n_out,
                                    out_labels):
        for batch_index, batch in enumerate(stream.epoch()):
            size = batch[0].shape[0]
            callback_list.on_batch_begin(batch_index, {"batch": batch_index, "size": size})
            xb, yb, wb = split_batch(batch, n_in, n_out)
            outs, extra = step.train(xb, yb, wb)
            values = log.add(outs, yb, wb, extra, size)
            logs = {"batch": batch_index, "size": size}
            logs.update(zip(out_labels, values.tolist()))
            callback_list.on_batch_end(batch_index, logs)
            if self.stop_training:
                break

    @staticmethod
    def _should_validate(epoch, validation_freq):
        if isinstance(validation_freq, int):
            return (epoch + 1) % validation_freq == 0
        return (epoch + 1) in validation_freq

    def _split(self, xs, ys, sws, validation_split):
        arrays = xs + ys + sws
        train, val = data.split_validation(arrays, validation_split)
        nx, ny = len(xs), len(ys)
        return ((train[:nx], train[nx:nx + ny], train[nx + ny:]),
                (val[:nx], val[nx:nx + ny], val[nx + ny:]))

    def _validation_arrays(self, validation_data):
        if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
            count = len(validation_data) if isinstance(validation_data, (list, tuple)) else 1
            raise ValueError("When passing validation_data, it must contain 2 (x_val, y_val) or "
                             "3 (x_val, y_val, val_sample_weights) items, however it contains "
                             f"{count} items.")
        weights = validation_data[2] if len(validation_data) == 3 else None
        return self._standardize(validation_data[0], validation_data[1], weights)

    # ----------------------------------------------------------------- evaluate / predict
    def _test_arrays(self, xs, ys, sws, batch_size, steps=None, progbar=None):
        stream = BatchStream(xs + ys + sws, batch_size, False, steps)
        with thread_policy(self._parameter_count(), batch_size):
            return score_batches(self._evaluation_step(), stream, len(xs), len(ys),
                                 progbar).means()

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None):
        """Returns the loss (and metrics) on some data: a scalar, or a list per
        ``metrics_names``.

        Args:
            x: input data.
            y: target data.
            batch_size: samples per batch (default 32).
            verbose: 0 silent, 1 progress bar.
            sample_weight: per-sample weights of the loss.
            steps: number of batches to evaluate (default: all).
            callbacks: accepted for Keras 2.3 compatibility; test hooks are called.
        """
        batch_size = 32 if batch_size is None else int(batch_size)
        xs, ys, sws = self._standardize(x, y, sample_weight)
        progbar = Progbar(target=len(xs[0]) if steps is None else steps) if verbose == 1 \
            else None
        callback_list = CallbackList(list(callbacks or []))
        callback_list.set_model(self)
        callback_list.on_test_begin()
        values = self._test_arrays(xs, ys, sws, batch_size, steps, progbar)
        callback_list.on_test_end()
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None):
        """Returns the model's outputs for some inputs, as NumPy arrays.

        Args:
            x: input data: an array, a list of arrays, or a dict by input name.
            batch_size: samples per batch (default 32).
            verbose: 0 silent, 1 progress bar.
            steps: number of batches (default: all).
            callbacks: accepted for Keras 2.3 compatibility.
        """
        batch_size = 32 if batch_size is None else int(batch_size)
        xs = self._inputs(x)
        progbar = Progbar(target=len(xs[0])) if verbose == 1 else None
        with thread_policy(self._parameter_count(), min(batch_size, len(xs[0]))):
            outputs = predict_batches(self, xs, batch_size, steps, progbar)
        return outputs[0] if len(outputs) == 1 else outputs

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Class indices: argmax of the outputs, or ``output > 0.5`` for one sigmoid unit.

        Args:
            x: input data.
            batch_size: samples per batch.
            verbose: 0 silent, 1 progress bar.
        """
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """The outputs as probabilities (the same as ``predict``; warns when out of [0, 1]).

        Args:
            x: input data.
            batch_size: samples per batch.
            verbose: 0 silent, 1 progress bar.
        """
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.min() < 0.0 or proba.max() > 1.0:
            print("Network returning invalid probability values. The last layer might not "
                  "normalize predictions into probabilities (like softmax or sigmoid would).")
        return proba

    # ----------------------------------------------------------------- single batches
    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        """One gradient update on one batch; returns the loss (and metrics) of that batch.

        Args:
            x: input data.
            y: target data.
            sample_weight: per-sample weights.
            class_weight: dict class -> weight.
        """
        xs, ys, sws = self._standardize(x, y, sample_weight, class_weight)
        stream = BatchStream(xs + ys + sws, len(xs[0]), False, None)
        xb, yb, wb = split_batch(next(iter(stream.epoch())), len(xs), len(ys))
        step = self._step()
        step.set_training(True)
        try:
            outs, extra = step.train(xb, yb, wb)
        finally:
            step.set_training(False)
        log = LogAccumulator(self._ensure_objective(), per_batch=True)
        values = log.add(outs, yb, wb, extra, len(xs[0])).tolist()
        return values[0] if len(values) == 1 else values

    def test_on_batch(self, x, y, sample_weight=None):
        """Loss (and metrics) of one batch, without updating the weights.

        Args:
            x: input data.
            y: target data.
            sample_weight: per-sample weights.
        """
        xs, ys, sws = self._standardize(x, y, sample_weight)
        values = self._test_arrays(xs, ys, sws, max(len(xs[0]), 1))
        return values[0] if len(values) == 1 else values

    def predict_on_batch(self, x):
        """The outputs for one batch, as NumPy arrays.

        Args:
            x: input data.
        """
        xs = self._inputs(x)
        outputs = predict_batches(self, xs, max(len(xs[0]), 1), None, None)
        return outputs[0] if len(outputs) == 1 else outputs


def _epoch_logs(out_labels, train_means, val_means):
    logs = dict(zip(out_labels, train_means))
    if val_means is not None:
        logs.update(("val_" + k, v) for k, v in zip(out_labels, val_means))
    return logs


class _WaitingEpochs:
    """Finished epochs whose logs nobody reads until training ends (only History records
    them): their outputs are scored in one pass, then ``on_epoch_end`` is called for each.

    Args:
        out_labels: the logged names (``objective.names``).
    """

    def __init__(self, out_labels):
        self.out_labels = out_labels
        self.epochs = []
        self.pending_bytes = 0

    def add(self, epoch, log, val_log):
        """Keeps an epoch; returns the bytes of outputs now waiting to be scored."""
        self.epochs.append((epoch, log, val_log))
        self.pending_bytes += log.pending_bytes + (val_log.pending_bytes if val_log else 0)
        return self.pending_bytes

    def report(self, callback_list):
        """Scores the waiting epochs and calls ``on_epoch_end`` for each, in order."""
        means = epoch_means([log for _, train, val in self.epochs for log in (train, val)])
        for index, (epoch, _, _) in enumerate(self.epochs):
            callback_list.on_epoch_end(epoch, _epoch_logs(self.out_labels, means[2 * index],
                                                          means[2 * index + 1]))
        self.epochs, self.pending_bytes = [], 0
