"""The symbolic graph: ``Layer``, symbolic tensors and the nodes linking them, ``Input``.

Example:
    >>> from cornu.graph import Input
    >>> Input(shape=(3,)).shape
    (None, 3)
"""
from cornu.graph.input_layer import Input, InputLayer
from cornu.graph.input_spec import InputSpec
from cornu.graph.keras_tensor import KerasTensor
from cornu.graph.layer import Layer

__all__ = ["Input", "InputLayer", "InputSpec", "KerasTensor", "Layer"]
