"""The Keras 2 cells: ``SimpleRNNCell``, ``LSTMCell`` (gates i, f, c, o) and ``GRUCell``
(gates z, r, h; ``reset_after`` for the CuDNN-compatible form), with Keras's weight layouts.

Example:
    >>> cell = LSTMCell(3)
    >>> cell.build((None, 5)); cell.kernel.shape, cell.state_size
    (torch.Size([5, 12]), (3, 3))
"""
from cornu import activations
from cornu.layers.recurrent.cell_base import GatedCell, RecurrentCell, masked
from cornu.layers.recurrent.weights import forget_bias_at_one


def gate_projections(x, kernel, masks, gates):
    """``x @ kernel`` split into ``gates`` blocks of columns; with dropout masks, gate ``k``
    sees ``x * masks[k]`` (Keras 2's implementation 1), or all gates ``x * masks[0]`` when
    there is one mask (implementation 2)."""
    if masks is None or len(masks) == 1:
        return list((masked(x, masks, 0) @ kernel).chunk(gates, dim=-1))
    blocks = kernel.chunk(gates, dim=-1)
    return [(x * masks[k % len(masks)]) @ blocks[k] for k in range(gates)]


class SimpleRNNCell(RecurrentCell):
    """One step of a fully connected RNN: ``h = activation(x @ kernel + bias + h_prev @
    recurrent_kernel)``; kernel ``(features, units)``, recurrent_kernel ``(units, units)``,
    bias ``(units,)``.

    Args: see ``RecurrentCell`` (``units``, ``activation``, initializers, regularizers,
    constraints, ``dropout``, ``recurrent_dropout``).

    Example:
        >>> cell = SimpleRNNCell(2); cell.build((None, 3))
        >>> output, states = cell.call(torch.ones(1, 3), [torch.zeros(1, 2)])
        >>> output.shape
        torch.Size([1, 2])
    """

    def call(self, inputs, states, training=None):
        previous = states[0]
        input_masks, recurrent_masks = self._masks(inputs, previous, training)
        h = masked(inputs, input_masks, 0) @ self.kernel
        if self.bias is not None:
            h = h + self.bias
        output = h + masked(previous, recurrent_masks, 0) @ self.recurrent_kernel
        if self.activation is not activations.linear:
            output = self.activation(output)
        return output, [output]


class LSTMCell(GatedCell):
    """One step of a Long Short-Term Memory layer (Hochreiter 1997), Keras 2's formulas:
    ``i = ra(x_i + h U_i)``, ``f = ra(x_f + h U_f)``, ``c = f c_prev + i a(x_c + h U_c)``,
    ``o = ra(x_o + h U_o)``, ``h = o a(c)`` with ``x_k = x W_k + b_k`` (``ra``: the recurrent
    activation, ``a``: the activation). kernel ``(features, 4 units)``, recurrent_kernel
    ``(units, 4 units)``, bias ``(4 units,)``, gates in the order i, f, c, o; states
    ``[h, c]``.

    Args:
        recurrent_activation: the gates' activation. The default is Keras 2.2's
            ``'hard_sigmoid'`` (``clip(0.2 x + 0.5, 0, 1)``), which the textbooks ran on;
            Keras 2.3 and later, tf.keras and Keras 3 default to ``'sigmoid'`` (pass it to
            get their numbers).
        unit_forget_bias: start the forget gate's bias at 1 (and the rest with
            ``bias_initializer``), as Jozefowicz et al. recommend.
        implementation: 1 or 2, as in Keras 2: the same outputs, but in training with
            dropout 2 draws one mask per weight matrix instead of one per gate.
        The other arguments: see ``RecurrentCell``.

    Example:
        >>> LSTMCell(32, recurrent_activation='sigmoid').state_size
        (32, 32)
    """

    gates = 4
    input_masks = 4

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., implementation=1,
                 **kwargs):
        super().__init__(units, recurrent_activation=recurrent_activation,
                         implementation=implementation, activation=activation,
                         use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint,
                         bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = (self.units, self.units)

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        return forget_bias_at_one(self.bias_initializer, self.units, 1, 4)

    def call(self, inputs, states, training=None):
        h_prev, c_prev = states[0], states[1]
        input_masks, recurrent_masks = self._implementation_masks(inputs, h_prev, training)
        x = gate_projections(inputs, self.kernel, input_masks, 4)
        if self.bias is not None:
            x = [xk + bk for xk, bk in zip(x, self.bias.chunk(4))]
        h = gate_projections(h_prev, self.recurrent_kernel, recurrent_masks, 4)
        gate, act = self.recurrent_activation, self.activation
        i = gate(x[0] + h[0])
        f = gate(x[1] + h[1])
        c = f * c_prev + i * act(x[2] + h[2])
        o = gate(x[3] + h[3])
        output = o * act(c)
        return output, [output, c]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRUCell(GatedCell):
    """One step of a Gated Recurrent Unit (Cho et al. 2014), Keras 2's formulas:
    ``z = ra(x_z + h U_z)``, ``r = ra(x_r + h U_r)``, ``hh = a(x_h + (r h) U_h)``,
    ``h = z h_prev + (1 - z) hh`` with ``x_k = x W_k + b_k``. With ``reset_after=True`` (the
    CuDNN form) the bias is ``(2, 3 units)``, input bias then recurrent bias, and the reset
    gate applies after the product: ``hh = a(x_h + r (h U_h + b'_h))`` (each recurrent
    product gets its bias ``b'``). kernel ``(features, 3 units)``, recurrent_kernel
    ``(units, 3 units)``, gates in the order z, r, h.

    Args:
        recurrent_activation: the gates' activation (default ``'hard_sigmoid'``; see
            ``LSTMCell``).
        implementation: 1 or 2, as in Keras 2: the same outputs, but in training with
            dropout 2 draws one mask per weight matrix instead of one per gate, and (a Keras 2
            quirk, kept) mixes the dropped previous state into the new one.
        reset_after: apply the reset gate after the recurrent product (default False).
        The other arguments: see ``RecurrentCell``.

    Example:
        >>> cell = GRUCell(4, reset_after=True); cell.build((None, 2)); cell.bias.shape
        torch.Size([2, 12])
    """

    gates = 3
    input_masks = 3

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0., recurrent_dropout=0., implementation=1, reset_after=False,
                 **kwargs):
        super().__init__(units, recurrent_activation=recurrent_activation,
                         implementation=implementation, activation=activation,
                         use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint,
                         bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, **kwargs)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=None):
        h_prev = states[0]
        input_masks, recurrent_masks = self._implementation_masks(inputs, h_prev, training)
        x = gate_projections(inputs, self.kernel, input_masks, 3)
        bias = self.bias
        if bias is not None:
            input_bias = bias[0] if self.reset_after else bias
            x = [xk + bk for xk, bk in zip(x, input_bias.chunk(3))]
        gate, act = self.recurrent_activation, self.activation
        kernels = self.recurrent_kernel.chunk(3, dim=-1)
        h_z = masked(h_prev, recurrent_masks, 0)
        h_r = masked(h_prev, recurrent_masks, 1)
        h_h = masked(h_prev, recurrent_masks, 2)
        if self.reset_after:
            recurrent_bias = bias[1].chunk(3) if bias is not None else (0, 0, 0)
            z = gate(x[0] + h_z @ kernels[0] + recurrent_bias[0])
            r = gate(x[1] + h_r @ kernels[1] + recurrent_bias[1])
            candidate = act(x[2] + r * (h_h @ kernels[2] + recurrent_bias[2]))
        else:
            z = gate(x[0] + h_z @ kernels[0])
            r = gate(x[1] + h_r @ kernels[1])
            candidate = act(x[2] + (r * h_h) @ kernels[2])
        # Keras 2's implementation 2 drops the previous state in place, so the blend below
        # sees the dropped state too (in training, with recurrent dropout)
        blended = h_z if self.implementation == 2 else h_prev
        output = z * blended + (1 - z) * candidate
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}
