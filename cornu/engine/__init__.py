"""The engine: ``Layer``, symbolic tensors and nodes, ``Model``, ``Sequential``, training."""
from cornu.engine.base_layer import Layer
from cornu.engine.input_layer import Input, InputLayer
from cornu.engine.input_spec import InputSpec
from cornu.engine.model import Model
from cornu.engine.sequential import Sequential
