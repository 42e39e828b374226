"""Listing the image files of a folder tree as Keras 2 does: folders in sorted order, files
sorted within each folder, only the white-listed extensions (any case).

Example:
    >>> list_class_files('data/train', 'cats', None, False)  # doctest: +SKIP
    ['cats/cat.0.jpg', 'cats/cat.1.jpg']
"""
import os
import warnings

from cornu.preprocessing.image.files import IMAGE_EXTENSIONS
from cornu.preprocessing.image.subsets import take_fraction

_SUFFIXES = tuple(f".{extension}" for extension in IMAGE_EXTENSIONS)


def is_image_file(path):
    """Whether ``path`` is an existing file with an image extension.

    Args:
        path: the file's path.

    Example:
        >>> is_image_file('no/such/file.png')
        False
    """
    return path.lower().endswith(_SUFFIXES) and os.path.isfile(path)


def iter_image_files(directory, follow_links):
    """Yields ``(folder, file name)`` of the image files under ``directory``, folders sorted by
    path and files by name.

    Args:
        directory: the folder to walk.
        follow_links: also walk symbolic links to folders.

    Example:
        >>> list(iter_image_files('data/train/cats', False))[:1]  # doctest: +SKIP
        [('data/train/cats', 'cat.0.jpg')]
    """
    for root, _, names in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda entry: entry[0]):
        for name in sorted(names):
            if name.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause distortion. '
                              'Please verify your output.', stacklevel=2)
            if name.lower().endswith(_SUFFIXES):
                yield root, name


def list_class_files(directory, class_name, fractions, follow_links):
    """The image files of one class folder, as paths relative to ``directory`` (e.g.
    ``'cats/cat.0.jpg'``), cut to the ``fractions`` of a subset.

    Args:
        directory: the folder holding the class folders.
        class_name: the class folder's name.
        fractions: ``(start, stop)`` fractions of the class's sorted files, or None for all.
        follow_links: also walk symbolic links to folders.
    """
    class_dir = os.path.join(directory, class_name)
    found = [os.path.join(class_name, os.path.relpath(os.path.join(root, name), class_dir))
             for root, name in iter_image_files(class_dir, follow_links)]
    return take_fraction(found, fractions)
