"""``BatchNormalization`` with Keras 2 semantics.

While training, each batch is normalised with its own mean and (biased) variance along every
axis but ``axis``, and the moving statistics move towards the batch's:
``moving = moving * momentum + batch * (1 - momentum)``, the moving variance taking the
unbiased batch variance ``var * n / (n - 1)``. At inference the moving statistics normalise.
``gamma`` and ``beta`` are trainable; ``moving_mean`` and ``moving_variance`` are weights too
(``get_weights`` lists ``[gamma, beta, moving_mean, moving_variance]``) but not trainable.

A layer that is not trainable (``bn.trainable = False``, or inside a model or layer set
``trainable = False``) always runs in inference mode and leaves its moving statistics alone,
as tf.keras does (Keras 2.2 kept using batch statistics): fine-tuning a network with a frozen
base keeps the base's statistics, which transfer learning needs.

Example:
    >>> bn = BatchNormalization()
    >>> bn(torch.ones(4, 3)).shape
    torch.Size([4, 3])
    >>> [tuple(w.shape) for w in bn.get_weights()]
    [(3,), (3,), (3,), (3,)]
"""
import torch
import torch.nn.functional as F

from cornu import constraints, initializers, regularizers
from cornu.graph.input_spec import InputSpec
from cornu.graph.layer import Layer


def _single_axis(axis, name):
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise ValueError(f"{name}: `axis` must be a single axis (an int), received {axis!r}; "
                             "normalising over several feature axes at once is not supported.")
        axis = axis[0]
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"{name}: `axis` must be an int, received {axis!r}.")
    return axis


class BatchNormalization(Layer):
    """Normalises its input to zero mean and unit variance per feature, then scales by
    ``gamma`` and shifts by ``beta``.

    Args:
        axis: the features axis (-1: channels last; 1 after a ``channels_first`` convolution).
        momentum: momentum of the moving mean and variance (default 0.99).
        epsilon: added to the variance before the square root (default 1e-3).
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned ``gamma``.
        beta_initializer, gamma_initializer: initializers of ``beta`` (zeros) and ``gamma``
            (ones).
        moving_mean_initializer, moving_variance_initializer: initializers of the moving
            statistics (zeros and ones).
        beta_regularizer, gamma_regularizer: regularizers.
        beta_constraint, gamma_constraint: constraints.
        fused: accepted (tf.keras's choice of implementation; torch picks its own kernel).

    Example:
        >>> BatchNormalization(axis=1, momentum=0.9).momentum
        0.9
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, fused=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = _single_axis(axis, self.name)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.fused = fused
        self.supports_masking = True
        self._frozen = not self._trainable  # itself, or through a containing layer

    def build(self, input_shape):
        ndim = len(input_shape)
        axis = self.axis % ndim if -ndim <= self.axis < ndim else None
        if axis is None or axis == 0:
            raise ValueError(f"{self.name}: `axis` {self.axis} is not a feature axis of inputs of "
                             f"shape {tuple(input_shape)}.")
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension "
                             f"but the layer {self.name} received an input with shape "
                             f"{tuple(input_shape)}.")
        self._feature_axis = axis
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        shape = (dim,)
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", shape, trainable=False,
                                           initializer=self.moving_mean_initializer)
        self.moving_variance = self.add_weight("moving_variance", shape, trainable=False,
                                               initializer=self.moving_variance_initializer)
        super().build(input_shape)

    def _sync_requires_grad(self, parent_trainable=True):
        super()._sync_requires_grad(parent_trainable)
        self._frozen = not (parent_trainable and self._trainable)

    def call(self, inputs, training=None):
        y = self.normalize_features_first(inputs.movedim(self._feature_axis, 1), training)
        return y.movedim(1, self._feature_axis)

    def normalize_features_first(self, x, training):
        """The normalisation of ``x`` whose features are on axis 1; a new tensor, features on
        axis 1 too (the moving statistics move while training).

        Args:
            x: the inputs, the feature axis moved to axis 1.
            training: whether the call trains (a frozen layer always infers).
        """
        training = bool(training) and not self._frozen
        if training and x.numel() // x.shape[1] == 1:
            return self._normalize_single_sample(x)
        return F.batch_norm(x, self.moving_mean, self.moving_variance, self.gamma, self.beta,
                            training=training, momentum=1.0 - self.momentum, eps=self.epsilon)

    def _normalize_single_sample(self, x):
        """Training on one value per feature: variance 0 (torch refuses; Keras computes it)."""
        with torch.no_grad():
            self.moving_mean.mul_(self.momentum).add_(x.reshape(-1) * (1.0 - self.momentum))
            self.moving_variance.mul_(self.momentum)
        shape = (1, -1) + (1,) * (x.dim() - 2)
        y = torch.zeros_like(x)
        if self.beta is not None:
            y = y + self.beta.view(shape)
        return y

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(),
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}
