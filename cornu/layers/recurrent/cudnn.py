"""``CuDNNLSTM`` and ``CuDNNGRU`` (``keras.layers.cudnn_recurrent``): Keras 2's cuDNN-backed
recurrent layers, run here by torch's fused LSTM and GRU kernels (on the CPU too).

They compute what cuDNN computes: an LSTM with sigmoid gates, and a GRU with sigmoid gates and
the reset gate applied after the recurrent product (``GRU(reset_after=True,
recurrent_activation='sigmoid')``), each gate with an input bias and a recurrent bias. Their
weights keep Keras 2's cuDNN layout: ``kernel`` ``(features, gates * units)``,
``recurrent_kernel`` ``(units, gates * units)``, ``bias`` ``(2 * gates * units,)`` (the input
biases, then the recurrent biases), gates in Keras's order (LSTM i, f, c, o; GRU z, r, h).
As in Keras, cuDNN reads each gate's block of columns as its row-major ``(units, rows)`` matrix,
so a block equals the matching block of an ``LSTM``/``GRU`` kernel only after Keras's weight
conversion (``_convert_rnn_weights``: each input block reshaped in Fortran order, each recurrent
block transposed, the two LSTM biases summed). Inside, the weights are stored as torch's
``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` (GRU gates in torch's order r, z, n), so a
call copies nothing. There is no dropout and no masking, as in Keras.

Example:
    >>> CuDNNLSTM(32, return_sequences=True)(torch.ones(2, 5, 8)).shape
    torch.Size([2, 5, 32])
"""
import torch

from cornu import regularizers
from cornu.graph.layer import Layer, Weight
from cornu.layers.recurrent.weights import RecurrentWeights, forget_bias_at_one
from cornu.layers.recurrent.rnn import RNN
from cornu.utils.validation import positive_int

_LSTM_GATES = (0, 1, 2, 3)  # torch's i, f, g, o are Keras's i, f, c, o
_GRU_GATES = (1, 0, 2)      # torch's r, z, n are Keras's blocks 1, 0, 2 (z, r, h)
_CONFIG_ORDER = ("units", "kernel_initializer", "recurrent_initializer", "bias_initializer",
                 "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
                 "bias_regularizer", "activity_regularizer", "kernel_constraint",
                 "recurrent_constraint", "bias_constraint")  # Keras 2's config keys, in order


class CuDNNKernel(Weight):
    """A Keras cuDNN kernel ``(rows, gates * units)`` stored as torch's ``(gates * units,
    rows)``: block ``g`` of torch's rows is Keras's column block ``order[g]`` read in row-major
    order as a ``(units, rows)`` matrix, as cuDNN reads it (for the recurrent kernel, whose blocks
    are square, that is the block itself).

    Args:
        rows: the kernel's first dimension (input features, or units).
        units: the layer's units.
        order: for each of torch's gates, the index of Keras's block.

    Example:
        >>> CuDNNKernel(2, 1, (0, 1)).from_keras(torch.arange(4.).reshape(2, 2)).tolist()
        [[0.0, 2.0], [1.0, 3.0]]
    """

    def __init__(self, rows, units, order):
        super().__init__()
        self.rows, self.units, self.order = rows, units, list(order)
        self.inverse = [self.order.index(k) for k in range(len(self.order))]

    def from_keras(self, value):
        gates = len(self.order)
        blocks = value.reshape(self.rows, gates, self.units).permute(1, 0, 2)[self.order]
        return blocks.reshape(gates * self.units, self.rows)

    def to_keras(self, value):
        gates = len(self.order)
        blocks = value.reshape(gates, self.rows, self.units)[self.inverse]
        return blocks.permute(1, 0, 2).reshape(self.rows, gates * self.units)


class CuDNNBias(Weight):
    """A Keras cuDNN bias ``(2 * gates * units,)`` (input biases, then recurrent biases) stored
    as torch's ``(2, gates * units)`` rows ``bias_ih`` and ``bias_hh``, gates in torch's order.

    Args:
        units: the layer's units.
        order: for each of torch's gates, the index of Keras's block.

    Example:
        >>> CuDNNBias(1, (1, 0)).from_keras(torch.arange(4.)).tolist()
        [[1.0, 0.0], [3.0, 2.0]]
    """

    def __init__(self, units, order):
        super().__init__()
        self.units, self.order = units, list(order)
        self.inverse = [self.order.index(k) for k in range(len(self.order))]

    def from_keras(self, value):
        gates = len(self.order)
        return value.reshape(2, gates, self.units)[:, self.order].reshape(2, gates * self.units)

    def to_keras(self, value):
        gates = len(self.order)
        return value.reshape(2, gates, self.units)[:, self.inverse].reshape(-1)


class CuDNNCell(RecurrentWeights, Layer):
    """The weights of a cuDNN layer and one step of it (``call(inputs, states)``, so that it
    is also a cell for ``RNN``); ``run`` runs a whole sequence in torch's fused kernel.

    Args:
        units: the size of the output and of each state.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers, applied in
            the Keras layout.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints (they see the
            Keras layout).
    """

    gate_order = None  # for each of torch's gates, the index of Keras's block

    def __init__(self, units, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.units = positive_int(units, "units", type(self).__name__)
        self._set_weight_settings(kernel_initializer, recurrent_initializer, bias_initializer,
                                  kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                  kernel_constraint, recurrent_constraint, bias_constraint)
        self.output_size = self.units

    def build(self, input_shape):
        units, order = self.units, self.gate_order
        width = len(order) * units
        self._add_recurrent_weights(input_shape, width, (2 * width,),
                                    (CuDNNKernel(input_shape[-1], units, order),
                                     CuDNNKernel(units, units, order), CuDNNBias(units, order)))
        super().build(input_shape)

    def torch_parameters(self):
        """``[weight_ih, weight_hh, bias_ih, bias_hh]`` as torch's LSTM and GRU take them."""
        return [self.kernel, self.recurrent_kernel, self.bias[0], self.bias[1]]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(),
                "units": self.units,
                **self._weight_settings_config()}


class CuDNNLSTMCell(CuDNNCell):
    """The weights and step of ``CuDNNLSTM``, in cuDNN's notation (``W_k``, ``R_k``: the
    matrices cuDNN reads from gate ``k``'s blocks, see ``CuDNNKernel``):
    ``i = sigmoid(W_i x + b_i + R_i h + b'_i)`` and likewise f, o;
    ``c = f c_prev + i tanh(W_c x + b_c + R_c h + b'_c)``, ``h = o tanh(c)``; states ``[h, c]``.

    Args:
        unit_forget_bias: start the forget gate's recurrent bias at 1 (Keras's cuDNN layout puts
            the 1 there: bias indices ``5 units .. 6 units``), the rest with
            ``bias_initializer``.
        The other arguments: see ``CuDNNCell``.

    Example:
        >>> CuDNNLSTMCell(3).state_size
        (3, 3)
    """

    gate_order = _LSTM_GATES

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = (self.units, self.units)

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        # the recurrent bias's forget block: the second of the second four
        return forget_bias_at_one(self.bias_initializer, self.units, 5, 8)

    def call(self, inputs, states, training=None):
        h, c = torch.lstm_cell(inputs, (states[0], states[1]), *self.torch_parameters())
        return h, [h, c]

    def run(self, inputs, states):
        """Runs ``(batch, timesteps, features)`` inputs from ``states`` ``[h, c]``; returns
        the outputs ``(batch, timesteps, units)`` and the final ``[h, c]``."""
        outputs, h, c = torch.lstm(inputs, [s.unsqueeze(0) for s in states],
                                   self.torch_parameters(), True, 1, 0.0, False, False, True)
        return outputs, [h[0], c[0]]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class CuDNNGRUCell(CuDNNCell):
    """The weights and step of ``CuDNNGRU``, in cuDNN's notation (see ``CuDNNLSTMCell``):
    ``z = sigmoid(W_z x + b_z + R_z h + b'_z)``, likewise r,
    ``hh = tanh(W_h x + b_h + r (R_h h + b'_h))``, ``h = z h_prev + (1 - z) hh``.

    Args: see ``CuDNNCell``.

    Example:
        >>> CuDNNGRUCell(3).state_size
        3
    """

    gate_order = _GRU_GATES

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.state_size = self.units

    def call(self, inputs, states, training=None):
        h = torch.gru_cell(inputs, states[0], *self.torch_parameters())
        return h, [h]

    def run(self, inputs, states):
        """Runs ``(batch, timesteps, features)`` inputs from ``states`` ``[h]``; returns the
        outputs ``(batch, timesteps, units)`` and the final ``[h]``."""
        outputs, h = torch.gru(inputs, states[0].unsqueeze(0), self.torch_parameters(), True, 1,
                               0.0, False, False, True)
        return outputs, [h[0]]


class CuDNNRNN(RNN):
    """What ``CuDNNLSTM`` and ``CuDNNGRU`` share: the ``RNN`` arguments Keras 2 gives them
    (``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``; no ``unroll``,
    no dropout, no masking), the whole sequence in one fused call, the weights on the layer
    (``layer.kernel``, ``layer.recurrent_kernel``, ``layer.bias``, in torch's layout inside;
    ``get_weights`` gives Keras's), and Keras 2's flat config.
    """

    masking_alternative = None  # the Keras layer that computes the same and takes masks

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, activity_regularizer=None, **kwargs):
        if "unroll" in kwargs:
            raise TypeError(f"Keyword argument not understood: 'unroll' (in "
                            f"{type(self).__name__}). cuDNN layers always run fused over the "
                            f"whole sequence; remove `unroll`.")
        self.activity_regularizer = regularizers.get(activity_regularizer)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.supports_masking = False

    units = property(lambda self: self.cell.units, doc="The number of units.")
    kernel = property(lambda self: self.cell.kernel, doc="The input kernel (torch's layout).")
    recurrent_kernel = property(lambda self: self.cell.recurrent_kernel,
                                doc="The recurrent kernel (torch's layout).")
    bias = property(lambda self: self.cell.bias, doc="The biases, ``(2, gates * units)``.")

    def call(self, inputs, mask=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], (list(inputs[1:]) or initial_state)
        if isinstance(mask, list):
            mask = mask[0]
        if mask is not None:
            raise ValueError(
                f"Layer {self.name}: masking is not supported for CuDNN RNNs (as in Keras 2), "
                f"but its inputs carry a mask (from Embedding(mask_zero=True) or Masking). Drop "
                f"the mask, or use {self.masking_alternative.format(units=self.units)}, which "
                f"computes the same kind of layer and skips masked steps.")
        if inputs.shape[1] == 0:
            raise ValueError(f"Layer {self.name} received sequences of 0 time steps (input "
                             f"shape {tuple(inputs.shape)}); give it at least one step.")
        inputs = inputs.to(self.cell.kernel.dtype)
        states = self._initial_states(inputs, initial_state)
        if self.go_backwards:
            inputs = inputs.flip(1)
        outputs, states = self.cell.run(inputs, states)
        if self.stateful:
            self.states = [s.detach() for s in states]
        output = outputs if self.return_sequences else outputs[:, -1]
        return [output] + states if self.return_state else output

    def get_config(self):
        settings = {**self.cell.get_config(),
                    "activity_regularizer": regularizers.serialize(self.activity_regularizer)}
        return {**Layer.get_config(self),  # Keras 2: the Layer's keys, not the RNN's
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                **{key: settings[key] for key in _CONFIG_ORDER if key in settings}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class CuDNNLSTM(CuDNNRNN):
    """Keras 2's fast LSTM (``keras.layers.CuDNNLSTM``), here on torch's fused LSTM kernel on
    any device: an LSTM with sigmoid gates and two biases per gate, weights in Keras's cuDNN
    layout (kernel ``(features, 4 units)``, recurrent_kernel ``(units, 4 units)``, bias
    ``(8 units,)``; ``4 units (features + units + 2)`` parameters).

    Args:
        units: the size of the output and of each state.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers (defaults
            ``'glorot_uniform'``, ``'orthogonal'``, ``'zeros'``).
        unit_forget_bias: start the forget gate's recurrent bias at 1 (default True).
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer:
            regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        return_sequences, return_state, go_backwards, stateful: as for ``LSTM``.
        **kwargs: the common layer arguments (``input_shape``, ``name`` ...).

    Example:
        >>> CuDNNLSTM(32)(torch.ones(1, 4, 8)).shape
        torch.Size([1, 32])
    """

    masking_alternative = "LSTM({units}, recurrent_activation='sigmoid')"

    def __init__(self, units, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        cell = CuDNNLSTMCell(
            units, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)

    unit_forget_bias = property(lambda self: self.cell.unit_forget_bias,
                                doc="Whether the forget gate's recurrent bias starts at 1.")


class CuDNNGRU(CuDNNRNN):
    """Keras 2's fast GRU (``keras.layers.CuDNNGRU``), here on torch's fused GRU kernel on any
    device: ``GRU(reset_after=True, recurrent_activation='sigmoid')``'s formulas, weights in
    Keras's cuDNN layout (kernel ``(features, 3 units)``, recurrent_kernel ``(units, 3 units)``,
    bias ``(6 units,)``: input biases then recurrent biases; ``3 units (features + units + 2)``
    parameters).

    Args:
        units: the size of the output and of the state.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers (defaults
            ``'glorot_uniform'``, ``'orthogonal'``, ``'zeros'``).
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer:
            regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        return_sequences, return_state, go_backwards, stateful: as for ``GRU``.
        **kwargs: the common layer arguments (``input_shape``, ``name`` ...).

    Example:
        >>> CuDNNGRU(16, return_state=True)(torch.ones(2, 4, 8))[1].shape
        torch.Size([2, 16])
    """

    masking_alternative = "GRU({units}, reset_after=True, recurrent_activation='sigmoid')"

    def __init__(self, units, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = CuDNNGRUCell(
            units, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)
