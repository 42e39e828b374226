"""``History``, the callback ``fit`` returns: the epoch logs, by key.

``history.history`` answers every Keras spelling of a key but lists, prints and iterates only
the keys the model logged (``LogsDict``), so ``pandas.DataFrame(history.history)`` and
``print(history.history)`` look like Keras 2. When the program reads a key in its Keras 2.3
spelling (``history.history['accuracy']`` after logging ``acc``), the keys are renamed to the
2.3 spelling (see ``cornu.config.metric_names``).

Example:
    >>> history = History()
    >>> history.on_train_begin()
    >>> history.on_epoch_end(0, {'loss': 0.5, 'acc': 0.75})
    >>> history.history['accuracy'], 'accuracy' in history.history, list(history.history)
    ([0.75], True, ['loss', 'acc'])
"""
from cornu.callbacks.base import Callback
from cornu.callbacks.logs import LogsDict, as_spelling
from cornu.config import metric_names


class AliasedHistoryDict(LogsDict):
    """The ``history.history`` dict: a ``LogsDict`` of lists that renames its own keys when a
    lookup switches the program to Keras 2.3 names.

    Example:
        >>> h = AliasedHistoryDict({'accuracy': [0.5]})
        >>> h['acc'], 'val_acc' in h, h
        ([0.5], False, {'accuracy': [0.5]})
    """

    def _noticed(self, key):
        switched = super()._noticed(key)
        if switched:
            self.respell(metric_names.era())
        return switched

    def get(self, key, default=None):
        """Returns the value under ``key`` or one of its spellings, else ``default``, without
        switching the era: after training, a ``get`` is defensive code reading both spellings
        (``h.history.get('val_acc', h.history.get('val_accuracy'))``), which tells nothing of
        the names the program expects. (A callback's ``logs.get('val_accuracy')`` does.)"""
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        alias = self._stored_alias(key)
        return default if alias is None else dict.__getitem__(self, alias)


class History(Callback):
    """Records the epoch logs of a ``fit``; ``fit`` returns it.

    After training, ``history.epoch`` lists the epoch indices and ``history.history`` maps each
    logged name (``loss``, ``acc``, ``val_loss`` ...) to its list of per-epoch values; any Keras
    spelling of a name works for lookups (see ``AliasedHistoryDict``).

    Args:
        spelling: how keys are spelled (``fit`` passes the compiled objective), or a
            ``key -> other spellings`` callable; default: the Keras 2 metric synonyms.

    Example:
        >>> history = History()
        >>> history.on_train_begin()
        >>> for epoch, loss in enumerate([0.9, 0.4]):
        ...     history.on_epoch_end(epoch, {'loss': loss})
        >>> history.epoch, history.history
        ([0, 1], {'loss': [0.9, 0.4]})
    """

    def __init__(self, spelling=None):
        super().__init__()
        self.spelling = as_spelling(spelling)
        self.epoch = []
        self.history = AliasedHistoryDict(spelling=self.spelling)

    def on_train_begin(self, logs=None):
        """Starts empty records (Keras 2.2.4 makes a new History for every ``fit``)."""
        self.epoch = []
        self.history = AliasedHistoryDict(spelling=self.spelling)

    def on_epoch_end(self, epoch, logs=None):
        """Appends ``epoch`` and each value of ``logs`` under its key."""
        era = metric_names.era()
        if any(self.spelling.respelled(key, era) != key for key in self.history):
            self.history.respell(era)  # a callback read a Keras 2.3 name since the last epoch
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
