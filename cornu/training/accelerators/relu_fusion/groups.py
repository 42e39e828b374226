"""Which layer calls the fused-ReLU step runs as one: explicit, by exact registered types.

A group is a producer, the plain ReLU after it and, when one reads the ReLU, a max-pooling:

- the producer is exactly ``Conv1D``, ``Conv2D`` or ``Conv3D`` (activation ``'relu'``, or
  ``'linear'`` with a ReLU layer after it) or ``BatchNormalization`` of inputs of at most four
  axes (a ReLU layer after it; on 5-D inputs torch lays the gradient out otherwise in one of
  the two orders, and BatchNormalization's sums then round differently);
- a ReLU layer is exactly ``Activation('relu')``, or ``ReLU()`` with its default arguments;
- the max-pooling is exactly ``MaxPooling1D/2D/3D`` of the producer's rank and channel axis.

The group computes the producer's pre-activation ``z``, pools it, and applies the ReLU in place:
``relu_(pool(z))``, where the layers one by one compute ``pool(relu(z))`` in two new tensors
the size of ``z``. Both give the same values and gradients: ReLU never decreases, so
``max(relu(a), relu(b)) == relu(max(a, b))``, and each window's gradient reaches the same cell
(the maximum; ties go to the first cell either way, and a window whose maximum is at most 0 passes
no gradient either way). In place is safe: no producer or pooling needs its output for its
gradient. Each tensor folded away (the producer's and the ReLU's outputs) must have this one
reader and not be the model output, and no layer of a group has an activity regulariser; a
group whose input carries a mask runs its layers one by one.

Example:
    >>> schedule = fused_schedule(model)  # doctest: +SKIP
    >>> [type(entry).__name__ for entry in schedule.entries][:2]  # doctest: +SKIP
    ['ReluGroup', 'LayerCall']
"""
from cornu import activations
from cornu.graph.call_context import call_in_mode, resolve_training
from cornu.graph.layer_call import NO_LOSSES, run_layer
from cornu.layers.advanced_activations import ReLU
from cornu.layers.convolutional import geometry
from cornu.layers.convolutional.conv import Conv1D, Conv2D, Conv3D
from cornu.layers.core import Activation
from cornu.layers.normalization import BatchNormalization
from cornu.layers.pooling import MaxPooling1D, MaxPooling2D, MaxPooling3D
from cornu.training.accelerators.graph_models import INPUT, layer_calls

_CONVOLUTIONS = (Conv1D, Conv2D, Conv3D)
_MAX_POOLS = (MaxPooling1D, MaxPooling2D, MaxPooling3D)


def is_plain_relu(layer):
    """Whether a layer computes ``max(x, 0)`` and nothing else, by its exact type.

    Args:
        layer: the layer.
    """
    kind = type(layer)
    if kind is Activation:
        return layer.activation is activations.relu
    return (kind is ReLU and layer.max_value is None and layer.negative_slope == 0
            and layer.threshold == 0)


def _channel_axis(rank, data_format):
    """The channel axis of ``rank``-d data in ``data_format``, counted from the front."""
    return geometry.channel_axis(data_format) % (rank + 2)


class LayerCall:
    """A layer call the step runs as the reference does, through ``run_layer``.

    Args:
        layer: the layer.
        inputs: ids of the tensors it reads.
        output: id of the tensor it writes.
    """

    __slots__ = ("layer", "inputs", "output")

    def __init__(self, layer, inputs, output):
        self.layer, self.inputs, self.output = layer, inputs, output

    def run(self, values, training):
        """The layer's output for the tensors in ``values`` (a dict by id).

        Args:
            values: the tensors computed so far, by id.
            training: the training mode of the call.
        """
        args = [values[i] for i in self.inputs]
        return run_layer(self.layer, args[0] if len(args) == 1 else args, training=training)


class ReluGroup:
    """A producer, the ReLU after it and maybe a max-pooling, run as one (module docstring).

    Args:
        layers: the group's layers in order (the producer first).
        pool: the max-pooling layer, or None.
        axis: the channel (feature) axis of the producer's output.
        inputs: ids of the tensors the producer reads (one).
        output: id of the tensor the group's last layer writes.
    """

    __slots__ = ("layers", "pool", "axis", "inputs", "output")

    def __init__(self, layers, pool, axis, inputs, output):
        self.layers, self.pool, self.axis = layers, pool, axis
        self.inputs, self.output = inputs, output

    def run(self, values, training):
        """The output of the group's last layer (see ``LayerCall.run``)."""
        x = values[self.inputs[0]]
        if getattr(x, "_keras_mask", None) is not None:
            for layer in self.layers:
                x = run_layer(layer, x, training=training)
            return x
        for layer in self.layers:
            layer.__dict__["_call_losses"] = NO_LOSSES  # as run_layer does
        z = self.pre_activation(x.movedim(self.axis, 1), training)
        if self.pool is not None:
            z = self.pool.pool_channels_first(z)
        return z.relu_().movedim(1, self.axis)

    def pre_activation(self, x, training):
        """The producer's output before its ReLU, channels on axis 1 (a new tensor).

        Args:
            x: the producer's input, channels on axis 1.
            training: the training mode of the call.
        """
        producer = self.layers[0]
        if type(producer) is BatchNormalization:
            return producer.normalize_features_first(x, training)
        return producer.convolve(x)


class FusedSchedule:
    """A model's layer calls with the ReLU groups folded (see the module docstring).

    Args:
        entries: ``LayerCall`` and ``ReluGroup`` entries in run order.
        output: id of the model output.
    """

    def __init__(self, entries, output):
        self.entries, self.output = entries, output

    @property
    def groups(self):
        """The ``ReluGroup`` entries."""
        return [entry for entry in self.entries if isinstance(entry, ReluGroup)]

    def run(self, model, x):
        """The model's output for ``x`` as ``run_layer(model, x)`` computes it: the training
        mode resolved once, in a call context of that mode.

        Args:
            model: the model.
            x: its input (carrying no mask).
        """
        training = resolve_training(None)
        model.__dict__["_call_losses"] = NO_LOSSES
        return call_in_mode(training, self._run, x, training)

    def _run(self, x, training):
        values = {INPUT: x}
        for entry in self.entries:
            values[entry.output] = entry.run(values, training)
        return values[self.output]


def _sole_reader(tensor, readers, model_output):
    """The one call reading ``tensor`` when it is not the model output, else None."""
    calls = readers.get(tensor, ())
    return calls[0] if len(calls) == 1 and tensor != model_output else None


def _group(call, readers, model_output):
    """The group whose producer is ``call``, or None."""
    layer, inputs, output, shape = call
    kind = type(layer)
    if kind in _CONVOLUTIONS:
        rank = len(shape) - 2
        axis = _channel_axis(rank, layer.data_format)
        if layer.activation is activations.relu:
            members, tail = [layer], call
        elif layer.activation is activations.linear:
            members, tail = [layer], None
        else:
            return None
    elif kind is BatchNormalization and len(shape) <= 4:
        members, tail, axis, rank = [layer], None, layer._feature_axis, len(shape) - 2
    else:
        return None
    if tail is None:  # the ReLU is the layer reading the producer
        tail = _sole_reader(output, readers, model_output)
        if tail is None or not is_plain_relu(tail[0]):
            return None
        members.append(tail[0])
    pool = _sole_reader(tail[2], readers, model_output)
    if pool is not None and (type(pool[0]) not in _MAX_POOLS or pool[0].rank != rank
                             or _channel_axis(rank, pool[0].data_format) != axis):
        pool = None
    if pool is not None:
        members.append(pool[0])
        tail = pool
    if len(members) == 1 or any(m.activity_regularizer is not None for m in members):
        return None  # a convolution's own ReLU is in place already
    return ReluGroup(members, pool and pool[0], axis, list(inputs), tail[2])


def fused_schedule(model):
    """The model's ``FusedSchedule``, or None when it has no group (or is not a registered
    graph model without an activity regulariser).

    Args:
        model: the model.
    """
    calls = layer_calls(model)
    if not calls or model.activity_regularizer is not None:
        return None
    readers = {}
    for call in calls:
        for tensor in call[1]:
            readers.setdefault(tensor, []).append(call)
    model_output = calls[-1][2]
    entries, folded = [], set()
    for call in calls:
        if id(call[0]) in folded:
            continue
        group = _group(call, readers, model_output)
        if group is None:
            entries.append(LayerCall(call[0], list(call[1]), call[2]))
            continue
        entries.append(group)
        folded.update(id(layer) for layer in group.layers[1:])
    return FusedSchedule(entries, model_output) if folded else None
