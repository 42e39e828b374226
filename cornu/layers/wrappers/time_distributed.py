"""``TimeDistributed``: applies a layer to every time step of ``(batch, timesteps, ...)``
inputs, with one set of weights for all steps.

Example:
    >>> from cornu.layers import Dense
    >>> TimeDistributed(Dense(8))(torch.ones(32, 10, 16)).shape
    torch.Size([32, 10, 8])
"""
import torch

from cornu.graph.layer_call import run_layer
from cornu.layers.wrappers.wrapper import Wrapper


def _merge_steps(tensor):
    """``(batch, timesteps, ...)`` -> ``(batch * timesteps, ...)``."""
    return tensor.reshape((-1,) + tuple(tensor.shape[2:]))


def _split_steps(tensor, batch, steps):
    """``(batch * timesteps, ...)`` -> ``(batch, timesteps, ...)``."""
    return tensor.reshape((batch, steps) + tuple(tensor.shape[1:]))


class TimeDistributed(Wrapper):
    """Applies ``layer`` to every temporal slice of the input (axis 1 is time): the steps are
    folded into the batch, ``(batch * timesteps, ...)``, the layer runs once, and the result
    is unfolded to ``(batch, timesteps, ...)``. A stateful layer runs step by step instead,
    keeping its states per sample, as tf.keras does. The weights are the wrapped layer's.

    Masks: the input mask (``(batch, timesteps, ...)``) reaches the layer folded the same way
    (when its ``call`` takes a mask); the output mask is the layer's own, unfolded, when it
    computes one, else the input mask reduced to ``(batch, timesteps)`` (Keras 2's rule).

    Args:
        layer: a layer instance, applied to inputs of shape ``(batch, ...)``.

    Input shape: ``(batch, timesteps, ...)``, at least 3 dimensions. Output shape:
    ``(batch, timesteps) + layer's output shape[1:]``.

    Example:
        >>> from cornu.layers import Conv2D
        >>> TimeDistributed(Conv2D(64, (3, 3)))(torch.ones(2, 10, 8, 8, 3)).shape
        torch.Size([2, 10, 6, 6, 64])
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _check_inputs(self, shapes):
        shape = tuple(shapes[0])
        if len(shape) < 3:
            raise ValueError(
                f"TimeDistributed layer {self.name} applies {self.layer.name} to every time "
                f"step of inputs of shape (batch, timesteps, ...), with at least 3 dimensions; "
                f"it received shape {shape}. Give the inputs a time axis (e.g. "
                f"input_shape=(timesteps, features)), or use {self.layer.name} without "
                f"TimeDistributed.")
        self.layer._check_inputs([(shape[0],) + shape[2:]])

    def build(self, input_shape):
        shape = tuple(input_shape)
        self.layer._maybe_build([(shape[0],) + shape[2:]])
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        inner = tuple(self.layer.compute_output_shape((shape[0],) + shape[2:]))
        return (inner[0], shape[1]) + inner[1:]

    def _steps_one_by_one(self):
        return bool(getattr(self.layer, "stateful", False))

    def call(self, inputs, training=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        if self._steps_one_by_one():
            outputs = [run_layer(self.layer, inputs[:, t], training=training,
                                 mask=None if mask is None else mask[:, t])
                       for t in range(steps)]
            return torch.stack(outputs, dim=1)
        outputs = run_layer(self.layer, _merge_steps(inputs), training=training,
                            mask=None if mask is None else _merge_steps(mask))
        return _split_steps(outputs, batch, steps)

    def compute_mask(self, inputs, mask=None):
        if self._steps_one_by_one():
            return mask
        inner_mask = None if mask is None else _merge_steps(mask)
        output_mask = self.layer.compute_mask(_merge_steps(inputs), inner_mask)
        if output_mask is not None:
            return _split_steps(output_mask, inputs.shape[0], inputs.shape[1])
        if mask is None or mask.dim() == 2:
            return mask
        return mask.reshape(mask.shape[0], mask.shape[1], -1).any(dim=-1)
