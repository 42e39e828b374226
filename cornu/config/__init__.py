"""Process settings every layer of cornu reads: the Keras 2 numeric and image settings,
automatic names, and the learning phase. This package imports nothing from cornu; the
``keras.backend`` facade re-exports it.

Example:
    >>> from cornu import config
    >>> config.epsilon(), config.floatx(), config.image_data_format()
    (1e-07, 'float32', 'channels_last')
"""
from cornu.config.learning_phase import (learning_phase_scope, learning_phase_value,
                                         reset_learning_phase, set_learning_phase)
from cornu.config import metric_names
from cornu.config.naming import get_uid, reset_uids, to_snake_case, unique_object_name
from cornu.config.settings import (epsilon, floatx, image_data_format, set_epsilon, set_floatx,
                                   set_image_data_format, torch_dtype)

__all__ = ["metric_names", "epsilon", "floatx", "get_uid", "image_data_format", "learning_phase_scope",
           "learning_phase_value", "reset_learning_phase", "reset_uids", "set_epsilon",
           "set_floatx", "set_image_data_format", "set_learning_phase", "to_snake_case",
           "torch_dtype", "unique_object_name"]
