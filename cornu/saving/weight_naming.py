"""Which weights a layer saves, in Keras 2's order and under Keras 2's names.

Keras 2 saves ``layer.weights``: the trainable weights, then the others. A nested model is one
layer whose weights are its layers' (all their trainable weights, then all the others), each
named after the inner layer that owns it. A layer's own sublayers (an LSTM's cell, the layer in
a ``TimeDistributed``) name their weights after the layer, as Keras 2.2.4 did:
``lstm_1/kernel:0``; the two directions of a ``Bidirectional`` add their own names
(``bidirectional_1/forward_lstm_1/kernel:0``), as Keras built them in their own name scopes. A
frozen layer or model lists the same weights in the same order (all non-trainable then).

Example:
    >>> from cornu.layers import Dense
    >>> layer = Dense(2, name='dense_1')
    >>> layer.build((None, 3))
    >>> [(w.name, w.shape) for w in saved_weights(layer)]
    [('dense_1/kernel:0', (3, 2)), ('dense_1/bias:0', (2,))]
"""
import numpy as np
import torch

from cornu.saving.registry import is_model


class SavedWeight:
    """One weight as files see it: its Keras 2 name and its value in the Keras layout.

    Args:
        name: the Keras 2 name, e.g. ``'dense_1/kernel:0'``.
        info: the layer's weight record (``param``, ``layout`` ...), see ``Layer.add_weight``.
    """

    def __init__(self, name, info):
        self.name = name
        self.param = info["param"]
        self.layout = info["layout"]

    @property
    def shape(self):
        """The shape in the Keras layout, e.g. ``(3, 3, 1, 32)`` for a Conv2D kernel."""
        return tuple(self.layout.to_keras(self.param.detach()).shape)

    def value(self):
        """The value as a NumPy array in the Keras layout."""
        return self.layout.to_keras(self.param.detach()).cpu().numpy().copy()

    def converted(self, array):
        """``array`` as a tensor ready for ``assign`` (stored layout, dtype, device).

        Args:
            array: a NumPy array of ``shape``.
        """
        value = torch.as_tensor(np.asarray(array), dtype=self.param.dtype)
        return self.layout.from_keras(value).to(self.param.device)

    def assign(self, tensor):
        """Writes a tensor from ``converted`` into the weight.

        Args:
            tensor: the converted value.
        """
        with torch.no_grad():
            self.param.copy_(tensor)


def _split(layer, owner):
    """``(trainable, non_trainable)`` lists of ``(owner name, weight record)`` in Keras order."""
    if is_model(layer):
        parts = [_split(sublayer, None) for sublayer in layer.layers]
    else:
        owner = owner or layer.name
        own = layer._weights_info
        parts = [([(owner, i) for i in own if i["trainable"]],
                  [(owner, i) for i in own if not i["trainable"]])]
        parts += [_split(sublayer, layer._sublayer_scope(sublayer, owner))
                  for sublayer in layer._sublayers()]
    trainable = [entry for part in parts for entry in part[0]]
    non_trainable = [entry for part in parts for entry in part[1]]
    if not layer.trainable:
        return [], trainable + non_trainable
    return trainable, non_trainable


def saved_weight_counts(layer):
    """``(trainable, others)``: how many of the weights Keras 2 saves for ``layer`` are in each
    part (a nested model's file arrays list all trainable ones first).

    Args:
        layer: a Layer or Model.
    """
    trainable, non_trainable = _split(layer, None)
    return len(trainable), len(non_trainable)


def _unique(name, taken):
    if name not in taken:
        return name
    base = name[:-2] if name.endswith(":0") else name
    index = 1
    while f"{base}_{index}:0" in taken:
        index += 1
    return f"{base}_{index}:0"


def saved_weights(layer):
    """The weights Keras 2 saves for ``layer`` (a layer or a nested model), in its order.

    Args:
        layer: a Layer or Model.

    Returns:
        A list of ``SavedWeight``; a weight shared by several sublayers appears once.
    """
    trainable, non_trainable = _split(layer, None)
    seen, taken, weights = set(), set(), []
    for owner, info in trainable + non_trainable:
        if id(info["param"]) in seen:
            continue
        seen.add(id(info["param"]))
        name = _unique(f"{owner}/{info['name']}:0", taken)
        taken.add(name)
        weights.append(SavedWeight(name, info))
    return weights
