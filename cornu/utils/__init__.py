"""``keras.utils``: ``to_categorical``, ``normalize``, ``get_file``, ``Progbar``, ``Sequence`` and
its enqueuers, custom objects, ``set_random_seed``.

Example:
    >>> from cornu.utils import to_categorical
    >>> to_categorical([0, 2]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""
from cornu.utils.data_utils import get_file, hash_file, validate_file
from cornu.utils.enqueuers import GeneratorEnqueuer, OrderedEnqueuer, SequenceEnqueuer
from cornu.utils.np_utils import normalize, to_categorical
from cornu.utils.progbar import Progbar
from cornu.utils.random import set_random_seed
from cornu.utils.sequence import Sequence
from cornu.utils.vis_utils import model_to_dot, plot_model
from cornu.utils.serialization import (CustomObjectScope, custom_object_scope,
                                       deserialize_keras_object, get_custom_objects,
                                       serialize_keras_object)

__all__ = ["CustomObjectScope", "GeneratorEnqueuer", "OrderedEnqueuer", "Progbar", "Sequence",
           "SequenceEnqueuer", "custom_object_scope", "deserialize_keras_object",
           "get_custom_objects", "get_file", "hash_file", "model_to_dot", "normalize", "plot_model",
           "serialize_keras_object",
           "set_random_seed", "to_categorical", "validate_file"]
