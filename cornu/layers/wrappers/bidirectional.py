"""``Bidirectional``: runs a recurrent layer forwards and a copy of it backwards over the same
sequences and merges the two outputs.

Example:
    >>> from cornu.layers import LSTM
    >>> Bidirectional(LSTM(32))(torch.ones(2, 5, 100)).shape
    torch.Size([2, 64])
"""
import inspect

import torch

from cornu.graph.layer_call import run_layer
from cornu.layers.wrappers.wrapper import Wrapper, check_layer_instance
from cornu.saving.layer_config import deserialize, serialize
from cornu.utils.generic_utils import to_list

MERGE_MODES = ("concat", "sum", "mul", "ave", None)

_MERGES = {
    "concat": lambda forward, backward: torch.cat([forward, backward], dim=-1),
    "sum": lambda forward, backward: forward + backward,
    "mul": lambda forward, backward: forward * backward,
    "ave": lambda forward, backward: (forward + backward) / 2,
    None: lambda forward, backward: [forward, backward],
}


def _check_recurrent(layer, argument):
    check_layer_instance(layer, "Bidirectional", argument)
    if "go_backwards" not in layer.get_config():
        raise ValueError(
            f"Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN, RNN(cell), or any "
            f"layer with a `go_backwards` argument), but `{argument}` is the "
            f"{type(layer).__name__} layer {layer.name!r}, which has no `go_backwards`. Wrap a "
            f"recurrent layer, e.g. Bidirectional(LSTM(32)); to apply a layer to every time "
            f"step, use TimeDistributed({type(layer).__name__}(...)).")


def _copy_of(layer, reverse=False):
    """A new layer from ``layer``'s config, with ``go_backwards`` flipped when ``reverse`` (its
    cells' classes are passed along, so custom cells are rebuilt too)."""
    config = layer.get_config()
    if reverse:
        config["go_backwards"] = not config["go_backwards"]
    from_config = type(layer).from_config
    if "custom_objects" not in inspect.signature(from_config).parameters:
        return from_config(config)
    cell = getattr(layer, "cell", None)
    cells = [] if cell is None else [cell] + list(getattr(cell, "cells", []))
    return from_config(config, custom_objects={type(c).__name__: type(c) for c in cells})


def _check_pair(forward, backward):
    if forward.go_backwards == backward.go_backwards:
        raise ValueError(f"Forward layer and backward layer should have different "
                         f"`go_backwards` values, got go_backwards={forward.go_backwards} for "
                         f"both. Create the backward layer with "
                         f"go_backwards={not forward.go_backwards}.")
    for attribute in ("return_sequences", "return_state"):
        ours, theirs = getattr(forward, attribute), getattr(backward, attribute)
        if ours != theirs:
            raise ValueError(f"Forward layer and backward layer are expected to have the same "
                             f"value for attribute `{attribute}`, got {ours} for the forward "
                             f"layer and {theirs} for the backward layer.")


class Bidirectional(Wrapper):
    """Bidirectional wrapper for recurrent layers: a forward copy of ``layer``
    (``forward_<name>``) reads the sequences in order, a backward copy (``backward_<name>``,
    built from the same config with ``go_backwards`` flipped) reads them in reverse; their
    outputs are merged. With ``return_sequences`` the backward outputs are put back in time
    order first, so step ``t`` of the output sees the whole sequence.

    Args:
        layer: a recurrent layer instance (``LSTM(32)``, ``GRU``, ``SimpleRNN``, ``RNN(cell)``).
        merge_mode: how the two outputs combine: ``'concat'`` (default; the last axis doubles),
            ``'sum'``, ``'mul'``, ``'ave'``, or None for the list ``[forward, backward]``.
        weights: initial weights, the forward layer's then the backward layer's (as
            ``get_weights()`` returns them), set when the layer is built.
        backward_layer: optionally, the recurrent layer instance to run backwards (it must
            have the opposite ``go_backwards`` and the same ``return_sequences`` and
            ``return_state``).

    Call arguments: ``inputs``, ``mask``, ``training``, ``initial_state`` (a list: the forward
    layer's states, then the backward layer's). With ``return_state`` the outputs are the
    merged output(s), then the forward states, then the backward states.

    Example:
        >>> from cornu.layers import Embedding, LSTM
        >>> from cornu.models import Sequential
        >>> model = Sequential([Embedding(10000, 100), Bidirectional(LSTM(32))])
        >>> model.layers[1].count_params() == 2 * 4 * (32 * (100 + 32) + 32)
        True
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        _check_recurrent(layer, "layer")
        if backward_layer is not None:
            _check_recurrent(backward_layer, "backward_layer")
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"Invalid merge mode {merge_mode!r}. Merge mode should be one of "
                             f"{{'sum', 'mul', 'ave', 'concat', None}}.")
        if layer.batch_input_shape is not None and not {"input_shape", "batch_input_shape",
                                                        "input_dim"} & set(kwargs):
            kwargs["batch_input_shape"] = layer.batch_input_shape
        super().__init__(layer, weights=weights, **kwargs)
        forward = _copy_of(layer)
        if backward_layer is None:
            backward, self._backward_layer_config = _copy_of(layer, reverse=True), None
        else:
            backward, self._backward_layer_config = backward_layer, serialize(backward_layer)
        _check_pair(forward, backward)
        forward.name = "forward_" + forward.name
        backward.name = "backward_" + backward.name
        self.forward_layer = forward
        self.backward_layer = backward
        self.merge_mode = merge_mode
        self.stateful = bool(forward.stateful)
        self.return_sequences = bool(forward.return_sequences)
        self.return_state = bool(forward.return_state)
        self.supports_masking = True

    def _keep_layer(self, layer):
        # not tracked: the forward and backward copies hold the weights
        self.__dict__["layer"] = layer

    # ------------------------------------------------------------------ shapes
    @staticmethod
    def _split_states(states):
        half = len(states) // 2
        return states[:half], states[half:]

    def _check_inputs(self, shapes):
        states = list(shapes[1:])
        if len(states) % 2:
            raise ValueError(
                f"When passing `initial_state` to a Bidirectional RNN ({self.name}), the state "
                f"should be a list containing the states of the underlying RNNs: the forward "
                f"layer's, then the backward layer's. Found {len(states)} state(s) of shapes "
                f"{[tuple(s) for s in states]}.")
        forward_states, backward_states = self._split_states(states)
        self.forward_layer._check_inputs([shapes[0]] + forward_states)
        self.backward_layer._check_inputs([shapes[0]] + backward_states)

    def build(self, input_shape):
        shape = tuple(input_shape[0] if isinstance(input_shape, list) else input_shape)
        self.forward_layer._maybe_build([shape])
        self.backward_layer._maybe_build([shape])
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape[0] if isinstance(input_shape, list) else input_shape)
        output_shape = self.forward_layer.compute_output_shape(shape)
        state_shapes = []
        if self.return_state:
            output_shape, state_shapes = output_shape[0], list(output_shape[1:])
        output_shape = tuple(output_shape)
        if self.merge_mode == "concat":
            last = output_shape[-1]
            output_shape = output_shape[:-1] + (None if last is None else 2 * last,)
        outputs = [output_shape, output_shape] if self.merge_mode is None else [output_shape]
        if self.return_state:
            return outputs + state_shapes + state_shapes
        return outputs if self.merge_mode is None else output_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        output_masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return output_masks + [None] * (2 * len(self.forward_layer.states))
        return output_masks if self.merge_mode is None else output_mask

    # ------------------------------------------------------------------ calling
    def __call__(self, inputs, initial_state=None, **kwargs):
        if initial_state is not None:  # Keras 2: the states join the inputs
            inputs = to_list(inputs) + to_list(initial_state)
        return super().__call__(inputs, **kwargs)

    def call(self, inputs, training=None, mask=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], (list(inputs[1:]) or initial_state)
        if isinstance(mask, list):
            mask = mask[0]
        forward_states, backward_states = (None, None) if initial_state is None \
            else self._split_states(to_list(initial_state))
        forward = self._run(self.forward_layer, inputs, training, mask, forward_states)
        backward = self._run(self.backward_layer, inputs, training, mask, backward_states)
        states = []
        if self.return_state:
            states = list(forward[1:]) + list(backward[1:])
            forward, backward = forward[0], backward[0]
        if self.return_sequences:
            backward = torch.flip(backward, dims=(1,))  # back into time order
        output = _MERGES[self.merge_mode](forward, backward)
        if self.return_state:
            return to_list(output) + states
        return output

    @staticmethod
    def _run(layer, inputs, training, mask, initial_state):
        kwargs = {} if initial_state is None else {"initial_state": initial_state}
        return run_layer(layer, inputs, training=training, mask=mask, kwargs=kwargs)

    # ------------------------------------------------------------------ weights, states
    def get_weights(self):
        """The forward layer's weights, then the backward layer's (Keras 2's order)."""
        return self.forward_layer.get_weights() + self.backward_layer.get_weights()

    def set_weights(self, weights):
        """Sets the forward layer's weights, then the backward layer's.

        Args:
            weights: a list of arrays, as ``get_weights()`` returns.
        """
        count = len(self.forward_layer.weights)
        expected = count + len(self.backward_layer.weights)
        if len(weights) != expected:
            raise ValueError(f"You called `set_weights(weights)` on layer \"{self.name}\" with a "
                             f"weight list of length {len(weights)}, but the layer was expecting "
                             f"{expected} weights: {count} for {self.forward_layer.name}, then "
                             f"{expected - count} for {self.backward_layer.name}.")
        self.forward_layer.set_weights(weights[:count])
        self.backward_layer.set_weights(weights[count:])

    def reset_states(self):
        """Resets the states of both stateful layers (see ``RNN.reset_states``)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    # ------------------------------------------------------------------ config
    def _sublayer_scope(self, sublayer, scope):
        """The directions' weights get their own scope under this layer's, as Keras 2 built
        them: ``bidirectional_1/forward_lstm_1/kernel:0``."""
        if sublayer is self.forward_layer or sublayer is self.backward_layer:
            return f"{scope}/{sublayer.name}"
        return scope

    def get_config(self):
        config = {**super().get_config(), "merge_mode": self.merge_mode}
        if self._backward_layer_config is not None:
            config["backward_layer"] = self._backward_layer_config
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        backward_layer = config.pop("backward_layer", None)
        if backward_layer is not None:
            backward_layer = deserialize(backward_layer, custom_objects=custom_objects)
        return cls(layer, backward_layer=backward_layer, **config)
