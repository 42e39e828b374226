"""``keras.layers``: every layer, by family.

Example:
    >>> from cornu.layers import Dense, Dropout
"""
from cornu.graph.layer import Layer
from cornu.graph.input_layer import Input, InputLayer
from cornu.graph.input_spec import InputSpec
from cornu.layers.advanced_activations import ELU, PReLU, LeakyReLU, ReLU, Softmax, ThresholdedReLU
from cornu.layers.core import (Activation, ActivityRegularization, Dense, Dropout, Flatten,
                               Masking, Permute, RepeatVector, Reshape)
from cornu.layers.convolutional import *  # noqa: F401,F403 (its __all__)
from cornu.layers.convolutional import __all__ as _convolutional
from cornu.layers.embeddings import Embedding
from cornu.layers.lambda_layer import Lambda
from cornu.layers.serialization import deserialize, serialize
from cornu.saving.registry import register_layer
from cornu.layers.merge import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply,
                                Subtract, add, average, concatenate, dot, maximum, minimum,
                                multiply, subtract)
from cornu.layers.noise import (AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D,
                                SpatialDropout2D, SpatialDropout3D)
from cornu.layers.normalization import BatchNormalization
from cornu.layers.recurrent import (GRU, LSTM, RNN, CuDNNGRU, CuDNNLSTM, GRUCell, LSTMCell,
                                     SimpleRNN, SimpleRNNCell, StackedRNNCells)
from cornu.layers.wrappers import Bidirectional, TimeDistributed, Wrapper
from cornu.layers.pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D,
                                  AvgPool1D, AvgPool2D, AvgPool3D, GlobalAveragePooling1D,
                                  GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalAvgPool1D,
                                  GlobalAvgPool2D, GlobalAvgPool3D, GlobalMaxPool1D,
                                  GlobalMaxPool2D, GlobalMaxPool3D, GlobalMaxPooling1D,
                                  GlobalMaxPooling2D, GlobalMaxPooling3D, MaxPool1D, MaxPool2D,
                                  MaxPool3D, MaxPooling1D, MaxPooling2D, MaxPooling3D)
from cornu.layers.spatial_reshaping import (Cropping1D, Cropping2D, Cropping3D, UpSampling1D,
                                            UpSampling2D, UpSampling3D, ZeroPadding1D,
                                            ZeroPadding2D, ZeroPadding3D)

__all__ = ["Layer", "Input", "InputLayer", "InputSpec", "Dense", "Activation", "Dropout",
           "Flatten", "Reshape", "Permute", "RepeatVector", "ActivityRegularization",
           "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "ReLU", "Softmax"]
__all__ += ["Masking", "StackedRNNCells", "Wrapper", "TimeDistributed", "Bidirectional"]
__all__ += ["Lambda", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
            "Concatenate", "Dot", "add", "subtract", "multiply", "average", "maximum", "minimum",
            "concatenate", "dot", "serialize", "deserialize"]
__all__ += _convolutional
__all__ += ["Embedding"]
__all__ += ["AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D",
            "SpatialDropout2D", "SpatialDropout3D", "BatchNormalization"]
__all__ += ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
            "AveragePooling2D", "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
            "GlobalMaxPooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
            "GlobalAveragePooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D",
            "AvgPool2D", "AvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
            "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D"]
__all__ += ["RNN", "SimpleRNNCell", "LSTMCell", "GRUCell", "SimpleRNN", "LSTM", "GRU",
            "CuDNNLSTM", "CuDNNGRU"]
__all__ += ["UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
            "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D"]


def _register_families():
    """Makes every layer class above resolvable by name in configs (``keras.layers``'s own
    namespace, aliases included, as Keras 2 looks classes up)."""
    for name, value in list(globals().items()):
        if isinstance(value, type) and issubclass(value, Layer):
            register_layer(value, name)  # by every name it has here: aliases too (MaxPool2D)


_register_families()
