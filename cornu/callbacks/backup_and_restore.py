"""``BackupAndRestore`` (tf-keras's callback; Keras 2.2.4 had none): a killed ``fit`` resumes
from its last completed epoch when the same program runs again.

At the end of every epoch the callback writes one file, ``<backup_dir>/backup.npz``, atomically
(a temporary file renamed over the previous backup, so a kill at any moment leaves a whole
backup): the model's weights, the optimizer's state (slots, ``iterations``, learning rate and
other hyperparameters), the epoch, the random generators' states (NumPy's global one, torch's,
Python's) and the order ``fit``'s in-place shuffle carries from epoch to epoch. At the start of
training, when that file exists, all of it is restored and training goes on at the next epoch,
drawing the batches, dropout masks and updates the uninterrupted run would have drawn. When
training ends normally (also when stopped early) the backup is deleted; an error or a kill keeps
it.

The file is a NumPy ``.npz`` read with ``allow_pickle=False``: loading it never runs code. It
fits only the model that wrote it (same layers and weight shapes); other callbacks' own state
(``EarlyStopping``'s patience counter ...) is not part of it, as in tf-keras.

Example:
    >>> backup = BackupAndRestore(backup_dir='/tmp/backup')
    >>> model.fit(x, y, epochs=10, callbacks=[backup])  # doctest: +SKIP
    >>> # killed during epoch 6; run the same program again: training goes on at epoch 6
"""
import os
import random

import numpy as np
import torch

from cornu.callbacks.base import Callback
from cornu.optimizers.variables import HyperVariable
from cornu.utils.data_utils import atomic_write

BACKUP_NAME = 'backup.npz'
_FORMAT = 'cornu-backup-1'


class BackupAndRestore(Callback):
    """Backs training up at the end of every epoch and resumes from the backup in a new run.

    Args:
        backup_dir: folder of the backup (created when missing); give each training run its
            own folder.
        save_freq: ``'epoch'``, the only frequency: a backup holds whole epochs.
        delete_checkpoint: delete the backup when training ends normally.

    Raises:
        ValueError: an empty ``backup_dir``, or a ``save_freq`` other than ``'epoch'``.

    Example:
        >>> backup = BackupAndRestore('/tmp/backup')
        >>> backup.backup_path
        '/tmp/backup/backup.npz'
    """

    def __init__(self, backup_dir, save_freq='epoch', delete_checkpoint=True):
        super().__init__()
        if not isinstance(backup_dir, (str, os.PathLike)) or not os.fspath(backup_dir):
            raise ValueError(f'BackupAndRestore: `backup_dir` must be the path of a folder for '
                             f'the backup, received {backup_dir!r}.')
        if save_freq != 'epoch':
            raise ValueError(f'BackupAndRestore: save_freq={save_freq!r} is not supported; cornu '
                             f'backs up at the end of each epoch, and a resumed run starts at '
                             f'the epoch after the last backup. Remove save_freq or pass '
                             f'"epoch".')
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.backup_path = os.path.join(self.backup_dir, BACKUP_NAME)

    def on_train_begin(self, logs=None):
        """Restores the backup, if there is one, and moves ``fit`` to the epoch after it."""
        fit_state = _fit_state(self.model)
        if not os.path.exists(self.backup_path):
            return
        with np.load(self.backup_path, allow_pickle=False) as stored:
            arrays = dict(stored)
        if str(arrays.get('format')) != _FORMAT:
            raise ValueError(f'{self.backup_path} is not a backup written by cornu\'s '
                             f'BackupAndRestore. Delete it, or give the callback another '
                             f'backup_dir.')
        _restore_model(self.model, arrays, self.backup_path)
        _restore_generators(arrays)
        fit_state.restore_shuffle_state(arrays.get('shuffle_index'))
        fit_state.initial_epoch = int(arrays['epoch']) + 1

    def on_epoch_end(self, epoch, logs=None):
        """Writes the backup of the epoch that just ended (atomically)."""
        arrays = {'format': np.array(_FORMAT), 'epoch': np.array(epoch)}
        arrays.update(_model_arrays(self.model))
        arrays.update(_generator_arrays())
        index = _fit_state(self.model).shuffle_state()
        if index is not None:
            arrays['shuffle_index'] = index
        os.makedirs(self.backup_dir, exist_ok=True)
        atomic_write(self.backup_path, lambda f: np.savez(f, **arrays))

    def on_train_end(self, logs=None):
        """Deletes the backup (training ended normally), and its folder when left empty."""
        if not self.delete_checkpoint or not os.path.exists(self.backup_path):
            return
        os.remove(self.backup_path)
        if not os.listdir(self.backup_dir):
            os.rmdir(self.backup_dir)


def _fit_state(model):
    state = getattr(model, '_fit_state', None)
    if state is None:
        raise RuntimeError('BackupAndRestore works inside model.fit: pass it in '
                           'fit(callbacks=[...]) rather than calling its hooks directly.')
    return state


# ----------------------------------------------------------------------------- model state

def _hyperparameters(optimizer):
    """The optimizer's hyperparameter tensors by storage name (``lr``, ``decay``,
    ``iterations`` ...), as ``K.get_value`` reads them."""
    keys = {attribute.key for cls in type(optimizer).__mro__
            for attribute in vars(cls).values() if isinstance(attribute, HyperVariable)}
    return {key: getattr(optimizer, key) for key in sorted(keys) if _has(optimizer, key)}


def _has(optimizer, key):
    try:
        getattr(optimizer, key)
    except AttributeError:
        return False
    return True


def _model_arrays(model):
    arrays = {f'weight_{i}': w for i, w in enumerate(model.get_weights())}
    optimizer = model.optimizer
    arrays.update((f'slot_{i}', w) for i, w in enumerate(optimizer.get_weights()))
    arrays.update((f'hyper_{key}', tensor.detach().cpu().numpy())
                  for key, tensor in _hyperparameters(optimizer).items())
    return arrays


def _numbered(arrays, prefix):
    count = sum(1 for key in arrays if key.startswith(prefix))
    return [arrays[f'{prefix}{i}'] for i in range(count)]


def _restore_model(model, arrays, where):
    weights = _numbered(arrays, 'weight_')
    expected = [w.shape for w in model.get_weights()]
    found = [w.shape for w in weights]
    if expected != found:
        raise ValueError(f'The backup {where} does not fit this model: it holds '
                         f'{len(found)} weights of shapes {found}, the model has '
                         f'{len(expected)} of shapes {expected}. It was written by another '
                         f'model; delete it, or give BackupAndRestore another backup_dir.')
    model.set_weights(weights)
    optimizer = model.optimizer
    slots = _numbered(arrays, 'slot_')
    if slots:
        optimizer.build(model.trainable_weights)
        try:
            optimizer.set_weights(slots)
        except ValueError as error:
            raise ValueError(f'The backup {where} holds the state of another optimizer '
                             f'({error}). Compile the model with the optimizer of the '
                             f'interrupted run, or delete the backup.') from None
    for key, tensor in _hyperparameters(optimizer).items():
        if f'hyper_{key}' in arrays:
            with torch.no_grad():
                tensor.copy_(torch.as_tensor(arrays[f'hyper_{key}'], dtype=tensor.dtype))


# ----------------------------------------------------------------------------- generators

def _generator_arrays():
    _, keys, position, has_gauss, gauss = np.random.get_state()
    version, internal, gauss_next = random.getstate()
    return {
        'numpy_rng_keys': keys, 'numpy_rng_position': np.array(position),
        'numpy_rng_gauss': np.array([has_gauss, gauss], dtype=np.float64),
        'torch_rng': torch.get_rng_state().numpy(),
        'python_rng': np.array((version,) + internal, dtype=np.int64),
        'python_rng_gauss': np.array([np.nan if gauss_next is None else gauss_next]),
    }


def _restore_generators(arrays):
    has_gauss, gauss = arrays['numpy_rng_gauss']
    np.random.set_state(('MT19937', arrays['numpy_rng_keys'].astype(np.uint32),
                         int(arrays['numpy_rng_position']), int(has_gauss), float(gauss)))
    torch.set_rng_state(torch.from_numpy(arrays['torch_rng'].astype(np.uint8)))
    state = [int(v) for v in arrays['python_rng']]
    gauss_next = float(arrays['python_rng_gauss'][0])
    random.setstate((state[0], tuple(state[1:]), None if np.isnan(gauss_next) else gauss_next))
