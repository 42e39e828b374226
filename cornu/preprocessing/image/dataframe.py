"""``DataFrameIterator``: batches of images whose file names and labels are columns of a
table (``ImageDataGenerator.flow_from_dataframe``): a pandas DataFrame, or anything indexed by
column name giving a column of values (a dict of lists works too).

Example:
    >>> df = pandas.DataFrame({'filename': ['cat.0.jpg', 'dog.0.jpg'],
    ...                        'class': ['cat', 'dog']})  # doctest: +SKIP
    >>> it = ImageDataGenerator().flow_from_dataframe(df, 'images/')  # doctest: +SKIP
    Found 2 validated image filenames belonging to 2 classes.
"""
import os
import warnings

import numpy as np

from cornu.preprocessing.image.file_batches import FileBatchIterator
from cornu.preprocessing.image.listing import is_image_file
from cornu.preprocessing.image.subsets import take_fraction
from cornu.utils.suggestions import suggestion

#: the class modes whose targets come from ``y_col`` without classes
_MODES_WITHOUT_CLASSES = ("input", "multi_output", "raw", None)


def _column_names(dataframe):
    columns = getattr(dataframe, "columns", None)
    return [str(c) for c in (columns if columns is not None else list(dataframe))]


def _column(dataframe, name, argument):
    """The values of column ``name`` as a list, or a clear error naming the columns."""
    names = _column_names(dataframe)
    if name not in names:
        raise KeyError(f"{argument}={name!r} is not a column of the dataframe (its columns: "
                       f"{names}).{suggestion(name, names)}")
    return list(dataframe[name])


def _keep_known_classes(label, classes, y_col):
    """``label`` restricted to ``classes`` (a string or a list of them), or None if nothing
    is left."""
    if isinstance(label, (list, tuple)):
        return [name for name in label if name in classes] or None
    if isinstance(label, str):
        return label if label in classes else None
    raise TypeError(f"Expect string, list or tuple but found {type(label)} in {y_col} column.")


class DataFrameIterator(FileBatchIterator):
    """Batches ``(x, y)`` (or ``(x, y, sample_weight)`` with ``weight_col``, or ``x`` alone
    for ``class_mode=None``) of the images named in a dataframe column, each resized, randomly
    transformed and standardized; prints ``Found N validated image filenames belonging to K
    classes.`` as Keras 2.

    Args:
        dataframe: the table (a pandas DataFrame, or a mapping column name -> values).
        directory: the folder the file names are relative to, or None for paths as given.
        image_data_generator: the ``ImageDataGenerator`` (None: no transform).
        x_col: the column of file names.
        y_col: the column of labels (a list of columns for ``'multi_output'`` and, optionally,
            ``'raw'``).
        weight_col: a column of sample weights, or None.
        target_size: ``(height, width)`` every image is resized to.
        color_mode: ``'rgb'``, ``'rgba'`` or ``'grayscale'``.
        classes: the class names to keep, or None for every label found (sorted).
        class_mode: ``'categorical'`` (one-hot rows; a label may be a list of classes),
            ``'binary'`` (two string classes, 0/1), ``'sparse'`` (class index), ``'input'``
            (the images), ``'multi_output'`` (a list of the ``y_col`` columns' values),
            ``'raw'`` (the ``y_col`` values as they are) or None (no targets).
        batch_size: images per batch.
        shuffle: a new order every epoch (False: the dataframe's order).
        seed: seed of the order and of the transforms.
        data_format: the batches' layout; None for ``keras.backend.image_data_format()``.
        save_to_dir: a folder to save every augmented image to, or None.
        save_prefix: the saved files' name prefix.
        save_format: the saved files' format.
        subset: ``'training'`` or ``'validation'`` with the generator's ``validation_split``
            (the first fraction of the rows is the validation subset).
        interpolation: the resampling filter (see ``load_img``).
        dtype: the batches' dtype; None for ``keras.backend.floatx()``.
        validate_filenames: drop (with a warning) rows whose file is missing or not an image.

    Example:
        >>> it = DataFrameIterator({'filename': ['a.png'], 'class': ['cat']}, 'images',
        ...                        None)  # doctest: +SKIP
        Found 1 validated image filenames belonging to 1 classes.
    """

    allowed_class_modes = ("binary", "categorical", "input", "multi_output", "raw", "sparse",
                           None)

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                 seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", subset=None, interpolation="nearest", dtype=None,
                 validate_filenames=True):
        self.set_processing_attrs(image_data_generator, target_size, color_mode, class_mode,
                                  data_format, save_to_dir, save_prefix, save_format, subset,
                                  interpolation, dtype)
        self.directory = "" if directory is None else os.fspath(directory)
        filenames = _column(dataframe, x_col, "x_col")
        if not all(isinstance(name, str) for name in filenames):
            raise TypeError(f"All values in column x_col={x_col} must be strings (file "
                            "names or paths).")
        labels = self._read_labels(dataframe, y_col, classes)
        weights = (None if weight_col is None else
                   np.asarray(_column(dataframe, weight_col, "weight_col")))
        if weights is not None and not np.issubdtype(weights.dtype, np.number):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")
        rows = list(range(len(filenames)))
        if validate_filenames:
            rows = self._rows_with_images(rows, filenames, x_col)
        self.classes, self.class_indices, self.num_classes = None, {}, 0
        if class_mode not in _MODES_WITHOUT_CLASSES:
            rows, classes = self._rows_with_classes(rows, labels, y_col, classes)
            self.num_classes = len(classes)
            self.class_indices = {name: index for index, name in enumerate(classes)}
        rows = take_fraction(rows, self.split)
        if class_mode not in _MODES_WITHOUT_CLASSES:
            self.classes = [self._class_index(labels[row]) for row in rows]
        self.filenames = [filenames[row] for row in rows]
        self._sample_weight = None if weights is None else weights[rows]
        if class_mode == "multi_output":
            self._targets = [np.array([column[row] for row in rows]) for column in labels]
        elif class_mode == "raw":  # one column: its values; several: one row per sample
            values = np.array(labels).T if isinstance(y_col, list) else np.array(labels)
            self._targets = values[rows]
        self.samples = len(self.filenames)
        validated = "validated" if validate_filenames else "non-validated"
        if class_mode in _MODES_WITHOUT_CLASSES:
            print(f"Found {self.samples} {validated} image filenames.")
        else:
            print(f"Found {self.samples} {validated} image filenames belonging to "
                  f"{self.num_classes} classes.")
        self._filepaths = [os.path.join(self.directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _read_labels(self, dataframe, y_col, classes):
        """The ``y_col`` values (a list of columns for a list of ``y_col``), checked against
        the class mode; None for ``class_mode`` ``'input'`` or None."""
        mode = self.class_mode
        if classes and mode in _MODES_WITHOUT_CLASSES:
            warnings.warn(f'`classes` will be ignored given the class_mode="{mode}"',
                          stacklevel=4)
        if mode in ("input", None):
            return None
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{mode}", y_col must be a list. Received '
                            f"{type(y_col).__name__}.")
        if isinstance(y_col, list):
            if mode not in ("multi_output", "raw"):
                raise TypeError(f'If class_mode="{mode}", y_col must be one column name; '
                                f"received the list {y_col}. Use class_mode='multi_output' "
                                "or 'raw' for several target columns.")
            return [_column(dataframe, name, "y_col") for name in y_col]
        labels = _column(dataframe, y_col, "y_col")
        if mode in ("binary", "sparse") and not all(isinstance(v, str) for v in labels):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be '
                            "strings.")
        if mode == "binary":
            found = len(set(classes)) if classes else len(set(labels))
            if found != 2:
                raise ValueError(f'If class_mode="binary" there must be 2 classes. '
                                 f"{'Found' if not classes else 'Given'} {found} classes. "
                                 "Use class_mode='categorical' or 'sparse' for more.")
        if mode == "categorical" and not all(isinstance(v, (str, list, tuple)) for v in labels):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be '
                            "type string, list or tuple.")
        return labels

    def _rows_with_images(self, rows, filenames, x_col):
        kept = [row for row in rows
                if is_image_file(os.path.join(self.directory, filenames[row]))]
        if len(kept) < len(rows):
            warnings.warn(f'Found {len(rows) - len(kept)} invalid image filename(s) in '
                          f'x_col="{x_col}". These filename(s) will be ignored.', stacklevel=4)
        return kept

    @staticmethod
    def _rows_with_classes(rows, labels, y_col, classes):
        """The rows whose label names a kept class, and the sorted classes."""
        if classes:
            wanted = set(classes)
            for row in rows:
                labels[row] = _keep_known_classes(labels[row], wanted, y_col)
            rows = [row for row in rows if labels[row] is not None]
            return rows, sorted(wanted)
        found = set()
        for row in rows:
            value = labels[row]
            found.update(value if isinstance(value, (list, tuple)) else [value])
        return rows, sorted(found)

    def _class_index(self, label):
        if isinstance(label, (list, tuple)):
            return [self.class_indices[name] for name in label]
        return self.class_indices[label]

    @property
    def labels(self):
        """The targets of every row: class indices, or the ``y_col`` values for
        ``'multi_output'`` / ``'raw'``."""
        if self.class_mode in ("multi_output", "raw"):
            return self._targets
        return self.classes

    @property
    def sample_weight(self):
        """The ``weight_col`` values of the rows kept, or None."""
        return self._sample_weight
