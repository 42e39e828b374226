"""Which Keras era names the logged metrics: Keras 2.2 (``acc``, ``mean_absolute_error``) or
Keras 2.3 (``accuracy``, ``mae``: the strings given to ``compile``).

Books written for Keras 2.2 read ``history.history['acc']``; those written for 2.3 read
``['accuracy']`` or loop over the keys looking for it. By default (``'auto'``) cornu logs the
2.2 names until the program reads a key in its 2.3 spelling (from a ``History`` or from
callback logs), and from then on presents 2.3 names everywhere: history keys, ``metrics_names``,
the progress bar and callback logs. ``set_metric_names('2.2')`` or ``('2.3')`` (or the
environment variable ``CORNU_METRIC_NAMES``) fixes the era instead.

Example:
    >>> set_metric_names('2.3')
    >>> era()
    '2.3'
    >>> set_metric_names('auto')
"""
import os

KERAS_22 = "2.2"
KERAS_23 = "2.3"
ERAS = (KERAS_22, KERAS_23)
_SETTINGS = ERAS + ("auto",)
_STATE = {"setting": "auto", "era": KERAS_22}


def _check(setting):
    if setting not in _SETTINGS:
        raise ValueError(f"Unknown metric-name era {setting!r}: expected '2.2' (acc, "
                         "mean_absolute_error), '2.3' (accuracy, mae) or 'auto' (2.2 until the "
                         "program reads a 2.3 name).")
    return setting


def set_metric_names(setting):
    """Fixes the era of logged metric names, or lets cornu follow the program (``'auto'``).

    Args:
        setting: ``'2.2'``, ``'2.3'`` or ``'auto'``.
    """
    _STATE["setting"] = _check(setting)
    _STATE["era"] = KERAS_22 if setting == "auto" else setting


def metric_names_setting():
    """The setting: ``'2.2'``, ``'2.3'`` or ``'auto'``."""
    return _STATE["setting"]


def era():
    """The era whose names are logged now: ``'2.2'`` or ``'2.3'``."""
    return _STATE["era"]


def note_read(spelling_era):
    """Records that the program read a log key spelled as in ``spelling_era``; in ``'auto'``
    mode, a 2.3 spelling switches the logged names to 2.3 for the rest of the process.

    Args:
        spelling_era: ``'2.2'`` or ``'2.3'``.

    Returns:
        True when the era changed.
    """
    if _STATE["setting"] == "auto" and spelling_era == KERAS_23 and _STATE["era"] == KERAS_22:
        _STATE["era"] = KERAS_23
        return True
    return False


set_metric_names(os.environ.get("CORNU_METRIC_NAMES", "auto"))
