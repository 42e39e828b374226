"""``K.function``: a callable computing symbolic tensors from input values.

``K.function(inputs, outputs)`` traces the layer graph between the symbolic ``inputs`` (model
inputs, placeholders, or intermediate tensors) and ``outputs`` once; each call feeds a list of
values and returns a list of NumPy arrays. Gradient ops (``K.gradients``) in the graph are
computed with torch autograd. ``K.learning_phase()`` among the inputs takes 0 (inference) or 1
(training: dropout active) at each call.

Example:
    >>> from cornu import backend as K
    >>> get_features = K.function([model.layers[0].input], [model.layers[1].output])
    >>> features = get_features([x])[0]
"""
import numpy as np
import torch

from cornu.backend.learning_phase import is_learning_phase, learning_phase_placeholder
from cornu.config import learning_phase_scope, learning_phase_value
from cornu.graph.plan import GraphPlan
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.op_layer import GradientOp
from cornu.graph.call_context import CallScope
from cornu.training.runtime import RuntimeScope

# Keyword arguments Keras 2 passes on to tf.Session.run; they mean nothing here.
_SESSION_KWARGS = {"fetches", "feed_dict", "options", "run_metadata"}


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    value = np.asarray(value)
    return value[()] if value.ndim == 0 else value


def _check_feed(tensor, value):
    shape = tuple(value.shape)
    expected = tensor.shape
    if len(shape) != len(expected) or any(e is not None and e != s
                                          for e, s in zip(expected, shape)):
        shown = tuple("?" if d is None else d for d in expected)
        raise ValueError(f"Cannot feed value of shape {shape} for tensor {tensor.name!r}, which "
                         f"has shape {shown}.")


class Function:
    """A compiled computation from input tensors to output tensors.

    Args:
        inputs: list of symbolic input tensors; may include ``K.learning_phase()``.
        outputs: list of symbolic tensors to compute (tensors and variables are returned as is).
        updates: list of ``(variable, new_value)`` pairs applied after each call.
        name: a name for the function.
    """

    def __init__(self, inputs, outputs, updates=None, name=None, **session_kwargs):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("`inputs` to a backend function should be a list or tuple, e.g. "
                            "K.function([model.input], [model.output]).")
        if not isinstance(outputs, (list, tuple)):
            raise TypeError("`outputs` of a backend function should be a list or tuple, e.g. "
                            "K.function([model.input], [model.output]).")
        self.inputs, self.outputs, self.name = list(inputs), list(outputs), name
        self.updates = self._check_updates(updates or [])
        for item in self.inputs:
            phase = isinstance(item, (int, np.integer)) and int(item) in (0, 1)
            if not (isinstance(item, KerasTensor) or phase):
                raise TypeError(f"The inputs of a backend function must be symbolic tensors "
                                f"(model.input, layer.output, K.placeholder(...), "
                                f"K.learning_phase()); received {item!r}.")
        phase = learning_phase_placeholder()
        fed = [t for t in self.inputs if isinstance(t, KerasTensor)]
        computed = [t for t in self.outputs + [v for _, v in self.updates]
                    if isinstance(t, KerasTensor)]
        self._computed_ids = [id(t) for t in computed]
        self._phase_feeds = [t for t in fed if is_learning_phase(t)]
        self._plan = GraphPlan(fed + ([] if phase in fed else [phase]), computed)
        self._needs_grad = any(isinstance(layer, GradientOp) for layer in self._plan.layers)
        self._layers = torch.nn.ModuleList(self._plan.layers)
        self._parameter_count = sum(p.numel() for p in self._layers.parameters())

    @staticmethod
    def _check_updates(updates):
        pairs = []
        for update in updates:
            if not (isinstance(update, (list, tuple)) and len(update) == 2
                    and isinstance(update[0], torch.Tensor)):
                raise TypeError(f"Each update of a backend function must be a pair (variable, "
                                f"new_value) with a tensor variable; received {update!r}.")
            pairs.append(tuple(update))
        return pairs

    def _feed(self, tensor, value):
        dtype = tensor.dtype
        if isinstance(value, torch.Tensor):
            value = value.detach().to(dtype)
        else:
            value = torch.as_tensor(np.asarray(value), dtype=dtype)
        _check_feed(tensor, value)
        if self._needs_grad and value.is_floating_point():
            value.requires_grad_(True)
        return value

    def __call__(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError("A backend function takes a list of input values (one per input "
                            f"tensor), e.g. f([x]); received {type(inputs).__name__}.")
        if len(inputs) != len(self.inputs):
            raise ValueError(f"This function has {len(self.inputs)} inputs but was called with "
                             f"{len(inputs)} values.")
        values, phase = {}, None
        for tensor, value in zip(self.inputs, inputs):
            if isinstance(tensor, KerasTensor) and not is_learning_phase(tensor):
                values[id(tensor)] = self._feed(tensor, value)
            else:
                phase = int(np.asarray(value))
        if phase is None:
            phase = learning_phase_value() or 0
        for tensor in self._phase_feeds + [learning_phase_placeholder()]:
            values[id(tensor)] = torch.tensor(bool(phase))
        fed = [v for v in values.values() if v.dim()]
        with RuntimeScope(self._parameter_count * (fed[0].shape[0] if fed else 1)):
            results = self._run(values, phase)
        computed = dict(zip(self._computed_ids, results))
        with torch.no_grad():
            for variable, new_value in self.updates:
                new_value = computed.get(id(new_value), new_value)
                variable.copy_(torch.as_tensor(new_value, dtype=variable.dtype))
        return [_to_numpy(computed.get(id(t), t)) for t in self.outputs]

    def _run(self, values, phase):
        with learning_phase_scope(phase), CallScope(bool(phase)), \
                torch.set_grad_enabled(self._needs_grad):
            return self._plan.run(values, bool(phase))


def function(inputs, outputs, updates=None, **kwargs):
    """Builds a callable that computes ``outputs`` from values fed for ``inputs``.

    Args:
        inputs: list of symbolic tensors (``model.input``, ``layer.input``, placeholders,
            intermediate tensors, ``K.learning_phase()``).
        outputs: list of symbolic tensors (``layer.output``, ``K.gradients(...)``, ops).
        updates: list of ``(variable, new_value)`` pairs to apply after each call.
        **kwargs: ``name``; TensorFlow session arguments are accepted and ignored.

    Returns:
        A ``Function``: ``f(list_of_values)`` returns a list of NumPy arrays.

    Example:
        >>> f = K.function([model.input, K.learning_phase()], [model.layers[2].output])
        >>> layer_output = f([x, 0])[0]   # 0: inference, 1: training (dropout active)
    """
    for key in kwargs:
        if key not in _SESSION_KWARGS and key != "name":
            raise ValueError(f"Invalid argument {key!r} passed to K.function. Accepted: "
                             f"inputs, outputs, updates, name.")
    return Function(inputs, outputs, updates=updates, **kwargs)
