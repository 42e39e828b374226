"""``keras.engine`` (and ``keras.engine.topology`` ...): where Keras 2 code imports ``Layer``,
``InputSpec``, ``Input``, ``Model`` and ``Sequential`` from.

Example:
    >>> from cornu.engine import Layer, InputSpec
"""
from cornu.graph.input_layer import Input, InputLayer
from cornu.graph.input_spec import InputSpec
from cornu.graph.layer import Layer
from cornu.models.model import Model
from cornu.models.sequential import Sequential

__all__ = ["Input", "InputLayer", "InputSpec", "Layer", "Model", "Sequential"]
