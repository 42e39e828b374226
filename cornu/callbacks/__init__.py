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
from cornu.callbacks.backup_and_restore import BackupAndRestore
from cornu.callbacks.base import Callback, CallbackList
from cornu.callbacks.base_logger import BaseLogger
from cornu.callbacks.csv_logger import CSVLogger
from cornu.callbacks.early_stopping import EarlyStopping
from cornu.callbacks.history import AliasedHistoryDict, History
from cornu.callbacks.lambda_callback import LambdaCallback
from cornu.callbacks.learning_rate_scheduler import LearningRateScheduler
from cornu.callbacks.logs import LogsDict, default_key_aliases
from cornu.callbacks.model_checkpoint import ModelCheckpoint
from cornu.callbacks.progbar_logger import ProgbarLogger
from cornu.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from cornu.callbacks.remote_monitor import RemoteMonitor
from cornu.callbacks.tensorboard import TensorBoard
from cornu.callbacks.terminate_on_nan import TerminateOnNaN
from cornu.callbacks.validation_data import keras2_validation_data

__all__ = [
    'AliasedHistoryDict',
    'BackupAndRestore',
    'BaseLogger',
    'CSVLogger',
    'Callback',
    'CallbackList',
    'EarlyStopping',
    'History',
    'LambdaCallback',
    'LearningRateScheduler',
    'LogsDict',
    'ModelCheckpoint',
    'ProgbarLogger',
    'ReduceLROnPlateau',
    'RemoteMonitor',
    'TensorBoard',
    'TerminateOnNaN',
    'default_key_aliases',
    'keras2_validation_data',
]
