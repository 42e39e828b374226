"""``SimpleRNN``, ``LSTM`` and ``GRU``: ``RNN`` with the Keras 2 cell built from flat
arguments, the cell's settings and weights readable on the layer (``layer.units``,
``layer.cell.kernel``), and Keras 2's flat ``get_config``.

Example:
    >>> LSTM(32, dropout=0.2, recurrent_dropout=0.2, return_sequences=True)(
    ...     torch.ones(2, 5, 8)).shape
    torch.Size([2, 5, 32])
"""
import inspect

from cornu import regularizers
from cornu.layers.recurrent.cells import GRUCell, LSTMCell, SimpleRNNCell
from cornu.layers.recurrent.rnn import RNN

_RNN_ARGUMENTS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll")


class CellLayer(RNN):
    """An ``RNN`` whose cell (``cell_class``) is built from the layer's own arguments: those
    of the cell's constructor go to the cell, ``activity_regularizer`` and the ``RNN``
    arguments to the layer. Subclasses list the arguments in their signature."""

    cell_class = None

    def _init_with_cell(self, arguments):
        """Builds the cell from a subclass constructor's ``locals()`` and initialises the
        ``RNN`` with it and the rest."""
        arguments = dict(arguments)
        kwargs = arguments.pop("kwargs")
        arguments.pop("self", None)
        arguments.pop("__class__", None)
        self.activity_regularizer = regularizers.get(arguments.pop("activity_regularizer"))
        rnn_arguments = {name: arguments.pop(name) for name in _RNN_ARGUMENTS}
        cell = self.cell_class(dtype=kwargs.get("dtype"), **arguments)
        super().__init__(cell, **rnn_arguments, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        activity = {"activity_regularizer": regularizers.serialize(self.activity_regularizer)}
        return {**config, **cell_config, **activity}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cell_parameters = inspect.signature(cls.cell_class.__init__).parameters
        for name in cell_parameters:
            if name not in ("self", "kwargs") and name not in vars(cls):
                setattr(cls, name, property(lambda self, n=name: getattr(self.cell, n),
                                            doc=f"The cell's ``{name}``."))


class SimpleRNN(CellLayer):
    """A fully connected RNN whose output is fed back as its input: ``RNN(SimpleRNNCell(...))``
    (the weights are ``layer.cell.kernel`` ``(features, units)``, ``recurrent_kernel``
    ``(units, units)``, ``bias`` ``(units,)``).

    Args: the ``SimpleRNNCell`` arguments (``units``, ``activation='tanh'``, ``use_bias``,
    initializers, regularizers, constraints, ``dropout``, ``recurrent_dropout``),
    ``activity_regularizer``, and the ``RNN`` arguments (``return_sequences``,
    ``return_state``, ``go_backwards``, ``stateful``, ``unroll``).

    Example:
        >>> SimpleRNN(32, return_sequences=True)(torch.ones(2, 6, 8)).shape
        torch.Size([2, 6, 32])
    """

    cell_class = SimpleRNNCell

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, **kwargs):
        kwargs.pop("implementation", None)  # Keras 2 ignores it here too
        self._init_with_cell(locals())


class LSTM(CellLayer):
    """Long Short-Term Memory layer: ``RNN(LSTMCell(...))`` (kernel ``(features, 4 units)``,
    recurrent_kernel ``(units, 4 units)``, bias ``(4 units,)``, gates i, f, c, o).

    Args: the ``LSTMCell`` arguments (``units``, ``activation='tanh'``,
    ``recurrent_activation='hard_sigmoid'``, ``unit_forget_bias=True``, ``implementation``,
    initializers, regularizers, constraints, ``dropout``, ``recurrent_dropout``),
    ``activity_regularizer``, and the ``RNN`` arguments.

    Example:
        >>> LSTM(32, dropout=0.2, recurrent_dropout=0.2).units
        32
    """

    cell_class = LSTMCell

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., implementation=1, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 **kwargs):
        self._init_with_cell(locals())


class GRU(CellLayer):
    """Gated Recurrent Unit layer: ``RNN(GRUCell(...))`` (kernel ``(features, 3 units)``,
    recurrent_kernel ``(units, 3 units)``, gates z, r, h; bias ``(3 units,)``, or
    ``(2, 3 units)`` with ``reset_after=True``, the CuDNN-compatible form).

    Args: the ``GRUCell`` arguments (``units``, ``activation='tanh'``,
    ``recurrent_activation='hard_sigmoid'``, ``implementation``, ``reset_after=False``,
    initializers, regularizers, constraints, ``dropout``, ``recurrent_dropout``),
    ``activity_regularizer``, and the ``RNN`` arguments.

    Example:
        >>> GRU(32, reset_after=True).reset_after
        True
    """

    cell_class = GRUCell

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., implementation=1,
                 return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=False, **kwargs):
        self._init_with_cell(locals())
