"""The VGG architecture shared by VGG16 and VGG19: five blocks of 3x3 convolutions ('same'
padding, ReLU) each ending in a 2x2 max pooling, then ``fc1``, ``fc2`` (4096 units) and the
softmax ``predictions``. Layer names are Keras's: ``block1_conv1`` ... ``block5_pool``.

Example:
    >>> model = build_vgg('VGG16', 'vgg16', (2, 2, 3, 3, 3), include_top=False, weights=None,
    ...                   input_tensor=None, input_shape=(32, 32, 3), pooling=None,
    ...                   classes=1000)
    >>> model.output_shape
    (None, 1, 1, 512)
"""
from cornu.applications.imagenet_utils import check_arguments, obtain_input_shape
from cornu.applications.pretrained import imagenet_weight_file, weights_path, with_weights
from cornu.applications.model_building import image_input, model_inputs, pooled
from cornu.config import image_data_format
from cornu.layers import Conv2D, Dense, Flatten, MaxPooling2D
from cornu.models import Model

_BLOCK_FILTERS = (64, 128, 256, 512, 512)


def build_vgg(function_name, model_name, convs_per_block, include_top, weights, input_tensor,
              input_shape, pooling, classes):
    """Builds a VGG model (the arguments are those of ``VGG16``).

    Args:
        function_name: ``'VGG16'`` or ``'VGG19'``, for error messages.
        model_name: the model's name (``'vgg16'``).
        convs_per_block: the number of convolutions in each of the five blocks.
        include_top, weights, input_tensor, input_shape, pooling, classes: see ``VGG16``.

    Example:
        >>> build_vgg('VGG19', 'vgg19', (2, 2, 4, 4, 4), True, None, None, None, None, 1000)
        ... # doctest: +SKIP
    """
    check_arguments(weights, include_top, classes, pooling)
    input_shape = obtain_input_shape(input_shape, default_size=224, min_size=32,
                                     data_format=image_data_format(),
                                     require_flatten=include_top, weights=weights)
    path = weights_path(function_name, weights, imagenet_weight_file(model_name, include_top))
    image = image_input(input_tensor, input_shape)
    x = image
    for block, (filters, convs) in enumerate(zip(_BLOCK_FILTERS, convs_per_block), start=1):
        for conv in range(1, convs + 1):
            x = Conv2D(filters, (3, 3), activation="relu", padding="same",
                       name=f"block{block}_conv{conv}")(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        x = Dense(classes, activation="softmax", name="predictions")(x)
    else:
        x = pooled(x, pooling)
    model = Model(model_inputs(image, input_tensor), x, name=model_name)
    return with_weights(model, path)
