"""Rows of the layer table for the spatial families (convolution, pooling, resizing,
normalisation, noise), each checked against tests/layers/spatial_reference.py."""
import numpy as np

from cornu import layers
from tests.layers import spatial_reference as ref
from tests.layers.layer_cases import LayerCase

_RANDOM_BIAS = {"bias_initializer": "random_uniform"}


def _conv(**options):
    return lambda x, w: ref.conv(x, w[0], w[1] if len(w) > 1 else None, **options)


def _transpose(**options):
    return lambda x, w: ref.conv_transpose(x, w[0], w[1] if len(w) > 1 else None, **options)


def _first(x):
    return np.moveaxis(x, 1, -1)


def _last(x):
    return np.moveaxis(x, -1, 1)


CONVOLUTIONS = [
    LayerCase(layers.Conv1D, {"filters": 3, "kernel_size": 3}, (2, 7, 4), (None, 5, 3),
              _conv(), trainable_weights=2),
    LayerCase(layers.Conv1D, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same",
                              **_RANDOM_BIAS}, (2, 8, 4), (None, 4, 3),
              _conv(strides=2, padding="same"), trainable_weights=2),
    LayerCase(layers.Conv1D, {"filters": 3, "kernel_size": 3, "padding": "causal",
                              "dilation_rate": 2}, (2, 7, 4), (None, 7, 3),
              _conv(padding="causal", dilation=2), trainable_weights=2),
    LayerCase(layers.Conv1D, {"filters": 3, "kernel_size": 2, "data_format": "channels_first",
                              **_RANDOM_BIAS}, (2, 4, 7), (None, 3, 6),
              _conv(channels_first=True), trainable_weights=2),
    LayerCase(layers.Conv2D, {"filters": 4, "kernel_size": 3, "activation": "relu",
                              **_RANDOM_BIAS}, (2, 6, 6, 3), (None, 4, 4, 4),
              lambda x, w: np.maximum(ref.conv(x, w[0], w[1]), 0), trainable_weights=2),
    LayerCase(layers.Conv2D, {"filters": 4, "kernel_size": 2, "strides": 2, "padding": "same"},
              (2, 5, 5, 3), (None, 3, 3, 4), _conv(strides=2, padding="same"),
              trainable_weights=2),
    LayerCase(layers.Conv2D, {"filters": 3, "kernel_size": 4, "padding": "same",
                              "use_bias": False}, (2, 5, 5, 2), (None, 5, 5, 3),
              _conv(padding="same"), trainable_weights=1),
    LayerCase(layers.Conv2D, {"filters": 3, "kernel_size": (3, 2), "strides": (2, 1)},
              (2, 7, 5, 2), (None, 3, 4, 3), _conv(strides=(2, 1)), trainable_weights=2),
    LayerCase(layers.Conv2D, {"filters": 3, "kernel_size": 3, "dilation_rate": 2,
                              "padding": "same"}, (2, 6, 7, 2), (None, 6, 7, 3),
              _conv(padding="same", dilation=2), trainable_weights=2),
    LayerCase(layers.Conv2D, {"filters": 6, "kernel_size": 3, "groups": 2, **_RANDOM_BIAS},
              (2, 5, 5, 4), (None, 3, 3, 6), _conv(groups=2), trainable_weights=2),
    LayerCase(layers.Conv2D, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same",
                              "data_format": "channels_first", **_RANDOM_BIAS},
              (2, 2, 6, 5), (None, 3, 3, 3), _conv(strides=2, padding="same",
                                                    channels_first=True), trainable_weights=2),
    LayerCase(layers.Conv3D, {"filters": 2, "kernel_size": 2, **_RANDOM_BIAS},
              (2, 4, 4, 4, 3), (None, 3, 3, 3, 2), _conv(), trainable_weights=2),
    LayerCase(layers.Conv3D, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
              (2, 5, 4, 3, 2), (None, 3, 2, 2, 2), _conv(strides=2, padding="same"),
              trainable_weights=2),
    LayerCase(layers.Conv3D, {"filters": 2, "kernel_size": 2, "data_format": "channels_first"},
              (2, 3, 4, 4, 4), (None, 2, 3, 3, 3), _conv(channels_first=True),
              trainable_weights=2),
    LayerCase(layers.Conv2DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2,
                                       "padding": "same", **_RANDOM_BIAS},
              (2, 3, 3, 2), (None, 6, 6, 3), _transpose(strides=2, padding="same"),
              trainable_weights=2),
    LayerCase(layers.Conv2DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2},
              (2, 3, 4, 2), (None, 7, 9, 3), _transpose(strides=2), trainable_weights=2),
    LayerCase(layers.Conv2DTranspose, {"filters": 2, "kernel_size": 4, "strides": 2,
                                       "padding": "same"},
              (2, 3, 3, 2), (None, 6, 6, 2), _transpose(strides=2, padding="same"),
              trainable_weights=2),
    LayerCase(layers.Conv2DTranspose, {"filters": 2, "kernel_size": 1, "strides": 3,
                                       **_RANDOM_BIAS},
              (2, 3, 3, 2), (None, 9, 9, 2), _transpose(strides=3), trainable_weights=2),
    LayerCase(layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2,
                                       "padding": "same", "output_padding": 1},
              (2, 3, 3, 2), (None, 6, 6, 2),
              _transpose(strides=2, padding="same", output_padding=1), trainable_weights=2),
    LayerCase(layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2,
                                       "output_padding": (1, 0), **_RANDOM_BIAS},
              (2, 3, 3, 2), (None, 8, 7, 2),
              _transpose(strides=2, output_padding=(1, 0)), trainable_weights=2),
    LayerCase(layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "dilation_rate": 2,
                                       "padding": "same"},
              (2, 4, 4, 2), (None, 4, 4, 2), _transpose(padding="same", dilation=2),
              trainable_weights=2),
    LayerCase(layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2,
                                       "data_format": "channels_first"},
              (2, 3, 3, 4), (None, 2, 7, 9),
              lambda x, w: _last(ref.conv_transpose(_first(x), w[0], w[1], strides=2)),
              trainable_weights=2),
    LayerCase(layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2},
              (2, 5, 4), (None, 11, 2), _transpose(strides=2), trainable_weights=2),
    LayerCase(layers.Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": 2,
                                       "padding": "same", **_RANDOM_BIAS},
              (2, 2, 3, 2, 3), (None, 4, 6, 4, 2), _transpose(strides=2, padding="same"),
              trainable_weights=2),
    LayerCase(layers.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 2,
                                       **_RANDOM_BIAS},
              (2, 5, 5, 3), (None, 3, 3, 6), lambda x, w: ref.depthwise(x, w[0], w[1]),
              trainable_weights=2),
    LayerCase(layers.DepthwiseConv2D, {"kernel_size": 2, "strides": 2, "padding": "same"},
              (2, 5, 4, 3), (None, 3, 2, 3),
              lambda x, w: ref.depthwise(x, w[0], w[1], strides=2, padding="same"),
              trainable_weights=2),
    LayerCase(layers.DepthwiseConv2D, {"kernel_size": 3, "data_format": "channels_first",
                                       "use_bias": False},
              (2, 3, 5, 5), (None, 3, 3, 3), lambda x, w: _last(ref.depthwise(_first(x), w[0])),
              trainable_weights=1),
    LayerCase(layers.SeparableConv2D, {"filters": 4, "kernel_size": 3, "padding": "same",
                                       "depth_multiplier": 2, **_RANDOM_BIAS},
              (2, 5, 5, 3), (None, 5, 5, 4),
              lambda x, w: ref.separable(x, w[0], w[1], w[2], padding="same"),
              trainable_weights=3),
    LayerCase(layers.SeparableConv2D, {"filters": 4, "kernel_size": 3, "strides": 2},
              (2, 7, 7, 3), (None, 3, 3, 4),
              lambda x, w: ref.separable(x, w[0], w[1], w[2], strides=2), trainable_weights=3),
    LayerCase(layers.SeparableConv1D, {"filters": 4, "kernel_size": 3, "dilation_rate": 2},
              (2, 9, 3), (None, 5, 4),
              lambda x, w: ref.separable(x, w[0], w[1], w[2], dilation=2), trainable_weights=3),
]


def _pool(**options):
    return lambda x, w: ref.pool(x, **options)


POOLING = [
    LayerCase(layers.MaxPooling1D, {}, (2, 7, 3), (None, 3, 3), _pool(size=2)),
    LayerCase(layers.MaxPooling1D, {"pool_size": 3, "strides": 2, "padding": "same"},
              (2, 8, 3), (None, 4, 3), _pool(size=3, strides=2, padding="same")),
    LayerCase(layers.MaxPooling2D, {}, (2, 6, 7, 3), (None, 3, 3, 3), _pool(size=2)),
    LayerCase(layers.MaxPooling2D, {"pool_size": 3, "strides": 2, "padding": "same"},
              (2, 7, 6, 2), (None, 4, 3, 2), _pool(size=3, strides=2, padding="same")),
    LayerCase(layers.MaxPooling2D, {"pool_size": 2, "padding": "same"},
              (2, 5, 5, 2), (None, 3, 3, 2), _pool(size=2, padding="same")),
    LayerCase(layers.MaxPooling2D, {"data_format": "channels_first"},
              (2, 3, 4, 6), (None, 3, 2, 3), _pool(size=2, channels_first=True)),
    LayerCase(layers.MaxPooling3D, {"pool_size": 2, "padding": "same"},
              (2, 3, 4, 5, 2), (None, 2, 2, 3, 2), _pool(size=2, padding="same")),
    LayerCase(layers.AveragePooling1D, {"pool_size": 3, "padding": "same"},
              (2, 7, 3), (None, 3, 3), _pool(size=3, padding="same", mode="avg")),
    LayerCase(layers.AveragePooling2D, {}, (2, 6, 6, 3), (None, 3, 3, 3),
              _pool(size=2, mode="avg")),
    LayerCase(layers.AveragePooling2D, {"pool_size": 3, "strides": 2, "padding": "same"},
              (2, 6, 7, 2), (None, 3, 4, 2),
              _pool(size=3, strides=2, padding="same", mode="avg")),
    LayerCase(layers.AveragePooling2D, {"pool_size": 3, "strides": 1, "padding": "same"},
              (2, 4, 4, 2), (None, 4, 4, 2),
              _pool(size=3, strides=1, padding="same", mode="avg")),
    LayerCase(layers.AveragePooling3D, {}, (2, 4, 4, 4, 2), (None, 2, 2, 2, 2),
              _pool(size=2, mode="avg")),
    LayerCase(layers.GlobalMaxPooling1D, {}, (2, 5, 3), (None, 3), lambda x, w: x.max(axis=1)),
    LayerCase(layers.GlobalAveragePooling1D, {}, (2, 5, 3), (None, 3),
              lambda x, w: x.mean(axis=1)),
    LayerCase(layers.GlobalMaxPooling2D, {}, (2, 4, 5, 3), (None, 3),
              lambda x, w: x.max(axis=(1, 2))),
    LayerCase(layers.GlobalAveragePooling2D, {"data_format": "channels_first"},
              (2, 3, 4, 5), (None, 3), lambda x, w: x.mean(axis=(2, 3))),
    LayerCase(layers.GlobalAveragePooling2D, {"keepdims": True}, (2, 4, 5, 3),
              (None, 1, 1, 3), lambda x, w: x.mean(axis=(1, 2), keepdims=True)),
    LayerCase(layers.GlobalMaxPooling3D, {}, (2, 3, 3, 3, 2), (None, 2),
              lambda x, w: x.max(axis=(1, 2, 3))),
    LayerCase(layers.GlobalAveragePooling3D, {}, (2, 3, 3, 3, 2), (None, 2),
              lambda x, w: x.mean(axis=(1, 2, 3))),
]

RESIZING = [
    LayerCase(layers.UpSampling1D, {"size": 3}, (2, 4, 3), (None, 12, 3),
              lambda x, w: np.repeat(x, 3, axis=1)),
    LayerCase(layers.UpSampling2D, {"size": (2, 3)}, (2, 3, 4, 2), (None, 6, 12, 2),
              lambda x, w: np.repeat(np.repeat(x, 2, axis=1), 3, axis=2)),
    LayerCase(layers.UpSampling2D, {"data_format": "channels_first"}, (2, 2, 3, 4),
              (None, 2, 6, 8), lambda x, w: np.repeat(np.repeat(x, 2, axis=2), 2, axis=3)),
    LayerCase(layers.UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"},
              (2, 3, 4, 2), (None, 6, 12, 2), lambda x, w: ref.bilinear_upsample(x, (2, 3))),
    LayerCase(layers.UpSampling3D, {"size": (1, 2, 3)}, (2, 2, 2, 2, 1), (None, 2, 4, 6, 1),
              lambda x, w: np.repeat(np.repeat(x, 2, axis=2), 3, axis=3)),
    LayerCase(layers.ZeroPadding1D, {"padding": (1, 2)}, (2, 3, 2), (None, 6, 2),
              lambda x, w: np.pad(x, ((0, 0), (1, 2), (0, 0)))),
    LayerCase(layers.ZeroPadding2D, {"padding": ((1, 2), (3, 0))}, (2, 3, 3, 2),
              (None, 6, 6, 2), lambda x, w: np.pad(x, ((0, 0), (1, 2), (3, 0), (0, 0)))),
    LayerCase(layers.ZeroPadding2D, {"padding": 1, "data_format": "channels_first"},
              (2, 2, 3, 3), (None, 2, 5, 5), lambda x, w: np.pad(x, ((0, 0), (0, 0), (1, 1),
                                                                     (1, 1)))),
    LayerCase(layers.ZeroPadding3D, {"padding": (1, 0, 2)}, (2, 2, 2, 2, 1), (None, 4, 2, 6, 1),
              lambda x, w: np.pad(x, ((0, 0), (1, 1), (0, 0), (2, 2), (0, 0)))),
    LayerCase(layers.Cropping1D, {"cropping": (1, 2)}, (2, 6, 2), (None, 3, 2),
              lambda x, w: x[:, 1:4]),
    LayerCase(layers.Cropping2D, {"cropping": ((1, 0), (0, 2))}, (2, 4, 5, 2), (None, 3, 3, 2),
              lambda x, w: x[:, 1:, :3]),
    LayerCase(layers.Cropping3D, {"cropping": 1}, (2, 4, 4, 3, 1), (None, 2, 2, 1, 1),
              lambda x, w: x[:, 1:3, 1:3, 1:2]),
]


def _batchnorm(axis, epsilon=1e-3):
    def reference(x, w):
        gamma, beta, mean, variance = w
        shape = [1] * x.ndim
        shape[axis] = -1
        return ((x - mean.reshape(shape)) / np.sqrt(variance.reshape(shape) + epsilon)
                * gamma.reshape(shape) + beta.reshape(shape))
    return reference


_RANDOM_STATISTICS = {"moving_mean_initializer": "random_uniform",
                      "moving_variance_initializer": {"class_name": "RandomUniform",
                                                      "config": {"minval": 0.5, "maxval": 2.0}},
                      "gamma_initializer": "random_normal", "beta_initializer": "random_normal"}

NORMALIZATION_AND_NOISE = [
    LayerCase(layers.BatchNormalization, {**_RANDOM_STATISTICS}, (2, 4, 4, 3),
              (None, 4, 4, 3), _batchnorm(3), trainable_weights=2, non_trainable_weights=2),
    LayerCase(layers.BatchNormalization, {"axis": 1, "epsilon": 0.01, **_RANDOM_STATISTICS},
              (2, 3, 4, 4), (None, 3, 4, 4), _batchnorm(1, 0.01), trainable_weights=2,
              non_trainable_weights=2),
    LayerCase(layers.BatchNormalization, {"center": False, "scale": False}, (3, 5), (None, 5),
              lambda x, w: x / np.sqrt(w[1] + 1e-3), non_trainable_weights=2),
    LayerCase(layers.GaussianNoise, {"stddev": 0.3}, (2, 3), (None, 3), lambda x, w: x),
    LayerCase(layers.GaussianDropout, {"rate": 0.3}, (2, 3), (None, 3), lambda x, w: x),
    LayerCase(layers.AlphaDropout, {"rate": 0.3}, (2, 3), (None, 3), lambda x, w: x),
    LayerCase(layers.SpatialDropout1D, {"rate": 0.3}, (2, 3, 4), (None, 3, 4), lambda x, w: x),
    LayerCase(layers.SpatialDropout2D, {"rate": 0.3}, (2, 3, 3, 4), (None, 3, 3, 4),
              lambda x, w: x),
    LayerCase(layers.SpatialDropout3D, {"rate": 0.3, "data_format": "channels_first"},
              (2, 2, 3, 3, 3), (None, 2, 3, 3, 3), lambda x, w: x),
]

SPATIAL_CASES = CONVOLUTIONS + POOLING + RESIZING + NORMALIZATION_AND_NOISE
