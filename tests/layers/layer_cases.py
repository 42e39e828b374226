"""The layer table: one row per layer configuration, consumed by tests/layers/test_layers.py.

Each row gives the constructor arguments, an input shape, the expected output shape, the
expected numbers of weights, and a NumPy reference ``(x, weights) -> y`` of the inference
output. Layers called on several tensors (merge layers) give a list of input shapes; their
reference then receives the list of input arrays. A new layer joins the generic checks (symbolic shape, eager values, config round trip,
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
    input_shape: tuple  # or a list of shapes, for layers called on a list of tensors
    output_shape: tuple
    reference: Optional[Callable] = None
    trainable_weights: int = 0
    non_trainable_weights: int = 0
    id: str = field(default="")
    unsafe_config: bool = False  # from_config needs unsafe_deserialization() (Lambda)

    def __post_init__(self):
        if not self.id:
            self.id = self.cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in self.kwargs.items())


def _relu(x):
    return np.maximum(x, 0)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _cosine(a, b):
    norms = np.sqrt((a ** 2).sum(axis=1, keepdims=True) * (b ** 2).sum(axis=1, keepdims=True))
    return (a * b).sum(axis=1, keepdims=True) / norms


def _square(x):
    return x ** 2


def _scaled_sum(x, scale):
    return scale * x.sum(dim=(1, 2)).unsqueeze(1)


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
    # merge layers: a list of input shapes, the reference gets a list of arrays
    LayerCase(layers.Add, {}, [(2, 3), (2, 3)], (None, 3), lambda x, w: x[0] + x[1],
              id="Add-2-inputs"),
    LayerCase(layers.Add, {}, [(2, 3), (2, 3), (2, 3)], (None, 3),
              lambda x, w: x[0] + x[1] + x[2], id="Add-3-inputs"),
    LayerCase(layers.Add, {}, [(2, 4, 3), (2, 3)], (None, 4, 3),
              lambda x, w: x[0] + x[1][:, None, :], id="Add-different-ranks"),
    LayerCase(layers.Subtract, {}, [(2, 3), (2, 3)], (None, 3), lambda x, w: x[0] - x[1]),
    LayerCase(layers.Multiply, {}, [(2, 3), (2, 3), (2, 3)], (None, 3),
              lambda x, w: x[0] * x[1] * x[2], id="Multiply-3-inputs"),
    LayerCase(layers.Multiply, {}, [(2, 3), (2, 1)], (None, 3), lambda x, w: x[0] * x[1],
              id="Multiply-broadcast"),
    LayerCase(layers.Average, {}, [(2, 3), (2, 3), (2, 3)], (None, 3),
              lambda x, w: (x[0] + x[1] + x[2]) / 3),
    LayerCase(layers.Maximum, {}, [(2, 3), (2, 3), (2, 3)], (None, 3),
              lambda x, w: np.maximum(np.maximum(x[0], x[1]), x[2])),
    LayerCase(layers.Minimum, {}, [(2, 3), (2, 3)], (None, 3),
              lambda x, w: np.minimum(x[0], x[1])),
    LayerCase(layers.Concatenate, {}, [(2, 3), (2, 4)], (None, 7),
              lambda x, w: np.concatenate(x, axis=-1)),
    LayerCase(layers.Concatenate, {"axis": 1}, [(2, 2, 5), (2, 1, 5), (2, 3, 5)], (None, 6, 5),
              lambda x, w: np.concatenate(x, axis=1)),
    LayerCase(layers.Dot, {"axes": 1}, [(2, 3), (2, 3)], (None, 1),
              lambda x, w: (x[0] * x[1]).sum(axis=1, keepdims=True)),
    LayerCase(layers.Dot, {"axes": -1, "normalize": True}, [(2, 3), (2, 3)], (None, 1),
              lambda x, w: _cosine(x[0], x[1])),
    LayerCase(layers.Dot, {"axes": (2, 2)}, [(2, 4, 3), (2, 5, 3)], (None, 4, 5),
              lambda x, w: np.einsum("bik,bjk->bij", x[0], x[1])),
    LayerCase(layers.Dot, {"axes": (1, 2)}, [(2, 4, 3), (2, 5, 4)], (None, 3, 5),
              lambda x, w: np.einsum("bki,bjk->bij", x[0], x[1])),
    # Lambda: config round trips need unsafe_deserialization()
    LayerCase(layers.Lambda, {"function": _square}, (2, 3), (None, 3), lambda x, w: x ** 2,
              unsafe_config=True, id="Lambda-inferred-shape"),
    LayerCase(layers.Lambda, {"function": _scaled_sum, "output_shape": (1,),
                              "arguments": {"scale": 2.0}}, (2, 3, 4), (None, 1),
              lambda x, w: 2.0 * x.sum(axis=(1, 2))[:, None], unsafe_config=True,
              id="Lambda-tuple-shape-arguments"),
]
