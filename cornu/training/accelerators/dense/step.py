"""A hand-derived training step for the textbooks' most common model: a stack of Dense layers.

For a chain of ``Dense`` / ``Activation`` / ``Dropout`` layers with a standard loss, the
gradients are written out directly (two matrix products per layer, ``dense_ops``) instead of
recording an autograd graph, straight into the optimizer's flat gradient buffer; plain
gradient descent is even applied inside the products. The maths is the same as the general
step (tests compare the two). On small models, where the fixed cost of each torch call
dominates, it is several times faster, so every call here is counted: the loop runs in
inference mode, activations in place, factors are 0-d tensors, work tensors are reused.

Example:
    >>> step = DenseStackStep.maybe(model, objective, optimizer, params, infos)  # doctest: +SKIP
    >>> outputs = step.train_batches(batches)  # doctest: +SKIP
"""
import torch

from cornu import activations
from cornu.training.accelerators.dense.loss_gradient import SUPPORTED_LOSSES, OutputGradient
from cornu.training.accelerators.dense.ops import ACTIVATIONS, DenseOp, DropoutOp
from cornu.kernels.linear import numpy_blas_one_thread
from cornu.layers.core import Activation, Dense, Dropout

# Memory for one layer's outputs when evaluating many rows at once.
_CALL_BYTES = 4 * 2 ** 20


def _chain_layers(model):
    """The layers of a model that is a plain chain from one input to one output, else None.

    A ``Sequential`` is one; so is a functional model whose every layer takes the previous
    layer's output (``Model(x, Dense(10)(Dense(512)(x)))``).
    """
    if type(model).__name__ == "Sequential":
        return model.layers
    plan = getattr(model, "_plan", None)
    if type(model).__name__ != "Model" or plan is None or len(model.inputs) != 1 \
            or len(model.outputs) != 1:
        return None
    current, layers = id(model.inputs[0]), []
    for layer, kwargs, in_ids, out_ids in plan.steps:
        if kwargs or in_ids != [current] or len(out_ids) != 1:
            return None
        layers.append(layer)
        current = out_ids[0]
    if current != id(model.outputs[0]) or len({id(l) for l in layers}) != len(layers):
        return None  # a layer used twice needs its gradients summed: autograd does that
    return layers


def _plan(layers):
    """``[('dense', layer, activation) | ('dropout', rate)]`` for supported layers, else None."""
    plan = []
    for layer in layers:
        if getattr(layer, "activity_regularizer", None) is not None:
            return None
        if isinstance(layer, Dense) and layer.activation in ACTIVATIONS:
            plan.append(("dense", layer, layer.activation))
        elif isinstance(layer, Activation) and layer.activation in ACTIVATIONS \
                and plan and plan[-1][0] == "dense" and plan[-1][2] is activations.linear:
            plan[-1] = ("dense", plan[-1][1], layer.activation)
        elif isinstance(layer, Dropout) and layer.noise_shape is None:
            if layer.rate > 0:
                plan.append(("dropout", layer.rate))
        else:
            return None
    return plan if plan and plan[-1][0] == "dense" else None


def _supported_chain(model):
    """The plan of a model that is a plain chain of supported layers with one 2-D input."""
    layers = _chain_layers(model)
    if layers is None or len(model.inputs[0].shape) != 2:
        return None
    return _plan(layers)


class DenseStackForward:
    """Inference forward pass of a Dense stack, on the same kernels as the training step
    (dropout off), reusing its work tensors; the outputs are fresh tensors.

    Args:
        plan: list of ``('dense', layer, activation)`` and ``('dropout', rate)``.
    """

    def __init__(self, plan):
        dense = [entry for entry in plan if entry[0] == "dense"]
        self.ops = [DenseOp(layer, act, {}, index == len(dense) - 1)
                    for index, (_, layer, act) in enumerate(dense)]
        widest = max(max(op.kernel.shape) for op in self.ops)
        #: rows per call that keep each layer's outputs within a few megabytes
        self.rows_per_call = max(1, _CALL_BYTES // (4 * widest))
        self.threaded_numpy_rows = [op.threaded_numpy_rows for op in self.ops
                                    if op.threaded_numpy_rows]

    @classmethod
    def maybe(cls, model):
        """Returns a ``DenseStackForward`` for a model that is a supported Dense stack, else None.

        Args:
            model: the model.
        """
        plan = _supported_chain(model)
        return None if plan is None else cls(plan)

    def __call__(self, x):
        """The model's output for a 2-D input batch.

        Args:
            x: the input batch.
        """
        rows = x.shape[0]
        with numpy_blas_one_thread(any(rows in r for r in self.threaded_numpy_rows)):
            for op in self.ops:
                x = op.forward(x)
        return x


class DenseStackStep:
    """Training step with explicit gradients for Dense stacks (see the module docstring).

    Args:
        plan: list of ``('dense', layer, activation)`` and ``('dropout', rate)``.
        loss: the loss function (one of the Keras 2 built-ins this step knows).
        optimizer: the model's optimizer.
        params: the trainable parameters, in the order the optimizer expects.
        grads: the optimizer's gradient buffers for ``params`` (``gradient_buffers``).
    """

    def __init__(self, plan, loss, optimizer, params, grads):
        by_param = {id(p): g for p, g in zip(params, grads)}
        last = len(plan) - 1
        self.ops = [DenseOp(entry[1], entry[2], by_param, index == last)
                    if entry[0] == "dense" else DropoutOp(entry[1])
                    for index, entry in enumerate(plan)]
        self.output_gradient = OutputGradient(loss, plan[-1][2], plan[-1][1].units, params[0])
        dense = [op for op in self.ops if isinstance(op, DenseOp)]
        # batches of up to this many rows have every product on NumPy's BLAS
        self.all_numpy_rows = min(op.max_numpy_rows for op in dense)
        self.threaded_numpy = any(op.threaded_numpy_rows for op in dense)
        self.optimizer, self.params, self.grads = optimizer, params, grads
        # Backward order, with whether each op must pass a gradient on to its inputs.
        self.backward_ops = [(op, index > 0) for index, op in reversed(list(enumerate(self.ops)))]

    @classmethod
    def maybe(cls, model, objective, optimizer, params, infos):
        """Returns a ``DenseStackStep`` when the model and loss fit it, else None.

        Args:
            model: the model.
            objective: its ``CompiledObjective``.
            optimizer: its optimizer.
            params: the trainable parameters.
            infos: the model's weight records (for regularizers and constraints).
        """
        if len(objective.loss_fns) != 1 or objective.loss_fns[0] not in SUPPORTED_LOSSES \
                or objective.loss_weights != [1.0]:
            return None
        if any(i["regularizer"] or i["constraint"] or i["param"].dtype != torch.float32
               for i in infos):
            return None
        plan = _supported_chain(model)
        if plan is None or not params:
            return None
        grads = optimizer.gradient_buffers(params)
        if grads is None:
            return None
        return cls(plan, objective.loss_fns[0], optimizer, params, grads)

    def _train(self, x, y):
        a = x
        for op in self.ops:
            a = op.forward(a)
        grad = self.output_gradient(a, y)
        # Plain gradient descent is applied by the ops (inside torch's gradient products where
        # the kernel allows). When NumPy takes every product, one update of the flat buffers
        # is faster.
        rate = None if x.shape[0] <= self.all_numpy_rows else \
            self.optimizer.plain_descent_rate()
        activated = False  # the output gradient is already taken through the last activation
        for op, input_grad in self.backward_ops:
            grad = op.backward(grad, activated, input_grad, rate)
            activated = True
        if rate is None:
            self.optimizer.step(self.params, self.grads)
        else:
            self.optimizer.count_step()
        return a

    def train(self, x, y):
        """One update on a batch; returns the model output (for logging).

        Args:
            x: the input batch (2-D).
            y: the target batch.
        """
        return self.train_batches([(x, y)])[0]

    def train_batches(self, batches):
        """One update per ``(x, y)`` batch, in order; returns the outputs of each batch.

        Batches may be produced lazily (a batch is drawn only after the previous update). The
        loop runs in inference mode, where each torch call skips autograd's bookkeeping; the
        outputs are therefore inference tensors (read-only outside inference mode), and the
        weights and optimizer state, made outside it, stay normal tensors.

        Args:
            batches: iterable of ``(x, y)`` tensor pairs.
        """
        with self.optimizer.counting_steps_at_exit(), torch.inference_mode(), \
                numpy_blas_one_thread(self.threaded_numpy):
            return [self._train(x, y) for x, y in batches]
