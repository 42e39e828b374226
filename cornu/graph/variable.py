"""A layer's weight: a ``torch.nn.Parameter`` that also answers to Keras's ``name``.

Keras 2 names a weight after the name scope it was built in: ``dense_1/kernel:0``; an LSTM's
cell builds its weights in the LSTM's scope (``lstm_1/kernel:0``), a ``Bidirectional``'s
directions in their own under it (``bidirectional_1/forward_lstm_1/kernel:0``). The name is
worked out when asked for, from the layer that made the weight and the layers holding it
(``Layer._weight_name``), so renaming or wrapping a layer later is reflected.

Example:
    >>> from cornu.layers import Dense
    >>> layer = Dense(2, name='dense_7')
    >>> layer.build((None, 3))
    >>> layer.kernel.name
    'dense_7/kernel:0'
"""
import weakref

import torch


class LayerWeight(torch.nn.Parameter):
    """A Parameter made by ``Layer.add_weight``; ``name`` is its Keras 2 name (None once its
    layer is gone, or for a copy made outside the layer)."""

    _owner = None

    def bind(self, layer):
        """Records the layer that made this weight (weakly: the layer owns the weight).

        Args:
            layer: the ``Layer`` whose ``add_weight`` made it.
        """
        self._owner = weakref.ref(layer)
        return self

    def _layer(self):
        return self._owner() if self._owner is not None else None

    @property
    def name(self):
        layer = self._layer()
        return None if layer is None else layer._weight_name(self)

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        layer = self._layer()
        if layer is not None and id(layer) in memo:  # copied with its layer: the copy's weight
            copied.bind(memo[id(layer)])
        return copied

    def __repr__(self):
        dtype = str(self.dtype).replace("torch.", "")
        return f"<cornu.Variable '{self.name}' shape={tuple(self.shape)} dtype={dtype}>"
