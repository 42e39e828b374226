"""``NumpyArrayIterator``: batches of augmented images from arrays in memory
(``ImageDataGenerator.flow``).

Example:
    >>> it = NumpyArrayIterator(np.zeros((5, 8, 8, 3)), np.arange(5), ImageDataGenerator(),
    ...                         batch_size=2, shuffle=False)  # doctest: +SKIP
    >>> [y.tolist() for _, y in (next(it), next(it), next(it))]  # doctest: +SKIP
    [[0, 1], [2, 3], [4]]
"""
import os
import warnings

import numpy as np

from cornu.preprocessing.image.choices import (SUBSETS, check_choice, image_axes,
                                               resolve_data_format, resolve_dtype)
from cornu.preprocessing.image.files import array_to_img
from cornu.preprocessing.image.iterator import Iterator
from cornu.preprocessing.image.subsets import validation_split_of


def _split_extra_inputs(x):
    """``(images, [extra arrays])`` of ``flow``'s ``x``: an array, or a tuple/list
    ``(images, array or list of arrays)`` of inputs passed through unchanged."""
    if type(x) not in (tuple, list):
        return x, []
    if len(x) != 2:
        raise ValueError(f"flow: `x` as a {type(x).__name__} must be (images, other inputs); "
                         f"got {len(x)} items. Pass the image array, or "
                         "(images, array or list of arrays).")
    extras = x[1] if type(x[1]) is list else [x[1]]
    images = x[0]
    extras = [np.asarray(extra) for extra in extras]
    for extra in extras:
        if len(extra) != len(images):
            raise ValueError("All of the arrays in `x` should have the same length. Found a "
                             f"pair with: len(x[0]) = {len(images)}, len(x[?]) = "
                             f"{len(extra)}.")
    return images, extras


class NumpyArrayIterator(Iterator):
    """Batches ``(x, y)`` (or ``(x, y, sample_weight)``, or ``x`` alone without ``y``) of
    images from an array, each randomly transformed and standardized by an
    ``ImageDataGenerator``.

    Args:
        x: the images, rank 4 (``(samples, rows, cols, channels)`` in ``channels_last``), or
            a tuple ``(images, extra)`` whose ``extra`` array (or list of arrays) is passed
            through unchanged as further model inputs.
        y: the targets, or None.
        image_data_generator: the ``ImageDataGenerator`` (None: no transform).
        batch_size: samples per batch.
        shuffle: a new sample order every epoch.
        sample_weight: per-sample weights, or None.
        seed: seed of the order and of the transforms.
        data_format: the images' layout; None for ``keras.backend.image_data_format()``.
        save_to_dir: a folder to save every augmented image to (to look at them), or None.
        save_prefix: the saved files' name prefix.
        save_format: the saved files' format (``'png'``, ``'jpeg'``).
        subset: ``'training'`` or ``'validation'`` with the generator's ``validation_split``
            (the first ``validation_split`` of the samples are the validation subset).
        dtype: the batches' dtype; None for ``keras.backend.floatx()``.

    Example:
        >>> it = NumpyArrayIterator(np.ones((4, 2, 2, 1)), [0, 1, 0, 1], None,
        ...                         batch_size=3, shuffle=False)
        >>> x, y = next(it)
        >>> x.shape, y.tolist()
        ((3, 2, 2, 1), [0, 1, 0])
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, dtype=None):
        self.dtype = resolve_dtype(dtype)
        data_format = resolve_data_format(data_format)
        x, x_misc = _split_extra_inputs(x)
        if y is not None and len(x) != len(y):
            raise ValueError("`x` (images tensor) and `y` (labels) should have the same "
                             f"length. Found: x.shape = {np.shape(x)}, y.shape = "
                             f"{np.shape(y)}.")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same "
                             f"length. Found: x.shape = {np.shape(x)}, sample_weight.shape = "
                             f"{np.shape(sample_weight)}.")
        if subset is not None:
            check_choice("subset", subset, SUBSETS)
            split = int(len(x) * validation_split_of(image_data_generator, subset))
            if y is not None and not np.array_equal(np.unique(np.asarray(y)[:split]),
                                                    np.unique(np.asarray(y)[split:])):
                raise ValueError("Training and validation subsets have different number of "
                                 "classes after the split. If your numpy arrays are sorted by "
                                 "the label, you might want to shuffle them.")
            part = slice(None, split) if subset == "validation" else slice(split, None)
            x, x_misc = x[part], [extra[part] for extra in x_misc]
            y = None if y is None else y[part]
            sample_weight = None if sample_weight is None else sample_weight[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError(f"Input data in `NumpyArrayIterator` should have rank 4 (samples, "
                             f"rows, cols, channels in {data_format}). You passed an array with "
                             f"shape {self.x.shape}. Reshape it, e.g. x.reshape(-1, 28, 28, 1) "
                             "for grayscale images.")
        channel_axis = image_axes(data_format)[2] + 1
        if self.x.shape[channel_axis] not in (1, 3, 4):
            warnings.warn(f'NumpyArrayIterator is set to use the data format convention '
                          f'"{data_format}" (channels on axis {channel_axis}), i.e. expected '
                          f'either 1, 3, or 4 channels on axis {channel_axis}. However, it was '
                          f'passed an array with shape {self.x.shape} '
                          f'({self.x.shape[channel_axis]} channels).', stacklevel=3)
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        generator = self.image_data_generator
        for i, j in enumerate(index_array):
            x = self.x[j]
            if generator is not None:
                params = generator.get_random_transform(x.shape)
                x = generator.standardize(generator.apply_transform(x.astype(self.dtype),
                                                                    params))
            batch_x[i] = x
        if self.save_to_dir:
            for i, j in enumerate(index_array):
                img = array_to_img(batch_x[i], self.data_format, scale=True)
                name = f"{self.save_prefix}_{j}_{np.random.randint(10 ** 4)}.{self.save_format}"
                img.save(os.path.join(self.save_to_dir, name))
        inputs = batch_x if not self.x_misc else [batch_x] + [extra[index_array]
                                                             for extra in self.x_misc]
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]
