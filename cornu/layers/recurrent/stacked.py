"""``StackedRNNCells``: a list of cells run one after the other at every time step, as one cell
(``RNN([cell1, cell2])`` builds one): a stacked RNN in a single loop over time.

States are a flat list in *reverse* cell order, as in Keras 2.2.4 (a two-layer LSTM stack has
``[h2, c2, h1, c1]``), so that the first state is the stack's output, as the ``RNN`` loop
expects of every cell (a masked step repeats ``states[0]``). tf.keras 2.x nests the states per
cell instead; configs and weights are the same in both.

Example:
    >>> from cornu.layers.recurrent import LSTMCell, GRUCell
    >>> StackedRNNCells([LSTMCell(8), GRUCell(4)]).state_size
    (4, 8, 8)
"""
import torch

from cornu.graph.layer import Layer
from cornu.saving.layer_config import deserialize, serialize
from cornu.utils.generic_utils import to_list


def _sizes(cell):
    return list(cell.state_size) if isinstance(cell.state_size, (list, tuple)) \
        else [cell.state_size]


def _output_size(cell):
    return getattr(cell, "output_size", None) or _sizes(cell)[0]


class StackedRNNCells(Layer):
    """A stack of RNN cells that behaves as one cell: each step feeds the input to the first
    cell, its output to the second, and so on; the last cell's output is the stack's.

    Args:
        cells: a list of cells (layers with ``call(inputs, states, training=None) ->
            (output, new_states)`` and ``state_size``, e.g. ``LSTMCell(32)``).

    Attributes:
        state_size: the cells' state sizes, flat, last cell first (Keras 2.2.4's order).
        output_size: the last cell's output size.

    Example:
        >>> from cornu.layers.recurrent import RNN, SimpleRNNCell
        >>> stack = StackedRNNCells([SimpleRNNCell(8), SimpleRNNCell(4)])
        >>> RNN(stack)(torch.ones(2, 5, 3)).shape
        torch.Size([2, 4])
    """

    def __init__(self, cells, **kwargs):
        cells = to_list(cells)
        if not cells:
            raise ValueError("StackedRNNCells needs at least one cell, received an empty list; "
                             "pass e.g. [LSTMCell(32), LSTMCell(32)].")
        for cell in cells:
            if not hasattr(cell, "call"):
                raise ValueError(f"All cells must have a `call` method, received cells: "
                                 f"{cells!r}. Pass cell instances such as LSTMCell(32).")
            if not hasattr(cell, "state_size"):
                raise ValueError(f"All cells must have a `state_size` attribute, received "
                                 f"cells: {cells!r}. Pass cell instances such as LSTMCell(32).")
        super().__init__(**kwargs)
        self.cells = torch.nn.ModuleList(cells)

    @property
    def state_size(self):
        """The state sizes, flat, in reverse cell order (``[h2, c2, h1, c1]``'s sizes)."""
        return tuple(size for cell in reversed(self.cells) for size in _sizes(cell))

    @property
    def output_size(self):
        """The size of the last cell's output."""
        return _output_size(self.cells[-1])

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if not cell.built:
                cell.build(shape)
                cell.built = True
            shape = (shape[0], _output_size(cell))
        super().build(input_shape)

    def call(self, inputs, states, training=None):
        states = list(states)
        per_cell = []  # each cell's states, from the last cell to the first
        for cell in reversed(self.cells):
            count = len(_sizes(cell))
            per_cell.append(states[:count])
            states = states[count:]
        new_states = []
        for cell, cell_states in zip(self.cells, reversed(per_cell)):
            inputs, cell_states = cell.call(inputs, cell_states, training=training)
            new_states.insert(0, to_list(cell_states))
        return inputs, [state for cell_states in new_states for state in cell_states]

    def reset_dropout_mask(self):
        """Forgets every cell's input dropout masks (the layer does it before each sequence)."""
        for cell in self.cells:
            if hasattr(cell, "reset_dropout_mask"):
                cell.reset_dropout_mask()

    def reset_recurrent_dropout_mask(self):
        """Forgets every cell's recurrent dropout masks (likewise)."""
        for cell in self.cells:
            if hasattr(cell, "reset_recurrent_dropout_mask"):
                cell.reset_recurrent_dropout_mask()

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_size)

    def get_config(self):
        return {**super().get_config(), "cells": [serialize(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize(cell, custom_objects=custom_objects)
                 for cell in config.pop("cells")]
        return cls(cells, **config)
