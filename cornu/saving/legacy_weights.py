"""Older weight layouts turned into Keras 2's when loading (Keras 2.2.4's
``preprocess_weights_for_loading``, for the layer families cornu has):

- Keras 1 files (no ``keras_version`` attribute, or ``1.x``): convolution kernels of Theano
  ordering (``channels_first``) and of ``Conv1D``/``Conv2DTranspose``; ``LSTM``'s twelve
  arrays (gates i, c, f, o, each ``W, U, b``) and ``GRU``'s nine (z, r, h) joined into
  ``kernel``, ``recurrent_kernel``, ``bias`` in Keras 2's gate order.
- Files written with the Theano backend: convolution kernels flipped (Theano convolves, the
  others correlate).
- ``CuDNNLSTM`` and ``CuDNNGRU`` weights loaded into ``LSTM`` and ``GRU(reset_after=True)``,
  and the other way round.
- Layers inside ``Bidirectional``, ``TimeDistributed`` and nested models, converted each.
- ``reshape=True``: a convolution kernel with the right number of values is reshaped.

Arrays that fit none of these rules are returned unchanged; the loader then reports the
mismatch.

Example:
    >>> import numpy as np
    >>> from cornu.layers import LSTM
    >>> layer = LSTM(2); layer.build((None, 5, 3))
    >>> keras1 = [np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(2)] * 4
    >>> [w.shape for w in convert_weights(layer, keras1, '1', None)]
    [(3, 8), (2, 8), (8,)]
"""
import numpy as np

from cornu.saving.registry import is_model
from cornu.saving.weight_naming import saved_weight_counts

CONVOLUTIONS = ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose")


def is_keras_1(keras_version):
    """Whether a file's ``keras_version`` means Keras 1 (readers pass ``'1'`` when the file has
    no such attribute, as Keras 2 does).

    Args:
        keras_version: the attribute's text, or None (unknown: not converted).
    """
    return keras_version is not None and (keras_version == "1" or keras_version.startswith("1."))


def _convert_nested_model(model, arrays, keras_version, backend, reshape):
    """Converts a nested model's arrays layer by layer (trainable parts, then the others)."""
    counts = [saved_weight_counts(sublayer) for sublayer in model.layers]
    trainable_total = sum(t for t, _ in counts)
    trainable, others = list(arrays[:trainable_total]), list(arrays[trainable_total:])
    new_trainable, new_others = [], []
    for sublayer, (n_trainable, n_others) in zip(model.layers, counts):
        if n_trainable:
            new_trainable += convert_weights(sublayer, trainable[:n_trainable], keras_version,
                                             backend, reshape)
            trainable = trainable[n_trainable:]
        if n_others:
            new_others += convert_weights(sublayer, others[:n_others], keras_version, backend,
                                          reshape)
            others = others[n_others:]
    return new_trainable + trainable + new_others + others


def _keras_1_kernel(layer, kernel):
    """A Keras 1 convolution kernel in Keras 2's layout (as Keras 2.2.4 converted it)."""
    name, data_format = type(layer).__name__, getattr(layer, "data_format", None)
    if name == "Conv1D" and kernel.ndim == 4:
        size, filters = layer.kernel_size[0], layer.filters
        if kernel.shape[:2] != (size, 1) or kernel.shape[3] != filters:
            kernel = np.transpose(kernel, (2, 3, 1, 0))  # Keras 1.1: (filters, in, size, 1)
        return kernel[:, 0, :, :]
    if name == "Conv2D" and data_format == "channels_first" and kernel.ndim == 4:
        return np.transpose(kernel, (2, 3, 1, 0))
    if name == "Conv2DTranspose" and kernel.ndim == 4:
        return np.transpose(kernel, (0, 1, 3, 2) if data_format == "channels_last"
                            else (2, 3, 0, 1))
    if name == "Conv3D" and data_format == "channels_first" and kernel.ndim == 5:
        return np.transpose(kernel, (2, 3, 4, 1, 0))
    return kernel


def _join_gates(arrays, order):
    """Keras 1's per-gate ``W, U, b`` triples joined in ``order`` (gate indices)."""
    return [np.concatenate([arrays[3 * gate + part] for gate in order], axis=-1)
            for part in range(3)]


def _keras_1_recurrent(layer, arrays):
    name = type(layer).__name__
    if name == "LSTM" and len(arrays) == 12:
        return _join_gates(arrays, (0, 2, 1, 3))  # Keras 1: i, c, f, o; Keras 2: i, f, c, o
    if name == "GRU" and len(arrays) == 9:
        return _join_gates(arrays, (0, 1, 2))
    return arrays


def _flip_spatial_axes(kernel):
    """Theano kernels convolve: reverse every axis but the last two (in, out)."""
    flip = tuple(slice(None, None, -1) for _ in range(kernel.ndim - 2))
    return np.copy(kernel[flip + (slice(None), slice(None))])


def _fit_convolution_kernel(layer, kernel, backend, reshape):
    """A convolution kernel flipped if Theano made it, reshaped or transposed to fit."""
    expected = _keras_kernel_shape(layer)
    if backend == "theano" and kernel.ndim >= 3:
        kernel = _flip_spatial_axes(kernel)
    if kernel.shape == expected:
        return kernel
    if reshape and kernel.size == int(np.prod(expected)):
        return np.reshape(kernel, expected)
    if kernel.ndim == 4 and np.transpose(kernel, (3, 2, 0, 1)).shape == expected:
        return np.transpose(kernel, (3, 2, 0, 1))
    return kernel


def _keras_kernel_shape(layer):
    """The Keras-layout shape of the layer's ``kernel`` weight, or None before it is built."""
    for info in layer._weights_info:
        if info["name"] == "kernel":
            return tuple(info["layout"].to_keras(info["param"].detach()).shape)
    return None


def _gate_blocks(kernel, gates, function):
    return np.hstack([function(block) for block in np.hsplit(kernel, gates)])


def _recurrent_kernels(arrays, gates, order, bias):
    """Between CuDNN's and Keras's kernels: each gate's input kernel transposed and read back in
    ``order`` (``'F'`` from CuDNN, ``'C'`` to it), each recurrent kernel transposed; the bias
    through ``bias``."""
    kernel = _gate_blocks(arrays[0], gates, lambda k: k.T.reshape(k.shape, order=order))
    recurrent = _gate_blocks(arrays[1], gates, lambda k: k.T)
    return [kernel, recurrent, bias(arrays[2])]


def _cudnn_recurrent(layer, arrays):
    """CuDNN weights into ``LSTM``/``GRU(reset_after=True)``, and the other way round."""
    name = type(layer).__name__
    if name not in ("LSTM", "GRU", "CuDNNLSTM", "CuDNNGRU") or len(arrays) != 3 \
            or arrays[0].ndim != 2 or arrays[1].ndim != 2:
        return arrays
    gates = 4 if name.endswith("LSTM") else 3
    width = arrays[1].shape[0] * gates
    if arrays[0].shape[1] != width or arrays[1].shape[1] != width:
        return arrays
    bias_shape = arrays[2].shape
    if bias_shape == (2 * width,) and name == "LSTM":  # CuDNN's two biases: Keras keeps the sum
        return _recurrent_kernels(arrays, gates, "F", lambda b: np.sum(np.split(b, 2), axis=0))
    if bias_shape == (2 * width,) and name == "GRU" and getattr(layer, "reset_after", False):
        return _recurrent_kernels(arrays, gates, "F", lambda b: b.reshape(2, -1))
    if bias_shape == (width,) and name == "CuDNNLSTM":
        return _recurrent_kernels(arrays, gates, "C", lambda b: np.tile(0.5 * b, 2))
    if bias_shape == (2, width) and name == "CuDNNGRU":
        return _recurrent_kernels(arrays, gates, "C", lambda b: b.reshape(-1))
    return arrays


def _convert_wrapped(layer, arrays, keras_version, backend, reshape):
    """A Bidirectional's arrays, half for each direction; a TimeDistributed's, for its layer."""
    if type(layer).__name__ == "Bidirectional":
        half = len(arrays) // 2
        return (convert_weights(layer.forward_layer, arrays[:half], keras_version, backend,
                                reshape)
                + convert_weights(layer.backward_layer, arrays[half:], keras_version, backend,
                                  reshape))
    return convert_weights(layer.layer, arrays, keras_version, backend, reshape)


def convert_weights(layer, arrays, keras_version, backend, reshape=False):
    """The arrays saved for ``layer`` in Keras 2's layout, converted from older layouts.

    Args:
        layer: the layer (or nested model) receiving them.
        arrays: the NumPy arrays read from the file for it, in file order.
        keras_version: the file's ``keras_version`` attribute (``'1'`` when absent, as Keras 2
            reads it).
        backend: the file's ``backend`` attribute (None when absent).
        reshape: reshape a convolution kernel holding the right number of values.

    Returns:
        A list of arrays (possibly of another length, e.g. 12 Keras 1 LSTM arrays become 3).
    """
    arrays = list(arrays)
    if is_model(layer):
        return _convert_nested_model(layer, arrays, keras_version, backend, reshape)
    name = type(layer).__name__
    if name in ("Bidirectional", "TimeDistributed"):
        return _convert_wrapped(layer, arrays, keras_version, backend, reshape)
    if is_keras_1(keras_version):
        if name in CONVOLUTIONS and arrays:
            arrays[0] = _keras_1_kernel(layer, arrays[0])
        arrays = _keras_1_recurrent(layer, arrays)
    if name in CONVOLUTIONS and arrays and _keras_kernel_shape(layer) is not None:
        arrays[0] = _fit_convolution_kernel(layer, arrays[0], backend, reshape)
    return _cudnn_recurrent(layer, arrays)
