"""The one entry through which a layer runs on data: ``run_layer``.

``layer(x)`` on tensors, graph models, ``Sequential`` and the training steps all go through
it. It decides the call's training mode (``call_context.resolve_training``), passes
``training`` and ``mask`` to a ``call`` that accepts them, runs ``call`` in a ``CallContext``
of that mode (sublayers called inside inherit it; losses added inside are recorded on the
layer, ``layer.losses``, and collected for the enclosing call, where a training step takes
them), adds the activity regulariser's loss, and attaches the output mask to the outputs (``_keras_mask``), as
tf.keras does: a layer that does not support masking drops the mask.

Example:
    >>> from cornu.layers import Dropout
    >>> run_layer(Dropout(0.5), torch.ones(2, 2), training=False).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
"""
import inspect

from cornu.graph import call_context
from cornu.utils.generic_utils import to_list


class CallSignature:
    """What the entry needs to know about a layer class's ``call`` and ``compute_mask``.

    Args:
        cls: the layer class.
    """

    __slots__ = ("training", "mask", "computes_mask")

    def __init__(self, cls):
        parameters = inspect.signature(cls.call).parameters
        self.training = "training" in parameters
        self.mask = "mask" in parameters
        self.computes_mask = not getattr(cls.compute_mask, "is_default", False)


_SIGNATURES = {}
#: A layer's record of its last call's losses before any is added (shared, never mutated).
NO_LOSSES = ()
_NO_ARGUMENTS = {}


def call_signature(cls):
    """The ``CallSignature`` of a layer class (computed once per class).

    Args:
        cls: the layer class.
    """
    signature = _SIGNATURES.get(cls)
    if signature is None:
        signature = _SIGNATURES[cls] = CallSignature(cls)
    return signature


def input_masks(inputs):
    """The masks the inputs carry (``_keras_mask``): one, a list for a list, or None.

    Args:
        inputs: a tensor or a list of tensors.
    """
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(x, "_keras_mask", None) for x in inputs]
        return masks if any(m is not None for m in masks) else None
    return getattr(inputs, "_keras_mask", None)


def run_layer(layer, inputs, training=None, mask=None, kwargs=None):
    """Runs ``layer.call`` on data with Keras 2's calling conventions; returns its outputs.

    Args:
        layer: a built layer.
        inputs: a tensor or a list of tensors.
        training: an explicit training mode, or None to resolve it (see ``resolve_training``).
        mask: the inputs' mask(s), or None to take the ones the inputs carry.
        kwargs: other keyword arguments of the call (e.g. recorded in a graph node).
    """
    signature = _SIGNATURES.get(type(layer)) or call_signature(type(layer))
    if training is None:
        training = call_context.resolve_training(None)
    if mask is None:
        mask = input_masks(inputs)
    if kwargs or signature.training or signature.mask:
        arguments = dict(kwargs) if kwargs else {}
        if signature.training:
            arguments.setdefault("training", training)
        if signature.mask and mask is not None:
            arguments.setdefault("mask", mask)
    else:
        arguments = _NO_ARGUMENTS
    layer.__dict__["_call_losses"] = NO_LOSSES  # this call's own losses (see Layer.add_loss)
    outputs = call_context.call_in_mode(training, _call, layer, inputs, arguments)
    if mask is not None or signature.computes_mask:
        _attach_masks(layer, signature, inputs, outputs, mask)
    return outputs


def _call(layer, inputs, arguments):
    outputs = layer.call(inputs, **arguments)
    regularizer = layer.activity_regularizer
    if regularizer is not None:
        layer.add_loss([regularizer(output) for output in to_list(outputs)])
    return outputs


def _attach_masks(layer, signature, inputs, outputs, mask):
    """Sets the outputs' ``_keras_mask`` from ``layer.compute_mask`` (tf.keras's rules)."""
    flat = to_list(outputs)
    if all(getattr(x, "_keras_mask", None) is not None for x in flat):
        return  # computed inside (a nested model's layers)
    if not (layer.supports_masking or signature.computes_mask):
        return
    masks = layer.compute_mask(inputs, mask)
    if masks is None:
        return
    for output, output_mask in zip(flat, to_list(masks)):
        if output_mask is not None:
            output._keras_mask = output_mask
