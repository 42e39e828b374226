"""ZCA whitening, as Keras 2's ``ImageDataGenerator(zca_whitening=True)`` computes it:
``U diag(1 / sqrt(s + epsilon)) U^T`` from the SVD of the (centred) data's covariance.

Example:
    >>> x = np.random.RandomState(0).randn(500, 3)
    >>> x -= x.mean(0)
    >>> white = x @ zca_matrix(x, 1e-6)
    >>> bool(np.allclose(white.T @ white / 500, np.eye(3), atol=1e-4))
    True
"""
import numpy as np
from scipy import linalg


def zca_matrix(flat_x, epsilon):
    """The ZCA whitening matrix of centred samples (one per row); multiply rows by it.

    Args:
        flat_x: ``(samples, features)``, centred (mean 0 per feature).
        epsilon: added to the eigenvalues before the inverse square root.

    Example:
        >>> zca_matrix(np.array([[2., 0.], [-2., 0.], [0., 1.], [0., -1.]]), 0.).round(3).tolist()
        [[0.707, 0.0], [0.0, 1.414]]
    """
    sigma = flat_x.T @ flat_x / flat_x.shape[0]
    u, s, _ = linalg.svd(sigma)
    return (u * (1. / np.sqrt(s[np.newaxis] + epsilon))) @ u.T
