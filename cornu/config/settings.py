"""Global Keras 2 settings: epsilon, float type, image data format.

Example:
    >>> from cornu import backend as K
    >>> K.epsilon()
    1e-07
"""
import torch

_EPSILON = 1e-7
_FLOATX = "float32"
_IMAGE_DATA_FORMAT = "channels_last"
_DTYPES = {"float16": torch.float16, "float32": torch.float32, "float64": torch.float64,
           "bfloat16": torch.bfloat16}


def epsilon():
    """Returns the fuzz factor used in numeric expressions (Keras 2 default 1e-7)."""
    return _EPSILON


def set_epsilon(value):
    """Sets the fuzz factor.

    Args:
        value: float, the new epsilon.
    """
    global _EPSILON
    _EPSILON = float(value)


def floatx():
    """Returns the default float type as a string, e.g. ``'float32'``."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float type.

    Args:
        value: one of ``'float16'``, ``'bfloat16'``, ``'float32'``, ``'float64'``.
    """
    global _FLOATX
    if value not in _DTYPES:
        raise ValueError(f"Unknown floatx type: {value!r}. Expected one of {sorted(_DTYPES)}.")
    _FLOATX = str(value)


def image_data_format():
    """Returns ``'channels_last'`` or ``'channels_first'``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Sets the image data format.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format: {data_format!r}. "
                         "Expected 'channels_last' or 'channels_first'.")
    _IMAGE_DATA_FORMAT = str(data_format)


def torch_dtype(dtype=None):
    """Maps a Keras dtype name (or None for floatx) to a torch dtype.

    Args:
        dtype: a string such as ``'float32'``, a torch dtype, a NumPy dtype, or None.
    """
    if dtype is None:
        return _DTYPES[_FLOATX]
    if isinstance(dtype, torch.dtype):
        return dtype
    name = getattr(dtype, "name", None) or str(dtype)
    name = {"float": "float32", "int": "int64", "bool": "bool"}.get(name, name)
    try:
        return getattr(torch, name)
    except AttributeError:
        raise ValueError(f"Unknown dtype: {dtype!r}.") from None
