"""Geometric transforms of one image: Keras 2's affine matrix (rotation, shift, shear, zoom
about the image centre) applied channel by channel with ``scipy.ndimage.affine_transform``,
flips, and the ``random_*`` helpers that draw their parameter from NumPy's global generator.

The matrix maps output pixel coordinates ``(row, col)`` to the input coordinates sampled
there: a shift ``tx = 2`` makes output row ``r`` show input row ``r + 2``. Rotations, shears
and zooms act about Keras 2's centre ``(rows / 2 + 0.5, cols / 2 + 0.5)``, one pixel below
and right of the image's true centre ``((rows - 1) / 2, (cols - 1) / 2)``; the numbers are
Keras 2's. The ``random_*`` helpers draw as Keras 2 and transform about the centre of the
row and column axes they are given (Keras 2 passed only the channel axis on, which
misplaced the centre of channels-first images).

Example:
    >>> x = np.arange(9, dtype='float32').reshape(3, 3, 1)
    >>> apply_affine_transform(x, tx=1, fill_mode='constant')[:, :, 0].tolist()
    [[3.0, 4.0, 5.0], [6.0, 7.0, 8.0], [0.0, 0.0, 0.0]]
"""
import numpy as np
from scipy import ndimage

from cornu.preprocessing.image.choices import FILL_MODES, check_choice


def flip_axis(x, axis):
    """``x`` reversed along ``axis`` (a view).

    Args:
        x: the array.
        axis: the axis to reverse.

    Example:
        >>> flip_axis(np.array([[1, 2, 3]]), 1).tolist()
        [[3, 2, 1]]
    """
    return np.flip(np.asarray(x), axis)


def transform_matrix_offset_center(matrix, x, y):
    """``matrix`` (3 x 3, homogeneous) made to act about the centre of an image of ``x`` rows
    and ``y`` columns, Keras 2's centre ``(x / 2 + 0.5, y / 2 + 0.5)``.

    Args:
        matrix: the transform about the origin.
        x: the image's height (rows).
        y: the image's width (columns).

    Example:
        >>> transform_matrix_offset_center(np.eye(3), 4, 4).tolist()
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    o_x, o_y = float(x) / 2 + 0.5, float(y) / 2 + 0.5
    to_center = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    from_center = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return to_center @ matrix @ from_center


def affine_matrix(theta=0, tx=0, ty=0, shear=0, zx=1, zy=1):
    """Keras 2's transform about the origin, ``rotation @ shift @ shear @ zoom`` (the factors
    that are not the identity), or None when every parameter is neutral.

    Args:
        theta: rotation in degrees.
        tx: shift along rows (pixels).
        ty: shift along columns (pixels).
        shear: shear angle in degrees.
        zx: zoom factor along rows (above 1 shows less of the image: zooms out).
        zy: zoom factor along columns.

    Example:
        >>> affine_matrix(tx=2).tolist()
        [[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    factors = []
    if theta != 0:
        angle = np.deg2rad(theta)
        factors.append(np.array([[np.cos(angle), -np.sin(angle), 0],
                                 [np.sin(angle), np.cos(angle), 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        factors.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], dtype=float))
    if shear != 0:
        angle = np.deg2rad(shear)
        factors.append(np.array([[1, -np.sin(angle), 0], [0, np.cos(angle), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        factors.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]], dtype=float))
    if not factors:
        return None
    matrix = factors[0]
    for factor in factors[1:]:
        matrix = matrix @ factor
    return matrix


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=0,
                           col_axis=1, channel_axis=2, fill_mode="nearest", cval=0., order=1):
    """One image (rank 3) rotated, shifted, sheared and zoomed about its centre; ``x`` itself
    when every parameter is neutral.

    Args:
        x: the image.
        theta: rotation in degrees (positive turns the content clockwise as displayed).
        tx: shift along rows, in pixels (positive moves the content up).
        ty: shift along columns, in pixels (positive moves the content left).
        shear: shear angle in degrees.
        zx: zoom factor along rows.
        zy: zoom factor along columns.
        row_axis: the image's row axis.
        col_axis: the image's column axis.
        channel_axis: the image's channel axis.
        fill_mode: how points outside the image are filled: ``'constant'`` (``cval``),
            ``'nearest'`` (the edge pixel), ``'reflect'`` (mirrored, edge included) or
            ``'wrap'`` (SciPy's ``'wrap'``, as Keras 2: the first and last pixel coincide, so
            the image repeats with a period of one pixel less than its size).
        cval: the fill value of ``fill_mode='constant'``.
        order: the spline interpolation order (1: bilinear, 0: nearest pixel).

    Example:
        >>> x = np.arange(4, dtype='float32').reshape(1, 4, 1)
        >>> apply_affine_transform(x, ty=1, fill_mode='constant', cval=-1)[0, :, 0].tolist()
        [1.0, 2.0, 3.0, -1.0]
    """
    check_choice("fill_mode", fill_mode, FILL_MODES)
    matrix = affine_matrix(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"apply_affine_transform takes one image of rank 3; got an array of "
                         f"shape {x.shape}. Transform a batch image by image.")
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    planes = np.moveaxis(x, channel_axis, 0)
    if row_axis > col_axis:  # the planes are (cols, rows): swap the matrix's coordinates
        matrix = matrix[[1, 0, 2]][:, [1, 0, 2]]
    transformed = [ndimage.affine_transform(plane, matrix[:2, :2], matrix[:2, 2], order=order,
                                            mode=fill_mode, cval=cval) for plane in planes]
    return np.moveaxis(np.stack(transformed), 0, channel_axis)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0., interpolation_order=1):
    """One image rotated by an angle drawn uniformly from ``[-rg, rg]`` degrees.

    Args:
        x: the image (rank 3; by default channels first).
        rg: the rotation range in degrees.
        row_axis: the image's row axis.
        col_axis: the image's column axis.
        channel_axis: the image's channel axis.
        fill_mode: see ``apply_affine_transform``.
        cval: the fill value of ``fill_mode='constant'``.
        interpolation_order: the spline order.

    Example:
        >>> random_rotation(np.ones((3, 8, 8)), 30).shape
        (3, 8, 8)
    """
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0., interpolation_order=1):
    """One image shifted by fractions of its height and width drawn uniformly from
    ``[-hrg, hrg]`` and ``[-wrg, wrg]`` (the height's drawn first, as Keras 2).

    Args:
        x: the image (rank 3; by default channels first).
        wrg: the width shift range, a fraction of the width.
        hrg: the height shift range, a fraction of the height.
        row_axis: the image's row axis.
        col_axis: the image's column axis.
        channel_axis: the image's channel axis.
        fill_mode: see ``apply_affine_transform``.
        cval: the fill value of ``fill_mode='constant'``.
        interpolation_order: the spline order.

    Example:
        >>> random_shift(np.ones((3, 8, 8)), 0.1, 0.1).shape
        (3, 8, 8)
    """
    height, width = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * height
    ty = np.random.uniform(-wrg, wrg) * width
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0., interpolation_order=1):
    """One image sheared by an angle drawn uniformly from ``[-intensity, intensity]`` degrees.

    Args:
        x: the image (rank 3; by default channels first).
        intensity: the shear range in degrees.
        row_axis: the image's row axis.
        col_axis: the image's column axis.
        channel_axis: the image's channel axis.
        fill_mode: see ``apply_affine_transform``.
        cval: the fill value of ``fill_mode='constant'``.
        interpolation_order: the spline order.

    Example:
        >>> random_shear(np.ones((3, 8, 8)), 20).shape
        (3, 8, 8)
    """
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0., interpolation_order=1):
    """One image zoomed by factors (rows, then columns) drawn uniformly from ``zoom_range``.

    Args:
        x: the image (rank 3; by default channels first).
        zoom_range: ``(lower, upper)`` zoom factors; ``(1, 1)`` draws nothing.
        row_axis: the image's row axis.
        col_axis: the image's column axis.
        channel_axis: the image's channel axis.
        fill_mode: see ``apply_affine_transform``.
        cval: the fill value of ``fill_mode='constant'``.
        interpolation_order: the spline order.

    Example:
        >>> random_zoom(np.ones((3, 8, 8)), (0.8, 1.2)).shape
        (3, 8, 8)
    """
    if len(zoom_range) != 2:
        raise ValueError("`zoom_range` should be a tuple or list of two floats. "
                         f"Received: {zoom_range!r}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)
