"""``keras.models``: ``Sequential``, ``Model``, rebuilding models from configs, ``clone_model``,
``save_model`` and ``load_model``.

Example:
    >>> from cornu.models import Sequential, model_from_json
    >>> from cornu.layers import Dense
    >>> model = Sequential([Dense(1, input_shape=(3,))])
    >>> model.count_params()
    4
    >>> model_from_json(model.to_json()).count_params()
    4
"""
from cornu.models.cloning import clone_model
from cornu.models.model import Model
from cornu.models.sequential import Sequential
from cornu.saving.api import load_model, save_model
from cornu.saving.json_format import model_from_config, model_from_json, model_from_yaml
from cornu.saving.registry import register_model
from cornu.training.accelerators.graph_models import register_graph_model

register_model(Model)
register_model(Model, "Functional")  # tf.keras's name for graph models
register_model(Sequential)
register_graph_model(Model, Model._layer_graph)
register_graph_model(Sequential, Sequential._layer_graph)

__all__ = ["Model", "Sequential", "model_from_config", "model_from_json", "model_from_yaml",
           "clone_model", "load_model", "save_model"]
