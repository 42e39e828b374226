"""The Keras 2 training API of every model: ``compile``, ``fit``, ``evaluate``, ``predict``
(and their ``*_generator`` and ``*_on_batch`` forms). ``fit`` lives in ``fitting.py``,
``evaluate`` and ``predict`` in ``inference.py``; this module holds ``compile``, what both
halves share and the single-batch methods.

The methods check their arguments, turn the data into a ``DataAdapter`` (arrays, generators,
``Sequence``), pick the step (``steps.select``) and run the loops (``loops``) inside a
``RuntimeScope``.

Example:
    >>> model.compile('rmsprop', 'categorical_crossentropy', metrics=['accuracy'])  # doctest: +SKIP
    >>> history = model.fit(x, y, batch_size=128, epochs=5)  # doctest: +SKIP
"""

from cornu import optimizers as optimizers_module
from cornu.graph.op_layer import GradientOp
from cornu.training.arguments import check_keywords
from cornu.training.data import arrays as data
from cornu.training.data.array_adapter import ArrayAdapter
from cornu.training.epoch_logs import LogAccumulator
from cornu.training.fitting import FitMethods
from cornu.training.inference import InferenceMethods, single_output
from cornu.training.objective import CompiledObjective, output_masks
from cornu.training.runtime import RuntimeScope
from cornu.training.steps.select import select_step

_COMPILE_KEYWORDS = ("optimizer", "loss", "metrics", "loss_weights", "sample_weight_mode",
                     "weighted_metrics", "target_tensors", "run_eagerly", "jit_compile",
                     "steps_per_execution")


class Trainer(FitMethods, InferenceMethods):
    """Mixin giving a model the Keras 2 training and inference methods: ``compile`` and what
    ``FitMethods`` and ``InferenceMethods`` share (the objective, data standardisation, step
    selection), and the ``*_on_batch`` methods."""

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
        return single_output(log.add(outs, yb, wb, extra, len(xs[0]), output_masks(outs)).tolist())

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
