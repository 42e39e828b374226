"""Turning what users pass to ``fit``/``evaluate``/``predict`` into checked NumPy arrays.

Accepts NumPy arrays of any numeric or bool dtype, nested lists, pandas DataFrames and Series,
``np.matrix`` and torch tensors; one array per model input/output, as a list or a dict by name.
Shapes are checked with Keras 2's messages.

Example:
    >>> standardize([[1, 2], [3, 4]], ['dense_1_input'], [(None, 2)], 'input')[0].dtype
    dtype('float32')
"""
import warnings

import numpy as np
import torch

from cornu import losses as losses_module


def to_array(data):
    """Converts one array-like (list, DataFrame, Series, matrix, tensor) to a NumPy array.

    Args:
        data: the array-like.
    """
    if type(data) is np.ndarray:  # the common case, first
        return data
    if isinstance(data, torch.Tensor):
        return data.detach().cpu().numpy()
    if hasattr(data, "iloc") and hasattr(data, "values"):
        data = data.values
    return np.asarray(data)


def _is_array_like(item):
    return hasattr(item, "shape") and hasattr(item, "dtype") or hasattr(item, "iloc")


def _as_list(data, names):
    if type(data) is np.ndarray:
        return [data]
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"No data provided for \"{missing[0]}\". Need data for each key in: "
                             f"{names}")
        return [data[n] for n in names]
    if isinstance(data, (list, tuple)) and data and all(_is_array_like(d) for d in data):
        if len(names) == 1 and len(data) != 1:
            return [data]
        return list(data)
    return [data]


def sample_shape(data):
    """The shape of one sample of a single-input model's data (1-D data counts as a column),
    for building a model whose first layer was given no input shape.

    Args:
        data: an array-like, a one-item list of one, or a one-item dict.
    """
    if isinstance(data, dict):
        data = next(iter(data.values()))
    array = to_array(_as_list(data, [None])[0])
    return tuple(array.shape[1:]) if array.ndim > 1 else (1,)


def _cast(array, dtype):
    if dtype is not None and dtype.is_floating_point is False:
        return np.ascontiguousarray(array, dtype=np.int64)
    if array.dtype == np.float32:
        return np.ascontiguousarray(array)
    if array.dtype == object:
        raise ValueError("Failed to convert a NumPy array to a tensor: it has dtype object "
                         "(ragged lists or mixed types). Pad the sequences to one length, e.g. "
                         "with keras.preprocessing.sequence.pad_sequences, or convert the "
                         "values to numbers.")
    return np.ascontiguousarray(array, dtype=np.float32)


def standardize(data, names, shapes, what, dtypes=None, check_batch_axis=False, hint=None,
                argument="x"):
    """Returns one float32 (or int64) array per name, shape-checked.

    Args:
        data: an array-like, a list of them, or a dict by name.
        names: the model's input names (or output names for targets).
        shapes: expected batch shapes per name (``None`` entries skip a check).
        what: ``'input'`` or ``'target'``, for messages.
        dtypes: expected torch dtypes per name, or None for floats.
        check_batch_axis: whether to check the batch dimension too.
        hint: a function (index, array) -> extra advice appended to shape errors.
        argument: the argument the data came in (``'x'``, ``'y'``), for messages.
    """
    if data is None:
        raise ValueError(f"No data given for {argument}: the model expects {what} data for "
                         f"{names}. Pass arrays (or a list or dict of them).")
    items = _as_list(data, names)
    if len(items) != len(names):
        raise ValueError(f"Error when checking model {what}: the list of NumPy arrays that you "
                         f"are passing to your model is not the size the model expected. Expected "
                         f"to see {len(names)} array(s), but instead got {len(items)} array(s).")
    arrays = []
    for index, (item, name, shape) in enumerate(zip(items, names, shapes)):
        array = to_array(item)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        if shape is not None:
            _check_shape(array, name, shape, what, check_batch_axis,
                         hint(index, array) if hint else "")
        arrays.append(_cast(array, dtypes[index] if dtypes else None))
    return arrays


def _check_shape(array, name, shape, what, check_batch_axis, hint):
    if array.ndim != len(shape):
        raise ValueError(f"Error when checking {what}: expected {name} to have {len(shape)} "
                         f"dimensions, but got array with shape {array.shape}{hint}")
    expected = shape if check_batch_axis else shape[1:]
    received = array.shape if check_batch_axis else array.shape[1:]
    for want, got in zip(expected, received):
        if want is not None and want != got:
            raise ValueError(f"Error when checking {what}: expected {name} to have shape "
                             f"{tuple(shape[1:])} but got array with shape {tuple(received)}"
                             f"{hint}")


def check_not_empty(xs, method):
    """Raises a clear error when the inputs hold no sample.

    Args:
        xs: the input arrays.
        method: the method called, e.g. ``'fit'``.
    """
    if xs and len(xs[0]) == 0:
        raise ValueError(f"{method}() got no samples: the input array has shape "
                         f"{xs[0].shape}. Pass at least one sample (check the slicing or "
                         "filtering that made the array).")


def warn_non_finite(arrays, arguments, names):
    """Warns, naming the array and the count, when float arrays hold NaN or infinite values
    (training on them gives a ``nan`` loss).

    Args:
        arrays: the arrays.
        arguments: the argument each came in (``'x'`` or ``'y'``).
        names: the model input/output name of each.
    """
    for array, argument, name in zip(arrays, arguments, names):
        if array.dtype.kind != "f" or array.size == 0:
            continue
        if np.isfinite(array.min()) and np.isfinite(array.max()):
            continue
        nans = int(np.count_nonzero(np.isnan(array)))
        infinite = int(np.count_nonzero(np.isinf(array)))
        warnings.warn(f"{argument} (for {name!r}) holds {nans} NaN and {infinite} infinite "
                      f"values out of {array.size}: the loss will be nan. Remove or fill them "
                      "before training, e.g. np.nan_to_num(x) or DataFrame.fillna().",
                      RuntimeWarning, stacklevel=3)


def target_shapes(loss_fns, output_shapes):
    """The target shape each loss expects (Keras 2: sparse losses take ``(..., 1)``, custom
    losses are not checked).

    Args:
        loss_fns: one loss function per output.
        output_shapes: the model's output shapes.
    """
    shapes = []
    for fn, shape in zip(loss_fns, output_shapes):
        name = getattr(fn, "__name__", None)
        if name == "sparse_categorical_crossentropy":
            shapes.append(tuple(shape[:-1]) + (1,))
        elif name is None or getattr(losses_module, name, None) is not fn:
            shapes.append(None)
        else:
            shapes.append(tuple(shape))
    return shapes


def categorical_hint(loss_fns):
    """Builds the Keras 2 advice for categorical losses given integer class labels.

    Args:
        loss_fns: one loss function per output.
    """
    def hint(index, array):
        name = getattr(loss_fns[index], "__name__", "")
        if name in ("categorical_crossentropy", "categorical_hinge") and array.shape[-1] == 1:
            return (f". You are passing a target array of shape {array.shape} while using as "
                    f"loss `{name}`. `{name}` expects targets to be binary matrices (1s and 0s) "
                    "of shape (samples, classes). If your targets are integer classes, you can "
                    "convert them to the expected format via:\n```\nfrom keras.utils import "
                    "to_categorical\ny_binary = to_categorical(y_int)\n```\n\nAlternatively, you "
                    "can use the loss function `sparse_categorical_crossentropy` instead, which "
                    "does expect integer targets.")
        return ""
    return hint


def check_lengths(xs, ys, sws):
    """Raises the Keras 2 error when inputs, targets and weights disagree on sample counts.

    Args:
        xs: input arrays.
        ys: target arrays (may be empty).
        sws: sample weight arrays (None entries allowed).
    """
    x_lengths = {len(x) for x in xs}
    if len(x_lengths) > 1:
        raise ValueError(f"All input arrays (x) should have the same number of samples. Got "
                         f"array shapes: {[x.shape for x in xs]}")
    y_lengths = {len(y) for y in ys}
    if len(y_lengths) > 1:
        raise ValueError(f"All target arrays (y) should have the same number of samples. Got "
                         f"array shapes: {[y.shape for y in ys]}")
    if ys and x_lengths and x_lengths != y_lengths:
        raise ValueError(f"Input arrays should have the same number of samples as target "
                         f"arrays. Found {x_lengths.pop()} input samples and {y_lengths.pop()} "
                         "target samples.")
    for sw, y in zip(sws, ys):
        if sw is not None and len(sw) != len(y):
            raise ValueError(f"Found a sample_weight array with shape {sw.shape} for an input "
                             f"with shape {y.shape}. sample_weight cannot be broadcast.")


def sample_weights(sample_weight, class_weight, ys, output_names, modes=None):
    """Per-output weight arrays from ``sample_weight`` and ``class_weight`` (None if unused).

    Args:
        sample_weight: an array, a list per output, a dict by output name, or None.
        class_weight: a dict class -> weight, a dict per output name, or None.
        ys: the target arrays.
        output_names: the model's output names.
        modes: ``compile(sample_weight_mode=...)`` per output (None or ``'temporal'``), or None.
    """
    def spread(value):
        if isinstance(value, dict) and set(value) <= set(output_names) and value:
            return [value.get(n) for n in output_names]
        if isinstance(value, (list, tuple)) and len(output_names) > 1:
            return list(value)
        return [value] * len(output_names) if len(output_names) == 1 else [value] + [None] * (
            len(output_names) - 1)
    class_weights = spread(class_weight) if class_weight is not None else [None] * len(ys)
    weights = spread(sample_weight) if sample_weight is not None else [None] * len(ys)
    result = []
    for weight, cw, y in zip(weights, class_weights, ys):
        if weight is not None:
            weight = np.asarray(to_array(weight), dtype=np.float32)
            if weight.ndim == 2 and weight.shape[1] == 1 and y.ndim == 2:
                weight = weight[:, 0]
        elif cw is not None:
            weight = _class_weights_for(cw, y)
        result.append(weight)
    for weight, y, mode in zip(result, ys, modes or [None] * len(ys)):
        _check_weight_mode(weight, y, mode)
    return result


def _check_weight_mode(weight, y, mode):
    """Keras 2's rules: per-sample weights are 1-D; per-timestep weights (``'temporal'``) are
    2-D, for outputs with a time axis."""
    if mode is None:
        if weight is not None and weight.ndim != 1:
            raise ValueError(f"Found a sample_weight array with shape {weight.shape}. In order to "
                             "use timestep-wise sample weighting, you should pass a 2D "
                             "sample_weight array and set sample_weight_mode=\"temporal\" in "
                             "compile(). If you just mean to use sample-wise weights, make sure "
                             "your sample_weight array is 1D.")
        return
    if mode != "temporal":
        raise ValueError(f'"sample_weight_mode" should be None or "temporal". Found: {mode!r}')
    if y.ndim < 3:
        raise ValueError(f"Found a sample_weight array for an input with shape {y.shape}. "
                         "Timestep-wise sample weighting (use of sample_weight_mode=\"temporal\")"
                         " is restricted to outputs that are at least 3D, i.e. that have a time "
                         "dimension.")
    if weight is not None and weight.ndim != 2:
        raise ValueError(f"Found a sample_weight array with shape {weight.shape}. In order to use "
                         "timestep-wise sample weighting, you should pass a 2D sample_weight "
                         "array.")


def _class_weights_for(class_weight, y):
    if y.ndim == 2 and y.shape[1] > 1:
        classes = np.argmax(y, axis=1)
    else:
        classes = np.reshape(y, (y.shape[0], -1))[:, 0].astype(np.int64)
    missing = sorted(set(np.unique(classes).tolist()) - set(class_weight))
    if missing:
        raise ValueError(f"`class_weight` must contain all classes in the data. The classes "
                         f"{set(missing)} exist in the data but not in `class_weight`.")
    lookup = np.zeros(int(classes.max()) + 1, dtype=np.float32)
    for cls, value in class_weight.items():
        if 0 <= int(cls) < len(lookup):
            lookup[int(cls)] = value
    return lookup[classes]


def split_validation(arrays, validation_split):
    """Splits arrays into training and validation parts, the validation part from the end.

    Args:
        arrays: the arrays to split (None entries stay None).
        validation_split: the fraction of samples to hold out, in (0, 1).
    """
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"validation_split must be a float in (0, 1); received "
                         f"{validation_split!r}.")
    n = next(len(a) for a in arrays if a is not None)
    split_at = int(n * (1.0 - validation_split))
    train = [None if a is None else a[:split_at] for a in arrays]
    val = [None if a is None else a[split_at:] for a in arrays]
    return train, val
