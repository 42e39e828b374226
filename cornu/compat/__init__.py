"""Running textbook code unchanged: the ``keras`` import alias.

After :func:`install_keras_alias`, ``import keras``, ``from keras.models import Sequential`` or
``from keras import backend as K`` give the cornu modules. ``cornu run script.py`` installs it
before running the script.

Example:
    >>> install_keras_alias()
    >>> import keras.backend, cornu.backend
    >>> keras.backend is cornu.backend
    True
    >>> uninstall_keras_alias()
"""
import sys

from cornu.compat.keras_alias import ALIAS, RELOCATED, KerasAliasFinder  # noqa: F401


def _installed_finder():
    return next((f for f in sys.meta_path if isinstance(f, KerasAliasFinder)), None)


def install_keras_alias():
    """Makes ``keras`` and ``keras.*`` imports resolve to cornu (idempotent).

    Raises:
        RuntimeError: a real ``keras`` package is already imported in this interpreter.
    """
    if _installed_finder() is not None:
        return
    existing = sys.modules.get(ALIAS)
    if existing is not None and getattr(existing, "cornu", None) is not sys.modules.get("cornu"):
        raise RuntimeError(
            f"Cannot alias keras to cornu: a real keras ({getattr(existing, '__file__', '?')}) "
            f"is already imported. Install the alias before anything imports keras, e.g. run "
            f"the program with `python -m cornu run program.py`.")
    sys.meta_path.insert(0, KerasAliasFinder())


def uninstall_keras_alias():
    """Removes the alias and forgets the ``keras.*`` modules it created (idempotent)."""
    finder = _installed_finder()
    if finder is None:
        return
    sys.meta_path.remove(finder)
    for name in finder.aliased:
        module = sys.modules.get(name)
        if module is not None and module.__name__.split(".")[0] in ("cornu", ALIAS):
            del sys.modules[name]
    finder.aliased.clear()
