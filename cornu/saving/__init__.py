"""Serialization: the layer registry, layer and model configs, and the model file formats."""
