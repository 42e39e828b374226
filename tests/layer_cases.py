"""The layer table: one row per layer configuration, consumed by tests/test_layers.py.

Each row gives the constructor arguments, an input shape, the expected output shape, the
expected numbers of weights, and a NumPy reference ``(x, weights) -> y`` of the inference
output. A new layer joins the generic checks (symbolic shape, eager values, config round trip,
weight counts, training step) by adding a row here.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from cornu import layers


@dataclass
class LayerCase:
    """One row of the layer table."""
    cls: type
    kwargs: dict
    input_shape: tuple
    output_shape: tuple
    reference: Optional[Callable] = None
    trainable_weights: int = 0
    non_trainable_weights: int = 0
    trainable_check: bool = True
    id: str = field(default="")

    def __post_init__(self):
        if not self.id:
            self.id = self.cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in self.kwargs.items())


def _relu(x):
    return np.maximum(x, 0)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


CASES = [
    LayerCase(layers.Dense, {"units": 3}, (2, 4), (None, 3),
              lambda x, w: x @ w[0] + w[1], trainable_weights=2),
    LayerCase(layers.Dense, {"units": 3, "activation": "relu"}, (2, 4), (None, 3),
              lambda x, w: _relu(x @ w[0] + w[1]), trainable_weights=2),
    LayerCase(layers.Dense, {"units": 2, "use_bias": False, "activation": "softmax"}, (3, 5),
              (None, 2), lambda x, w: _softmax(x @ w[0]), trainable_weights=1),
    LayerCase(layers.Dense, {"units": 2}, (2, 3, 4), (None, 3, 2),
              lambda x, w: x @ w[0] + w[1], trainable_weights=2),
    LayerCase(layers.Activation, {"activation": "tanh"}, (2, 3), (None, 3),
              lambda x, w: np.tanh(x)),
    LayerCase(layers.Activation, {"activation": "sigmoid"}, (2, 3), (None, 3),
              lambda x, w: 1 / (1 + np.exp(-x))),
    LayerCase(layers.Dropout, {"rate": 0.5}, (2, 3), (None, 3), lambda x, w: x),
    LayerCase(layers.Flatten, {}, (2, 3, 4), (None, 12), lambda x, w: x.reshape(2, 12)),
    LayerCase(layers.Flatten, {"data_format": "channels_first"}, (2, 3, 4, 5), (None, 60),
              lambda x, w: x.transpose(0, 2, 3, 1).reshape(2, 60)),
    LayerCase(layers.Reshape, {"target_shape": (3, 4)}, (2, 12), (None, 3, 4),
              lambda x, w: x.reshape(2, 3, 4)),
    LayerCase(layers.Reshape, {"target_shape": (-1, 2)}, (2, 12), (None, 6, 2),
              lambda x, w: x.reshape(2, 6, 2)),
    LayerCase(layers.Permute, {"dims": (2, 1)}, (2, 3, 4), (None, 4, 3),
              lambda x, w: x.transpose(0, 2, 1)),
    LayerCase(layers.RepeatVector, {"n": 3}, (2, 4), (None, 3, 4),
              lambda x, w: np.repeat(x[:, None, :], 3, axis=1)),
    LayerCase(layers.ActivityRegularization, {"l1": 0.01}, (2, 3), (None, 3), lambda x, w: x),
    LayerCase(layers.LeakyReLU, {"alpha": 0.1}, (2, 3), (None, 3),
              lambda x, w: np.where(x > 0, x, 0.1 * x)),
    LayerCase(layers.LeakyReLU, {}, (2, 3), (None, 3),
              lambda x, w: np.where(x > 0, x, 0.3 * x)),
    LayerCase(layers.PReLU, {"alpha_initializer": "ones"}, (2, 3), (None, 3),
              lambda x, w: np.where(x >= 0, x, w[0] * x), trainable_weights=1),
    LayerCase(layers.PReLU, {"shared_axes": [1]}, (2, 3, 4), (None, 3, 4),
              lambda x, w: np.where(x >= 0, x, w[0] * x), trainable_weights=1),
    LayerCase(layers.ELU, {"alpha": 0.5}, (2, 3), (None, 3),
              lambda x, w: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    LayerCase(layers.ThresholdedReLU, {"theta": 0.5}, (2, 3), (None, 3),
              lambda x, w: np.where(x > 0.5, x, 0)),
    LayerCase(layers.ReLU, {}, (2, 3), (None, 3), lambda x, w: _relu(x)),
    LayerCase(layers.ReLU, {"max_value": 0.5, "negative_slope": 0.1}, (2, 3), (None, 3),
              lambda x, w: np.where(x >= 0.5, 0.5, np.where(x >= 0, x, 0.1 * x))),
    LayerCase(layers.Softmax, {}, (2, 3), (None, 3), lambda x, w: _softmax(x)),
    LayerCase(layers.Softmax, {"axis": 1}, (2, 3, 4), (None, 3, 4),
              lambda x, w: _softmax(x, axis=1)),
]
