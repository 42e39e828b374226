"""Layers that resize the spatial axes without weights: ``UpSampling1D/2D/3D`` (repeating
cells, or bilinear for 2D), ``ZeroPadding1D/2D/3D`` and ``Cropping1D/2D/3D``.

Example:
    >>> UpSampling2D()(torch.zeros(1, 3, 3, 2)).shape
    torch.Size([1, 6, 6, 2])
    >>> Cropping2D(((1, 0), (2, 2)))(torch.zeros(1, 5, 6, 2)).shape
    torch.Size([1, 4, 2, 2])
"""
import torch.nn.functional as F

from cornu.graph.input_spec import InputSpec
from cornu.graph.layer import Layer
from cornu.layers.convolutional import geometry
from cornu.utils.suggestions import suggestion

_INTERPOLATIONS = ("nearest", "bilinear")


def _pairs(value, rank, name):
    """An int, ``rank`` ints (symmetric) or ``rank`` pairs, as ``rank`` ``(before, after)``
    pairs (Keras's ``padding`` / ``cropping`` argument)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return ((value, value),) * rank
    value = tuple(value)
    if rank == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (tuple(value),)
    if len(value) != rank:
        raise ValueError(f"`{name}` should have {rank} elements (an int or a pair of ints each). "
                         f"Received: {value!r}.")
    pairs = []
    for item in value:
        pair = (item, item) if isinstance(item, int) else tuple(item)
        if len(pair) != 2 or not all(isinstance(v, int) and v >= 0 for v in pair):
            raise ValueError(f"`{name}` elements should be non-negative ints or pairs of them. "
                             f"Received: {value!r}.")
        pairs.append(pair)
    return tuple(pairs)


class SpatialLayer(Layer):
    """Base class: a layer over ``rank`` spatial axes in a ``data_format``.

    Args:
        rank: the number of spatial axes.
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """

    def __init__(self, rank, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = geometry.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.axes = geometry.spatial_axes(rank, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for i, axis in enumerate(self.axes):
            if shape[axis] is not None:
                shape[axis] = self.output_length(i, shape[axis])
        return tuple(shape)

    def output_length(self, index, length):
        """The output length of spatial axis number ``index``."""
        raise NotImplementedError

    def get_config(self):
        config = super().get_config()
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class UpSampling(SpatialLayer):
    """Repeats each cell ``size`` times along each spatial axis (or, in 2D, interpolates
    bilinearly, with half-pixel centres as tf.keras does).

    Args:
        rank: the number of spatial axes.
        size: an int or a tuple of ``rank`` ints: the upsampling factors.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        interpolation: ``'nearest'`` or (2D only) ``'bilinear'``.
    """

    def __init__(self, rank, size, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self.size = geometry.normalize_tuple(size, rank, "size")
        allowed = _INTERPOLATIONS if rank == 2 else ("nearest",)
        if interpolation not in allowed:
            raise ValueError(f"`interpolation` argument should be one of {allowed}. Received: "
                             f"{interpolation!r}.{suggestion(str(interpolation), allowed)}")
        self.interpolation = interpolation

    def output_length(self, index, length):
        return length * self.size[index]

    def call(self, inputs):
        if self.rank == 1:
            return inputs.repeat_interleave(self.size[0], dim=self.axes[0])
        x = geometry.to_channels_first(inputs, self.data_format)
        out = tuple(n * s for n, s in zip(x.shape[2:], self.size))
        if self.interpolation == "bilinear":
            y = F.interpolate(x, size=out, mode="bilinear", align_corners=False)
        else:
            y = F.interpolate(x, size=out, mode="nearest")
        return geometry.from_channels_first(y, self.data_format)


class UpSampling1D(UpSampling):
    """Repeats each step ``size`` times: ``(batch, steps, features)`` ->
    ``(batch, steps * size, features)``.

    Args:
        size: the upsampling factor.

    Example:
        >>> UpSampling1D(2)(torch.tensor([[[1.], [2.]]])).flatten().tolist()
        [1.0, 1.0, 2.0, 2.0]
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(1, size, "channels_last", **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size[0]}


class UpSampling2D(UpSampling):
    """Upsamples rows and columns by ``size``: nearest (repeats) or bilinear.

    Args:
        size: an int or a pair: the factors for rows and columns.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        interpolation: ``'nearest'`` or ``'bilinear'``.

    Example:
        >>> UpSampling2D((2, 3))(torch.zeros(1, 2, 2, 1)).shape
        torch.Size([1, 4, 6, 1])
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(2, size, data_format, interpolation, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "interpolation": self.interpolation}


class UpSampling3D(UpSampling):
    """Repeats each cell ``size`` times along the three spatial axes.

    Args:
        size: an int or a triple.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> UpSampling3D()(torch.zeros(1, 1, 2, 2, 1)).shape
        torch.Size([1, 2, 4, 4, 1])
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(3, size, data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class ZeroPadding(SpatialLayer):
    """Adds rows (columns, ...) of zeros at the start and end of each spatial axis.

    Args:
        rank: the number of spatial axes.
        padding: an int, ``rank`` ints (symmetric), or ``rank`` ``(before, after)`` pairs.
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """

    def __init__(self, rank, padding, data_format=None, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self.padding = _pairs(padding, rank, "padding")

    def output_length(self, index, length):
        return length + sum(self.padding[index])

    def call(self, inputs):
        flat = []
        for axis in reversed(range(1, inputs.dim())):  # F.pad lists the last axis first
            pair = self.padding[self.axes.index(axis)] if axis in self.axes else (0, 0)
            flat += list(pair)
        return F.pad(inputs, flat)

    def get_config(self):
        padding = self.padding[0] if self.rank == 1 else self.padding
        return {**super().get_config(), "padding": padding}


class ZeroPadding1D(ZeroPadding):
    """Pads steps with zeros: ``(batch, steps, features)``.

    Args:
        padding: an int (both ends) or a pair ``(start, end)``.

    Example:
        >>> ZeroPadding1D((1, 2))(torch.ones(1, 2, 1)).flatten().tolist()
        [0.0, 1.0, 1.0, 0.0, 0.0]
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(1, padding, "channels_last", **kwargs)


class ZeroPadding2D(ZeroPadding):
    """Pads images with rows and columns of zeros.

    Args:
        padding: an int; a pair ``(rows, cols)`` padded symmetrically; or
            ``((top, bottom), (left, right))``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> ZeroPadding2D(((0, 1), (2, 0)))(torch.zeros(1, 3, 3, 1)).shape
        torch.Size([1, 4, 5, 1])
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(2, padding, data_format, **kwargs)


class ZeroPadding3D(ZeroPadding):
    """Pads volumes with zeros along the three spatial axes.

    Args:
        padding: an int, a triple (symmetric), or three ``(before, after)`` pairs.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> ZeroPadding3D()(torch.zeros(1, 1, 1, 1, 1)).shape
        torch.Size([1, 3, 3, 3, 1])
    """

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(3, padding, data_format, **kwargs)


class Cropping(SpatialLayer):
    """Cuts cells from the start and end of each spatial axis.

    Args:
        rank: the number of spatial axes.
        cropping: an int, ``rank`` ints (symmetric), or ``rank`` ``(before, after)`` pairs.
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """

    def __init__(self, rank, cropping, data_format=None, **kwargs):
        super().__init__(rank, data_format, **kwargs)
        self.cropping = _pairs(cropping, rank, "cropping")

    def output_length(self, index, length):
        left = length - sum(self.cropping[index])
        if left <= 0:
            raise ValueError(f"{self.name}: cropping {self.cropping[index]} leaves nothing of an "
                             f"axis of length {length}.")
        return left

    def call(self, inputs):
        index = [slice(None)] * inputs.dim()
        for axis, (before, after) in zip(self.axes, self.cropping):
            self.output_length(self.axes.index(axis), inputs.shape[axis])
            index[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(index)]

    def get_config(self):
        cropping = self.cropping[0] if self.rank == 1 else self.cropping
        return {**super().get_config(), "cropping": cropping}


class Cropping1D(Cropping):
    """Crops steps: ``(batch, steps, features)``.

    Args:
        cropping: an int (both ends) or a pair ``(start, end)``.

    Example:
        >>> Cropping1D((1, 0))(torch.arange(3.).view(1, 3, 1)).flatten().tolist()
        [1.0, 2.0]
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(1, cropping, "channels_last", **kwargs)


class Cropping2D(Cropping):
    """Crops images along rows and columns.

    Args:
        cropping: an int; a pair ``(rows, cols)`` cropped symmetrically; or
            ``((top, bottom), (left, right))``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> Cropping2D(1)(torch.zeros(1, 4, 4, 3)).shape
        torch.Size([1, 2, 2, 3])
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(2, cropping, data_format, **kwargs)


class Cropping3D(Cropping):
    """Crops volumes along the three spatial axes.

    Args:
        cropping: an int, a triple (symmetric), or three ``(before, after)`` pairs.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> Cropping3D()(torch.zeros(1, 3, 3, 3, 1)).shape
        torch.Size([1, 1, 1, 1, 1])
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, cropping, data_format, **kwargs)
