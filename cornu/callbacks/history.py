"""``History``, the callback ``fit`` returns, and the metric-name aliasing of its ``history`` dict.

Books spell the same metric differently (``history.history['acc']`` in one, ``['accuracy']`` in
another). ``history.history`` answers every Keras spelling of a key, but lists, prints and
iterates only the keys the model actually logged, so ``pandas.DataFrame(history.history)`` and
``print(history.history)`` look like Keras 2.

Example:
    >>> history = History()
    >>> history.on_train_begin()
    >>> history.on_epoch_end(0, {'loss': 0.5, 'acc': 0.75})
    >>> history.history['accuracy'], 'accuracy' in history.history, list(history.history)
    ([0.75], True, ['loss', 'acc'])
"""
from cornu.callbacks.base import Callback, overrides_any_hook

_METRIC_SPELLINGS = (
    ('acc', 'accuracy'),
    ('mae', 'mean_absolute_error'),
    ('mse', 'mean_squared_error'),
    ('mape', 'mean_absolute_percentage_error'),
    ('msle', 'mean_squared_logarithmic_error'),
    ('cosine', 'cosine_proximity'),
)


def _build_alias_table():
    table = {}
    for spellings in _METRIC_SPELLINGS:
        for prefix in ('', 'val_'):
            names = [prefix + name for name in spellings]
            for name in names:
                table[name] = [other for other in names if other != name]
    return table


_ALIASES = _build_alias_table()


def default_key_aliases(key):
    """Returns the other Keras 2 spellings of a history key (``'val_acc'`` -> ``['val_accuracy']``).

    Args:
        key: a history key such as ``'acc'``, ``'val_mae'`` or ``'loss'``.

    Example:
        >>> default_key_aliases('val_mae'), default_key_aliases('loss')
        (['val_mean_absolute_error'], [])
    """
    return list(_ALIASES.get(key, ()))


class AliasedHistoryDict(dict):
    """A dict of metric histories that also answers the other spellings of its keys.

    Only the keys really stored are iterated, listed and printed; lookups (``[]``, ``get``,
    ``in``) of a missing key fall back to its aliases.

    Args:
        *args: as for ``dict``.
        key_aliases: callable ``key -> list of other spellings``; default ``default_key_aliases``.
        **kwargs: as for ``dict``.

    Example:
        >>> h = AliasedHistoryDict({'accuracy': [0.5]})
        >>> h['acc'], 'val_acc' in h, h
        ([0.5], False, {'accuracy': [0.5]})
    """

    def __init__(self, *args, key_aliases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_aliases = key_aliases or default_key_aliases

    def _stored_alias(self, key):
        if isinstance(key, str):
            for alias in self.key_aliases(key):
                if dict.__contains__(self, alias):
                    return alias
        return None

    def __missing__(self, key):
        alias = self._stored_alias(key)
        if alias is None:
            raise KeyError(key)
        return dict.__getitem__(self, alias)

    def __contains__(self, key):
        return dict.__contains__(self, key) or self._stored_alias(key) is not None

    def get(self, key, default=None):
        """Returns the history under ``key`` or one of its spellings, else ``default``."""
        return self[key] if key in self else default


class History(Callback):
    """Records the epoch logs of a ``fit``; ``fit`` returns it.

    After training, ``history.epoch`` lists the epoch indices and ``history.history`` maps each
    logged name (``loss``, ``acc``, ``val_loss`` ...) to its list of per-epoch values; any Keras
    spelling of a name works for lookups (see ``AliasedHistoryDict``).

    Args:
        key_aliases: callable ``key -> list of other spellings``; default ``default_key_aliases``.

    Example:
        >>> history = History()
        >>> history.on_train_begin()
        >>> for epoch, loss in enumerate([0.9, 0.4]):
        ...     history.on_epoch_end(epoch, {'loss': loss})
        >>> history.epoch, history.history
        ([0, 1], {'loss': [0.9, 0.4]})
    """

    def __init__(self, key_aliases=None):
        super().__init__()
        self.key_aliases = key_aliases
        self.epoch = []
        self.history = AliasedHistoryDict(key_aliases=key_aliases)

    @property
    def needs_epoch_logs(self):
        """False: History only records each epoch's values, so they may come after the last
        epoch (a subclass that redefines a hook does need them at once)."""
        return overrides_any_hook(self, History)

    def on_train_begin(self, logs=None):
        """Starts empty records (Keras 2.2.4 makes a new History for every ``fit``)."""
        self.epoch = []
        self.history = AliasedHistoryDict(key_aliases=self.key_aliases)

    def on_epoch_end(self, epoch, logs=None):
        """Appends ``epoch`` and each value of ``logs`` under its key."""
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
