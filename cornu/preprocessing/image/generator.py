"""``ImageDataGenerator``: Keras 2's real-time image augmentation and normalisation, feeding
``fit_generator`` from arrays (``flow``), class folders (``flow_from_directory``) or a table
of file names (``flow_from_dataframe``).

Random parameters are drawn from NumPy's global generator in Keras 2's order (rotation,
height shift, width shift, shear, zoom, the two flips, channel shift, brightness), so a seed
gives the same transforms as Keras 2.

Example:
    >>> datagen = ImageDataGenerator(rotation_range=40, width_shift_range=0.2,
    ...                              height_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
    ...                              horizontal_flip=True, fill_mode='nearest')
    >>> datagen.random_transform(np.ones((8, 8, 3)), seed=1).shape
    (8, 8, 3)
"""
import numbers
import warnings

import numpy as np

from cornu.preprocessing.image.affine import apply_affine_transform, flip_axis
from cornu.preprocessing.image.choices import (FILL_MODES, check_choice, image_axes,
                                               resolve_data_format, resolve_dtype)
from cornu.preprocessing.image.dataframe import DataFrameIterator
from cornu.preprocessing.image.directory import DirectoryIterator
from cornu.preprocessing.image.intensity import apply_brightness_shift, apply_channel_shift
from cornu.preprocessing.image.numpy_array import NumpyArrayIterator
from cornu.preprocessing.image.shifts import check_shift_range, draw_shift
from cornu.preprocessing.image.whitening import zca_matrix
from cornu.utils.suggestions import suggestion

#: Keras 2's deprecated ``flow_from_dataframe`` arguments, accepted with a warning and ignored
_DEPRECATED_DATAFRAME_ARGUMENTS = {
    "has_ext": "has_ext is deprecated, filenames in the dataframe have to match the exact "
               "filenames in disk.",
    "sort": "sort is deprecated, batches will be created in the same order than the "
            "filenames provided if shuffle is set to False.",
    "drop_duplicates": "drop_duplicates is deprecated, you can drop duplicates by using the "
                       "pandas.DataFrame.drop_duplicates method.",
}
#: ``flow_from_dataframe``'s arguments, to suggest one for a misspelled keyword
_DATAFRAME_ARGUMENTS = [
    "dataframe", "directory", "x_col", "y_col", "weight_col", "target_size", "color_mode",
    "classes", "class_mode", "batch_size", "shuffle", "seed", "save_to_dir", "save_prefix",
    "save_format", "subset", "interpolation", "validate_filenames"]
_NOT_FIT = ("This ImageDataGenerator specifies `{}`, but it hasn't been fit on any training "
            "data. Fit it first by calling `.fit(numpy_data)`.")


def _zoom_bounds(zoom_range):
    if isinstance(zoom_range, numbers.Real) and not isinstance(zoom_range, bool):
        return [1 - zoom_range, 1 + zoom_range]
    if (isinstance(zoom_range, (tuple, list, np.ndarray)) and len(zoom_range) == 2
            and all(isinstance(v, numbers.Real) for v in zoom_range)):
        return [zoom_range[0], zoom_range[1]]
    raise ValueError("`zoom_range` should be a float or a tuple or list of two floats. "
                     f"Received: {zoom_range!r}")


class ImageDataGenerator:
    """Generates batches of image data with real-time augmentation (Keras 2).

    Each image is randomly transformed (``get_random_transform`` then ``apply_transform``:
    the affine transform, channel shift, flips, brightness), then standardized
    (``standardize``: ``preprocessing_function``, ``rescale``, centring and scaling, ZCA).

    Args:
        featurewise_center: subtract the per-channel mean of the data given to ``fit``.
        samplewise_center: subtract each image's mean.
        featurewise_std_normalization: divide by the per-channel std of the ``fit`` data.
        samplewise_std_normalization: divide each image by its std.
        zca_whitening: apply the ZCA whitening fitted by ``fit``.
        zca_epsilon: added to the covariance's eigenvalues in ZCA whitening.
        rotation_range: degrees; the rotation is drawn from ``[-rotation_range,
            rotation_range]``.
        width_shift_range: a float (a fraction of the width if below 1, else pixels; the
            shift is drawn from ``[-r, r)``), an int (whole pixels, ``-(r - 1) ... r - 1``) or a
            list of values (one chosen, with a random sign).
        height_shift_range: the same for the height.
        brightness_range: ``(lower, upper)`` brightness factors, or None.
        shear_range: shear angle range in degrees.
        zoom_range: a float ``z`` (factors in ``[1 - z, 1 + z]``) or ``[lower, upper]``.
        channel_shift_range: range of a value added to every channel.
        fill_mode: ``'constant'``, ``'nearest'``, ``'reflect'`` or ``'wrap'``: how points
            outside the image are filled.
        cval: the fill value of ``fill_mode='constant'``.
        horizontal_flip: flip half of the images left-right.
        vertical_flip: flip half of the images upside down.
        rescale: a factor every image is multiplied by (after the transforms), or None/0.
        preprocessing_function: a function applied to each image (rank 3) first in
            ``standardize``, returning an image of the same shape.
        data_format: ``'channels_last'`` or ``'channels_first'``; None for
            ``keras.backend.image_data_format()``.
        validation_split: fraction of the data set apart for ``subset='validation'``.
        interpolation_order: spline order of the affine transforms (1: bilinear).
        dtype: the arrays' dtype; None for ``keras.backend.floatx()``.

    Example:
        >>> train_datagen = ImageDataGenerator(rescale=1. / 255, horizontal_flip=True)
        >>> x, y = next(train_datagen.flow(np.ones((4, 8, 8, 3)), [0, 1, 0, 1], batch_size=2))
        >>> x.shape, float(x.max())
        ((2, 8, 8, 3), 0.003921568859368563)
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0., height_shift_range=0., brightness_range=None,
                 shear_range=0., zoom_range=0., channel_shift_range=0., fill_mode="nearest",
                 cval=0., horizontal_flip=False, vertical_flip=False, rescale=None,
                 preprocessing_function=None, data_format=None, validation_split=0.0,
                 interpolation_order=1, dtype=None):
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = check_shift_range("width_shift_range", width_shift_range)
        self.height_shift_range = check_shift_range("height_shift_range", height_shift_range)
        self.shear_range = shear_range
        self.zoom_range = _zoom_bounds(zoom_range)
        self.channel_shift_range = channel_shift_range
        self.fill_mode = check_choice("fill_mode", fill_mode, FILL_MODES)
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.data_format = resolve_data_format(data_format)
        self.interpolation_order = interpolation_order
        self.dtype = resolve_dtype(dtype)
        # axes of a batch (rank 4)
        row, col, channel = image_axes(self.data_format)
        self.row_axis, self.col_axis, self.channel_axis = row + 1, col + 1, channel + 1
        if validation_split and not 0 < validation_split < 1:
            raise ValueError("`validation_split` must be strictly between 0 and 1. "
                             f"Received: {validation_split!r}")
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.principal_components = None
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2):
            raise ValueError("`brightness_range` should be a tuple or list of two floats. "
                             f"Received: {brightness_range!r}")
        self.brightness_range = brightness_range
        self._resolve_overrides()

    def _resolve_overrides(self):
        """Keras 2's implied options: ZCA and std normalisation need centring; ZCA replaces
        featurewise std normalisation."""
        if self.zca_whitening:
            if not self.featurewise_center:
                self.featurewise_center = True
                warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which "
                              "overrides setting of `featurewise_center`.", stacklevel=3)
            if self.featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn("This ImageDataGenerator specifies `zca_whitening` which "
                              "overrides setting of `featurewise_std_normalization`.",
                              stacklevel=3)
        if self.featurewise_std_normalization and not self.featurewise_center:
            self.featurewise_center = True
            warnings.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, "
                          "which overrides setting of `featurewise_center`.", stacklevel=3)
        if self.samplewise_std_normalization and not self.samplewise_center:
            self.samplewise_center = True
            warnings.warn("This ImageDataGenerator specifies `samplewise_std_normalization`, "
                          "which overrides setting of `samplewise_center`.", stacklevel=3)

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", subset=None):
        """An endless ``NumpyArrayIterator`` of augmented batches ``(x, y)`` of arrays
        (``(x, y, sample_weight)`` with weights, ``x`` alone without ``y``).

        Args:
            x: the images, rank 4 (or a tuple ``(images, extra inputs)``).
            y: the targets, or None.
            batch_size: images per batch.
            shuffle: a new order every epoch.
            sample_weight: per-sample weights, or None.
            seed: seed of the order and of the transforms.
            save_to_dir: a folder to save every augmented image to, or None.
            save_prefix: the saved files' name prefix.
            save_format: the saved files' format (``'png'``, ``'jpeg'``).
            subset: ``'training'`` or ``'validation'`` (with ``validation_split``).

        Example:
            >>> it = ImageDataGenerator().flow(np.zeros((10, 8, 8, 1)), np.arange(10),
            ...                                batch_size=4)
            >>> len(it)
            3
        """
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", follow_links=False, subset=None,
                            interpolation="nearest"):
        """An endless ``DirectoryIterator`` of augmented batches of the images in
        ``directory/<class>/``; prints ``Found N images belonging to K classes.``

        Args:
            directory: the folder holding one subfolder per class.
            target_size: ``(height, width)`` every image is resized to.
            color_mode: ``'rgb'``, ``'rgba'`` or ``'grayscale'``.
            classes: the class folders to use, or None for all of them (sorted).
            class_mode: ``'categorical'``, ``'binary'``, ``'sparse'``, ``'input'`` or None.
            batch_size: images per batch.
            shuffle: a new order every epoch (False: sorted by class, then file).
            seed: seed of the order and of the transforms.
            save_to_dir: a folder to save every augmented image to, or None.
            save_prefix: the saved files' name prefix.
            save_format: the saved files' format.
            follow_links: follow symbolic links to folders inside the class folders.
            subset: ``'training'`` or ``'validation'`` (with ``validation_split``).
            interpolation: the resampling filter (see ``load_img``).

        Example:
            >>> ImageDataGenerator(rescale=1. / 255).flow_from_directory(
            ...     'train', target_size=(150, 150), class_mode='binary')  # doctest: +SKIP
            Found 2000 images belonging to 2 classes.
        """
        return DirectoryIterator(directory, self, target_size=target_size,
                                 color_mode=color_mode, classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format,
                                 follow_links=follow_links, subset=subset,
                                 interpolation=interpolation, dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class",
                            weight_col=None, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", subset=None, interpolation="nearest",
                            validate_filenames=True, **kwargs):
        """An endless ``DataFrameIterator`` of augmented batches of the images named in a
        dataframe column; prints ``Found N validated image filenames belonging to K classes.``

        Args:
            dataframe: the table (pandas DataFrame, or a mapping column -> values).
            directory: the folder the file names are relative to, or None.
            x_col: the column of file names.
            y_col: the column (or list of columns) of targets.
            weight_col: a column of sample weights, or None.
            target_size: ``(height, width)`` every image is resized to.
            color_mode: ``'rgb'``, ``'rgba'`` or ``'grayscale'``.
            classes: the classes to keep, or None for all labels found.
            class_mode: ``'categorical'``, ``'binary'``, ``'sparse'``, ``'input'``,
                ``'multi_output'``, ``'raw'`` or None (``'other'``: deprecated ``'raw'``).
            batch_size: images per batch.
            shuffle: a new order every epoch (False: the dataframe's order).
            seed: seed of the order and of the transforms.
            save_to_dir: a folder to save every augmented image to, or None.
            save_prefix: the saved files' name prefix.
            save_format: the saved files' format.
            subset: ``'training'`` or ``'validation'`` (with ``validation_split``).
            interpolation: the resampling filter (see ``load_img``).
            validate_filenames: drop rows whose file is missing or not an image.
            **kwargs: Keras 2's deprecated ``has_ext``, ``sort`` and ``drop_duplicates``
                (ignored, with a DeprecationWarning).

        Example:
            >>> ImageDataGenerator().flow_from_dataframe(df, 'images',
            ...                                          class_mode='binary')  # doctest: +SKIP
            Found 100 validated image filenames belonging to 2 classes.
        """
        for name in kwargs:
            if name not in _DEPRECATED_DATAFRAME_ARGUMENTS:
                raise TypeError(f"flow_from_dataframe() got an unexpected keyword argument "
                                f"{name!r}.{suggestion(name, _DATAFRAME_ARGUMENTS)}")
            warnings.warn(_DEPRECATED_DATAFRAME_ARGUMENTS[name], DeprecationWarning,
                          stacklevel=2)
        if class_mode == "other":
            warnings.warn('`class_mode` "other" is deprecated, please use `class_mode` "raw".',
                          DeprecationWarning, stacklevel=2)
            class_mode = "raw"
        return DataFrameIterator(dataframe, directory, self, x_col=x_col, y_col=y_col,
                                 weight_col=weight_col, target_size=target_size,
                                 color_mode=color_mode, classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format,
                                 subset=subset, interpolation=interpolation, dtype=self.dtype,
                                 validate_filenames=validate_filenames)

    def standardize(self, x):
        """Applies the normalisation to an image or a batch, in place where it can (pass
        ``np.copy(x)`` to keep ``x``): ``preprocessing_function``, ``rescale``, sample-wise
        then feature-wise centring and scaling, ZCA whitening.

        Args:
            x: an image or a batch of images (float).

        Example:
            >>> ImageDataGenerator(samplewise_center=True).standardize(
            ...     np.array([[[1.], [3.]]])).ravel().tolist()
            [-1.0, 1.0]
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= (np.std(x, keepdims=True) + 1e-6)
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                warnings.warn(_NOT_FIT.format("featurewise_center"), stacklevel=2)
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= (self.std + 1e-6)
            else:
                warnings.warn(_NOT_FIT.format("featurewise_std_normalization"), stacklevel=2)
        if self.zca_whitening:
            if self.principal_components is not None:
                flat = np.reshape(x, (-1, np.prod(x.shape[-3:])))
                x = np.reshape(flat @ self.principal_components, x.shape)
            else:
                warnings.warn(_NOT_FIT.format("zca_whitening"), stacklevel=2)
        return x

    def get_random_transform(self, img_shape, seed=None):
        """Draws the parameters of a random transform (Keras 2's draws, in its order).

        Args:
            img_shape: the shape of the image (rank 3) to transform.
            seed: seeds NumPy's global generator first, or None.

        Returns:
            A dict with ``theta``, ``tx``, ``ty``, ``shear``, ``zx``, ``zy``,
            ``flip_horizontal``, ``flip_vertical``, ``channel_shift_intensity`` and
            ``brightness``.

        Example:
            >>> params = ImageDataGenerator(rotation_range=30).get_random_transform(
            ...     (8, 8, 3), seed=0)
            >>> round(params['theta'], 6)
            2.92881
        """
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = (np.random.uniform(-self.rotation_range, self.rotation_range)
                 if self.rotation_range else 0)
        tx = draw_shift(self.height_shift_range, img_shape[row_axis])
        ty = draw_shift(self.width_shift_range, img_shape[col_axis])
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        # both coins are tossed even when the flips are off (Keras 2's draws)
        flip_horizontal = bool(np.random.random() < 0.5) and bool(self.horizontal_flip)
        flip_vertical = bool(np.random.random() < 0.5) and bool(self.vertical_flip)
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range,
                                                        self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    def apply_transform(self, x, transform_parameters):
        """Transforms one image by the given parameters: the affine transform, the channel
        shift, the flips, then the brightness.

        Args:
            x: the image (rank 3).
            transform_parameters: a dict as ``get_random_transform`` returns; missing keys
                are neutral.

        Example:
            >>> ImageDataGenerator().apply_transform(np.array([[[1.], [2.]]]),
            ...                                      {'flip_horizontal': True}).ravel().tolist()
            [2.0, 1.0]
        """
        row_axis, col_axis, channel_axis = (self.row_axis - 1, self.col_axis - 1,
                                            self.channel_axis - 1)
        params = transform_parameters
        x = apply_affine_transform(x, params.get("theta", 0), params.get("tx", 0),
                                   params.get("ty", 0), params.get("shear", 0),
                                   params.get("zx", 1), params.get("zy", 1), row_axis=row_axis,
                                   col_axis=col_axis, channel_axis=channel_axis,
                                   fill_mode=self.fill_mode, cval=self.cval,
                                   order=self.interpolation_order)
        if params.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, params["channel_shift_intensity"], channel_axis)
        if params.get("flip_horizontal", False):
            x = flip_axis(x, col_axis)
        if params.get("flip_vertical", False):
            x = flip_axis(x, row_axis)
        if params.get("brightness") is not None:
            x = apply_brightness_shift(x, params["brightness"], data_format=self.data_format)
        return x

    def random_transform(self, x, seed=None):
        """One image randomly transformed (``get_random_transform`` + ``apply_transform``).

        Args:
            x: the image (rank 3).
            seed: seeds NumPy's global generator first, or None.

        Example:
            >>> ImageDataGenerator(zoom_range=0.2).random_transform(np.ones((4, 4, 1))).shape
            (4, 4, 1)
        """
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    @property
    def zca_whitening_matrix(self):
        """tf-keras's name for ``principal_components``, the ZCA matrix ``fit`` computes."""
        return self.principal_components

    @zca_whitening_matrix.setter
    def zca_whitening_matrix(self, matrix):
        self.principal_components = matrix

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Computes the statistics of ``featurewise_center``, ``featurewise_std_normalization``
        and ``zca_whitening`` from sample images (after ``rescale``, as keras-preprocessing
        1.1.2 does).

        Args:
            x: the sample images, rank 4.
            augment: fit on randomly transformed copies of the images.
            rounds: with ``augment``, the number of transformed copies of each image.
            seed: seeds NumPy's global generator first, or None.

        Example:
            >>> datagen = ImageDataGenerator(featurewise_center=True)
            >>> datagen.fit(np.arange(8.).reshape(2, 2, 2, 1))
            >>> datagen.mean.ravel().tolist()
            [3.5]
        """
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"Input to `.fit()` should have rank 4 (samples, rows, cols, "
                             f"channels in {self.data_format}). Got array with shape: "
                             f"{x.shape}.")
        channels = x.shape[self.channel_axis]
        if channels not in (1, 3, 4):
            warnings.warn(f'Expected input to be images (as Numpy array) following the data '
                          f'format convention "{self.data_format}" (channels on axis '
                          f'{self.channel_axis}), i.e. expected either 1, 3 or 4 channels on '
                          f'axis {self.channel_axis}. However, it was passed an array with '
                          f'shape {x.shape} ({channels} channels).', stacklevel=2)
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            augmented = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    augmented[i + r * x.shape[0]] = self.random_transform(x[i])
            x = augmented
        broadcast_shape = [1, 1, 1]
        broadcast_shape[self.channel_axis - 1] = channels
        if self.featurewise_center:
            self.mean = np.mean(x, axis=(0, self.row_axis, self.col_axis)).reshape(
                broadcast_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=(0, self.row_axis, self.col_axis)).reshape(
                broadcast_shape)
            x /= (self.std + 1e-6)
        if self.zca_whitening:
            self.principal_components = zca_matrix(x.reshape(x.shape[0], -1), self.zca_epsilon)
