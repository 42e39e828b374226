"""The ``keras`` import alias: ``keras`` and ``keras.X.Y`` resolve to ``cornu`` and ``cornu.X.Y``.

The alias modules are the cornu module objects themselves
(``sys.modules['keras.layers'] is sys.modules['cornu.layers']``), so classes and functions are
shared; ``keras`` itself is a thin module over ``cornu`` whose ``__version__`` is the Keras
version cornu follows (books check it), while ``cornu.__version__`` stays cornu's. Keras 2's
layer modules (``keras.layers.convolutional`` ...) are ``cornu.layers`` itself
(:data:`LAYER_MODULES`); other Keras 2 module paths whose cornu home has another name are
listed in :data:`RELOCATED`, used only when the same-named cornu module does not exist.
``tensorflow.keras`` is not aliased.

Example:
    >>> finder = KerasAliasFinder()
    >>> finder.resolve('keras.backend')
    'cornu.backend'
    >>> finder.resolve('keras.utils.np_utils')
    'cornu.utils.np_utils'
"""
import importlib
import importlib.abc
import importlib.util
import sys
import types

from cornu.config.keras_version import KERAS_VERSION

ALIAS = "keras"
TARGET = "cornu"

# Keras 2's layer modules -> ``cornu.layers``, which holds every layer: always, even where a
# same-named cornu module exists (``keras.layers.convolutional`` also served the pooling,
# upsampling, padding and cropping layers; ``cornu.layers.convolutional`` holds convolutions).
LAYER_MODULES = {f"keras.layers.{family}": "cornu.layers" for family in (
    "core", "advanced_activations", "convolutional", "convolutional_recurrent", "pooling",
    "recurrent", "cudnn_recurrent", "embeddings", "normalization", "merge", "noise", "wrappers",
    "local")}

# Keras 2 module -> cornu module, for Keras paths with no same-named cornu module.
RELOCATED = {
    **{f"keras.engine.{part}": "cornu.engine" for part in (
        "topology", "training", "sequential", "network", "base_layer", "input_layer")},
    "keras.engine.saving": "cornu.saving.engine_saving",
    **{f"keras.utils.{part}": "cornu.utils" for part in (
        "generic_utils", "vis_utils", "layer_utils")},
    # Keras 2.3 split keras.callbacks into these two modules
    "keras.callbacks.callbacks": "cornu.callbacks",
    "keras.callbacks.tensorboard_v1": "cornu.callbacks",
}


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Meta-path finder that serves ``keras.*`` imports from the ``cornu`` package.

    Names it cannot map raise ``ModuleNotFoundError`` naming both the keras and the cornu module.
    """

    def __init__(self):
        self.aliased = set()

    def find_spec(self, fullname, path=None, target=None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
            return None
        real = self.resolve(fullname)
        is_package = hasattr(sys.modules[real], "__path__") if real in sys.modules else \
            importlib.util.find_spec(real).submodule_search_locations is not None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(fullname, real, self),
                                               is_package=is_package)

    def resolve(self, fullname):
        """Returns the cornu module name that serves the keras module ``fullname``.

        Args:
            fullname: ``'keras'`` or a dotted ``'keras.…'`` name.

        Raises:
            ModuleNotFoundError: cornu has no counterpart (yet).
        """
        if fullname in LAYER_MODULES:
            return LAYER_MODULES[fullname]
        same_name = TARGET + fullname[len(ALIAS):]
        if _module_exists(same_name):
            return same_name
        relocated = RELOCATED.get(fullname)
        if relocated is not None and _module_exists(relocated):
            return relocated
        tried = same_name if relocated is None else f"{same_name} or {relocated}"
        raise ModuleNotFoundError(
            f"No module named {fullname!r}: cornu runs Keras code by serving {fullname} from "
            f"{tried}, which does not exist (yet). Import another module, or check the "
            f"spelling of the Keras 2 module path.", name=fullname)


class _AliasLoader(importlib.abc.Loader):
    """Returns the cornu module itself as the module of the keras name."""

    def __init__(self, alias_name, target, finder):
        self.alias_name = alias_name
        self.target = target
        self.finder = finder
        self.target_spec = None

    def create_module(self, spec):
        module = importlib.import_module(self.target)
        self.target_spec = module.__spec__
        if self.alias_name == ALIAS:
            return KerasPackage(module)
        return module

    def exec_module(self, module):
        if not isinstance(module, KerasPackage):
            # The import system has just set module.__spec__ to the alias spec; the cornu
            # module keeps its own spec (so reload() and find_spec('cornu...') still work).
            module.__spec__ = self.target_spec
        self.finder.aliased.add(self.alias_name)


class KerasPackage(types.ModuleType):
    """``keras`` under the alias: every attribute is cornu's, but ``__version__`` is the Keras
    version cornu follows.

    Args:
        cornu_module: the ``cornu`` package.
    """

    def __init__(self, cornu_module):
        super().__init__(ALIAS, cornu_module.__doc__)
        self.__dict__["cornu"] = cornu_module
        self.__path__ = list(cornu_module.__path__)
        self.__version__ = KERAS_VERSION

    def __getattr__(self, name):
        return getattr(self.__dict__["cornu"], name)

    def __dir__(self):
        return sorted(set(dir(self.__dict__["cornu"])) | set(self.__dict__))


def _module_exists(name):
    if name in sys.modules:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if name == missing or name.startswith(missing + "."):
            return False
        raise  # a cornu module failed to import something else: show that error
