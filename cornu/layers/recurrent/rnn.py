"""``RNN``: runs a cell over the time steps of ``(batch, timesteps, features)`` inputs, with
Keras 2's masking, initial and stateful states, ``go_backwards`` and ``return_state``.

Example:
    >>> from cornu.layers.recurrent import SimpleRNNCell
    >>> RNN(SimpleRNNCell(4), return_sequences=True)(torch.ones(2, 7, 3)).shape
    torch.Size([2, 7, 4])
"""
import numpy as np
import torch

from cornu.graph.layer import Layer
from cornu.layers.recurrent.sequence_kernels import sequence_kernel
from cornu.layers.recurrent.stacked import StackedRNNCells
from cornu.saving.layer_config import deserialize
from cornu.utils.generic_utils import to_list


def _state_sizes(cell):
    return list(cell.state_size) if isinstance(cell.state_size, (list, tuple)) \
        else [cell.state_size]


class RNN(Layer):
    """Base class of the recurrent layers: applies ``cell`` to each time step.

    A masked step (mask False, e.g. padding under ``Embedding(mask_zero=True)``) keeps the
    previous states and outputs the previous output, as Keras 2 does, so a left-padded
    sequence ends with the same output as the unpadded one.

    Args:
        cell: a cell: a layer with ``call(inputs, states, training=None) -> (output,
            new_states)`` and ``state_size`` (e.g. ``LSTMCell(32)``), or a list of cells,
            run as one ``StackedRNNCells`` (a stacked RNN in one loop over time).
        return_sequences: return the output of every step ``(batch, timesteps, units)``
            instead of the last ``(batch, units)``.
        return_state: also return the final states: ``[output] + states``.
        go_backwards: process the sequence backwards (the outputs then come in that order).
        stateful: keep the final states of a batch as the initial states of the next one
            (needs a fixed batch size: ``batch_input_shape``); ``reset_states()`` zeroes them.
        unroll: accepted for Keras compatibility; it changes nothing (the layer runs a
            whole-sequence kernel or a step loop either way).

    Call arguments: ``inputs``, ``mask`` (``(batch, timesteps)`` booleans), ``training``,
    ``initial_state`` (a tensor or list, one per state).

    Example:
        >>> from cornu.layers.recurrent import LSTMCell
        >>> output, h, c = RNN(LSTMCell(4), return_state=True)(torch.ones(2, 7, 3))
        >>> output.shape, c.shape
        (torch.Size([2, 4]), torch.Size([2, 4]))
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(f"RNN: `cell` should have a `call` method and a `state_size` "
                             f"attribute, received {cell!r}.")
        if "input_shape" not in kwargs and ("input_dim" in kwargs or "input_length" in kwargs):
            kwargs["input_shape"] = (kwargs.pop("input_length", None),
                                     kwargs.pop("input_dim", None))
        kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.supports_masking = True
        self.states = [None] * len(_state_sizes(cell))
        self._batch_size = None

    # ------------------------------------------------------------------ shapes
    def _check_inputs(self, shapes):
        shape = tuple(shapes[0])
        if len(shape) != 3:
            raise ValueError(
                f"Input 0 of layer {self.name} is incompatible with the layer: expected "
                f"ndim=3, found ndim={len(shape)}. Full shape received: {shape}. Recurrent "
                f"layers take inputs of shape (batch, timesteps, features); put an Embedding "
                f"before them for integer sequences, or reshape the data (e.g. "
                f"x.reshape(samples, timesteps, 1) for one feature per step).")
        sizes = _state_sizes(self.cell)
        states = shapes[1:]
        if states and len(states) != len(sizes):
            raise ValueError(f"Layer {self.name} has {len(sizes)} state(s) but was passed "
                             f"{len(states)} initial state(s).")
        for index, (state, size) in enumerate(zip(states, sizes)):
            if len(state) != 2 or state[1] not in (None, size):
                raise ValueError(f"Initial state {index} of layer {self.name} has shape "
                                 f"{tuple(state)}; expected (batch, {size}).")

    def build(self, input_shape):
        shape = tuple(input_shape[0] if isinstance(input_shape, list) else input_shape)
        if not self.cell.built:
            self.cell.build((shape[0], shape[-1]))
            self.cell.built = True
        if self.stateful:
            if shape[0] is None:
                raise ValueError(
                    f"Layer {self.name}: a stateful RNN needs to know its batch size. Specify "
                    f"the batch size of the inputs: pass `batch_input_shape=(32, 10, 16)` (or "
                    f"`batch_size=32`) to the first layer of a Sequential model, or "
                    f"`batch_shape=(...)` to Input.")
            self._batch_size = int(shape[0])
            self.reset_states()
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape[0] if isinstance(input_shape, list) else input_shape)
        units = self.cell.output_size if hasattr(self.cell, "output_size") \
            else _state_sizes(self.cell)[0]
        output = (shape[0], shape[1], units) if self.return_sequences else (shape[0], units)
        if self.return_state:
            return [output] + [(shape[0], size) for size in _state_sizes(self.cell)]
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(_state_sizes(self.cell))
        return output_mask

    # ------------------------------------------------------------------ states
    def reset_states(self, states=None):
        """Sets the states of a stateful layer to zeros, or to ``states``.

        Args:
            states: None for zeros, or one NumPy array (or list, one per state) of shape
                ``(batch_size, state_size)``.
        """
        if not self.stateful:
            raise AttributeError(f"Layer {self.name} must be stateful to reset its states "
                                 f"(create it with stateful=True).")
        if self._batch_size is None:
            raise ValueError(f"Layer {self.name} is not built yet: call it on data (or build "
                             f"the model) before resetting its states.")
        sizes = _state_sizes(self.cell)
        dtype = self.cell.kernel.dtype if hasattr(self.cell, "kernel") else torch.float32
        if states is None:
            self.states = [torch.zeros(self._batch_size, size, dtype=dtype) for size in sizes]
            return
        values = to_list(states)
        if len(values) != len(sizes):
            raise ValueError(f"Layer {self.name} expects {len(sizes)} state(s), but it received "
                             f"{len(values)} state value(s). Input received: {states!r}")
        new = []
        for index, (value, size) in enumerate(zip(values, sizes)):
            value = torch.as_tensor(np.asarray(value), dtype=dtype)
            if tuple(value.shape) != (self._batch_size, size):
                raise ValueError(f"State {index} is incompatible with layer {self.name}: "
                                 f"expected shape={(self._batch_size, size)}, found "
                                 f"shape={tuple(value.shape)}.")
            new.append(value.clone())
        self.states = new

    def _initial_states(self, inputs, initial_state):
        if initial_state is not None:
            states = [torch.as_tensor(s, dtype=inputs.dtype) for s in to_list(initial_state)]
            self._check_inputs([tuple(inputs.shape)] + [tuple(s.shape) for s in states])
            return states
        batch = inputs.shape[0]
        if self.stateful:
            if batch != self._batch_size:
                raise ValueError(f"Layer {self.name} is stateful with batch size "
                                 f"{self._batch_size}, but received a batch of {batch} "
                                 f"samples. Feed batches of exactly {self._batch_size} samples "
                                 f"(the number of samples must be a multiple of it).")
            return [s.to(inputs.dtype) for s in self.states]
        return [inputs.new_zeros(batch, size) for size in _state_sizes(self.cell)]

    # ------------------------------------------------------------------ calling
    def __call__(self, inputs, initial_state=None, **kwargs):
        if initial_state is not None:  # Keras 2: the states join the inputs
            inputs = to_list(inputs) + to_list(initial_state)
        return super().__call__(inputs, **kwargs)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], (list(inputs[1:]) or initial_state)
        if isinstance(mask, list):
            mask = mask[0]
        states = self._initial_states(inputs, initial_state)
        cell = self.cell
        for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
            if hasattr(cell, reset):
                getattr(cell, reset)()
        if mask is not None:
            mask = mask.bool() if mask.dtype != torch.bool else mask
        if inputs.shape[1] == 0:
            raise ValueError(f"Layer {self.name} received sequences of 0 time steps (input "
                             f"shape {tuple(inputs.shape)}); give it at least one step.")
        if self.go_backwards:
            inputs = inputs.flip(1)
            mask = None if mask is None else mask.flip(1)
        run = sequence_kernel(cell) if mask is None else None
        if run is not None:
            sequence, states = run(cell, inputs, states, training)
            result = sequence if self.return_sequences else states[0]
        else:
            result, states = self._step_loop(inputs, mask, states, training)
        if self.stateful:
            self.states = [s.detach() for s in states]
        return [result] + list(states) if self.return_state else result

    def _step_loop(self, inputs, mask, states, training):
        """Calls the cell on each step; returns the outputs (every step's, or the last) and
        the final states."""
        outputs, last = [], None
        for t in range(inputs.shape[1]):
            output, new_states = self.cell.call(inputs[:, t], states, training=training)
            new_states = to_list(new_states)
            if mask is not None:
                keep = mask[:, t].unsqueeze(-1)
                output = torch.where(keep, output, states[0])  # Keras 2: the previous h
                new_states = [torch.where(keep, new, old) for new, old in zip(new_states, states)]
            states, last = new_states, output
            if self.return_sequences:
                outputs.append(output)
        return (torch.stack(outputs, dim=1) if self.return_sequences else last), states

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {**super().get_config(),
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "cell": {"class_name": type(self.cell).__name__,
                         "config": self.cell.get_config()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = deserialize(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)
