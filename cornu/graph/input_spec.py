"""``InputSpec``: what a layer accepts (rank, fixed axes), checked with Keras 2's messages.

Example:
    >>> spec = InputSpec(min_ndim=2, axes={-1: 784})
    >>> check_input_compatibility('dense_1', [spec], [(None, 784)])
"""


class InputSpec:
    """Declares the rank, dtype and known axes of a layer's input.

    Args:
        dtype: expected dtype name, or None.
        shape: the full expected shape (None for free dims), or None.
        ndim: exact rank, or None.
        max_ndim: maximum rank, or None.
        min_ndim: minimum rank, or None.
        axes: dict mapping an axis (negative allowed) to its required size.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})

    def __repr__(self):
        fields = {k: v for k, v in vars(self).items() if v not in (None, {})}
        return "InputSpec(" + ", ".join(f"{k}={v}" for k, v in fields.items()) + ")"


def check_input_compatibility(layer_name, specs, shapes):
    """Raises ``ValueError`` in Keras 2 wording when an input shape does not fit its spec.

    Args:
        layer_name: the layer's name, for the message.
        specs: a list of ``InputSpec`` (or None entries).
        shapes: a list of input shapes (tuples, batch first).
    """
    if len(specs) != len(shapes) and not (len(specs) == 1 and specs[0] is None):
        raise ValueError(f"Layer {layer_name} expects {len(specs)} inputs, but it received "
                         f"{len(shapes)} input tensors (shapes {list(shapes)}).")
    for index, (spec, shape) in enumerate(zip(specs, shapes)):
        if spec is None:
            continue
        ndim = len(shape)
        where = f"Input {index} is incompatible with layer {layer_name}"
        if spec.ndim is not None and ndim != spec.ndim:
            raise ValueError(f"{where}: expected ndim={spec.ndim}, found ndim={ndim}. "
                             f"Full shape received: {tuple(shape)}")
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"{where}: expected max_ndim={spec.max_ndim}, found ndim={ndim}. "
                             f"Full shape received: {tuple(shape)}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(f"{where}: expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                             f"Full shape received: {tuple(shape)}")
        for axis, value in spec.axes.items():
            if value is None or not -ndim <= axis < ndim:
                continue
            if shape[axis] not in (value, None):
                raise ValueError(f"{where}: expected axis {axis} of input shape to have value "
                                 f"{value} but got shape {tuple(shape)}")
        if spec.shape is not None:
            for expected, received in zip(spec.shape, shape):
                if expected is not None and received is not None and expected != received:
                    raise ValueError(f"{where}: expected shape={spec.shape}, found "
                                     f"shape={tuple(shape)}")
