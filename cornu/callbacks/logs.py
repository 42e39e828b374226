"""Log dicts that answer every Keras spelling of a metric's key.

Books spell the same metric differently (``logs['acc']`` in one, ``logs['accuracy']`` in
another; ``'mae'`` or ``'mean_absolute_error'``). A ``LogsDict`` lists, prints and iterates
only the keys really logged, so ``pandas.DataFrame(history.history)`` and ``print(logs)`` look
like Keras, while lookups (``[]``, ``get``, ``in``) of another spelling find the value. A
lookup in the Keras 2.3 spelling of a key logged in the 2.2 one also tells
``cornu.config.metric_names`` that the program follows Keras 2.3 (see there).

Example:
    >>> logs = LogsDict({'loss': 0.5, 'acc': 0.75})
    >>> logs['accuracy'], 'val_acc' in logs, logs
    (0.75, False, {'loss': 0.5, 'acc': 0.75})
"""
from cornu.config import metric_names

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
    """Returns the other Keras 2 spellings of a log key (``'val_acc'`` -> ``['val_accuracy']``).

    Args:
        key: a key such as ``'acc'``, ``'val_mae'`` or ``'loss'``.

    Example:
        >>> default_key_aliases('val_mae'), default_key_aliases('loss')
        (['val_mean_absolute_error'], [])
    """
    return list(_ALIASES.get(key, ()))


class KeySpelling:
    """How the keys of one model's logs are spelled: the other spellings of a key and, for a
    compiled model, which Keras era a spelling belongs to (``CompiledObjective`` is one).

    Args:
        key_aliases: callable ``key -> list of other spellings``; default
            ``default_key_aliases``.
    """

    def __init__(self, key_aliases=None):
        self._key_aliases = key_aliases or default_key_aliases

    def aliases(self, key):
        """The other spellings of ``key``."""
        return self._key_aliases(key)

    def era_of(self, key):
        """The era only ``key``'s spelling belongs to (None: no era tells them apart)."""
        return None

    def respelled(self, key, era):
        """``key`` as ``era`` spells it (unchanged here)."""
        return key


def as_spelling(spelling):
    """A spelling object from one, a ``key -> aliases`` callable, or None (the defaults)."""
    if spelling is None or (callable(spelling) and not hasattr(spelling, 'aliases')):
        return KeySpelling(spelling)
    return spelling


class LogsDict(dict):
    """A dict of logged values that also answers the other spellings of its keys.

    Args:
        *args: as for ``dict``.
        spelling: a ``KeySpelling``-like object, or a ``key -> aliases`` callable.
        **kwargs: as for ``dict``.
    """

    def __init__(self, *args, spelling=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.spelling = as_spelling(spelling)

    def _stored_alias(self, key):
        if isinstance(key, str):
            for alias in self.spelling.aliases(key):
                if dict.__contains__(self, alias):
                    return alias
        return None

    def _noticed(self, key):
        """Tells ``metric_names`` which era the program's spelling of ``key`` belongs to;
        returns True when that switched the era."""
        era = self.spelling.era_of(key)
        return era is not None and metric_names.note_read(era)

    def __missing__(self, key):
        alias = self._stored_alias(key)
        if alias is None:
            raise KeyError(key)
        value = dict.__getitem__(self, alias)
        self._noticed(key)
        return value

    def __contains__(self, key):
        if dict.__contains__(self, key):
            return True
        if self._stored_alias(key) is None:
            return False
        self._noticed(key)
        return True

    def get(self, key, default=None):
        """Returns the value under ``key`` or one of its spellings, else ``default``."""
        return self[key] if key in self else default

    def respell(self, era):
        """Renames the keys in place (order kept) to how ``era`` spells them.

        Args:
            era: ``'2.2'`` or ``'2.3'``.
        """
        items = [(self.spelling.respelled(key, era), value) for key, value in self.items()]
        self.clear()
        self.update(items)
