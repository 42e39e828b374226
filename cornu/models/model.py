"""``Model``: a graph of layers from inputs to outputs, itself a layer, with training methods.

Example:
    >>> from cornu.layers import Dense, Input
    >>> x = Input(shape=(4,))
    >>> model = Model(x, Dense(2)(x))
    >>> model.output_shape
    (None, 2)
"""
import torch

from cornu.config import torch_dtype
from cornu.graph.layer import Layer
from cornu.utils.generic_utils import to_list, unpack_singleton
from cornu.graph.keras_tensor import KerasTensor, dummy_value
from cornu.graph.layer_call import run_layer
from cornu.graph.plan import GraphPlan
from cornu.models.summary import print_summary
from cornu.saving import api as saving_api
from cornu.saving.json_format import model_to_json
from cornu.saving.model_config import functional_config, functional_from_config
from cornu.training.trainer import Trainer


class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features.

    Args:
        inputs: the input tensor(s) (from ``Input``), a list, or a dict.
        outputs: the output tensor(s), a list, or a dict.
        name: the model name (default ``model_<n>``).

    Subclasses may instead define their layers in ``__init__`` and the computation in ``call``.
    ``Trainer`` comes first in the bases so that Keras's ``compile`` wins over torch's.
    """

    _scopes_sublayer_weights = False  # each layer names its weights itself (``dense_1/...``)

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        # Keras 1 spellings, still accepted by Keras 2
        inputs = kwargs.pop("input", inputs)
        outputs = kwargs.pop("output", outputs)
        Layer.__init__(self, name=name, **kwargs)
        Trainer.__init__(self)
        self._plan = None
        self.inputs, self.outputs = [], []
        self._layers = torch.nn.ModuleList()
        if inputs is not None:
            self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        if outputs is None:
            raise ValueError("Model(inputs, outputs) needs both `inputs` and `outputs`.")
        self.inputs = list(inputs.values()) if isinstance(inputs, dict) else to_list(inputs)
        self.outputs = list(outputs.values()) if isinstance(outputs, dict) else to_list(outputs)
        self._plan = GraphPlan(self.inputs, self.outputs)
        self._set_layers(self._plan.layers)
        self.built = True

    def _set_layers(self, layers):
        names = set()
        for layer in layers:
            if layer.name in names:
                raise ValueError(f"The name \"{layer.name}\" is used 2 times in the model. All "
                                 "layer names should be unique.")
            names.add(layer.name)
        self._layers = torch.nn.ModuleList(layers)

    # ----------------------------------------------------------------- structure
    @property
    def layers(self):
        """The model's layers in Keras 2 order (for a subclassed model, its sublayers)."""
        return list(self._layers) if self._plan is not None else self._sublayers()

    def get_layer(self, name=None, index=None):
        """Returns a layer by name or by index.

        Args:
            name: the layer's name.
            index: its position in ``model.layers``.
        """
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(self.layers)} layers.")
            return self.layers[index]
        if name is None:
            raise ValueError("Provide either a layer name or layer index.")
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Layers: {[l.name for l in self.layers]}")

    def reset_states(self):
        """Resets the states of every stateful layer (``stateful=True`` recurrent layers, and
        nested models), as between independent sequences.

        Example:
            >>> model.reset_states()  # doctest: +SKIP
        """
        for layer in self.layers:
            if isinstance(layer, Model) or (hasattr(layer, "reset_states")
                                            and getattr(layer, "stateful", False)):
                layer.reset_states()

    @property
    def input(self):
        """The model input tensor (or list of them)."""
        return unpack_singleton(list(self.inputs)) if self.inputs else super().input

    @property
    def output(self):
        """The model output tensor (or list of them)."""
        return unpack_singleton(list(self.outputs)) if self.outputs else super().output

    @property
    def input_shape(self):
        """The input shape, e.g. ``(None, 784)``, or a list for several inputs."""
        self._require_built("input_shape")
        return unpack_singleton([t.shape for t in self.inputs])

    @property
    def output_shape(self):
        """The output shape, e.g. ``(None, 10)``, or a list for several outputs."""
        self._require_built("output_shape")
        return unpack_singleton([t.shape for t in self.outputs])

    @property
    def input_names(self):
        """Names of the input layers (``input_1`` ... for a subclassed model)."""
        return [t._keras_history[0].name if t._keras_history else f"input_{i + 1}"
                for i, t in enumerate(self.inputs)]

    @property
    def output_names(self):
        """Names of the layers producing the outputs (``output_1`` ... when subclassed)."""
        return [t._keras_history[0].name if t._keras_history else f"output_{i + 1}"
                for i, t in enumerate(self.outputs)]

    def _require_built(self, what):
        if not self.inputs:
            raise AttributeError(f"The model {self.name} has not yet been built, so it has no "
                                 f"`{what}`. Build it by calling build(input_shape) or fit() on "
                                 "data, or give the first layer an `input_shape`.")

    # ----------------------------------------------------------------- weights
    def get_weights(self):
        """All weights as NumPy arrays, layer by layer (Keras 2 order)."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        """Sets all weights from NumPy arrays, layer by layer.

        Args:
            weights: a list of arrays as ``get_weights()`` returns.
        """
        expected = sum(len(layer.weights) for layer in self.layers)
        if len(weights) != expected:
            raise ValueError(f"You called `set_weights(weights)` on model \"{self.name}\" with a "
                             f"weight list of length {len(weights)}, but the model was expecting "
                             f"{expected} weights.")
        offset = 0
        for layer in self.layers:
            count = len(layer.weights)
            layer.set_weights(weights[offset:offset + count])
            offset += count

    # ----------------------------------------------------------------- files
    def save(self, filepath, overwrite=True, include_optimizer=True):
        """Saves the model to one file: architecture, weights, compile settings and optimizer
        state (``keras.models.load_model`` rebuilds it, ready to resume training).

        Args:
            filepath: the file path: a name ending ``.keras`` gets Keras 3's zip archive, any
                other (e.g. ``'model.h5'``) Keras 2's HDF5 layout.
            overwrite: replace an existing file without asking (False asks on the terminal).
            include_optimizer: also save the compile settings and the optimizer state.

        Example:
            >>> model.save('cats_and_dogs_small_1.h5')  # doctest: +SKIP
        """
        saving_api.save_model(self, filepath, overwrite, include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        """Saves the weights of every layer to an HDF5 file.

        Args:
            filepath: the file path: a name ending ``.weights.h5`` gets Keras 3's layout, any
                other (e.g. ``'weights.h5'``) Keras 2's.
            overwrite: replace an existing file without asking (False asks on the terminal).

        Example:
            >>> model.save_weights('pre_trained_glove_model.h5')  # doctest: +SKIP
        """
        saving_api.save_weights(self, filepath, overwrite)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, reshape=False):
        """Loads weights from a file written by ``save_weights`` or ``save`` (cornu, Keras 1/2,
        tf.keras, Keras 3's ``.weights.h5`` and ``.keras``). A load that fails leaves the weights
        unchanged.

        Args:
            filepath: the file path.
            by_name: match layers by name instead of by position among the layers with weights.
            skip_mismatch: with ``by_name``, skip (with a warning) weights that do not fit.
            reshape: reshape convolution kernels holding the right number of values.

        Example:
            >>> model.load_weights('weights.h5')  # doctest: +SKIP
        """
        saving_api.load_weights(self, filepath, by_name, skip_mismatch, reshape)

    def count_params(self):
        """Counts the scalars in all weights."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the model "
                             "isn't built. Build it by calling build(input_shape) or fit().")
        return int(sum(p.numel() for p in self.weights))

    # ----------------------------------------------------------------- computing
    def call(self, inputs, training=None, mask=None):
        """Runs the graph on real tensors.

        Args:
            inputs: a tensor, a list of tensors (one per input), or a dict by input name.
            training: the mode every layer runs in (None: each layer resolves it: the learning
                phase, else the mode of the enclosing call).
            mask: the inputs' mask(s): a tensor, or a list with one entry per input.
        """
        if isinstance(inputs, dict):
            inputs = [inputs[name] for name in self.input_names]
        ids = self._input_ids
        masks = None
        if mask is not None:
            masks = dict(zip(ids, to_list(mask) if len(ids) > 1 else [mask]))
        values = dict(zip(ids, to_list(inputs)))
        return unpack_singleton(self._plan.run(values, training, masks))

    def compute_output_shape(self, input_shape):
        if not self.outputs:
            return super().compute_output_shape(input_shape)
        return unpack_singleton([t.shape for t in self.outputs])

    def build(self, input_shape):
        """Builds a subclassed model for a batch input shape (graph models are built already).

        Args:
            input_shape: e.g. ``(None, 784)``, or a list of shapes for several inputs.
        """
        if self._plan is not None or self.inputs:
            return
        shapes = input_shape if isinstance(input_shape, list) else [tuple(input_shape)]
        dtype = torch_dtype(self.dtype)
        with torch.no_grad():
            outputs = to_list(run_layer(self, unpack_singleton([dummy_value(s, dtype)
                                                                for s in shapes]),
                                        training=False))
        self.inputs = [KerasTensor(s, dtype, name=f"input_{i + 1}") for i, s in enumerate(shapes)]
        self.outputs = [KerasTensor((None,) + tuple(o.shape[1:]), o.dtype, name=f"output_{i + 1}")
                        for i, o in enumerate(outputs)]
        self.built = True

    def _forward(self, xs):
        """Training-engine entry: a list of input tensors -> a list of output tensors, through
        the model's own ``run_layer`` call (its training mode comes from the enclosing
        ``CallScope``)."""
        return to_list(run_layer(self, unpack_singleton(list(xs))))

    def _layer_graph(self):
        """The graph's layer calls in run order, ``(layer, input ids, output id, output
        shape)``, the model input having id ``'input'``, the last call giving the model output;
        None unless the graph has one input and one output and calls each layer once, with
        one output and no recorded arguments."""
        if self._plan is None or len(self.inputs) != 1 or len(self.outputs) != 1:
            return None
        shapes = {id(t): t.shape for node in self._plan.nodes for t in node.output_tensors}
        names = {id(self.inputs[0]): "input"}
        calls = []
        for step in self._plan.steps:
            if step.kwargs or step.training is not None or step.mask is not None \
                    or len(step.output_ids) != 1 or any(i not in names for i in step.input_ids):
                return None
            output = step.output_ids[0]
            names[output] = len(calls)
            calls.append((step.layer, [names[i] for i in step.input_ids], len(calls),
                          shapes[output]))
        layers = [call[0] for call in calls]
        if not calls or calls[-1][2] != names.get(id(self.outputs[0])) \
                or len({id(layer) for layer in layers}) != len(layers):
            return None  # a layer used twice needs its gradients summed: autograd does that
        return calls

    @property
    def _input_ids(self):
        return [id(t) for t in self.inputs]

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Prints a table of the layers, their output shapes and parameter counts.

        Args:
            line_length: total width (default 65, or 98 for graphs with branches).
            positions: column ends, as fractions or absolute positions.
            print_fn: the function to print each line with (default ``print``).
        """
        if not self.built:
            raise ValueError("This model has not yet been built. Build the model first by "
                             "calling build() or calling fit() with some data. Or specify "
                             "input_shape or batch_input_shape in the first layer for automatic "
                             "build.")
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    def get_config(self):
        """The Keras 2 config: ``{'name', 'layers', 'input_layers', 'output_layers'}``."""
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds a model (fresh weights) from ``get_config()`` output.

        Args:
            config: the config dict.
            custom_objects: a dict from name to custom classes or functions.
        """
        return functional_from_config(cls, config, custom_objects)

    def to_json(self, **kwargs):
        """The architecture as a JSON string (``keras.models.model_from_json`` reads it).

        Args:
            **kwargs: passed to ``json.dumps``, e.g. ``indent=2``.
        """
        return model_to_json(self, **kwargs)

    def __repr__(self):
        return f"<{self.__class__.__name__} name={self.name!r} layers={len(self.layers)}>"
