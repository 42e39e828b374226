"""What the monitoring callbacks share: reading the monitored value from the logs in any Keras
spelling (``acc`` / ``accuracy``, ``val_acc`` / ``val_accuracy`` ...) and Keras 2's ``mode``
rule (``'auto'`` maximises names holding ``acc`` or ``fmeasure``, minimises the others).

Example:
    >>> direction = resolved_mode('val_acc', 'auto', 'EarlyStopping')
    >>> direction, bool(monitor_op(direction)(0.9, 0.8))
    ('max', True)
    >>> monitored_value({'val_accuracy': 0.9}, 'val_acc')
    0.9
"""
import warnings

import numpy as np

from cornu.callbacks.logs import default_key_aliases

MODES = ('auto', 'min', 'max')


def resolved_mode(monitor, mode, owner_label):
    """``'min'`` or ``'max'``: ``mode`` itself, or for ``'auto'`` Keras 2's rule on the name
    (``'max'`` when it holds ``acc`` or ``fmeasure``). An unknown mode warns as Keras 2 does
    and falls back to ``'auto'``.

    Args:
        monitor: the monitored log key, e.g. ``'val_loss'``.
        mode: ``'auto'``, ``'min'`` or ``'max'``.
        owner_label: how Keras 2's warning names the callback (``'EarlyStopping'``).

    Example:
        >>> resolved_mode('val_accuracy', 'auto', 'EarlyStopping')
        'max'
    """
    if not isinstance(monitor, str):
        raise TypeError(f'{owner_label}: `monitor` must be the name of a logged quantity such as '
                        f'"val_loss" or "acc", received {monitor!r}.')
    if mode not in MODES:
        warnings.warn('%s mode %s is unknown, fallback to auto mode.' % (owner_label, mode),
                      RuntimeWarning)
        mode = 'auto'
    if mode == 'auto':
        return 'max' if 'acc' in monitor or 'fmeasure' in monitor else 'min'
    return mode


def monitor_op(direction):
    """Keras 2's comparison ``monitor_op(current, best)``: ``np.greater`` when larger is
    better, else ``np.less``.

    Args:
        direction: ``'min'`` or ``'max'`` (see ``resolved_mode``).

    Example:
        >>> monitor_op('max')(0.9, 0.8)
        np.True_
    """
    return np.greater if direction == 'max' else np.less


def worst_value(direction):
    """The starting "best" value: ``inf`` when smaller is better, ``-inf`` otherwise.

    Args:
        direction: ``'min'`` or ``'max'``.

    Example:
        >>> worst_value('min')
        inf
    """
    return -np.inf if direction == 'max' else np.inf


def monitored_value(logs, monitor):
    """The value of ``monitor`` in ``logs`` under any of its Keras spellings, or None.

    Args:
        logs: the epoch (or batch) logs; a ``LogsDict`` or a plain dict.
        monitor: the key, e.g. ``'val_acc'`` or ``'val_accuracy'``.

    Example:
        >>> monitored_value({'acc': 0.5}, 'accuracy'), monitored_value({}, 'loss')
        (0.5, None)
    """
    logs = logs or {}
    if monitor in logs:
        return logs[monitor]
    for alias in default_key_aliases(monitor):
        if alias in logs:
            return logs[alias]
    return None


def available_keys(logs):
    """The logged keys as Keras 2's warnings list them (``'loss,acc,val_loss'``).

    Args:
        logs: the logs dict.
    """
    return ','.join(str(key) for key in (logs or {}))
