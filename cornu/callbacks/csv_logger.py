"""``CSVLogger``: writes the epoch logs to a CSV file, one row per epoch.

The file looks like Keras 2's: a header ``epoch,acc,loss,val_acc,val_loss`` (``epoch`` then
the keys of the first epoch's logs, sorted), then a row per epoch (``epoch`` counted from 0),
lines ending in ``\\r\\n`` (Python's ``csv`` "excel" dialect). After every epoch the file on
disk is complete: a new file is rewritten whole through a temporary file renamed over it, an
appended one gets each row in one write, flushed to disk.

Example:
    >>> logger = CSVLogger('training.log', append=True)
    >>> model.fit(x, y, epochs=5, callbacks=[logger])  # doctest: +SKIP
"""
import csv
import io
import os

import numpy as np

from cornu.callbacks.base import Callback
from cornu.utils.data_utils import atomic_write


class CSVLogger(Callback):
    """Streams the epoch results to a CSV file.

    Args:
        filename: the CSV file (its folder is created if missing).
        separator: the one character between fields.
        append: add to an existing file (its header is kept; a new or empty file gets one)
            instead of replacing it.

    Example:
        >>> logger = CSVLogger('log.csv', separator=';')
        >>> logger.sep, logger.append
        (';', False)
    """

    def __init__(self, filename, separator=',', append=False):
        super().__init__()
        if not isinstance(filename, (str, os.PathLike)):
            raise TypeError(f'CSVLogger: `filename` must be a path, received {filename!r}.')
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f'CSVLogger: `separator` must be one character, such as "," or '
                             f'";", received {separator!r}.')
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self._write_header = True
        self._contents = b''

    def on_train_begin(self, logs=None):
        """Starts the file: empties it, or, when appending, checks whether it has a header."""
        folder = os.path.dirname(os.path.abspath(self.filename))
        os.makedirs(folder, exist_ok=True)
        if self.append:
            self._write_header = not _first_line(self.filename)
        else:
            self._write_header = True
            self._contents = b''
            atomic_write(self.filename, lambda f: f.write(b''))

    def on_epoch_end(self, epoch, logs=None):
        """Writes the epoch's row (and, first, the header)."""
        logs = logs or {}
        if self.keys is None:
            self.keys = self._columns(logs)
        lines = []
        if self._write_header:
            lines.append(['epoch'] + self.keys)
            self._write_header = False
        lines.append([epoch] + [_cell(logs.get(key, 'NA')) for key in self.keys])
        self._store(self._encode(lines))

    def _columns(self, logs):
        """The first epoch's keys, sorted; with validation every few epochs
        (``validation_freq``), the ``val_`` columns even when this epoch has none."""
        keys = set(logs)
        if self.params.get('do_validation'):
            keys.update(name for name in self.params.get('metrics', ()) if name.startswith('val_'))
        return sorted(keys)

    def _encode(self, rows):
        text = io.StringIO()
        csv.writer(text, delimiter=self.sep).writerows(rows)
        return text.getvalue().encode('utf-8')

    def _store(self, data):
        if self.append:
            with open(self.filename, 'ab') as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
        else:
            self._contents += data
            atomic_write(self.filename, lambda f: f.write(self._contents))


def _first_line(filename):
    """The first line of ``filename`` ('' when it is missing or empty)."""
    if not os.path.exists(filename):
        return ''
    with open(filename, 'r', newline='') as file:
        return file.readline()


def _cell(value):
    """A log value as Keras 2 wrote it: strings and numbers as they are, sequences (but 0-d
    arrays) as ``"[a, b]"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return '"[%s]"' % ', '.join(map(str, value))
    return value
