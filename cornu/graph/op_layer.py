"""Op layers: a torch function applied to symbolic tensors becomes a graph node.

``K.mean(layer.output)``, ``model.output[:, 0]`` or ``x * 2`` on a ``KerasTensor`` compute
nothing: they create a ``TensorOp`` layer that records the call (a ``Node``), so a ``Model`` or a
``K.function`` built on the result runs the function later on real tensors. Arguments may be any
structure (lists, tuples, dicts, slices) mixing symbolic tensors, torch tensors and Python values;
only the symbolic tensors are graph inputs, the rest are captured as constants.

The output shape is found by running the function twice on zero tensors, with unknown (None)
dimensions set to 4 and then 5: output dimensions that differ between the runs are unknown.

Example:
    >>> x = Input(shape=(3,))
    >>> y = symbolic_call(torch.sum, x, dim=1, op_name='sum')
    >>> y.shape, y._keras_history[0].name
    ((None,), 'tf_op_layer_sum_1')
"""
import re

import numpy as np
import torch

from cornu.config import floatx, torch_dtype
from cornu.config import get_uid
from cornu.graph.layer import Layer
from cornu.utils.generic_utils import to_list
from cornu.graph.keras_tensor import KerasTensor, is_symbolic
from cornu.graph.node import Node

# The sizes unknown dimensions take in the two shape-inference runs.
_FILLS = (4, 5)
# Small integer op results (e.g. K.shape(x)) keep their inference values, so that ops consuming
# them (K.random_normal(K.shape(x)), K.reshape(y, K.shape(x))) see realistic sizes.
_KEPT_DUMMY_SIZE = 64


class _Slot:
    """Marks where the i-th symbolic input goes in an argument structure."""
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _symbolic_leaves(structure, found):
    if isinstance(structure, KerasTensor):
        if all(t is not structure for t in found):
            found.append(structure)
    elif isinstance(structure, (list, tuple)):
        for item in structure:
            _symbolic_leaves(item, found)
    elif isinstance(structure, dict):
        for item in structure.values():
            _symbolic_leaves(item, found)
    elif isinstance(structure, slice):
        _symbolic_leaves((structure.start, structure.stop, structure.step), found)
    return found


def has_symbolic(structure):
    """True when a structure of arguments holds a ``KerasTensor`` somewhere.

    Args:
        structure: a value, or nested lists/tuples/dicts/slices of values.
    """
    return bool(_symbolic_leaves(structure, []))


def _as_template(structure, slots):
    """The structure with symbolic tensors replaced by slots and NumPy arrays by tensors."""
    if isinstance(structure, KerasTensor):
        return _Slot(next(i for i, t in enumerate(slots) if t is structure))
    if isinstance(structure, np.ndarray):
        dtype = torch_dtype() if structure.dtype.kind == "f" else None
        return torch.as_tensor(structure, dtype=dtype)
    if isinstance(structure, (list, tuple)):
        items = [_as_template(item, slots) for item in structure]
        return items if isinstance(structure, list) else tuple(items)
    if isinstance(structure, dict):
        return {key: _as_template(item, slots) for key, item in structure.items()}
    if isinstance(structure, slice):
        return slice(*_as_template((structure.start, structure.stop, structure.step), slots))
    return structure


def _fill(template, values):
    if isinstance(template, _Slot):
        return values[template.index]
    if isinstance(template, list):
        return [_fill(item, values) for item in template]
    if isinstance(template, tuple):
        return tuple(_fill(item, values) for item in template)
    if isinstance(template, dict):
        return {key: _fill(item, values) for key, item in template.items()}
    if isinstance(template, slice):
        return slice(*_fill((template.start, template.stop, template.step), values))
    return template


def op_layer_name(op_name):
    """The next automatic name of an op layer: ``'mean'`` -> ``'tf_op_layer_mean_1'``.

    Args:
        op_name: the operation's short name.
    """
    prefix = f"tf_op_layer_{op_name}"
    return f"{prefix}_{get_uid(prefix)}"


def _dummy(tensor, fill):
    kept = getattr(tensor, "_op_dummies", None)
    if kept is not None:
        return kept[fill]
    return torch.zeros([fill if d is None else d for d in tensor.shape], dtype=tensor.dtype)


def _differs(tensor):
    kept = getattr(tensor, "_op_dummies", None)
    if kept is None:
        return None in tensor.shape
    first, second = kept[_FILLS[0]], kept[_FILLS[1]]
    return first.shape != second.shape or not torch.equal(first, second)


class TensorOp(Layer):
    """A layer applying ``function(*args, **kwargs)``, where some arguments are symbolic.

    Args:
        function: a callable on torch tensors (a torch function, a backend function ...).
        args: positional arguments; may hold ``KerasTensor`` objects anywhere in lists, tuples,
            dicts and slices.
        kwargs: keyword arguments, likewise.
        op_name: short name for the automatic layer name (default: the function's name).
        name: the layer name (default ``tf_op_layer_<op_name>_<n>``).

    Calling the layer on the symbolic tensors of ``args``/``kwargs`` (in order of appearance)
    records a node; ``call`` substitutes real tensors and runs the function.

    Example:
        >>> x = Input(shape=(4,))
        >>> op = TensorOp(torch.mean, (x,), {'dim': 0}, op_name='mean')
        >>> op(x).shape
        (4,)
    """

    def __init__(self, function, args=(), kwargs=None, op_name=None, name=None):
        op_name = re.sub(r"\W+", "", op_name or getattr(function, "__name__", "")).strip("_")
        op_name = op_name or "op"
        super().__init__(name=name or op_layer_name(op_name))
        self.op_name = op_name
        self.function = function
        self.symbolic_inputs = _symbolic_leaves((args, kwargs or {}), [])
        self._template = _as_template((tuple(args), dict(kwargs or {})), self.symbolic_inputs)
        self.built = True

    def call(self, inputs):
        values = inputs if len(self.symbolic_inputs) > 1 else [inputs]
        args, kwargs = _fill(self._template, values)
        outputs = self.function(*args, **kwargs)
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            return outputs[0]
        return outputs

    def __call__(self, inputs, *args, **kwargs):
        if not is_symbolic(inputs):
            return self.call(inputs)
        tensors = to_list(inputs)
        specs, multi = self._output_specs(tensors)
        outputs = [KerasTensor(shape, dtype, name=f"{self.name}/output_{i}")
                   for i, (shape, dtype, _) in enumerate(specs)]
        for tensor, (_, _, dummies) in zip(outputs, specs):
            if dummies is not None:
                tensor._op_dummies = dummies
        Node(self, tensors, outputs)
        return outputs if multi else outputs[0]

    def _run_on_dummies(self, tensors, fill):
        args, kwargs = _fill(self._template, [_dummy(t, fill) for t in tensors])
        with torch.no_grad():
            outputs = self.function(*args, **kwargs)
        multi = isinstance(outputs, (list, tuple))
        outputs = list(outputs) if multi else [outputs]
        for out in outputs:
            if not isinstance(out, torch.Tensor):
                raise TypeError(f"The operation {self.op_name!r} returned {type(out).__name__}, "
                                "not a tensor; symbolic operations must return tensors.")
        return outputs, multi

    def _output_specs(self, tensors):
        """``([(shape, dtype, kept dummies or None), ...], returns_list)`` for these inputs."""
        fills = _FILLS if any(_differs(t) for t in tensors) else _FILLS[:1]
        runs = []
        for fill in fills:
            try:
                runs.append(self._run_on_dummies(tensors, fill))
            except (RuntimeError, ValueError, IndexError, TypeError) as error:
                shapes = [t.shape for t in tensors]
                raise ValueError(f"The operation {self.op_name!r} failed on symbolic inputs of "
                                 f"shapes {shapes} (unknown dimensions tried as {fill}): "
                                 f"{error}") from None
        first, multi = runs[0]
        last = runs[-1][0]
        specs = []
        for a, b in zip(first, last):
            if a.dim() != b.dim():
                raise ValueError(f"The operation {self.op_name!r} returns tensors whose rank "
                                 f"depends on unknown input dimensions ({a.dim()} vs {b.dim()});"
                                 " give the inputs fixed shapes.")
            shape = tuple(da if da == db else None for da, db in zip(a.shape, b.shape))
            keep = not a.is_floating_point() and a.numel() <= _KEPT_DUMMY_SIZE
            dummies = {_FILLS[0]: a, _FILLS[1]: b} if keep else None
            specs.append((shape, a.dtype, dummies))
        return specs, multi

    def compute_output_shape(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        if self._inbound_nodes:
            dtypes = [t.dtype for t in self._inbound_nodes[0].input_tensors]
        else:
            dtypes = [torch_dtype(floatx())] * len(shapes)
        specs, multi = self._output_specs([KerasTensor(s, d) for s, d in zip(shapes, dtypes)])
        out = [shape for shape, _, _ in specs]
        return out if multi else out[0]

    def get_config(self):
        raise NotImplementedError(
            f"Layer {self.name} is a backend operation ({self.op_name}) applied to symbolic "
            "tensors, which has no config to save or clone. Wrap the computation in a Lambda "
            "layer, e.g. Lambda(lambda x: K.mean(x, axis=1)), to make the model serialisable.")


class GradientOp(TensorOp):
    """Gradients of ``sum(loss)`` with respect to some tensors, as a graph node.

    Its inputs are the symbolic loss and the symbolic variables; torch tensors among the
    variables (weights) are captured. Outputs have the variables' shapes; a variable the loss
    does not depend on gets zeros.

    Args:
        loss: the symbolic loss (summed if not a scalar).
        variables: the list of tensors to differentiate with respect to.
    """

    def __init__(self, loss, variables):
        super().__init__(self._gradients, (loss, list(variables)), op_name="gradients")
        self.variables = list(variables)
        self.create_graph = False
        for layer in _upstream_layers(loss):
            if isinstance(layer, GradientOp):
                layer.create_graph = True

    def _gradients(self, loss, variables):
        return gradients_of(loss, variables, create_graph=self.create_graph)

    def _output_specs(self, tensors):
        specs = []
        for variable in self.variables:
            shape = variable.shape if isinstance(variable, KerasTensor) else tuple(variable.shape)
            specs.append((tuple(shape), variable.dtype, None))
        return specs, True


def gradients_of(loss, variables, create_graph=False):
    """``torch.autograd.grad(loss.sum(), variables)``, with zeros where there is no dependency.

    Args:
        loss: a tensor.
        variables: a list of tensors.
        create_graph: whether the gradients can themselves be differentiated.
    """
    wanted = [i for i, v in enumerate(variables)
              if isinstance(v, torch.Tensor) and v.requires_grad]
    grads = [None] * len(variables)
    if wanted and loss.requires_grad:
        found = torch.autograd.grad(loss.sum(), [variables[i] for i in wanted],
                                    retain_graph=True, create_graph=create_graph,
                                    allow_unused=True)
        for i, grad in zip(wanted, found):
            grads[i] = grad
    return [torch.zeros_like(v) if g is None else g for v, g in zip(variables, grads)]


def _upstream_layers(tensor):
    """Every layer whose output ``tensor`` depends on (through recorded nodes)."""
    seen, stack, layers = set(), [tensor], []
    while stack:
        current = stack.pop()
        history = getattr(current, "_keras_history", None)
        if history is None or id(current) in seen:
            continue
        seen.add(id(current))
        layer, node_index, _ = history
        if layer not in layers:
            layers.append(layer)
        stack.extend(layer._inbound_nodes[node_index].input_tensors)
    return layers


def symbolic_call(function, *args, op_name=None, **kwargs):
    """``function(*args, **kwargs)``, as an op-layer node when an argument is symbolic.

    Args:
        function: a callable on torch tensors.
        *args: positional arguments (symbolic tensors anywhere inside).
        op_name: short name for the op layer (default: the function's name).
        **kwargs: keyword arguments.

    Example:
        >>> symbolic_call(torch.exp, Input(shape=(2,))).shape
        (None, 2)
    """
    if not has_symbolic((args, kwargs)):
        return function(*args, **kwargs)
    layer = TensorOp(function, args, kwargs, op_name=op_name)
    tensors = layer.symbolic_inputs
    return layer(tensors[0] if len(tensors) == 1 else tensors)
