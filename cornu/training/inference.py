"""``InferenceMethods``: ``evaluate``, ``predict`` and their generator forms, plus Keras 2's
``predict_classes`` and ``predict_proba``: the inference half of the Keras 2 API that ``Trainer``
gives every model.

Example:
    >>> loss, accuracy = model.evaluate(x_test, y_test, verbose=0)  # doctest: +SKIP
    >>> probabilities = model.predict(x_test, batch_size=256)  # doctest: +SKIP
"""
import torch

from cornu.callbacks import CallbackList
from cornu.training import loops
from cornu.training.data import arrays as data
from cornu.training.data.array_adapter import ArrayAdapter
from cornu.training.data.sources import is_batch_source
from cornu.training.runtime import RuntimeScope
from cornu.utils.progbar import Progbar
from cornu.utils.validation import positive_int


def single_output(outputs):
    """Keras's return convention: the only output itself, else the list."""
    return outputs[0] if len(outputs) == 1 else outputs


class InferenceMethods:
    """Mixin of ``Trainer`` (which holds the compiled objective, the data standardisation and
    the step selection these methods use)."""

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
        return single_output(log.means())

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
            return single_output([out.numpy() for out in loops.predict_batch(self, tensors)])

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
        return single_output(outputs)

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
