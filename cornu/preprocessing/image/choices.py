"""Checks of the named options of the image pipeline (``color_mode``, ``class_mode``,
``fill_mode``, ``interpolation``, ``subset``, ``data_format``), with a ``Did you mean ...?``.

Example:
    >>> check_choice('fill_mode', 'neares', FILL_MODES)
    Traceback (most recent call last):
    ...
    ValueError: Invalid fill_mode: 'neares'. Expected one of 'constant', 'nearest', \
'reflect', 'wrap'. Did you mean 'nearest'?
"""
from cornu.config import floatx, image_data_format
from cornu.utils.suggestions import suggestion

COLOR_MODES = ("grayscale", "rgb", "rgba")
FILL_MODES = ("constant", "nearest", "reflect", "wrap")
SUBSETS = ("training", "validation")
DATA_FORMATS = ("channels_first", "channels_last")
#: channels of an image in each color mode
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def check_choice(name, value, choices):
    """Returns ``value`` if it is one of ``choices``, else raises a ``ValueError`` naming the
    choices and the closest one.

    Args:
        name: the argument's name, for the message.
        value: what the user passed.
        choices: the valid values (``None`` may be one).

    Example:
        >>> check_choice('color_mode', 'rgb', COLOR_MODES)
        'rgb'
    """
    if value in choices:
        return value
    shown = ", ".join(repr(choice) for choice in choices)
    raise ValueError(f"Invalid {name}: {value!r}. Expected one of {shown}."
                     f"{suggestion(value, choices)}")


def resolve_data_format(data_format):
    """``data_format``, or the backend's ``image_data_format()`` for None, checked.

    Args:
        data_format: ``'channels_last'``, ``'channels_first'`` or None.

    Example:
        >>> resolve_data_format(None)
        'channels_last'
    """
    if data_format is None:
        return image_data_format()
    return check_choice("data_format", data_format, DATA_FORMATS)


def resolve_dtype(dtype):
    """``dtype``, or the backend's ``floatx()`` for None.

    Args:
        dtype: a NumPy dtype name or None.

    Example:
        >>> resolve_dtype(None)
        'float32'
    """
    return floatx() if dtype is None else dtype


def image_axes(data_format):
    """``(row_axis, col_axis, channel_axis)`` of one image (rank 3) in ``data_format``.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'``.

    Example:
        >>> image_axes('channels_first')
        (1, 2, 0)
    """
    return (0, 1, 2) if data_format == "channels_last" else (1, 2, 0)
