"""``InputLayer`` and ``Input()``: where a model's data enters.

Example:
    >>> x = Input(shape=(784,))
    >>> x.shape
    (None, 784)
"""
from cornu.config import get_uid
from cornu.graph.layer import Layer
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.node import Node


class InputLayer(Layer):
    """The layer standing for a model input: it holds the input's static shape and dtype.

    Args:
        input_shape: shape of one sample (no batch dimension).
        batch_size: a fixed batch size, or None.
        batch_input_shape: the full shape including the batch dimension.
        dtype: the input dtype (default floatx).
        sparse: accepted for Keras 2 compatibility; inputs are dense tensors here.
        name: the layer name (default ``input_<n>``).
    """

    def __init__(self, input_shape=None, batch_size=None, batch_input_shape=None, dtype=None,
                 input_tensor=None, sparse=False, name=None):
        if not name:
            name = f"input_{get_uid('input')}"
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError("An InputLayer needs `input_shape` or `batch_input_shape`, "
                                 "e.g. InputLayer(input_shape=(784,)).")
            batch_input_shape = (batch_size,) + tuple(input_shape)
        super().__init__(name=name, dtype=dtype, batch_input_shape=tuple(batch_input_shape))
        self.sparse = sparse
        self.built = True
        output = KerasTensor(self.batch_input_shape, self.dtype, name=name)
        Node(self, [], [output])

    def get_config(self):
        return {"batch_input_shape": self.batch_input_shape, "dtype": str(self.dtype),
                "sparse": self.sparse, "name": self.name}


def Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None):
    """Returns a symbolic tensor to start a functional model with.

    Args:
        shape: shape of one sample, e.g. ``(784,)`` (``None`` entries allowed).
        batch_shape: the full shape including the batch dimension.
        name: a name for the input layer.
        dtype: the input dtype (default floatx).
        sparse: accepted for Keras 2 compatibility.
        tensor: not supported (Keras 2 wrapped an existing TF tensor).

    Example:
        >>> Input(shape=(32,)).shape
        (None, 32)
    """
    if tensor is not None:
        raise ValueError("Input(tensor=...) wraps a TensorFlow tensor in Keras 2; cornu has no "
                         "graph tensors. Pass shape= (and feed the data to fit/predict) instead.")
    if shape is None and batch_shape is None:
        raise ValueError("Please provide to Input either a `shape` or a `batch_shape` argument. "
                         "Note that `shape` does not include the batch dimension.")
    if isinstance(shape, int):
        shape = (shape,)
    layer = InputLayer(input_shape=shape, batch_input_shape=batch_shape, name=name, dtype=dtype,
                       sparse=sparse)
    return layer._inbound_nodes[0].output_tensors[0]
