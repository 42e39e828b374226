"""``keras.utils.io_utils``: asking before a save replaces an existing file.

Example:
    >>> ask_to_proceed_with_overwrite('model.h5')  # doctest: +SKIP
    [WARNING] model.h5 already exists - overwrite? [y/n]
"""


def ask_to_proceed_with_overwrite(filepath):
    """Asks on the terminal whether to overwrite ``filepath``, as Keras 2 does.

    Where nobody can answer (no terminal: stdin closed, at end of file, or captured as under
    pytest), the answer is no and ``FileExistsError`` says so, rather than a save that silently
    does nothing.

    Args:
        filepath: the existing file.

    Returns:
        True to overwrite, False to keep the existing file.

    Raises:
        FileExistsError: there is no one to ask.

    Example:
        >>> if ask_to_proceed_with_overwrite('model.h5'):  # doctest: +SKIP
        ...     print('overwriting')
    """
    try:
        answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]")
        while answer not in ("y", "n"):
            answer = input('Enter "y" (overwrite) or "n" (cancel).')
    except (EOFError, OSError) as error:
        raise FileExistsError(
            f"{filepath} already exists and overwrite=False, but there is no terminal to ask "
            f"whether to replace it ({type(error).__name__}: {error}). Pass overwrite=True to "
            "replace it, or save under another name.") from error
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True
