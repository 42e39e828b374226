"""``Layer``: the one mental model. Every layer and every model is a Layer (and a torch Module).

A layer creates its weights in ``build(input_shape)`` with ``add_weight``, computes in
``call(inputs)`` with torch functions, and reports shapes in ``compute_output_shape``. Calling a
layer on a symbolic tensor records a graph node; calling it on data computes.

Example:
    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight('w', shape=(input_shape[-1],), initializer='ones')
    ...         super().build(input_shape)
    ...     def call(self, inputs):
    ...         return inputs * self.w
    >>> Scale()(torch.ones(2, 3)).shape
    torch.Size([2, 3])
"""
import inspect
import weakref

import numpy as np
import torch

from cornu import constraints as constraints_module
from cornu import initializers as initializers_module
from cornu import regularizers as regularizers_module
from cornu.config import floatx, torch_dtype
from cornu.config import unique_object_name
from cornu.graph.input_spec import check_input_compatibility
from cornu.graph.keras_tensor import KerasTensor, dummy_value, is_symbolic
from cornu.graph.call_context import current_context
from cornu.graph.layer_call import NO_LOSSES, run_layer
from cornu.graph.node import Node
from cornu.graph.variable import LayerWeight
from cornu.utils.generic_utils import to_list, unpack_singleton
from cornu.utils.suggestions import suggestion

_ALLOWED_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "dtype", "name",
                   "trainable", "weights", "input_dtype", "input_dim"}


def _shape_of(x):
    return x.shape if isinstance(x, KerasTensor) else tuple(x.shape)


class Weight:
    """How a weight is stored inside (torch layout) versus shown outside (Keras layout).

    Layers whose fastest torch layout differs from Keras's (e.g. convolution kernels) pass a
    ``Weight`` to ``add_weight(layout=...)``; Dense keeps the Keras layout as is.
    ``get_weights``/``set_weights`` and weight constraints see the Keras layout.

    Args:
        permutation: axes order turning the Keras layout into the torch one, or None.
        memory_order: the stored axes from outermost to innermost in memory, or None for
            torch's default (row-major); e.g. ``(0, 2, 3, 1)`` keeps a ``(out, in, kh, kw)``
            kernel ``channels_last``, as oneDNN wants it for ``channels_last`` data.

    Example:
        >>> Weight((1, 0)).from_keras(torch.zeros(2, 3)).shape
        torch.Size([3, 2])
        >>> Weight((1, 0), memory_order=(1, 0)).store(torch.zeros(2, 3)).stride()
        (1, 3)
    """

    def __init__(self, permutation=None, memory_order=None):
        self.permutation = permutation
        self.memory_order = memory_order

    def store(self, value):
        """Keras-layout tensor -> a new tensor in the stored layout and memory order."""
        stored = self.from_keras(value)
        if self.memory_order is None:
            return stored.contiguous()
        order = self.memory_order
        return stored.permute(order).contiguous().permute(tuple(np.argsort(order)))

    def from_keras(self, value):
        """Keras-layout tensor -> stored tensor."""
        return value if self.permutation is None else value.permute(self.permutation)

    def to_keras(self, value):
        """Stored tensor -> Keras-layout tensor."""
        if self.permutation is None:
            return value
        return value.permute(tuple(np.argsort(self.permutation)))


KERAS_LAYOUT = Weight()


class Layer(torch.nn.Module):
    """Base class of all layers and models.

    Args:
        trainable: whether the weights are updated by training.
        name: the layer name; by default ``<snake_case_class>_<n>`` (``dense_1``).
        dtype: the dtype of the weights and computation (default floatx).
        input_shape: shape of one sample, for the first layer of a model, e.g. ``(784,)``.
        input_dim: for 2-D inputs, the same as ``input_shape=(input_dim,)``.
        batch_input_shape: the full input shape including the batch, e.g. ``(None, 784)``.
        batch_size: a fixed batch size to go with ``input_shape``.
        weights: initial weights as a list of NumPy arrays, set when the layer is built.
    """

    def __init__(self, **kwargs):
        super().__init__()
        unknown = set(kwargs) - _ALLOWED_KWARGS
        if unknown:
            raise TypeError(self._unknown_keyword_message(sorted(unknown)[0]))
        self.train(False)
        self.name = kwargs.get("name") or unique_object_name(self.__class__.__name__)
        self.dtype = kwargs.get("dtype") or kwargs.get("input_dtype") or floatx()
        self._trainable = kwargs.get("trainable", True)
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self.stateful = False
        self.activity_regularizer = getattr(self, "activity_regularizer", None)
        self._weights_info = []
        self._inbound_nodes = []
        self._outbound_nodes = []
        self._losses = []
        self._updates = []
        self._initial_weights = kwargs.get("weights")
        self.batch_input_shape = self._batch_input_shape_from(kwargs)

    def _unknown_keyword_message(self, keyword):
        """Names the keyword, the closest one the layer takes, and all it takes."""
        own = []
        for cls in type(self).__mro__:
            if cls is Layer or "__init__" not in vars(cls):
                continue
            own += [name for name, parameter in inspect.signature(cls.__init__).parameters.items()
                    if name != "self" and parameter.kind not in (parameter.VAR_KEYWORD,
                                                                 parameter.VAR_POSITIONAL)
                    and name not in own]
        accepted = own + sorted(_ALLOWED_KWARGS)
        return (f"Keyword argument not understood: {keyword!r} (in "
                f"{self.__class__.__name__}).{suggestion(keyword, accepted)} "
                f"{self.__class__.__name__} takes: {', '.join(accepted)}.")

    @staticmethod
    def _batch_input_shape_from(kwargs):
        if kwargs.get("batch_input_shape") is not None:
            return tuple(kwargs["batch_input_shape"])
        input_shape = kwargs.get("input_shape")
        if input_shape is None and kwargs.get("input_dim") is not None:
            input_shape = (kwargs["input_dim"],)
        if input_shape is None:
            return None
        if isinstance(input_shape, int):
            input_shape = (input_shape,)
        return (kwargs.get("batch_size"),) + tuple(input_shape)

    # ----------------------------------------------------------------- weights
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None, layout=KERAS_LAYOUT):
        """Creates a weight of this layer and returns it (a ``torch.nn.Parameter``).

        Args:
            name: the weight's name (``kernel``, ``bias`` ...).
            shape: its shape in the Keras layout.
            dtype: its dtype (default: the layer's dtype).
            initializer: an initializer name, instance or callable ``(shape, dtype)``.
            regularizer: a regularizer name, instance or callable, added to the training loss.
            trainable: whether training updates it.
            constraint: a constraint applied after each optimizer step.
            layout: a ``Weight`` describing the stored layout (default: the Keras layout).
        """
        name = name or f"weight_{len(self._weights_info)}"
        shape = tuple(int(d) for d in (shape or ()))
        dtype = torch_dtype(dtype or self.dtype)
        initializer = initializers_module.get(initializer or "glorot_uniform")
        value = torch.as_tensor(initializer(shape, dtype=dtype), dtype=dtype)
        param = LayerWeight(layout.store(value),
                            requires_grad=bool(trainable and self._trainable)).bind(self)
        attr = name
        while attr in self._parameters:
            attr = attr + "_"
        self.register_parameter(attr, param)
        self.__dict__[attr] = param  # read as a plain attribute (see __setattr__)
        self._weights_info.append({
            "param": param, "name": name, "trainable": bool(trainable), "layout": layout,
            "regularizer": regularizers_module.get(regularizer),
            "constraint": constraints_module.get(constraint)})
        return param

    #: Whether the layers this one holds build their weights in its name scope (a Model's
    #: layers keep their own names).
    _scopes_sublayer_weights = True
    #: A weak reference to the layer holding this one, if any (set by ``_hold``).
    _weight_holder = None

    def _sublayer_scope(self, sublayer, scope):
        """The name scope of ``sublayer``'s weights when this layer's own is ``scope``: the same
        scope, as Keras 2 built sublayers (an LSTM's cell) inside the layer's.

        Args:
            sublayer: one of this layer's sublayers.
            scope: this layer's weight name scope, e.g. ``'lstm_1'``.
        """
        return scope

    def _weight_scope(self):
        """The name scope of this layer's own weights: its name, or the scope a layer holding it
        gives it (see ``_sublayer_scope``)."""
        holder = self._weight_holder() if self._weight_holder is not None else None
        if holder is None or not holder._scopes_sublayer_weights:
            return self.name
        return holder._sublayer_scope(self, holder._weight_scope())

    def _weight_name(self, param):
        """Keras 2's name of one of this layer's own weights, e.g. ``'lstm_1/kernel:0'``.

        Args:
            param: a weight this layer made.
        """
        names = [info["name"] for info in self._weights_info]
        index = next(i for i, info in enumerate(self._weights_info) if info["param"] is param)
        name, repeats = names[index], names[:index].count(names[index])
        suffix = f"_{repeats}" if repeats else ""  # as TensorFlow made a second 'kernel' unique
        return f"{self._weight_scope()}/{name}{suffix}:0"

    def _sublayers(self):
        found, stack = [], list(self.children())
        while stack:
            module = stack.pop(0)
            if isinstance(module, Layer):
                found.append(module)
            else:
                stack[:0] = list(module.children())
        return found

    def _effective_infos(self):
        """Weight records with ``trainable`` folded with this layer's and sublayers' flags."""
        infos = [dict(i, trainable=i["trainable"] and self._trainable) for i in self._weights_info]
        for sub in self._sublayers():
            infos.extend(dict(i, trainable=i["trainable"] and self._trainable)
                         for i in sub._effective_infos())
        seen, unique = set(), []
        for info in infos:
            if id(info["param"]) not in seen:
                seen.add(id(info["param"]))
                unique.append(info)
        return unique

    def _infos(self, trainable):
        return [i for i in self._effective_infos() if i["trainable"] == trainable]

    @property
    def trainable_weights(self):
        """The weights training updates (empty when ``trainable`` is False)."""
        return [i["param"] for i in self._infos(True)]

    @property
    def non_trainable_weights(self):
        """The weights training leaves alone."""
        return [i["param"] for i in self._infos(False)]

    @property
    def weights(self):
        """Trainable weights, then non-trainable ones (Keras 2 order)."""
        return self.trainable_weights + self.non_trainable_weights

    def _ordered_infos(self):
        return self._infos(True) + self._infos(False)

    @property
    def trainable(self):
        """Whether training updates this layer's weights (and its sublayers')."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self._sync_requires_grad()

    def _sync_requires_grad(self, parent_trainable=True):
        effective = parent_trainable and self._trainable
        for info in self._weights_info:
            info["param"].requires_grad_(effective and info["trainable"])
        for sub in self._sublayers():
            sub._sync_requires_grad(effective)

    def get_weights(self):
        """Returns the weights as NumPy arrays in the Keras layout and order."""
        return [info["layout"].to_keras(info["param"].detach()).cpu().numpy().copy()
                for info in self._ordered_infos()]

    def set_weights(self, weights):
        """Sets the weights from NumPy arrays in the Keras layout and order.

        Args:
            weights: a list of arrays, as ``get_weights()`` returns.
        """
        infos = self._ordered_infos()
        if len(weights) != len(infos):
            raise ValueError(f"You called `set_weights(weights)` on layer \"{self.name}\" with a "
                             f"weight list of length {len(weights)}, but the layer was expecting "
                             f"{len(infos)} weights. Provided weights: {str(weights)[:50]}...")
        for info, value in zip(infos, weights):
            param = info["param"]
            value = torch.as_tensor(np.asarray(value), dtype=param.dtype)
            keras_shape = tuple(info["layout"].to_keras(param.detach()).shape)
            if tuple(value.shape) != keras_shape:
                raise ValueError(f"Layer weight shape {keras_shape} not compatible with provided "
                                 f"weight shape {tuple(value.shape)} (weight "
                                 f"{self.name}/{info['name']}).")
            with torch.no_grad():
                param.copy_(info["layout"].from_keras(value))

    def count_params(self):
        """Counts the scalars in all weights of this layer."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer "
                             f"isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(p.numel() for p in self.weights))

    # ----------------------------------------------------------------- losses
    def add_loss(self, losses, inputs=None):
        """Adds a loss tensor (or list) to be minimised with the model's loss.

        Inside ``call``, the losses belong to that call: a training step minimises them with
        the model's loss, and ``layer.losses`` lists those of the layer's latest call. Outside
        ``call``, zero-argument callables are kept and evaluated at every step.

        Args:
            losses: a scalar tensor, a list of them, or a zero-argument callable.
            inputs: ignored (Keras 2 conditional losses).
        """
        losses = to_list(losses)
        context = current_context()
        if context is not None:  # inside a call: this call's loss
            values = [loss() if callable(loss) else loss for loss in losses]
            own = self.__dict__.get("_call_losses", NO_LOSSES)
            self.__dict__["_call_losses"] = list(own) + values
            context.losses.extend(values)
            return
        callables = [loss for loss in losses if callable(loss)]
        tensors = [loss for loss in losses if not callable(loss)]
        kept = [loss for loss in self._losses if callable(loss)]
        self._losses = kept + callables + tensors

    def add_update(self, updates, inputs=None):
        """Records state updates (Keras 2 API; torch updates in place, so this is bookkeeping).

        Args:
            updates: an update or list of updates.
            inputs: ignored.
        """
        self._updates.extend(to_list(updates))

    @property
    def updates(self):
        """Updates recorded with ``add_update``."""
        return list(self._updates)

    def regularization_losses(self):
        """The weight-regularisation terms of this layer and its sublayers, as tensors."""
        return [info["regularizer"](info["param"]) for info in self._effective_infos()
                if info["regularizer"] is not None]

    @property
    def losses(self):
        """Weight-regularisation losses, then those added with ``add_loss`` (outside ``call``,
        and inside the latest call) by this layer and its sublayers."""
        layers = [self] + self._sublayers()
        kept = [loss() if callable(loss) else loss for layer in layers for loss in layer._losses]
        called = [loss for layer in layers for loss in layer.__dict__.get("_call_losses", ())]
        return self.regularization_losses() + kept + called

    # ----------------------------------------------------------------- calling
    def build(self, input_shape):
        """Creates the weights for an input shape; subclasses call ``super().build``.

        Args:
            input_shape: the batch input shape (tuple, or list of tuples).
        """
        self.built = True

    def call(self, inputs, **kwargs):
        """The computation; the default is the identity.

        Args:
            inputs: a tensor or list of tensors.
        """
        return inputs

    def forward(self, *args, **kwargs):
        """torch entry point: the same as calling the layer."""
        return self(*args, **kwargs)

    def compute_mask(self, inputs, mask=None):
        """The output mask for some inputs and their mask: by default the input mask when the
        layer ``supports_masking``, else None (the mask stops here, as in tf.keras).

        Args:
            inputs: a tensor or list of tensors.
            mask: the inputs' mask (or list of masks), or None.
        """
        return mask if self.supports_masking else None

    compute_mask.is_default = True

    def compute_output_shape(self, input_shape):
        """Output shape for an input shape; by default runs ``call`` on zeros to find out.

        Args:
            input_shape: the batch input shape (tuple, or list of tuples).
        """
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        dtype = torch_dtype(self.dtype)
        dummies = [dummy_value(s, dtype) for s in shapes]
        with torch.no_grad():
            out = run_layer(self, unpack_singleton(dummies), training=False)
        batch_unknown = shapes[0][0] if shapes and shapes[0] else None

        def shape_of(t):
            return (batch_unknown,) + tuple(t.shape[1:]) if t.dim() else ()
        if isinstance(out, (list, tuple)):
            return [shape_of(t) for t in out]
        return shape_of(out)

    def _maybe_build(self, input_shapes):
        if self.built:
            return
        self.build(unpack_singleton(list(input_shapes)))
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _check_inputs(self, shapes):
        if self.input_spec is not None:
            check_input_compatibility(self.name, to_list(self.input_spec), shapes)

    def __call__(self, inputs, **kwargs):
        """Calls the layer: on symbolic tensors, records a graph node and returns symbolic
        outputs; on data, checks and builds the layer, then runs it (``run_layer``).

        Args:
            inputs: a tensor, array or symbolic tensor, or a list of them.
            **kwargs: ``training`` (force the mode), ``mask``, and ``call``'s own arguments.
        """
        if is_symbolic(inputs):
            return self._call_symbolic(inputs, **kwargs)
        if isinstance(inputs, np.ndarray):
            inputs = torch.as_tensor(inputs, dtype=torch_dtype(self.dtype))
        shapes = [tuple(t.shape) for t in to_list(inputs)]
        self._check_inputs(shapes)
        self._maybe_build(shapes)
        training = kwargs.pop("training", None)
        mask = kwargs.pop("mask", None)
        return run_layer(self, inputs, training=training, mask=mask, kwargs=kwargs)

    def _call_symbolic(self, inputs, **kwargs):
        tensors = to_list(inputs)
        shapes = [t.shape for t in tensors]
        self._check_inputs(shapes)
        self._maybe_build(shapes)
        output_shape = self.compute_output_shape(unpack_singleton(list(shapes)))
        multi = isinstance(output_shape, list)
        out_shapes = output_shape if multi else [output_shape]
        dtype = torch_dtype(self.dtype)
        outputs = [KerasTensor(s, dtype, name=f"{self.name}/output_{i}")
                   for i, s in enumerate(out_shapes)]
        Node(self, tensors, outputs, kwargs)
        return outputs if multi else outputs[0]

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, torch.nn.Module):
            _hold(self, value)
        if isinstance(value, torch.nn.Parameter):
            # torch keeps parameters out of __dict__ and finds them in __getattr__, a slow path
            # every ``self.kernel`` in ``call`` would take; a plain copy is found first.
            self.__dict__[name] = value

    def __delattr__(self, name):
        if name in self._parameters:
            self.__dict__.pop(name, None)
        super().__delattr__(name)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            # A property that raised AttributeError lands here; re-run it so its own message
            # (e.g. "has multiple inbound nodes") reaches the user instead of torch's.
            prop = getattr(type(self), name, None)
            if isinstance(prop, property):
                return prop.fget(self)
            raise

    # ----------------------------------------------------------------- graph access
    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no {what} to return.")
        if len(self._inbound_nodes) > 1 and attr in ("input_tensors", "output_tensors"):
            raise AttributeError(f"Layer {self.name} has multiple inbound nodes, hence the notion "
                                 f"of \"layer {what}\" is ill-defined. Use "
                                 f"`get_{what}_at(node_index)` instead.")
        values = {repr(getattr(node, attr)) for node in self._inbound_nodes}
        if len(values) > 1:
            getter = "get_" + what.replace(" ", "_") + "_at(node_index)"
            raise AttributeError(f"The layer \"{self.name}\" has multiple inbound nodes, with "
                                 f"different {what}s. Hence the notion of \"{what}\" is "
                                 f"ill-defined for the layer. Use `{getter}` instead.")
        return unpack_singleton(list(getattr(self._inbound_nodes[0], attr)))

    @property
    def input(self):
        """The symbolic input of this layer (one inbound node only)."""
        return self._node_attr("input_tensors", "input")

    @property
    def output(self):
        """The symbolic output of this layer (one inbound node only)."""
        return self._node_attr("output_tensors", "output")

    @property
    def input_shape(self):
        """The input shape, e.g. ``(None, 784)``."""
        if not self._inbound_nodes and self.batch_input_shape is not None:
            return self.batch_input_shape
        return self._node_attr("input_shapes", "input shape")

    @property
    def output_shape(self):
        """The output shape, e.g. ``(None, 512)``."""
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                                 "defined output shape.")
        return self._node_attr("output_shapes", "output shape")

    def get_input_at(self, node_index):
        """The input tensor(s) of the layer's call number ``node_index``."""
        return unpack_singleton(self._inbound_nodes[node_index].input_tensors)

    def get_output_at(self, node_index):
        """The output tensor(s) of the layer's call number ``node_index``."""
        return unpack_singleton(self._inbound_nodes[node_index].output_tensors)

    def get_input_shape_at(self, node_index):
        """The input shape(s) of the layer's call number ``node_index``."""
        return unpack_singleton(self._inbound_nodes[node_index].input_shapes)

    def get_output_shape_at(self, node_index):
        """The output shape(s) of the layer's call number ``node_index``."""
        return unpack_singleton(self._inbound_nodes[node_index].output_shapes)

    # ----------------------------------------------------------------- config
    def get_config(self):
        """The constructor arguments that rebuild this layer (without weights)."""
        config = {"name": self.name, "trainable": self.trainable}
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = self.batch_input_shape
        config["dtype"] = self.dtype if isinstance(self.dtype, str) else str(self.dtype)
        return config

    @classmethod
    def from_config(cls, config):
        """Builds a layer from ``get_config()`` output.

        Args:
            config: a dict of constructor arguments.
        """
        return cls(**config)

    def extra_repr(self):
        return f"name={self.name!r}"


def _hold(holder, module):
    """Records ``holder`` as the layer holding the Layers in ``module`` (itself, or inside a
    container such as a ``ModuleList``), for their weights' names."""
    stack = [module]
    while stack:
        found = stack.pop()
        if isinstance(found, Layer):
            object.__setattr__(found, "_weight_holder", weakref.ref(holder))
        else:
            stack.extend(found.children())
