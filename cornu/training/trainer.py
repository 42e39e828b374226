"""The Keras 2 training API of every model: ``compile``, ``fit``, ``evaluate``, ``predict``
(and their ``*_generator`` and ``*_on_batch`` forms).

The methods check their arguments, turn the data into a ``DataAdapter`` (arrays, generators,
``Sequence``), pick the step (``steps.select``) and run the loops (``loops``) inside a
``RuntimeScope``.

Example:
    >>> model.compile('rmsprop', 'categorical_crossentropy', metrics=['accuracy'])  # doctest: +SKIP
    >>> history = model.fit(x, y, batch_size=128, epochs=5)  # doctest: +SKIP
"""
import torch

from cornu import optimizers as optimizers_module
from cornu.callbacks import CallbackList, History, ProgbarLogger, keras2_validation_data
from cornu.graph.op_layer import GradientOp
from cornu.training import loops
from cornu.training.arguments import check_keywords
from cornu.utils.validation import positive_int
from cornu.training.data import arrays as data
from cornu.training.data.array_adapter import ArrayAdapter
from cornu.training.data.sources import data_source, is_batch_source
from cornu.training.epoch_logs import LogAccumulator
from cornu.training.objective import CompiledObjective, output_masks
from cornu.training.runtime import RuntimeScope
from cornu.training.steps.select import select_step
from cornu.utils.progbar import Progbar

_COMPILE_KEYWORDS = ("optimizer", "loss", "metrics", "loss_weights", "sample_weight_mode",
                     "weighted_metrics", "target_tensors", "run_eagerly", "jit_compile",
                     "steps_per_execution")
_FIT_KEYWORDS = ("x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
                 "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch",
                 "steps_per_epoch", "validation_steps", "validation_freq", "max_queue_size",
                 "workers", "use_multiprocessing")


def _single(outputs):
    return outputs[0] if len(outputs) == 1 else outputs


class Trainer:
    """Mixin giving a model the Keras 2 training and inference methods."""

    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.loss_weights = None
        self.metrics = None
        self.history = None
        self.stop_training = False
        self.sample_weight_mode = None
        self.run_eagerly = False
        self.jit_compile = False
        self._compile_args = None
        self._objective = None
        self._parameter_total = None
        self._gradient_outputs = None
        self._compiled_steps = {}

    # ----------------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                run_eagerly=None, jit_compile=None, steps_per_execution=None, **kwargs):
        """Configures the model for training.

        Args:
            optimizer: an optimizer name (``'rmsprop'``) or instance (``SGD(lr=0.01)``).
            loss: a loss name or function, or a list/dict with one per output.
            metrics: a list of metric names or functions (``['accuracy']``), or a dict per
                output (a name, or a list of them).
            loss_weights: scalar weights of each output's loss (list or dict).
            sample_weight_mode: None, or ``'temporal'`` for per-timestep weights.
            weighted_metrics: metrics computed with sample weights.
            target_tensors: not supported (Keras 2 TensorFlow feature); must be None.
            run_eagerly: train with the reference step (autograd) whatever the model.
            jit_compile: train with the forward pass and loss compiled by ``torch.compile``.
            steps_per_execution: 1 (or None): each batch is one step.
        """
        check_keywords(kwargs, _COMPILE_KEYWORDS, "compile")
        if target_tensors is not None:
            raise ValueError("target_tensors binds TensorFlow tensors in Keras 2; cornu feeds "
                             "targets through fit(x, y). Remove target_tensors.")
        if run_eagerly and jit_compile:
            raise ValueError("compile(run_eagerly=True, jit_compile=True): pick one. "
                             "run_eagerly trains with the plain autograd step, jit_compile "
                             "with the step compiled by torch.compile.")
        if steps_per_execution not in (None, 1):
            raise ValueError(f"steps_per_execution={steps_per_execution!r}: cornu runs every "
                             "batch as its own step (and calls batch callbacks after each). "
                             "Remove the argument or pass 1.")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss, self.loss_weights, self.metrics = loss, loss_weights, metrics or []
        self.sample_weight_mode = sample_weight_mode
        self.run_eagerly, self.jit_compile = bool(run_eagerly), bool(jit_compile)
        self._compile_args = (loss, metrics, loss_weights, weighted_metrics)
        self._objective = None
        self._compiled_steps = {}
        if self.built:
            self._ensure_objective()

    def _structure_changed(self):
        """Forgets what depends on the model's structure (layers added or removed)."""
        self._objective = None
        self._parameter_total = None
        self._gradient_outputs = None
        self._compiled_steps = {}

    def _has_gradient_outputs(self):
        """Whether the graph holds ``K.gradients`` nodes (prediction then needs autograd)."""
        if self._gradient_outputs is None:
            self._gradient_outputs = any(isinstance(layer, GradientOp) for layer in self.layers)
        return self._gradient_outputs

    def _work_per_sample(self):
        """Scalars in all weights (multiply-adds per sample, roughly), cached."""
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

    def _step(self, training=True):
        """The step for this call (chosen afresh: see ``steps.select``; a compiled step is
        kept while the model stays the same)."""
        step = select_step(self, self._ensure_objective(), self.optimizer if training else None,
                           run_eagerly=self.run_eagerly, jit_compile=self.jit_compile,
                           previous=self._compiled_steps.get(training))
        if self.jit_compile:
            self._compiled_steps[training] = step
        return step

    # ----------------------------------------------------------------- data
    def _build_from_data(self, x):
        if not self.built:
            self.build((None,) + data.sample_shape(x))

    def _inputs(self, x, what="x"):
        self._build_from_data(x)
        dtypes = [t.dtype for t in self.inputs]
        return data.standardize(x, self.input_names, [t.shape for t in self.inputs], "input",
                                dtypes, argument=what)

    def _targets(self, y):
        objective = self._ensure_objective()
        return data.standardize(y, self.output_names,
                                data.target_shapes(objective.loss_fns,
                                                   [t.shape for t in self.outputs]),
                                "target", hint=data.categorical_hint(objective.loss_fns),
                                argument="y")

    def _standardize(self, x, y, sample_weight=None, class_weight=None, method="fit"):
        if y is None:
            raise ValueError(f"{method}() needs the targets too: call {method}(x, y), with y "
                             "holding one target per sample (or pass a generator or Sequence "
                             "yielding (x, y) batches as x).")
        xs = self._inputs(x)
        ys = self._targets(y)
        sws = data.sample_weights(sample_weight, class_weight, ys, self.output_names,
                                  self._weight_modes())
        data.check_lengths(xs, ys, sws)
        data.check_not_empty(xs, method)
        return xs, ys, sws

    def _weight_modes(self):
        """``compile(sample_weight_mode=...)`` spread over the outputs (a value, list or dict)."""
        mode = self.sample_weight_mode
        names = self.output_names
        if isinstance(mode, dict):
            return [mode.get(name) for name in names]
        if isinstance(mode, (list, tuple)):
            return list(mode)
        return [mode] * len(names)

    def _batch_standardizer(self, with_targets=True):
        """A function checking one generator batch ``(x, y[, sample_weight])`` as ``fit`` does
        arrays; returns ``(xs, ys, sws)`` lists of arrays."""
        def standardize(x, y=None, sample_weight=None, class_weight=None):
            xs = self._inputs(x)
            if not with_targets:
                return xs, [], []
            ys = self._targets(y)
            sws = data.sample_weights(sample_weight, class_weight, ys, self.output_names,
                                      self._weight_modes())
            data.check_lengths(xs, ys, sws)
            return xs, ys, sws
        return standardize

    # ----------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_freq=1, max_queue_size=10, workers=1, use_multiprocessing=False,
            **kwargs):
        """Trains the model for a number of epochs and returns a ``History``.

        Args:
            x: input data: an array, a list of arrays, or a dict by input name; or a
                generator, ``keras.utils.Sequence`` or iterable yielding ``(x, y)`` or
                ``(x, y, sample_weight)`` batches (then ``y`` must be None).
            y: target data, likewise.
            batch_size: samples per gradient update (default 32).
            epochs: index of the last epoch to train (counting from ``initial_epoch``).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch.
            callbacks: a list of ``Callback`` instances.
            validation_split: fraction of the data (taken from the end) to validate on.
            validation_data: ``(x_val, y_val)``, ``(x_val, y_val, sample_weight_val)``, or a
                generator / ``Sequence`` of validation batches.
            shuffle: shuffle the samples each epoch (True), by batch chunks (``'batch'``), or
                not; for a ``Sequence``, the order of its batches.
            class_weight: dict class index -> weight, scaling the loss per sample.
            sample_weight: per-sample (or per-timestep) loss weights.
            initial_epoch: the epoch to start counting from (to resume training).
            steps_per_epoch: batches per epoch (default: one pass over the data).
            validation_steps: batches of validation per epoch (default: all).
            validation_freq: validate every N epochs, or at the listed epochs (1-based).
            max_queue_size: batches a generator may prepare ahead (background loading).
            workers: threads (or processes) preparing batches of a generator; 0 prepares
                them on the training thread.
            use_multiprocessing: prepare generator batches in processes rather than threads.
        """
        check_keywords(kwargs, _FIT_KEYWORDS, "fit")
        if is_batch_source(x):
            if y is not None:
                raise ValueError("fit(x=generator, y=...): a generator or Sequence yields its "
                                 "own targets; leave y=None.")
            return self.fit_generator(
                x, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                callbacks=callbacks, validation_data=validation_data,
                validation_steps=validation_steps, validation_freq=validation_freq,
                class_weight=class_weight, max_queue_size=max_queue_size, workers=workers,
                use_multiprocessing=use_multiprocessing, shuffle=shuffle,
                initial_epoch=initial_epoch)
        batch_size = 32 if batch_size is None else positive_int(batch_size, "batch_size")
        xs, ys, sws = self._standardize(x, y, sample_weight, class_weight)
        data.warn_non_finite(xs + ys, ["x"] * len(xs) + ["y"] * len(ys), self.input_names +
                             self.output_names)
        validation, val_arrays = None, None
        if validation_data is not None:
            if is_batch_source(validation_data):
                validation = self._generator_source(validation_data, validation_steps,
                                                    max_queue_size, workers,
                                                    use_multiprocessing, "validation_steps")
            else:
                val_arrays = self._validation_arrays(validation_data)
        elif validation_split and validation_split > 0:
            (xs, ys, sws), val_arrays = self._split(xs, ys, sws, validation_split)
        if val_arrays is not None:
            validation = ArrayAdapter(*val_arrays, batch_size, steps=validation_steps)
        train = ArrayAdapter(xs, ys, sws, batch_size, shuffle, steps_per_epoch)
        if val_arrays is not None and verbose and steps_per_epoch is None:
            print(f"Train on {train.num_samples} samples, validate on "
                  f"{validation.num_samples} samples")
        return self._run_fit(train, validation, epochs, verbose, callbacks, initial_epoch,
                             validation_freq, batch_size,
                             validation_arrays=val_arrays)

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      validation_freq=1, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        """Trains the model on batches from a generator, a ``Sequence`` or an iterable.

        Args:
            generator: yields ``(x, y)`` or ``(x, y, sample_weight)`` batches; a Python
                generator runs forever by convention, so ``steps_per_epoch`` is needed.
            steps_per_epoch: batches per epoch (default: ``len(generator)`` for a
                ``Sequence`` or any sized iterable).
            epochs: index of the last epoch to train.
            verbose: 0 silent, 1 progress bar (counting steps), 2 one line per epoch.
            callbacks: a list of ``Callback`` instances.
            validation_data: a generator/``Sequence`` of validation batches, or arrays
                ``(x_val, y_val[, sample_weight_val])``.
            validation_steps: validation batches per epoch (needed for a generator).
            validation_freq: validate every N epochs, or at the listed epochs (1-based).
            class_weight: dict class index -> weight.
            max_queue_size: batches prepared ahead in the background.
            workers: threads (or processes) preparing batches; 0 prepares them on the
                training thread.
            use_multiprocessing: prepare batches in processes rather than threads.
            shuffle: for a ``Sequence``, shuffle the order of its batches each epoch.
            initial_epoch: the epoch to start counting from.
        """
        train = self._generator_source(generator, steps_per_epoch, max_queue_size, workers,
                                       use_multiprocessing, "steps_per_epoch",
                                       shuffle=shuffle, class_weight=class_weight)
        validation, validation_arrays = None, None
        if validation_data is not None:
            if is_batch_source(validation_data):
                validation = self._generator_source(validation_data, validation_steps,
                                                    max_queue_size, workers,
                                                    use_multiprocessing, "validation_steps")
            else:
                xs, ys, sws = self._validation_arrays(validation_data)
                validation = ArrayAdapter(xs, ys, sws, 32, steps=validation_steps)
                validation_arrays = xs, ys, sws
        return self._run_fit(train, validation, epochs, verbose, callbacks, initial_epoch,
                             validation_freq, None, validation_arrays=validation_arrays)

    def _generator_source(self, source, steps, max_queue_size, workers, use_multiprocessing,
                          steps_name, shuffle=False, class_weight=None, with_targets=True):
        return data_source(source, self._batch_standardizer(with_targets), steps, steps_name,
                           shuffle=shuffle, class_weight=class_weight,
                           max_queue_size=max_queue_size, workers=workers,
                           use_multiprocessing=use_multiprocessing, with_targets=with_targets)

    def _run_fit(self, train, validation, epochs, verbose, callbacks, initial_epoch,
                 validation_freq, batch_size, validation_arrays=None):
        objective = self._ensure_objective()
        self.history = History(spelling=objective)
        count_steps = train.num_samples is None or train.steps is not None
        callback_list = [ProgbarLogger("steps" if count_steps else "samples")] if verbose \
            else []
        callback_list = CallbackList(callback_list + list(callbacks or []) + [self.history])
        callback_list.set_model(self)
        names = list(objective.names)
        callback_list.set_params({
            "batch_size": batch_size, "epochs": epochs, "steps": train.steps,
            "samples": train.num_samples, "verbose": verbose,
            "do_validation": validation is not None,
            "metrics": names + (["val_" + n for n in names] if validation is not None else [])})
        validation_data = None if validation_arrays is None else \
            keras2_validation_data(*validation_arrays, self._weight_modes())
        for callback in callback_list:
            callback.validation_data = validation_data
        step = self._step()
        rows = batch_size or 32
        with train, (validation or _NoData()), \
                RuntimeScope(rows * self._work_per_sample(), training=True) as runtime:
            loops.fit_loop(self, step, train, validation, callback_list, epochs,
                           initial_epoch, validation_freq, self._step(training=False),
                           history_only=len(callback_list) == 1, tuner=runtime.tuner)
        return self.history

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
        return self._standardize(validation_data[0], validation_data[1], weights,
                                 method="fit(validation_data=...)")

    # ----------------------------------------------------------------- evaluate
    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, max_queue_size=10, workers=1,
                 use_multiprocessing=False):
        """Returns the loss (and metrics) on some data: a scalar, or a list per
        ``metrics_names``.

        Args:
            x: input data, or a generator / ``Sequence`` of ``(x, y)`` batches.
            y: target data (None for a generator).
            batch_size: samples per batch (default 32).
            verbose: 0 silent, 1 progress bar.
            sample_weight: per-sample weights of the loss.
            steps: number of batches to evaluate (default: all).
            callbacks: callbacks whose ``on_test_*`` hooks are called.
            max_queue_size: batches a generator may prepare ahead.
            workers: threads (or processes) preparing generator batches.
            use_multiprocessing: prepare generator batches in processes.
        """
        if is_batch_source(x):
            return self.evaluate_generator(x, steps=steps, callbacks=callbacks,
                                           max_queue_size=max_queue_size, workers=workers,
                                           use_multiprocessing=use_multiprocessing,
                                           verbose=verbose)
        batch_size = 32 if batch_size is None else positive_int(batch_size, "batch_size")
        xs, ys, sws = self._standardize(x, y, sample_weight, method="evaluate")
        return self._run_test(ArrayAdapter(xs, ys, sws, batch_size, steps=steps), verbose,
                              callbacks, batch_size)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        """The loss (and metrics) over batches from a generator, ``Sequence`` or iterable.

        Args:
            generator: yields ``(x, y)`` or ``(x, y, sample_weight)`` batches.
            steps: batches to evaluate (default: ``len(generator)`` when it has one).
            callbacks: callbacks whose ``on_test_*`` hooks are called.
            max_queue_size: batches prepared ahead in the background.
            workers: threads (or processes) preparing batches; 0 for none.
            use_multiprocessing: prepare batches in processes rather than threads.
            verbose: 0 silent, 1 progress bar (counting steps).
        """
        source = self._generator_source(generator, steps, max_queue_size, workers,
                                        use_multiprocessing, "steps")
        return self._run_test(source, verbose, callbacks, None)

    def _run_test(self, source, verbose, callbacks, batch_size):
        progbar, callback_list = self._call_reporters(source, verbose, callbacks, "test")
        step = self._step(training=False)
        with source, RuntimeScope((batch_size or 32) * self._work_per_sample()):
            log = loops.test_loop(step, source, progbar, callback_list)
        if callback_list is not None:
            callback_list.on_test_end()
        return _single(log.means())

    def _call_reporters(self, source, verbose, callbacks, kind):
        """The progress bar (verbose 1) and callback list (its ``on_<kind>_begin`` called) of
        an ``evaluate`` (``kind='test'``) or ``predict`` call; None where there is none."""
        target = source.num_samples if source.steps is None else source.steps
        progbar = Progbar(target=target) if verbose == 1 else None
        if not callbacks:
            return progbar, None
        callback_list = CallbackList(list(callbacks))
        callback_list.set_model(self)
        getattr(callback_list, f"on_{kind}_begin")()
        return progbar, callback_list

    # ----------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None,
                max_queue_size=10, workers=1, use_multiprocessing=False):
        """Returns the model's outputs for some inputs, as NumPy arrays.

        Args:
            x: input data: an array, a list of arrays, or a dict by input name; or a
                generator / ``Sequence`` of input batches.
            batch_size: samples per batch (default 32).
            verbose: 0 silent, 1 progress bar.
            steps: number of batches (default: all).
            callbacks: callbacks whose ``on_predict_*`` hooks are called.
            max_queue_size: batches a generator may prepare ahead.
            workers: threads (or processes) preparing generator batches.
            use_multiprocessing: prepare generator batches in processes.
        """
        if is_batch_source(x):
            return self.predict_generator(x, steps=steps, callbacks=callbacks,
                                          max_queue_size=max_queue_size, workers=workers,
                                          use_multiprocessing=use_multiprocessing,
                                          verbose=verbose)
        batch_size = 32 if batch_size is None else positive_int(batch_size, "batch_size")
        xs = self._inputs(x)
        data.check_not_empty(xs, "predict")
        rows = len(xs[0])
        if steps is None and rows <= batch_size and not verbose and not callbacks:
            return self._predict_one_batch(xs)
        return self._run_predict(ArrayAdapter(xs, [], [], batch_size, steps=steps), verbose,
                                 callbacks, min(batch_size, rows))

    def _predict_one_batch(self, xs):
        """``predict`` on data that fits in one batch: the leanest path (one row in a loop)."""
        tensors = [torch.from_numpy(x) for x in xs]
        with RuntimeScope(len(xs[0]) * self._work_per_sample()):
            return _single([out.numpy() for out in loops.predict_batch(self, tensors)])

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        """The model's outputs over batches from a generator, ``Sequence`` or iterable.

        Args:
            generator: yields input batches ``x`` (or ``(x, y)`` pairs, whose ``y`` is ignored).
            steps: batches to predict (default: ``len(generator)`` when it has one).
            callbacks: callbacks whose ``on_predict_*`` hooks are called.
            max_queue_size: batches prepared ahead in the background.
            workers: threads (or processes) preparing batches; 0 for none.
            use_multiprocessing: prepare batches in processes rather than threads.
            verbose: 0 silent, 1 progress bar (counting steps).
        """
        source = self._generator_source(generator, steps, max_queue_size, workers,
                                        use_multiprocessing, "steps", with_targets=False)
        return self._run_predict(source, verbose, callbacks, None)

    def _run_predict(self, source, verbose, callbacks, rows):
        progbar, callback_list = self._call_reporters(source, verbose, callbacks, "predict")
        with source, RuntimeScope((rows or 32) * self._work_per_sample()):
            outputs = loops.predict_loop(self, source, progbar, callback_list)
        if callback_list is not None:
            callback_list.on_predict_end()
        return _single(outputs)

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
        xs, ys, sws = self._standardize(x, y, sample_weight, class_weight, "train_on_batch")
        source = ArrayAdapter(xs, ys, sws, len(xs[0]))
        (xb, yb, wb), = source.epoch()
        step = self._step()
        with RuntimeScope(len(xs[0]) * self._work_per_sample(), training=True):
            outs, extra = step.train(xb, yb, wb)
        log = LogAccumulator(self._ensure_objective(), per_batch=True)
        return _single(log.add(outs, yb, wb, extra, len(xs[0]), output_masks(outs)).tolist())

    def test_on_batch(self, x, y, sample_weight=None):
        """Loss (and metrics) of one batch, without updating the weights.

        Args:
            x: input data.
            y: target data.
            sample_weight: per-sample weights.
        """
        xs, ys, sws = self._standardize(x, y, sample_weight, method="test_on_batch")
        return self._run_test(ArrayAdapter(xs, ys, sws, len(xs[0])), 0, None, len(xs[0]))

    def predict_on_batch(self, x):
        """The outputs for one batch, as NumPy arrays.

        Args:
            x: input data.
        """
        xs = self._inputs(x)
        data.check_not_empty(xs, "predict_on_batch")
        return self._predict_one_batch(xs)


class _NoData:
    """Stands in for an absent validation source in a ``with`` statement."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None
