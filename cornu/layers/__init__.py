"""``keras.layers``: every layer, by family.

Example:
    >>> from cornu.layers import Dense, Dropout
"""
from cornu.graph.layer import Layer
from cornu.graph.input_layer import Input, InputLayer
from cornu.graph.input_spec import InputSpec
from cornu.layers.advanced_activations import ELU, PReLU, LeakyReLU, ReLU, Softmax, ThresholdedReLU
from cornu.layers.core import (Activation, ActivityRegularization, Dense, Dropout, Flatten,
                               Permute, RepeatVector, Reshape)
from cornu.layers.lambda_layer import Lambda
from cornu.layers.serialization import deserialize, serialize
from cornu.saving.registry import register_layer
from cornu.layers.merge import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply,
                                Subtract, add, average, concatenate, dot, maximum, minimum,
                                multiply, subtract)

__all__ = ["Layer", "Input", "InputLayer", "InputSpec", "Dense", "Activation", "Dropout",
           "Flatten", "Reshape", "Permute", "RepeatVector", "ActivityRegularization",
           "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "ReLU", "Softmax"]
__all__ += ["Lambda", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
            "Concatenate", "Dot", "add", "subtract", "multiply", "average", "maximum", "minimum",
            "concatenate", "dot", "serialize", "deserialize"]


def _register_families():
    """Makes every layer class above resolvable by name in configs (``keras.layers``'s own
    namespace, as Keras 2 looks classes up)."""
    for value in list(globals().values()):
        if isinstance(value, type) and issubclass(value, Layer):
            register_layer(value)


_register_families()
