"""cornu: the Keras 2 API of the textbooks, on PyTorch.

Example:
    >>> import cornu
    >>> cornu.__version__
    '0.1.0'
"""
__version__ = "0.1.0"

from cornu import backend  # noqa: E402
from cornu import (activations, constraints, initializers, losses, metrics,  # noqa: E402
                   optimizers, regularizers)
from cornu import callbacks, layers, models, utils  # noqa: E402
from cornu import datasets  # noqa: E402
from cornu.compat import install_keras_alias, uninstall_keras_alias  # noqa: E402
from cornu.config.metric_names import set_metric_names  # noqa: E402
from cornu.layers import Input  # noqa: E402
from cornu.models import Model, Sequential  # noqa: E402
from cornu.utils.random import set_random_seed  # noqa: E402

# Imported on first use (``keras.preprocessing.image.load_img`` or
# ``keras.applications.vgg16.VGG16`` without importing them first), so that ``import cornu``
# does not pay for SciPy, Pillow and the application models.
_LAZY_SUBMODULES = ("applications", "preprocessing", "wrappers")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib
        return importlib.import_module(f"cornu.{name}")
    raise AttributeError(f"module 'cornu' has no attribute {name!r}")


def load_ipython_extension(ipython):
    """``%load_ext cornu`` in a notebook: ``import keras`` then resolves to cornu.

    Args:
        ipython: the running IPython shell.
    """
    install_keras_alias()


__all__ = ["Input", "Model", "Sequential", "activations", "backend", "callbacks", "constraints",
           "datasets", "initializers", "install_keras_alias", "layers", "losses", "metrics",
           "models", "optimizers", "regularizers", "set_metric_names", "set_random_seed",
           "uninstall_keras_alias", "utils"]
