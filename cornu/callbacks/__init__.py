"""``keras.callbacks``: hooks into ``fit``, ``evaluate`` and ``predict``.

One file per callback family; each is re-exported here.

Example:
    >>> from cornu.callbacks import Callback
    >>> class LossHistory(Callback):
    ...     def on_train_begin(self, logs=None):
    ...         self.losses = []
    ...     def on_batch_end(self, batch, logs=None):
    ...         self.losses.append(logs.get('loss'))
"""
from cornu.callbacks.base import Callback, CallbackList
from cornu.callbacks.history import AliasedHistoryDict, History
from cornu.callbacks.logs import LogsDict, default_key_aliases
from cornu.callbacks.progbar_logger import ProgbarLogger

__all__ = [
    'AliasedHistoryDict',
    'Callback',
    'CallbackList',
    'History',
    'LogsDict',
    'ProgbarLogger',
    'default_key_aliases',
]
