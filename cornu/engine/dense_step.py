"""A hand-derived training step for the textbooks' most common model: a stack of Dense layers.

For a ``Sequential`` of ``Dense`` / ``Activation`` / ``Dropout`` layers with a standard loss,
the gradients are written out directly (two matrix products per layer) instead of recording an
autograd graph. The maths is the same as the general step (tests compare the two); on small
models, where per-operation overhead dominates, it is several times faster.

Example:
    >>> step = DenseStackStep.maybe(model, objective, optimizer)  # doctest: +SKIP
"""
import torch

from cornu import activations, losses
from cornu.backend.config import epsilon
from cornu.engine.linear_kernels import linear
from cornu.layers.core import Activation, Dense, Dropout

aten = torch.ops.aten

# activation -> (forward, backward(grad, output)); None means "not supported here".
_ACTIVATIONS = {
    activations.linear: (None, None),
    activations.relu: (torch.relu, lambda g, a: aten.threshold_backward(g, a, 0.0)),
    activations.sigmoid: (torch.sigmoid, aten.sigmoid_backward),
    activations.tanh: (torch.tanh, aten.tanh_backward),
    activations.softmax: (lambda z: torch.softmax(z, -1),
                          lambda g, a: aten._softmax_backward_data(g, a, -1, a.dtype)),
}
_LOSSES = {losses.mean_squared_error, losses.mean_absolute_error, losses.binary_crossentropy,
           losses.categorical_crossentropy, losses.sparse_categorical_crossentropy}


def _clipped(p):
    """Where Keras's clip to ``[eps, 1 - eps]`` changes ``p`` (its gradient is zero there)."""
    return p.clamp(epsilon(), 1 - epsilon()) != p


def _output_gradient(loss, act, a, y):
    """dLoss/dz for the last pre-activation ``z`` (or dLoss/da when ``act`` is linear)."""
    n, d = a.shape
    if loss is losses.mean_squared_error:
        return _act_backward(act, (a - y).mul_(2.0 / (n * d)), a)
    if loss is losses.mean_absolute_error:
        return _act_backward(act, (a - y).sign_().div_(n * d), a)
    if loss is losses.binary_crossentropy:
        if act is activations.sigmoid:
            return (a - y).masked_fill_(_clipped(a), 0.0).div_(n * d)
        c = a.clamp(epsilon(), 1 - epsilon())
        grad = ((c - y) / (c * (1 - c))).masked_fill_(c != a, 0.0).div_(n * d)
        return _act_backward(act, grad, a)
    if loss is losses.sparse_categorical_crossentropy:
        y = torch.nn.functional.one_hot(y.reshape(-1).long(), d).to(a.dtype)
    if act is activations.softmax:
        masked = y.masked_fill(_clipped(a), 0.0)
        return (a * masked.sum(-1, keepdim=True)).sub_(masked).div_(n)
    total = a.sum(-1, keepdim=True)
    q = a / total
    c = q.clamp(epsilon(), 1 - epsilon())
    grad_q = (-y / c).masked_fill_(c != q, 0.0)
    grad = (grad_q - (grad_q * q).sum(-1, keepdim=True)) / total
    return _act_backward(act, grad.div_(n), a)


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


def _act_backward(act, grad, a):
    backward = _ACTIVATIONS[act][1]
    return grad if backward is None else backward(grad, a)


class DenseStackStep:
    """Training step with explicit gradients for Dense stacks (see the module docstring).

    Args:
        plan: list of ``('dense', layer, forward, activation)`` and ``('dropout', rate)``.
        loss: the loss function (one of the Keras 2 built-ins this step knows).
        optimizer: the model's optimizer.
        params: the trainable parameters, in the order the optimizer expects.
    """

    def __init__(self, plan, loss, optimizer, params):
        trainable = {id(p) for p in params}
        self.steps = []
        for entry in plan:
            if entry[0] == "dropout":
                self.steps.append(("dropout", entry[1]))
                continue
            _, layer, forward, act = entry
            kernel, bias = layer.kernel, layer.bias
            self.steps.append(("dense", kernel, bias, kernel.t(), forward, act,
                               id(kernel) in trainable,
                               bias is not None and id(bias) in trainable))
        self.loss = loss
        self.optimizer = optimizer
        self.params = params
        self.last_act = next(s[5] for s in reversed(self.steps) if s[0] == "dense")

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
        layers = _chain_layers(model)
        if layers is None or len(objective.loss_fns) != 1:
            return None
        if objective.loss_fns[0] not in _LOSSES or objective.loss_weights != [1.0]:
            return None
        if any(i["regularizer"] or i["constraint"] or i["param"].dtype != torch.float32
               for i in infos):
            return None
        plan = []
        for layer in layers:
            if getattr(layer, "activity_regularizer", None) is not None:
                return None
            if isinstance(layer, Dense) and layer.activation in _ACTIVATIONS:
                plan.append(("dense", layer, _ACTIVATIONS[layer.activation][0], layer.activation))
            elif isinstance(layer, Activation) and layer.activation in _ACTIVATIONS \
                    and plan and plan[-1][0] == "dense" and plan[-1][3] is activations.linear:
                kind, dense, _, _ = plan.pop()
                plan.append((kind, dense, _ACTIVATIONS[layer.activation][0], layer.activation))
            elif isinstance(layer, Dropout) and layer.noise_shape is None:
                plan.append(("dropout", layer.rate))
            else:
                return None
        if not plan or plan[-1][0] != "dense" or len(model.inputs[0].shape) != 2:
            return None
        return cls(plan, objective.loss_fns[0], optimizer, params)

    def train(self, x, y):
        """One update on a batch; returns the model output (for logging).

        Args:
            x: the input batch (2-D).
            y: the target batch.
        """
        grad_mode = torch.is_grad_enabled()
        torch._C._set_grad_enabled(False)  # `with torch.no_grad()`, at a fraction of the cost
        try:
            saved = []
            a = x
            for step in self.steps:
                if step[0] == "dense":
                    kernel, bias, forward = step[1], step[2], step[4]
                    if forward is torch.relu:
                        out = linear(a, kernel, bias, relu=True)
                    else:
                        z = linear(a, kernel, bias)
                        out = z if forward is None else forward(z)
                    saved.append((step, a, out))
                    a = out
                elif step[1] > 0:
                    mask = torch.empty_like(a).bernoulli_(1 - step[1]).div_(1 - step[1])
                    saved.append((step, mask, None))
                    a = a * mask
            grad = _output_gradient(self.loss, self.last_act, a, y)
            last = len(saved) - 1
            for index in range(last, -1, -1):
                step, inputs, out = saved[index]
                if step[0] == "dropout":
                    grad = grad * inputs
                    continue
                if index != last:
                    grad = _act_backward(step[5], grad, out)
                if step[6]:
                    step[1].grad = inputs.t().mm(grad)
                if step[7]:
                    step[2].grad = grad.sum(0)
                if index:
                    grad = grad.mm(step[3])
            self.optimizer.step(self.params)
        finally:
            torch._C._set_grad_enabled(grad_mode)
        return a
