"""``FileBatchIterator``: the part the file-based iterators (``DirectoryIterator``,
``DataFrameIterator``) share: options of reading the files, and building a batch (load,
transform, standardize, labels in the ``class_mode``'s form).

Example:
    >>> it = ImageDataGenerator().flow_from_directory('data/train')  # doctest: +SKIP
    >>> it.image_shape  # doctest: +SKIP
    (256, 256, 3)
"""
import os

import numpy as np

from cornu.preprocessing.image.choices import (CHANNELS, COLOR_MODES, check_choice,
                                               resolve_data_format, resolve_dtype)
from cornu.preprocessing.image.decoded import DecodedImages
from cornu.preprocessing.image.files import (INTERPOLATIONS, array_to_img, img_to_array,
                                             load_img)
from cornu.preprocessing.image.iterator import Iterator
from cornu.preprocessing.image.subsets import subset_fractions, validation_split_of


class FileBatchIterator(Iterator):
    """Base class of iterators over image files: subclasses set ``filepaths``, ``classes`` /
    ``labels`` and ``sample_weight`` (or None), then call ``Iterator.__init__``.

    Args:
        image_data_generator: the ``ImageDataGenerator`` transforming each image (None: no
            transform).
        target_size: ``(height, width)`` every image is resized to.
        color_mode: ``'rgb'``, ``'rgba'`` or ``'grayscale'``.
        class_mode: the form of the targets (checked against ``allowed_class_modes``).
        data_format: the batches' layout; None for ``keras.backend.image_data_format()``.
        save_to_dir: a folder to save every augmented image to, or None.
        save_prefix: the saved files' name prefix.
        save_format: the saved files' format.
        subset: ``'training'``, ``'validation'`` or None.
        interpolation: the resampling filter (see ``load_img``).
        dtype: the batches' dtype; None for ``keras.backend.floatx()``.

    Example:
        >>> class Listed(FileBatchIterator):
        ...     def __init__(self, paths):
        ...         self.set_processing_attrs(None, (8, 8), 'rgb', None, None, None, '', 'png',
        ...                                   None, 'nearest', None)
        ...         self._filepaths = paths
        ...         super().__init__(len(paths), 2, False, None)
        >>> next(Listed(['a.png', 'b.png'])).shape  # doctest: +SKIP
        (2, 8, 8, 3)
    """

    allowed_class_modes = ("categorical", "binary", "sparse", "input", None)

    def set_processing_attrs(self, image_data_generator, target_size, color_mode, class_mode,
                             data_format, save_to_dir, save_prefix, save_format, subset,
                             interpolation, dtype):
        """Checks and keeps the options shared by the file iterators.

        Args:
            image_data_generator: see the class.
            target_size: see the class.
            color_mode: see the class.
            class_mode: see the class.
            data_format: see the class.
            save_to_dir: see the class.
            save_prefix: see the class.
            save_format: see the class.
            subset: see the class.
            interpolation: see the class.
            dtype: see the class.
        """
        self.image_data_generator = image_data_generator
        if len(target_size) != 2:
            raise ValueError(f"target_size must be (height, width), received {target_size!r}.")
        self.target_size = tuple(int(size) for size in target_size)
        self.color_mode = check_choice("color_mode", color_mode, COLOR_MODES)
        self.class_mode = check_choice("class_mode", class_mode, self.allowed_class_modes)
        self.data_format = resolve_data_format(data_format)
        channels = (CHANNELS[color_mode],)
        self.image_shape = (self.target_size + channels if self.data_format == "channels_last"
                            else channels + self.target_size)
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = check_choice("interpolation", interpolation, tuple(INTERPOLATIONS))
        self.subset = subset
        self.split = (None if subset is None else
                      subset_fractions(subset, validation_split_of(image_data_generator,
                                                                   subset)))
        self.dtype = resolve_dtype(dtype)
        self._decoded = DecodedImages()  # pixels kept for later epochs

    @property
    def filepaths(self):
        """The paths of the image files, one per sample."""
        return self._filepaths

    def _load(self, path):
        pixels = self._decoded.get(path, self._decode)
        x = img_to_array(pixels, data_format=self.data_format, dtype=self.dtype)
        return x.copy() if np.shares_memory(x, pixels) else x  # the kept pixels stay as read

    def _decode(self, path):
        return load_img(path, color_mode=self.color_mode, target_size=self.target_size,
                        interpolation=self.interpolation)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        filepaths = self.filepaths
        generator = self.image_data_generator
        for i, j in enumerate(index_array):
            x = self._load(filepaths[j])
            if generator is not None:
                params = generator.get_random_transform(x.shape)
                x = generator.standardize(generator.apply_transform(x, params))
            batch_x[i] = x
        if self.save_to_dir:
            for i, j in enumerate(index_array):
                img = array_to_img(batch_x[i], self.data_format, scale=True)
                name = f"{self.save_prefix}_{j}_{np.random.randint(10 ** 7)}.{self.save_format}"
                img.save(os.path.join(self.save_to_dir, name))
        batch_y = self._targets_of(batch_x, index_array)
        if batch_y is None:
            return batch_x
        weights = self.sample_weight
        if weights is None:
            return batch_x, batch_y
        return batch_x, batch_y, weights[index_array]

    def _targets_of(self, batch_x, index_array):
        """The targets of a batch in the ``class_mode``'s form (None for ``class_mode=None``)."""
        mode = self.class_mode
        if mode == "input":
            return batch_x.copy()
        if mode in ("binary", "sparse"):
            return np.array([self.classes[j] for j in index_array], dtype=self.dtype)
        if mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.
            return batch_y
        if mode == "multi_output":
            return [output[index_array] for output in self.labels]
        if mode == "raw":
            return self.labels[index_array]
        return None
