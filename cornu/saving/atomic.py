"""Atomic saves: a file is written under a temporary name in its folder, flushed to disk, then
renamed over the target (``os.replace``), so a reader, or a process killed mid-save, only ever
sees the previous file or the complete new one.

A save killed before the rename leaves its temporary file (``.<name>.<random>.tmp``) next to the
target; the target itself is untouched.

Example:
    >>> with atomic_write('model.h5') as temporary:  # doctest: +SKIP
    ...     write_everything_to(temporary)
"""
import contextlib
import os
import secrets

from cornu.utils.io_utils import ask_to_proceed_with_overwrite


def should_write(filepath, overwrite):
    """Whether a save may go ahead: always with ``overwrite=True`` or for a new file; else
    Keras 2's question on the terminal.

    Args:
        filepath: the target path.
        overwrite: the save's ``overwrite`` argument.

    Raises:
        FileExistsError: ``overwrite=False``, the file exists and there is no terminal to ask.

    Example:
        >>> should_write('/no/such/file.h5', overwrite=False)
        True
    """
    if overwrite or not os.path.isfile(filepath):
        return True
    return ask_to_proceed_with_overwrite(filepath)


def _create_temporary(folder, name):
    while True:
        path = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            # 0o666 as for any new file: the process umask applies.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return path
        except FileExistsError:
            continue


def _sync(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder):
    try:
        _sync(folder)
    except OSError:
        pass  # some file systems (and Windows) cannot sync a directory; the rename still holds


@contextlib.contextmanager
def atomic_write(filepath):
    """Yields a temporary path to write the whole file to; when the block ends without an
    error, the file is synced and renamed over ``filepath``; on an error it is removed.

    The folder is created if missing, as tf.keras and Keras 3 do.

    Args:
        filepath: the target path.

    Raises:
        IsADirectoryError: ``filepath`` is a folder.

    Example:
        >>> with atomic_write('weights.h5') as temporary:  # doctest: +SKIP
        ...     np.save(temporary, array)
    """
    filepath = os.path.abspath(os.fspath(filepath))
    if os.path.isdir(filepath):
        raise IsADirectoryError(f"Cannot save to {filepath}: it is a folder. Give a file name, "
                                "e.g. os.path.join(folder, 'model.h5').")
    folder, name = os.path.split(filepath)
    os.makedirs(folder, exist_ok=True)
    temporary = _create_temporary(folder, name)
    try:
        yield temporary
        _sync(temporary)
        os.replace(temporary, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    _sync_folder(folder)
