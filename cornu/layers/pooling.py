"""Pooling layers: ``MaxPooling1D/2D/3D``, ``AveragePooling1D/2D/3D`` and the global poolings,
with their Keras aliases (``MaxPool2D``, ``GlobalAvgPool2D`` ...).

``'same'`` padding follows TensorFlow: output size ``ceil(n / stride)``, the extra cell of an
odd padding at the end; padded cells never win a max and are not counted in an average.

Example:
    >>> MaxPooling2D((2, 2))(torch.zeros(1, 26, 26, 32)).shape
    torch.Size([1, 13, 13, 32])
    >>> GlobalAveragePooling2D()(torch.ones(2, 4, 4, 3)).tolist()
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
"""
import torch

from cornu.graph.input_spec import InputSpec
from cornu.graph.layer import Layer
from cornu.kernels.convolution import avg_pool, max_pool, same_pads
from cornu.layers.convolutional import geometry


class Pooling(Layer):
    """Base class of windowed pooling over ``rank`` spatial axes.

    Args:
        rank: the number of spatial axes.
        pool_size: an int or a tuple of ``rank`` ints: the window size.
        strides: an int or a tuple of ``rank`` ints (None: the pool size).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """

    pool = None  # max_pool or avg_pool

    def __init__(self, rank, pool_size, strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.pool_size = geometry.normalize_tuple(pool_size, rank, "pool_size")
        self.strides = self.pool_size if strides is None else geometry.normalize_tuple(
            strides, rank, "strides")
        if min(self.pool_size + self.strides) <= 0:
            raise ValueError(f"{self.name}: `pool_size` and `strides` must be positive, "
                             f"received pool_size={self.pool_size}, strides={self.strides}.")
        self.padding = geometry.normalize_padding(padding)
        self.data_format = geometry.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, k, s in zip(geometry.spatial_axes(self.rank, self.data_format),
                              self.pool_size, self.strides):
            shape[axis] = geometry.conv_output_length(shape[axis], k, self.padding, s)
        return tuple(shape)

    def call(self, inputs):
        x = geometry.to_channels_first(inputs, self.data_format)
        return geometry.from_channels_first(self.pool_channels_first(x), self.data_format)

    def pool_channels_first(self, x):
        """The pooling of a channels-first tensor ``(N, C, *spatial)``, channels first too.

        Args:
            x: the tensor.
        """
        if self.padding == "same":
            pads = same_pads(x.shape[2:], self.pool_size, self.strides)
        else:
            pads = ((0, 0),) * self.rank
        return type(self).pool(x, self.pool_size, self.strides, pads)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(Pooling):
    """Max pooling over steps of ``(batch, steps, features)``.

    Args:
        pool_size: the window length.
        strides: the stride (None: ``pool_size``).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Example:
        >>> MaxPooling1D(5)(torch.zeros(2, 494, 32)).shape
        torch.Size([2, 98, 32])
    """

    pool = staticmethod(max_pool)

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format="channels_last",
                 **kwargs):
        super().__init__(1, pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(Pooling):
    """Max pooling over the rows and columns of images.

    Args:
        pool_size: an int or a pair (default ``(2, 2)``).
        strides: an int or a pair (None: ``pool_size``).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> MaxPooling2D(3, strides=2, padding='same')(torch.zeros(1, 7, 7, 2)).shape
        torch.Size([1, 4, 4, 2])
    """

    pool = staticmethod(max_pool)

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(2, pool_size, strides, padding, data_format, **kwargs)


class MaxPooling3D(Pooling):
    """Max pooling over the three spatial axes of volumes.

    Args:
        pool_size: an int or a triple (default ``(2, 2, 2)``).
        strides: an int or a triple (None: ``pool_size``).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> MaxPooling3D()(torch.zeros(1, 4, 4, 4, 2)).shape
        torch.Size([1, 2, 2, 2, 2])
    """

    pool = staticmethod(max_pool)

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(3, pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(Pooling):
    """Average pooling over steps (with ``'same'``, over the cells inside the input only).

    Args:
        pool_size: the window length.
        strides: the stride (None: ``pool_size``).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Example:
        >>> AveragePooling1D()(torch.tensor([[[1.], [3.], [5.]]])).tolist()
        [[[2.0]]]
    """

    pool = staticmethod(avg_pool)

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format="channels_last",
                 **kwargs):
        super().__init__(1, pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(Pooling):
    """Average pooling over the rows and columns of images.

    Args:
        pool_size: an int or a pair (default ``(2, 2)``).
        strides: an int or a pair (None: ``pool_size``).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> AveragePooling2D()(torch.ones(1, 4, 4, 1)).shape
        torch.Size([1, 2, 2, 1])
    """

    pool = staticmethod(avg_pool)

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(2, pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(Pooling):
    """Average pooling over the three spatial axes of volumes.

    Args:
        pool_size: an int or a triple (default ``(2, 2, 2)``).
        strides: an int or a triple (None: ``pool_size``).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).

    Example:
        >>> AveragePooling3D()(torch.ones(1, 2, 2, 2, 1)).tolist()
        [[[[[1.0]]]]]
    """

    pool = staticmethod(avg_pool)

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(3, pool_size, strides, padding, data_format, **kwargs)


class GlobalPooling(Layer):
    """Base class of the global poolings: one value per channel over all spatial axes.

    Args:
        rank: the number of spatial axes.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        keepdims: keep the spatial axes with length 1 (tf.keras's argument).
    """

    def __init__(self, rank, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = geometry.normalize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=rank + 2)

    def axes(self):
        """The spatial axes reduced."""
        return geometry.spatial_axes(self.rank, self.data_format)

    def compute_output_shape(self, input_shape):
        axes = self.axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format}
        if self.keepdims:
            config["keepdims"] = True
        return config


class GlobalMaxPooling(GlobalPooling):
    """The maximum over every spatial axis (see ``GlobalPooling``)."""

    def call(self, inputs):
        return torch.amax(inputs, dim=self.axes(), keepdim=self.keepdims)


class GlobalAveragePooling(GlobalPooling):
    """The mean over every spatial axis (see ``GlobalPooling``)."""

    def call(self, inputs):
        return torch.mean(inputs, dim=self.axes(), keepdim=self.keepdims)


class GlobalMaxPooling1D(GlobalMaxPooling):
    """The maximum over steps: ``(batch, steps, features)`` -> ``(batch, features)``.

    Args:
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        keepdims: keep the steps axis with length 1.

    Example:
        >>> GlobalMaxPooling1D()(torch.tensor([[[1., 5.], [3., 2.]]])).tolist()
        [[3.0, 5.0]]
    """

    def __init__(self, data_format="channels_last", keepdims=False, **kwargs):
        super().__init__(1, data_format, keepdims, **kwargs)


class GlobalAveragePooling1D(GlobalAveragePooling):
    """The mean over steps: ``(batch, steps, features)`` -> ``(batch, features)``. With a
    mask (e.g. from ``Embedding(mask_zero=True)``), the mean of the unmasked steps.

    Args:
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        keepdims: keep the steps axis with length 1.

    Example:
        >>> GlobalAveragePooling1D()(torch.tensor([[[1., 5.], [3., 2.]]])).tolist()
        [[2.0, 3.5]]
    """

    def __init__(self, data_format="channels_last", keepdims=False, **kwargs):
        super().__init__(1, data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps = self.axes()[0]
        weights = mask.to(inputs.dtype).unsqueeze(2 if steps == 1 else 1)
        total = (inputs * weights).sum(dim=steps, keepdim=self.keepdims)
        return total / weights.sum(dim=steps, keepdim=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling2D(GlobalMaxPooling):
    """The maximum over rows and columns: ``(batch, rows, cols, channels)`` ->
    ``(batch, channels)``.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        keepdims: keep the spatial axes with length 1.

    Example:
        >>> GlobalMaxPooling2D()(torch.zeros(2, 5, 5, 8)).shape
        torch.Size([2, 8])
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format, keepdims, **kwargs)


class GlobalAveragePooling2D(GlobalAveragePooling):
    """The mean over rows and columns: ``(batch, rows, cols, channels)`` ->
    ``(batch, channels)``.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        keepdims: keep the spatial axes with length 1.

    Example:
        >>> GlobalAveragePooling2D(keepdims=True)(torch.zeros(2, 5, 5, 8)).shape
        torch.Size([2, 1, 1, 8])
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format, keepdims, **kwargs)


class GlobalMaxPooling3D(GlobalMaxPooling):
    """The maximum over the three spatial axes.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        keepdims: keep the spatial axes with length 1.

    Example:
        >>> GlobalMaxPooling3D()(torch.zeros(2, 3, 3, 3, 4)).shape
        torch.Size([2, 4])
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format, keepdims, **kwargs)


class GlobalAveragePooling3D(GlobalAveragePooling):
    """The mean over the three spatial axes.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``K.image_data_format()``).
        keepdims: keep the spatial axes with length 1.

    Example:
        >>> GlobalAveragePooling3D()(torch.zeros(2, 3, 3, 3, 4)).shape
        torch.Size([2, 4])
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format, keepdims, **kwargs)


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (GlobalMaxPooling1D, GlobalMaxPooling2D,
                                                     GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D,
                                                     GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)
