"""The error raised for model and weight files that cannot be used.

Example:
    >>> issubclass(SavedFileError, ValueError)
    True
"""


class SavedFileError(ValueError):
    """A model or weight file is malformed, truncated, hostile, or does not fit the model.

    A ``ValueError``, as Keras 2 raised for the same problems, so code catching Keras's errors
    keeps working. The message names the file, what was found, what was expected and how to fix
    it. A load that raises it has changed nothing in the model.

    Example:
        >>> raise SavedFileError("weights.h5: layer 'dense_1' ...")  # doctest: +SKIP
    """
