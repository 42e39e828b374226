"""``FitMethods``: ``fit`` and ``fit_generator``, the training half of the Keras 2 API that
``Trainer`` gives every model: argument checks, the training and validation data sources, the
callbacks Keras 2 adds (progress bar, ``History``), and the loop inside a ``RuntimeScope``.

Example:
    >>> history = model.fit(x, y, batch_size=128, epochs=5, validation_split=0.2)  # doctest: +SKIP
"""
import contextlib

from cornu.callbacks import CallbackList, History, ProgbarLogger, keras2_validation_data
from cornu.training import loops
from cornu.training.arguments import check_keywords
from cornu.training.data import arrays as data
from cornu.training.data.array_adapter import ArrayAdapter
from cornu.training.data.sources import data_source, is_batch_source
from cornu.training.runtime import RuntimeScope
from cornu.utils.validation import positive_int

_FIT_KEYWORDS = ("x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
                 "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch",
                 "steps_per_epoch", "validation_steps", "validation_freq", "max_queue_size",
                 "workers", "use_multiprocessing")


class FitMethods:
    """Mixin of ``Trainer`` (which holds the compiled objective, the data standardisation and
    the step selection these methods use)."""

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
            validation, val_arrays = self._validation_source(
                validation_data, validation_steps, batch_size, max_queue_size, workers,
                use_multiprocessing)
        elif validation_split and validation_split > 0:
            (xs, ys, sws), val_arrays = self._split(xs, ys, sws, validation_split)
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
            validation, validation_arrays = self._validation_source(
                validation_data, validation_steps, 32, max_queue_size, workers,
                use_multiprocessing)
        return self._run_fit(train, validation, epochs, verbose, callbacks, initial_epoch,
                             validation_freq, None, validation_arrays=validation_arrays)

    def _validation_source(self, validation_data, steps, batch_size, max_queue_size, workers,
                           use_multiprocessing):
        """The source of ``validation_data`` (a generator or ``Sequence``, or arrays), and its
        standardized arrays (None for a generator)."""
        if is_batch_source(validation_data):
            return self._generator_source(validation_data, steps, max_queue_size, workers,
                                          use_multiprocessing, "validation_steps"), None
        arrays = self._validation_arrays(validation_data)
        return ArrayAdapter(*arrays, batch_size, steps=steps), arrays

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
        with train, (validation or contextlib.nullcontext()), \
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
