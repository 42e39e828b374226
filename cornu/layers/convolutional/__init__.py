"""Convolution layers (``keras.layers.convolutional``): plain, transposed, depthwise and
separable, over 1, 2 or 3 spatial axes, with Keras's kernel layouts and padding rules.

Example:
    >>> from cornu.layers.convolutional import Conv2D
    >>> Conv2D(32, (3, 3), activation='relu').filters
    32
"""
from cornu.layers.convolutional.conv import (Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D,
                                             Convolution3D)
from cornu.layers.convolutional.depthwise import (DepthwiseConv2D, SeparableConv1D,
                                                  SeparableConv2D, SeparableConvolution1D,
                                                  SeparableConvolution2D)
from cornu.layers.convolutional.transpose import (Conv1DTranspose, Conv2DTranspose,
                                                  Conv3DTranspose, Convolution2DTranspose,
                                                  Convolution3DTranspose, Deconvolution2D,
                                                  Deconvolution3D)

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D",
           "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D",
           "SeparableConvolution2D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
           "Convolution2DTranspose", "Convolution3DTranspose", "Deconvolution2D",
           "Deconvolution3D"]
