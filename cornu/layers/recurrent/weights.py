"""``RecurrentWeights``: the kernel, recurrent kernel and bias every recurrent cell has, with
their initializers, regularizers and constraints (Keras 2's nine arguments and config keys),
shared by the Keras cells and the cuDNN cells.

Example:
    >>> from cornu.layers.recurrent import LSTMCell
    >>> cell = LSTMCell(2, kernel_regularizer="l2"); cell.build((None, 3))
    >>> tuple(cell.kernel.shape), "kernel_regularizer" in cell.get_config()
    ((3, 8), True)
"""
import torch

from cornu import constraints, initializers, regularizers
from cornu.graph.layer import KERAS_LAYOUT

_KINDS = (("initializer", initializers), ("regularizer", regularizers),
          ("constraint", constraints))
_WEIGHTS = ("kernel", "recurrent", "bias")


def forget_bias_at_one(base, units, block, blocks):
    """A bias initializer for ``unit_forget_bias``: ``base`` everywhere but block ``block`` of
    ``blocks`` blocks of ``units``, which starts at 1 (the forget gate's bias).

    Args:
        base: the bias initializer of the other blocks.
        units: the size of a block.
        block: the index of the forget gate's block.
        blocks: the number of blocks in the bias.
    """
    def initializer(shape, dtype=None):
        def part(size):
            return torch.as_tensor(base((size,), dtype=dtype), dtype=dtype)
        return torch.cat([part(block * units), torch.ones(units, dtype=dtype),
                          part((blocks - block - 1) * units)])
    return initializer


class RecurrentWeights:
    """A mixin for ``Layer`` subclasses: call ``_set_weight_settings`` in ``__init__`` and
    ``_add_recurrent_weights`` in ``build``.

    Its attributes are Keras's: ``kernel_initializer``, ``recurrent_initializer``,
    ``bias_initializer``, the three ``*_regularizer`` and the three ``*_constraint``.
    """

    def _set_weight_settings(self, kernel_initializer="glorot_uniform",
                             recurrent_initializer="orthogonal", bias_initializer="zeros",
                             kernel_regularizer=None, recurrent_regularizer=None,
                             bias_regularizer=None, kernel_constraint=None,
                             recurrent_constraint=None, bias_constraint=None):
        """Resolves and keeps the nine settings (identifiers, dicts or objects)."""
        given = dict(locals())
        for kind, module in _KINDS:
            for weight in _WEIGHTS:
                name = f"{weight}_{kind}"
                setattr(self, name, module.get(given[name]))

    def _bias_initializer(self):
        """The initializer the bias is made with (LSTM cells wrap it for unit_forget_bias)."""
        return self.bias_initializer

    def _add_recurrent_weights(self, input_shape, width, bias_shape, layouts=(KERAS_LAYOUT,) * 3):
        """Adds ``kernel`` ``(features, width)``, ``recurrent_kernel`` ``(units, width)`` and,
        when ``bias_shape`` is not None, ``bias``.

        Args:
            input_shape: the cell's input shape (its last dimension must be known).
            width: the kernels' column count.
            bias_shape: the bias's shape, or None for no bias.
            layouts: the three weights' ``Weight`` layouts (by default Keras's own).
        """
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"{self.name}: the last dimension of the inputs (features) must be "
                             f"defined, found None (input shape {tuple(input_shape)}).")
        kernel_layout, recurrent_layout, bias_layout = layouts
        self.kernel = self.add_weight("kernel", (input_dim, width),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, layout=kernel_layout)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint,
                                                layout=recurrent_layout)
        self.bias = None if bias_shape is None else self.add_weight(
            "bias", bias_shape, initializer=self._bias_initializer(),
            regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            layout=bias_layout)

    def _weight_settings_config(self):
        """The nine settings serialized, in Keras 2's config order."""
        return {f"{weight}_{kind}": module.serialize(getattr(self, f"{weight}_{kind}"))
                for kind, module in _KINDS for weight in _WEIGHTS}
