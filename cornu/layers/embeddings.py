"""``Embedding``: turns integer indices (word ids) into dense vectors of fixed size.

Example:
    >>> layer = Embedding(1000, 64, input_length=10)
    >>> layer(torch.zeros(2, 10, dtype=torch.long)).shape
    torch.Size([2, 10, 64])
"""
import torch
import torch.nn.functional as F

from cornu import constraints, initializers, regularizers
from cornu.graph.layer import Layer
from cornu.utils.validation import positive_int


class Embedding(Layer):
    """Maps each index in ``[0, input_dim)`` to a trainable vector of ``output_dim`` values.

    The weight ``embeddings`` has shape ``(input_dim, output_dim)``: row ``i`` is the vector of
    index ``i`` (pass ``weights=[matrix]`` to start from pretrained vectors such as GloVe, and
    ``trainable=False`` to keep them). Indices may come in any integer or float dtype.

    Args:
        input_dim: the vocabulary size: the largest index plus 1.
        output_dim: the size of each vector.
        embeddings_initializer: initializer of the vectors (default ``'uniform'``: U(-0.05,
            0.05)).
        embeddings_regularizer: regularizer of the vectors.
        activity_regularizer: regularizer of the output.
        embeddings_constraint: constraint on the vectors.
        mask_zero: whether index 0 is padding: the layer then outputs a mask (``index != 0``)
            that recurrent, pooling and merge layers honour, and ``input_dim`` should count it.
        input_length: the length of the input sequences, when constant (needed to connect
            ``Flatten`` then ``Dense`` after the layer); an int, or a tuple for inputs of
            higher rank.

    Input shape: ``(batch, sequence_length)``. Output shape:
    ``(batch, sequence_length, output_dim)``.

    Example:
        >>> Embedding(10000, 8, input_length=20).compute_output_shape((None, 20))
        (None, 20, 8)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            # as Keras 2: a first layer of a Sequential takes sequences of any length by default
            lengths = input_length if isinstance(input_length, (list, tuple)) else [input_length]
            kwargs["input_shape"] = tuple(lengths)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        super().__init__(**kwargs)
        self.input_dim = positive_int(input_dim, "input_dim", self.name)
        self.output_dim = positive_int(output_dim, "output_dim", self.name)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            "embeddings", (self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer, regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint)
        super().build(input_shape)

    def call(self, inputs):
        indices = inputs if not inputs.is_floating_point() else inputs.to(torch.int64)
        if indices.numel():
            low, high = (int(v) for v in torch.aminmax(indices))  # one pass
            if low < 0 or high >= self.input_dim:
                bad = high if high >= self.input_dim else low
                raise ValueError(
                    f"Embedding layer {self.name!r} received index {bad}, outside "
                    f"[0, input_dim={self.input_dim}). Give the layer an input_dim larger than "
                    f"the largest index (a Tokenizer's num_words, or len(word_index) + 1), or "
                    f"limit the indices to input_dim - 1.")
        return F.embedding(indices, self.embeddings)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return inputs != 0

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.input_length is None:
            return input_shape + (self.output_dim,)
        lengths = list(self.input_length) if isinstance(self.input_length, (list, tuple)) \
            else [self.input_length]
        if len(lengths) != len(input_shape) - 1:
            raise ValueError(f"{self.name}: input_length {self.input_length!r} does not match "
                             f"the input shape {input_shape}.")
        for expected, received in zip(lengths, input_shape[1:]):
            if expected is not None and received is not None and expected != received:
                raise ValueError(f"{self.name}: input_length is {self.input_length!r}, but "
                                 f"received input has shape {input_shape}.")
        shape = [received if expected is None else expected
                 for expected, received in zip(lengths, input_shape[1:])]
        return (input_shape[0],) + tuple(shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(),
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                "input_length": self.input_length}
