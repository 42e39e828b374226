"""``RecurrentCell``: what the Keras 2 cells share: arguments, weights and Keras's dropout masks
(one input mask and one recurrent mask per sequence, reused at every step, only in training).

Example:
    >>> from cornu.layers.recurrent import SimpleRNNCell
    >>> SimpleRNNCell(4, dropout=0.2).state_size
    4
"""

from cornu import activations
from cornu.graph.call_context import resolve_training
from cornu.graph.layer import Layer
from cornu.kernels.dropout import dropout_mask
from cornu.layers.recurrent.weights import RecurrentWeights
from cornu.utils.validation import positive_int


def clipped_rate(rate):
    """A dropout rate clipped to [0, 1], as Keras 2 does."""
    return min(1.0, max(0.0, float(rate)))


class RecurrentCell(RecurrentWeights, Layer):
    """Base of ``SimpleRNNCell``, ``LSTMCell`` and ``GRUCell``: one time step of a recurrent
    layer, ``call(inputs, states, training=None) -> (output, new_states)``.

    Args:
        units: the size of the output and of each state.
        activation: the output activation (default ``'tanh'``).
        use_bias: whether the cell has a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped (one mask per sequence, while training).
        recurrent_dropout: fraction of the recurrent state dropped (likewise).
    """

    gates = 1       # blocks of ``units`` columns in the kernels
    input_masks = 1  # Keras 2 draws this many input/recurrent dropout masks per sequence

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., **kwargs):
        super().__init__(**kwargs)
        self.units = positive_int(units, "units", type(self).__name__)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._set_weight_settings(kernel_initializer, recurrent_initializer, bias_initializer,
                                  kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                  kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout = clipped_rate(dropout)
        self.recurrent_dropout = clipped_rate(recurrent_dropout)
        self.state_size = self.units
        self.output_size = self.units
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def _bias_shape(self):
        return (self.gates * self.units,)

    def build(self, input_shape):
        self._add_recurrent_weights(input_shape, self.gates * self.units,
                                    self._bias_shape() if self.use_bias else None)
        super().build(input_shape)

    # ------------------------------------------------------------ dropout masks
    def reset_dropout_mask(self):
        """Forgets the input dropout masks (the layer does it before every sequence)."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forgets the recurrent dropout masks (the layer does it before every sequence)."""
        self._recurrent_dropout_mask = None

    def _masks(self, inputs, state, training):
        """The input and recurrent masks of this sequence (lists of ``input_masks`` tensors),
        or None where there is no dropout (rate 0 or 1, or not training)."""
        if training is None:
            training = resolve_training(None)
        if not training:
            return None, None
        if 0 < self.dropout < 1 and self._dropout_mask is None:
            self._dropout_mask = [dropout_mask(inputs, self.dropout)
                                  for _ in range(self.input_masks)]
        if 0 < self.recurrent_dropout < 1 and self._recurrent_dropout_mask is None:
            self._recurrent_dropout_mask = [dropout_mask(state, self.recurrent_dropout)
                                            for _ in range(self.input_masks)]
        return self._dropout_mask, self._recurrent_dropout_mask

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_size)

    def get_config(self):
        return {**super().get_config(),
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **self._weight_settings_config(),
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout}


class GatedCell(RecurrentCell):
    """What ``LSTMCell`` and ``GRUCell`` add to ``RecurrentCell``: the gates' activation and
    Keras 2's ``implementation``.

    Args:
        units: the size of the output and of each state.
        recurrent_activation: the gates' activation (``'hard_sigmoid'``, Keras 2.2's default,
            or e.g. ``'sigmoid'``).
        implementation: 1 or 2, as in Keras 2: the same outputs, but in training with dropout
            2 draws one mask per weight matrix instead of one per gate.
        **kwargs: the ``RecurrentCell`` arguments.
    """

    def __init__(self, units, recurrent_activation="hard_sigmoid", implementation=1, **kwargs):
        super().__init__(units, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        if implementation not in (1, 2):
            raise ValueError(f"{self.name}: `implementation` must be 1 or 2, received "
                             f"{implementation!r}.")
        self.implementation = implementation

    def _implementation_masks(self, inputs, state, training):
        """``_masks``, of which Keras 2's implementation 2 uses only the first of each."""
        masks = self._masks(inputs, state, training)
        if self.implementation == 2:
            return tuple(None if m is None else m[:1] for m in masks)
        return masks

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "implementation": self.implementation}


def masked(tensor, masks, index):
    """``tensor`` times dropout mask ``index`` (the only one when there is one), or unchanged
    without masks."""
    return tensor if masks is None else tensor * masks[index % len(masks)]
