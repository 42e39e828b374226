"""``Sequential``: a linear stack of layers, the model of the textbooks' first chapters.

Example:
    >>> from cornu.layers import Dense
    >>> model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dense(10)])
    >>> model.output_shape
    (None, 10)
"""
from cornu.graph.layer import Layer
from cornu.graph.input_layer import Input, InputLayer
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.layer_call import run_layer
from cornu.models.model import Model
from cornu.saving.model_config import sequential_config, sequential_from_config


class Sequential(Model):
    """A model whose layers each take the previous layer's output.

    Args:
        layers: a list of layers to add, in order.
        name: the model name (default ``sequential_<n>``).
    """

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._stack = []
        self._tensors = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        """The layers in order, without the implicit input layer."""
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    def add(self, layer):
        """Adds a layer on top of the stack.

        Args:
            layer: a Layer instance (or a Model, used as one layer).
        """
        if not isinstance(layer, Layer):
            raise TypeError(f"The added layer must be an instance of class Layer. Found: "
                            f"{layer!r} (of type {type(layer).__name__}).")
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(f"All layers added to a Sequential model should have unique names. "
                             f"Name \"{layer.name}\" is already the name of a layer in this "
                             "model. Update the `name` argument to pass a unique name.")
        if not self._stack:
            self._start(layer)
        else:
            self._stack.append(layer)
            if self._tensors:
                self._connect(layer)
        self._layers.append(layer)
        self._refresh()

    def _start(self, layer):
        if isinstance(layer, InputLayer):
            self._stack.append(layer)
            self._tensors = [layer._inbound_nodes[0].output_tensors[0]]
            return
        self._stack.append(layer)
        batch_shape = layer.batch_input_shape
        if batch_shape is None and isinstance(layer, Model) and layer.inputs:
            batch_shape = layer.inputs[0].shape
        if batch_shape is not None:
            self._tensors = [Input(batch_shape=batch_shape, dtype=layer.dtype,
                                   name=layer.name + "_input")]
            self._connect(layer)

    def _connect(self, layer):
        output = layer(self._tensors[-1])
        if not isinstance(output, KerasTensor):
            raise TypeError("All layers in a Sequential model should have a single output "
                            f"tensor. Layer {layer.name} returned {len(output)} tensors. For "
                            "multi-output layers, use the functional API.")
        self._tensors.append(output)

    def _refresh(self):
        """Re-derives inputs, outputs and the fast call chain after the stack changed."""
        if self._tensors:
            self.inputs, self.outputs = [self._tensors[0]], [self._tensors[-1]]
            self.built = True
        else:
            self.inputs, self.outputs = [], []
            self.built = False
        self._structure_changed()

    def pop(self):
        """Removes the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        del self._layers[len(self._layers) - 1]
        if len(self._tensors) > 1:
            self._tensors.pop()
        if not self.layers:
            self._tensors = []
            self._stack = [l for l in self._stack if not isinstance(l, InputLayer)]
        self._refresh()
        return layer

    def build(self, input_shape=None):
        """Creates the input and connects every layer for a batch input shape.

        Args:
            input_shape: e.g. ``(None, 784)``; may be omitted if the first layer has one.
        """
        if self._tensors:
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument to build a Sequential "
                             "model whose first layer has no input shape, e.g. "
                             "model.build((None, 784)).")
        first = self.layers[0]
        self._tensors = [Input(batch_shape=tuple(input_shape), dtype=first.dtype,
                               name=first.name + "_input")]
        for layer in self.layers:
            self._connect(layer)
        self._refresh()

    def call(self, inputs, training=None, mask=None):
        """Runs the stack on real tensors, each layer through ``run_layer``.

        Args:
            inputs: a tensor.
            training: the mode every layer runs in (None: each layer resolves it).
            mask: the input's mask, or None.
        """
        for layer in self.layers:
            inputs = run_layer(layer, inputs, training=training, mask=mask)
            mask = None  # later layers take the mask their input carries
        return inputs

    def _layer_graph(self):
        """The layer calls in order, ``(layer, input ids, output id, output shape)``, each
        reading the one before (the first, ``'input'``); None before the stack is built."""
        if not self.inputs:
            return None
        tensors = self._tensors[1:]
        return [(layer, ["input" if index == 0 else index - 1], index, tensor.shape)
                for index, (layer, tensor) in enumerate(zip(self.layers, tensors))]

    def compute_output_shape(self, input_shape):
        if self.outputs:
            return self.outputs[0].shape
        return super().compute_output_shape(input_shape)

    def get_config(self):
        """The Keras 2 config: ``{'name': ..., 'layers': [{'class_name', 'config'}, ...]}``."""
        return sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds a Sequential (fresh weights) from its config, as a dict or a list.

        Args:
            config: ``get_config()`` output, or the list of layer configs of older Keras.
            custom_objects: a dict from name to custom classes or functions.
        """
        return sequential_from_config(cls, config, custom_objects)
