"""A hand-derived training step for the textbooks' most common model: a stack of Dense layers.

For a chain of ``Dense`` / ``Activation`` / ``Dropout`` layers with a standard loss, the
gradients are written out directly (two matrix products per layer) instead of recording an
autograd graph, straight into the optimizer's flat gradient buffer. The maths is the same as
the general step (tests compare the two); on small models, where the fixed cost of each torch
operation dominates, it is several times faster, so every operation here is counted: in-place
activations, 0-d tensor factors instead of Python scalars, nothing allocated that can be reused.

Example:
    >>> step = DenseStackStep.maybe(model, objective, optimizer, params, infos)  # doctest: +SKIP
    >>> outputs = step.train_batches(batches)  # doctest: +SKIP
"""
import numpy as np
import torch

from cornu import activations, losses
from cornu.backend.config import epsilon
from cornu.engine.linear_kernels import numpy_max_rows, onednn_linear, onednn_min_rows
from cornu.layers.core import Activation, Dense, Dropout

aten = torch.ops.aten


def _relu_backward(grad, out):
    return aten.threshold_backward.grad_input(grad, out, 0.0, grad_input=grad)


def _sigmoid_backward(grad, out):
    return aten.sigmoid_backward.grad_input(grad, out, grad_input=grad)


def _tanh_backward(grad, out):
    return aten.tanh_backward.grad_input(grad, out, grad_input=grad)


def _softmax_backward(grad, out):
    return aten._softmax_backward_data(grad, out, -1, out.dtype)


# activation -> (in-place forward on a fresh pre-activation, backward(grad, output) that may
# overwrite ``grad``).
_ACTIVATIONS = {
    activations.linear: (None, None),
    activations.relu: (torch.relu_, _relu_backward),
    activations.sigmoid: (torch.sigmoid_, _sigmoid_backward),
    activations.tanh: (torch.tanh_, _tanh_backward),
    activations.softmax: (lambda z: torch.softmax(z, -1), _softmax_backward),
}
# Memory for one layer's outputs when evaluating many rows at once.
_CALL_BYTES = 4 * 2 ** 20
_LOSSES = {losses.mean_squared_error, losses.mean_absolute_error, losses.binary_crossentropy,
           losses.categorical_crossentropy, losses.sparse_categorical_crossentropy}


class _Buffers:
    """Work tensors reused from step to step, one set per batch size (allocating and freeing
    a tensor costs about as much as a small operation).

    Args:
        make: function ``rows -> tuple of tensors``.
    """

    def __init__(self, make):
        self.make = make
        self.sets = {}

    def __call__(self, rows):
        tensors = self.sets.get(rows)
        if tensors is None:
            if len(self.sets) >= 4:  # batch sizes keep changing (train_on_batch): keep a few
                self.sets.clear()
            tensors = self.sets[rows] = self.make(rows)
        return tensors


class _OutputGradient:
    """dLoss/dz of the last layer's pre-activation ``z`` (dLoss/da when it is linear).

    Keras 2 clips probabilities to ``[eps, 1 - eps]`` before the log; the clip's gradient is
    zero outside that range, which ``hardtanh_backward`` applies in one operation (with bounds
    one float below/above, so that values exactly on a bound keep their gradient as in Keras).

    Args:
        loss: the loss function.
        act: the last layer's activation.
        width: units of the output.
        like: a tensor of the parameters' dtype and device.
    """

    def __init__(self, loss, act, width, like):
        self.loss, self.act, self.width = loss, act, width
        self.backward = _ACTIVATIONS[act][1]
        eps = np.float32(epsilon())
        self.low = float(np.nextafter(eps, np.float32(0)))
        self.high = float(np.nextafter(np.float32(1) - eps, np.float32(2)))
        self.eps = eps
        scale = {losses.mean_squared_error: 2.0 / width,
                 losses.mean_absolute_error: 1.0 / width,
                 losses.binary_crossentropy: 1.0 / width}.get(loss, 1.0)
        # per batch size: the gradient, a work tensor, and scale / rows as a 0-d tensor
        # (tensor factors cost less than Python scalars)
        self.buffers = _Buffers(lambda rows: (like.new_empty((rows, width)),
                                              like.new_empty((rows, width)),
                                              like.new_tensor(scale / rows)))

    def _activation_backward(self, grad, a):
        return grad if self.backward is None else self.backward(grad, a)

    def __call__(self, a, y):
        grad, work, factor = self.buffers(a.shape[0])
        loss, act = self.loss, self.act
        if loss is losses.mean_squared_error:
            return self._activation_backward(torch.sub(a, y, out=grad).mul_(factor), a)
        if loss is losses.mean_absolute_error:
            return self._activation_backward(torch.sub(a, y, out=grad).sign_().mul_(factor), a)
        if loss is losses.binary_crossentropy:
            if act is activations.sigmoid:
                torch.sub(a, y, out=grad)
                return self._unclipped(grad, a, grad).mul_(factor)
            c = a.clamp(self.eps, 1 - self.eps)
            grad = self._unclipped((c - y) / (c * (1 - c)), a, grad)
            return self._activation_backward(grad.mul_(factor), a)
        if loss is losses.sparse_categorical_crossentropy:
            y = torch.nn.functional.one_hot(y.reshape(-1).long(), self.width).to(a.dtype)
        if act is activations.softmax:
            kept = self._unclipped(y, a, work)
            return torch.mul(a, kept.sum(-1, keepdim=True), out=grad).sub_(kept).mul_(factor)
        total = a.sum(-1, keepdim=True)
        q = a / total
        c = q.clamp(self.eps, 1 - self.eps)
        grad_q = self._unclipped(-y / c, q, work)
        grad = (grad_q - (grad_q * q).sum(-1, keepdim=True)) / total
        return self._activation_backward(grad.mul_(factor), a)

    def _unclipped(self, grad, p, out):
        """``grad`` where ``eps <= p <= 1 - eps``, else 0, written into ``out``."""
        return aten.hardtanh_backward.grad_input(grad, p, self.low, self.high, grad_input=out)


class _DenseOp:
    """One Dense layer (with its activation) in the step: forward, and backward into buffers.

    Products go to the kernel that is fastest for their size (``linear_kernels``): NumPy's
    BLAS on the same memory for tiny ones, torch's BLAS, or oneDNN for large forward products.

    Args:
        layer: the ``Dense`` layer.
        act: its activation (or that of the ``Activation`` layer folded into it).
        grads: dict ``id(param) -> gradient buffer view`` of the trainable parameters.
        keeps_output: whether its outputs outlive the step (the model's outputs, kept for
            the epoch's logs): they are then fresh tensors, not reused buffers.
    """

    def __init__(self, layer, act, grads, keeps_output):
        self.kernel, self.bias = layer.kernel, layer.bias
        self.kernel_t = self.kernel.t()
        self.activate, self.activation_backward = _ACTIVATIONS[act]
        self.grad_kernel = grads.get(id(self.kernel))
        self.grad_bias = None if self.bias is None else grads.get(id(self.bias))
        self.min_onednn_rows = onednn_min_rows(self.kernel)
        self.max_numpy_rows = numpy_max_rows(self.kernel)
        if self.max_numpy_rows:
            # NumPy views of the same memory (the optimizer updates it in place)
            self.kernel_np = self.kernel.detach().numpy()
            self.kernel_t_np = self.kernel_np.T
            for name in ("grad_kernel", "grad_bias"):
                tensor = getattr(self, name)
                setattr(self, name + "_np", None if tensor is None else tensor.numpy())
        self.keeps_output = keeps_output
        self.buffers = _Buffers(self._new_buffers)
        self.inputs = self.inputs_np = self.outputs = None

    def _new_buffers(self, rows):
        """Per batch size: the outputs, the inputs' gradient, their NumPy views, and ones."""
        inputs, units = self.kernel.shape
        out = self.kernel.new_empty((rows, units))
        grad_in = self.kernel.new_empty((rows, inputs))
        numpy = rows <= self.max_numpy_rows
        return (out, grad_in, out.numpy() if numpy else None,
                grad_in.numpy() if numpy else None,
                np.ones(rows, dtype=np.float32) if numpy else None)

    def forward(self, x):
        rows = x.shape[0]
        if rows <= self.max_numpy_rows:
            self.inputs_np = x.numpy()
            if self.keeps_output:
                z = torch.from_numpy(np.dot(self.inputs_np, self.kernel_np))
            else:
                buffers = self.buffers(rows)
                z = buffers[0]
                np.dot(self.inputs_np, self.kernel_np, out=buffers[2])
            if self.bias is not None:
                z.add_(self.bias)
            out = z if self.activate is None else self.activate(z)
        elif rows >= self.min_onednn_rows:
            z = onednn_linear(x, self.kernel, self.bias, self.activate is torch.relu_)
            out = z if self.activate in (None, torch.relu_) else self.activate(z)
        else:
            out = None if self.keeps_output else self.buffers(rows)[0]
            if self.bias is None:
                z = torch.mm(x, self.kernel, out=out)
            else:
                z = torch.addmm(self.bias, x, self.kernel, out=out)
            out = z if self.activate is None else self.activate(z)
        self.inputs, self.outputs = x, out
        return out

    def backward(self, grad, activated, input_grad, descent_rate=None):
        """Writes this layer's gradients; returns dLoss/d(inputs) when ``input_grad``.

        Args:
            grad: dLoss/d(outputs), or dLoss/dz when ``activated`` is False (may be
                overwritten).
            activated: whether ``grad`` still has to go through the activation.
            input_grad: whether the gradient of the inputs is needed.
            descent_rate: when given (plain gradient descent, torch products only), the
                weights are updated here, ``w -= rate * dLoss/dw``, inside the products,
                instead of writing their gradients.
        """
        if activated and self.activation_backward is not None:
            grad = self.activation_backward(grad, self.outputs)
        rows = grad.shape[0]
        if rows <= self.max_numpy_rows:
            return self._numpy_backward(grad.numpy(), rows, input_grad)
        # the inputs' gradient first: it needs the kernel before any update
        result = torch.mm(grad, self.kernel_t, out=self.buffers(rows)[1]) if input_grad \
            else None
        if descent_rate is None:
            if self.grad_kernel is not None:
                torch.mm(self.inputs.t(), grad, out=self.grad_kernel)
            if self.grad_bias is not None:
                torch.sum(grad, 0, out=self.grad_bias)
        else:
            if self.grad_kernel is not None:
                self.kernel.addmm_(self.inputs.t(), grad, alpha=-descent_rate)
            if self.grad_bias is not None:
                self.bias.add_(grad.sum(0), alpha=-descent_rate)
        return result

    def _numpy_backward(self, grad, rows, input_grad):
        _, grad_in, _, grad_in_np, ones = self.buffers(rows)
        if self.grad_kernel is not None:
            np.dot(self.inputs_np.T, grad, out=self.grad_kernel_np)
        if self.grad_bias is not None:
            np.dot(ones, grad, out=self.grad_bias_np)  # column sums
        if not input_grad:
            return None
        np.dot(grad, self.kernel_t_np, out=grad_in_np)
        return grad_in


class _DropoutOp:
    """Inverted dropout: keeps each unit with probability ``1 - rate``, scaled up to match."""

    def __init__(self, rate):
        self.keep = 1.0 - rate
        self.mask = None

    def forward(self, x):
        self.mask = torch.empty_like(x).bernoulli_(self.keep).div_(self.keep)
        return x * self.mask

    def backward(self, grad, activated, input_grad, descent_rate=None):
        return grad.mul_(self.mask)


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
        if isinstance(layer, Dense) and layer.activation in _ACTIVATIONS:
            plan.append(("dense", layer, layer.activation))
        elif isinstance(layer, Activation) and layer.activation in _ACTIVATIONS \
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
        self.ops = [_DenseOp(layer, act, {}, index == len(dense) - 1)
                    for index, (_, layer, act) in enumerate(dense)]
        widest = max(max(op.kernel.shape) for op in self.ops)
        #: rows per call that keep each layer's outputs within a few megabytes
        self.rows_per_call = max(1, _CALL_BYTES // (4 * widest))

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
        self.ops = [_DenseOp(entry[1], entry[2], by_param, index == last)
                    if entry[0] == "dense" else _DropoutOp(entry[1])
                    for index, entry in enumerate(plan)]
        self.output_gradient = _OutputGradient(loss, plan[-1][2], plan[-1][1].units, params[0])
        # batches of more rows than this have every product on torch's kernels
        self.max_numpy_rows = max(op.max_numpy_rows for op in self.ops
                                  if isinstance(op, _DenseOp))
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
        if len(objective.loss_fns) != 1 or objective.loss_fns[0] not in _LOSSES \
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
        # plain gradient descent is applied inside the gradient products (torch's kernels)
        rate = None if x.shape[0] <= self.max_numpy_rows else \
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
        with self.optimizer.counting_steps_at_exit(), torch.inference_mode():
            return [self._train(x, y) for x, y in batches]
