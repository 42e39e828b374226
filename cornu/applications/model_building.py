"""The steps every application model shares: its input, its optional pooled output, the inputs
of the finished ``Model``, and the channel axis of the image data format.

Example:
    >>> image = image_input(None, (None, None, 3))
    >>> image.shape
    (None, None, None, 3)
"""
from cornu.backend import is_keras_tensor
from cornu.config import image_data_format
from cornu.layers import GlobalAveragePooling2D, GlobalMaxPooling2D, Input


def image_input(input_tensor, input_shape):
    """Returns the tensor the model starts from: ``input_tensor``, or a new ``Input``.

    Args:
        input_tensor: a Keras tensor (``Input(...)`` or a layer's output), or None.
        input_shape: the shape of one image, for a new ``Input``.

    Raises:
        TypeError: ``input_tensor`` is not a Keras tensor.

    Example:
        >>> image_input(None, (224, 224, 3)).shape
        (None, 224, 224, 3)
    """
    if input_tensor is None:
        return Input(shape=input_shape)
    if not is_keras_tensor(input_tensor):
        raise TypeError(f"`input_tensor` should be a Keras tensor (the output of "
                        f"keras.layers.Input() or of a layer), got {type(input_tensor).__name__}. "
                        f"cornu has no backend tensors to wrap: pass `input_shape=` instead.")
    return input_tensor


def model_inputs(image, input_tensor):
    """The inputs of the finished model: ``image``, or the ``Input``s that ``input_tensor``
    comes from (so that the layers before it belong to the model, as in Keras).

    Args:
        image: the tensor the model's layers start from.
        input_tensor: the user's ``input_tensor`` argument, or None.

    Example:
        >>> x = Input(shape=(8, 8, 3))
        >>> model_inputs(x, x) == [x]
        True
    """
    if input_tensor is None:
        return image
    sources, pending, seen = [], [input_tensor], set()
    while pending:
        tensor = pending.pop()
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        layer, node_index, _ = tensor._keras_history
        parents = layer._inbound_nodes[node_index].input_tensors
        if parents:
            pending.extend(reversed(parents))
        else:
            sources.append(tensor)
    return sources


def pooled(x, pooling):
    """The feature map ``x``, reduced by global pooling if asked (``include_top=False``).

    Args:
        x: the last feature map.
        pooling: None (keep ``x``), ``'avg'`` or ``'max'``.

    Example:
        >>> pooled(Input(shape=(7, 7, 512)), 'avg').shape
        (None, 512)
    """
    if pooling == "avg":
        return GlobalAveragePooling2D()(x)
    if pooling == "max":
        return GlobalMaxPooling2D()(x)
    return x


def channel_axis(channels_last_axis=-1):
    """The axis of the channels under ``K.image_data_format()`` (for BatchNormalization and
    Concatenate): 1 for ``channels_first``, else ``channels_last_axis`` (Keras's models write
    -1 or 3, which the layer configs keep).

    Args:
        channels_last_axis: the axis to give for ``channels_last``.

    Example:
        >>> channel_axis(3)  # with channels_last
        3
    """
    return 1 if image_data_format() == "channels_first" else channels_last_axis
