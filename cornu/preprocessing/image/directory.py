"""``DirectoryIterator``: batches of images read from a folder with one subfolder per class
(``ImageDataGenerator.flow_from_directory``).

Example:
    >>> it = ImageDataGenerator(rescale=1. / 255).flow_from_directory(
    ...     'cats_and_dogs_small/train', target_size=(150, 150), batch_size=20,
    ...     class_mode='binary')  # doctest: +SKIP
    Found 2000 images belonging to 2 classes.
    >>> it.class_indices  # doctest: +SKIP
    {'cats': 0, 'dogs': 1}
"""
import os

import numpy as np

from cornu.preprocessing.image.file_batches import FileBatchIterator
from cornu.preprocessing.image.listing import list_class_files
from cornu.utils.suggestions import suggestion


def _class_folders(directory):
    return sorted(name for name in os.listdir(directory)
                  if os.path.isdir(os.path.join(directory, name)))


class DirectoryIterator(FileBatchIterator):
    """Batches ``(x, y)`` (``x`` alone for ``class_mode=None``) of the images under
    ``directory/<class>/``, each resized, randomly transformed and standardized.

    Classes are the subfolders in alphanumeric order (or ``classes``); ``class_indices`` maps
    each to its index; the files of each class (any depth below its folder, extensions png,
    jpg, jpeg, bmp, ppm, tif, tiff) are sorted by path.

    Args:
        directory: the folder holding one subfolder per class.
        image_data_generator: the ``ImageDataGenerator`` (None: no transform).
        target_size: ``(height, width)`` every image is resized to.
        color_mode: ``'rgb'``, ``'rgba'`` or ``'grayscale'``.
        classes: the class folders to use, in index order, or None for all of them, sorted.
        class_mode: ``'categorical'`` (one-hot rows), ``'binary'`` (0/1), ``'sparse'`` (the
            class index), ``'input'`` (the images themselves) or None (no targets).
        batch_size: images per batch.
        shuffle: a new image order every epoch (False: the sorted order).
        seed: seed of the order and of the transforms.
        data_format: the batches' layout; None for ``keras.backend.image_data_format()``.
        save_to_dir: a folder to save every augmented image to, or None.
        save_prefix: the saved files' name prefix.
        save_format: the saved files' format.
        follow_links: also read symbolic links to folders inside the class folders.
        subset: ``'training'`` or ``'validation'`` with the generator's ``validation_split``.
        interpolation: the resampling filter (see ``load_img``).
        dtype: the batches' dtype; None for ``keras.backend.floatx()``.

    Example:
        >>> it = DirectoryIterator('data/train', None, target_size=(64, 64))  # doctest: +SKIP
        Found 200 images belonging to 2 classes.
    """

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 dtype=None):
        self.set_processing_attrs(image_data_generator, target_size, color_mode, class_mode,
                                  data_format, save_to_dir, save_prefix, save_format, subset,
                                  interpolation, dtype)
        directory = os.fspath(directory)
        if not os.path.isdir(directory):
            raise FileNotFoundError(
                f"flow_from_directory: {directory!r} is not a folder (looked from "
                f"{os.getcwd()!r}). Pass the folder that holds one subfolder per class, e.g. "
                "'data/train' holding 'data/train/cats' and 'data/train/dogs'.")
        self.directory = directory
        present = _class_folders(directory)
        classes = list(classes) if classes else present
        for name in classes:
            if not os.path.isdir(os.path.join(directory, name)):
                raise ValueError(f"Class {name!r} has no folder in {directory!r} (its "
                                 f"subfolders: {present}).{suggestion(name, present)}")
        self.num_classes = len(classes)
        self.class_indices = {name: index for index, name in enumerate(classes)}
        self.filenames = []
        labels = []
        for name in classes:
            files = list_class_files(directory, name, self.split, follow_links)
            self.filenames += files
            labels += [self.class_indices[name]] * len(files)
        self.classes = np.array(labels, dtype="int32")
        self.samples = len(self.filenames)
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def labels(self):
        """The class index of every image (``classes``)."""
        return self.classes

    @property
    def sample_weight(self):
        """None: a directory gives no sample weights."""
        return None
