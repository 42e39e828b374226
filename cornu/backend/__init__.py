"""``keras.backend``: settings, session state and value access, on torch.

Example:
    >>> from cornu import backend as K
    >>> K.image_data_format()
    'channels_last'
"""
from cornu.backend.config import (epsilon, floatx, image_data_format, set_epsilon, set_floatx,
                                  set_image_data_format)
from cornu.backend.naming import get_uid, reset_uids
from cornu.backend.variables import (batch_get_value, batch_set_value, count_params, get_value,
                                     int_shape, set_value)


def backend():
    """Returns the name of the engine underneath: ``'pytorch'``."""
    return "pytorch"


def clear_session():
    """Resets the automatic layer names (``dense_1`` ... start again)."""
    reset_uids()
