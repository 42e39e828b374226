"""What the ``TensorBoard`` callback writes besides scalars: weight names and images, the Keras
model summary the graph dashboard draws, and the embedding projector's configuration.

Example:
    >>> import numpy as np
    >>> weight_image(np.zeros((4, 2)), 'channels_last').shape  # a Dense kernel, as one image
    (1, 2, 4, 1)
"""
import numpy as np

# The plugin TensorBoard's graph dashboard reads a Keras model config from (as tf.keras writes).
KERAS_MODEL_PLUGIN = 'graph_keras_model'


def layer_weights(layer):
    """The layer's weights as ``(name, array)`` pairs, in ``get_weights()`` order and Keras
    layout, named as tf.keras names them in TensorBoard (``'dense_1/kernel_0'``: the layer
    holding the weight, whose parts a nested model's layers are, and the weight's name).

    Args:
        layer: a built layer (or a model used as a layer).

    Example:
        >>> from cornu.layers import Dense  # doctest: +SKIP
        >>> [name for name, _ in layer_weights(Dense(2, input_shape=(3,)))]  # doctest: +SKIP
        ['dense_1/kernel_0', 'dense_1/bias_0']
    """
    names = {}

    def visit(module, scope):
        if scope is None and not hasattr(module, 'layers') and hasattr(module, 'name'):
            scope = module.name  # the outermost layer that is not a model holds the weight
        for attribute, parameter in module.named_parameters(recurse=False):
            names[id(parameter)] = f"{scope or module.name}/{attribute.rstrip('_')}_0"
        for child in module.children():
            visit(child, scope)

    visit(layer, None)
    return [(names.get(id(weight), f'{layer.name}/weight_{index}'), array)
            for index, (weight, array) in enumerate(zip(layer.weights, layer.get_weights()))]


def weight_image(array, data_format):
    """A weight as a batch of grey images ``(n, height, width, 1)`` as tf.keras shows it, or
    None when it has no image form (e.g. a 3-D convolution kernel).

    A bias is one row; a 2-D kernel one image, transposed to be wider than tall; a 1-D
    convolution kernel one image per input channel.

    Args:
        array: the weight in Keras layout.
        data_format: ``'channels_last'`` or ``'channels_first'``.

    Example:
        >>> weight_image(np.zeros(5), 'channels_last').shape
        (1, 1, 5, 1)
    """
    image = np.squeeze(np.asarray(array, dtype=np.float32))
    if image.ndim == 1:
        image = image.reshape(1, 1, image.shape[0], 1)
    elif image.ndim == 2:
        if image.shape[0] > image.shape[1]:
            image = image.T
        image = image.reshape(1, image.shape[0], image.shape[1], 1)
    elif image.ndim == 3:
        if data_format == 'channels_last':
            image = np.transpose(image, (2, 0, 1))
        image = image.reshape(image.shape + (1,))
    return image if image.ndim == 4 else None


def keras_model_summary(model_json):
    """The summary TensorBoard's graph dashboard draws a Keras model from ("conceptual
    graph"): the model's JSON config as a string tensor under the tag ``'keras'``.

    Args:
        model_json: ``model.to_json()``.
    """
    from tensorboard.compat.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=KERAS_MODEL_PLUGIN,
                                                           content=b'1'))
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING,
                                    tensor_shape=tensor_shape_pb2.TensorShapeProto(),
                                    string_val=[model_json.encode('utf-8')])
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag='keras', metadata=metadata,
                                                                tensor=tensor)])


def projector_config(embeddings):
    """The embedding projector's ``projector_config.pbtxt`` text.

    Args:
        embeddings: ``(tensor_name, tensor_path, shape, metadata_path)`` tuples; the paths
            relative to the log folder (``metadata_path`` may be None).

    Example:
        >>> print(projector_config([('embedding_1', 'embeddings/embedding_1.tsv', (10, 4),
        ...                          None)]), end='')
        embeddings {
          tensor_name: "embedding_1"
          tensor_shape: 10
          tensor_shape: 4
          tensor_path: "embeddings/embedding_1.tsv"
        }
    """
    from google.protobuf import text_format
    from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig
    config = ProjectorConfig()
    for tensor_name, tensor_path, shape, metadata_path in embeddings:
        embedding = config.embeddings.add(tensor_name=tensor_name, tensor_path=tensor_path,
                                          tensor_shape=[int(d) for d in shape])
        if metadata_path:
            embedding.metadata_path = metadata_path
    return text_format.MessageToString(config)


def tsv_bytes(matrix):
    """A 2-D array as the projector's tab-separated text, one row per line.

    Args:
        matrix: the embedding matrix.

    Example:
        >>> tsv_bytes(np.array([[1.0, 0.5], [0.0, -2.0]]))
        b'1\\t0.5\\n0\\t-2\\n'
    """
    lines = ['\t'.join('%.9g' % value for value in row) for row in np.asarray(matrix)]
    return ('\n'.join(lines) + '\n').encode('ascii')
