"""The ``Optimizer`` base class: Keras 2 bookkeeping around a fast torch update.

Subclasses declare their hyperparameter variables and slots and implement ``_update``; the base
class handles the learning-rate spelling (``lr`` / ``learning_rate``), gradient clipping
(Keras 2.2.4: ``clipnorm`` on the global norm of all gradients, then ``clipvalue``),
``iterations``, the slot state, ``get_weights``/``set_weights`` and configs.

Example:
    >>> import torch
    >>> from cornu.optimizers import SGD
    >>> w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    >>> w.grad = torch.tensor([1.0, -1.0])
    >>> opt = SGD(lr=0.5)
    >>> opt.step([w])
    >>> w.tolist(), int(opt.iterations)
    ([0.5, 2.5], 1)
"""
import numbers

import numpy as np
import torch
from torch.utils.weak import WeakIdKeyDictionary

from cornu.optimizers.slots import SlotGroup
from cornu.optimizers.variables import HyperVariable


class Optimizer:
    """Abstract base class of the Keras 2 optimizers.

    Hyperparameters that Keras 2 kept as backend variables (``lr``, ``decay``, ``momentum``,
    ``beta_1`` ...) are 0-d tensors: ``K.set_value(opt.lr, 0.01)`` takes effect on the next step.
    They live on the CPU and are read as Python numbers only after they change, so a step never
    waits on an accelerator.

    Args:
        clipnorm: float >= 0; when > 0, all gradients are scaled by ``clipnorm / norm`` if their
            global L2 norm is at least ``clipnorm``.
        clipvalue: float >= 0; when > 0, gradients are clipped to ``[-clipvalue, clipvalue]``.
    """

    iterations = HyperVariable(dtype=torch.int64)
    lr = HyperVariable()
    learning_rate = HyperVariable("lr")

    #: Slot names in the order Keras 2.2.4 lists them in ``optimizer.weights``.
    slot_names = ()
    #: Whether Keras 2.2.4 puts ``iterations`` first in ``optimizer.weights``.
    weights_include_iterations = True
    #: The ``decay`` given to the constructor; as in Keras 2, decay applies only when it is > 0.
    initial_decay = 0.0

    def __init__(self, clipnorm=None, clipvalue=None, **kwargs):
        for key in kwargs:
            raise TypeError(f"Unexpected keyword argument passed to optimizer: {key}")
        self._variables = {}
        self.iterations = 0
        self.clipnorm = _clip_threshold("clipnorm", clipnorm)
        self.clipvalue = _clip_threshold("clipvalue", clipvalue)
        self._state = WeakIdKeyDictionary()
        self._params = []
        self._groups = []
        self._bound_key = None
        self._seen_versions = None
        self._values = {}

    # ----------------------------------------------------------------- update
    def step(self, params, grads=None):
        """Applies one update to ``params`` from their ``.grad`` (or ``grads``), in place.

        Parameters whose gradient is None are skipped (their slots are left untouched). When
        the gradients are the flat-buffer views that ``bind`` installed, the update reads the
        flat buffer directly; other gradients are copied into it first.

        Args:
            params: list of ``torch.nn.Parameter``; pass the same list in the same order on
                every step (a different list is fine too: slot state follows each parameter).
            grads: the gradients, one per parameter, instead of their ``.grad``.
        """
        if grads is None:
            grads = [p.grad for p in params]
        key = (tuple(map(id, params)), tuple([g is not None for g in grads]))
        values = self._current_values()
        if torch.is_grad_enabled():
            with torch.no_grad():
                self._apply(params, grads, key, values)
        else:  # already without autograd (e.g. inside a training step's inference mode)
            self._apply(params, grads, key, values)
        self._seen_versions[0] = self.iterations._version
        values["iterations"] += 1

    def _apply(self, params, grads, key, values):
        if key != self._bound_key:
            self._bind(params, key)
        for group in self._groups:
            indices = group.indices
            group.set_grads(grads if indices is None else [grads[i] for i in indices])
        if self._groups and (self.clipnorm or self.clipvalue):
            self._clip(self._groups)
        for group in self._groups:
            self._update(group, values)
        self.iterations.add_(1)

    def bind(self, params):
        """Prepares the update of ``params``: creates their slots and gives each parameter a
        ``.grad`` that is its view of one flat gradient buffer (zeroed).

        A step that computes gradients itself writes them there (``torch.mm(..., out=p.grad)``;
        autograd too accumulates into an existing ``.grad``), so the update then reads them
        without a copy, and callbacks see them in ``.grad`` after every step.

        Args:
            params: the list of parameters later passed to ``step``.

        Example:
            >>> import torch
            >>> from cornu.optimizers import SGD
            >>> w = torch.nn.Parameter(torch.ones(2))
            >>> opt = SGD(lr=0.5)
            >>> opt.bind([w])
            >>> _ = w.grad.fill_(1.0)
            >>> opt.step([w])
            >>> w.tolist()
            [0.5, 0.5]
        """
        self.build(params)
        with torch.no_grad():
            for group in self._groups:
                for param, view in zip(group.params, group.grad_views()):
                    view.zero_()
                    param.grad = view

    def build(self, params):
        """Creates the slots for ``params`` without updating them (e.g. before ``set_weights``).

        Args:
            params: the list of parameters later passed to ``step``.
        """
        params = list(params)
        with torch.no_grad():
            self._bind(params, (tuple(map(id, params)), (True,) * len(params)))

    def _update(self, group, values):
        """Updates one ``SlotGroup``; implemented by each optimizer.

        Args:
            group: the ``SlotGroup`` (parameters, this step's grads, flat slots).
            values: dict of the current hyperparameter values as Python numbers.
        """
        raise NotImplementedError

    def _decayed_lr(self, values):
        """Returns Keras 2's ``lr * 1 / (1 + decay * iterations)`` (plain ``lr`` without decay)."""
        if self.initial_decay > 0:
            return values["lr"] * (1.0 / (1.0 + values["decay"] * values["iterations"]))
        return values["lr"]

    def _current_values(self):
        versions = [t._version for t in self._variables.values()]
        if versions != self._seen_versions:
            # Runs only after a variable was written (K.set_value, set_weights): CPU reads.
            self._values = {name: t.item() for name, t in self._variables.items()}
            self._seen_versions = versions
        return self._values

    def _clip(self, groups):
        flats = [group.flat_grad() for group in groups]
        if self.clipnorm:
            if len(flats) == 1:
                norm = torch.linalg.vector_norm(flats[0])
            else:
                device = flats[0].device
                norm = torch.linalg.vector_norm(torch.stack(
                    [torch.linalg.vector_norm(f).to(device, torch.float32) for f in flats]))
            scale = (self.clipnorm / norm).clamp_(max=1.0)
            for flat in flats:
                flat.mul_(scale.to(flat.device))
        if self.clipvalue:
            for flat in flats:
                flat.clamp_(-self.clipvalue, self.clipvalue)

    # ------------------------------------------------------------------ slots
    def _bind(self, params, key):
        with torch.inference_mode(False):  # slots are state: never inference tensors
            self._bind_slots(params, key)

    def _bind_slots(self, params, key):
        self._params = list(params)
        for p in self._params:
            if p not in self._state:
                self._state[p] = self._new_slots(p)
        active = [(i, p) for i, (p, on) in enumerate(zip(self._params, key[1])) if on]
        by_kind = {}
        for i, p in active:
            by_kind.setdefault((p.device, p.dtype), []).append((i, p))
        whole = len(by_kind) == 1 and len(active) == len(self._params)
        flat_names = self._flat_slot_names()
        self._groups = [SlotGroup([p for _, p in members], flat_names, self._state.__getitem__,
                                  None if whole else [i for i, _ in members])
                        for members in by_kind.values()]
        self._bound_key = key

    def _new_slots(self, param):
        """Returns a new parameter's zero slots ``{name: tensor}``."""
        return {name: torch.zeros_like(param) for name in self.slot_names}

    def _flat_slot_names(self):
        """Names of the slots shaped like their parameter (stored flat)."""
        return self.slot_names

    # ---------------------------------------------------------------- weights
    @property
    def weights(self):
        """The optimizer's state tensors in Keras 2.2.4 order (empty before the first step)."""
        if not self._params:
            return []
        head = [self.iterations] if self.weights_include_iterations else []
        return head + [self._state[p][name] for name in self.slot_names for p in self._params]

    def get_weights(self):
        """Returns the optimizer's state as a list of NumPy arrays (see ``weights``)."""
        return [w.detach().cpu().numpy() for w in self.weights]

    def set_weights(self, weights):
        """Sets the optimizer's state from NumPy arrays, as returned by ``get_weights``.

        Also accepts the Keras 2.3 layouts (``iterations`` first for RMSprop, Adagrad and
        Adadelta; Adam without the unused ``vhats``).

        Args:
            weights: list of arrays matching ``weights`` in number and shapes.
        """
        weights = list(weights)
        targets = self._targets_for(weights)
        if len(targets) != len(weights):
            hint = ("" if self._params else " The optimizer has no weights before its first step: "
                    "call optimizer.build(model.trainable_weights) first.")
            raise ValueError(f"Length of the specified weight list ({len(weights)}) does not match "
                             f"the number of weights of the optimizer ({len(targets)}).{hint}")
        for target, value in zip(targets, weights):
            if tuple(target.shape) != np.shape(value):
                raise ValueError(f"Optimizer weight shape {tuple(target.shape)} not compatible "
                                 f"with provided weight shape {np.shape(value)}.")
        with torch.no_grad():
            for target, value in zip(targets, weights):
                target.copy_(torch.as_tensor(np.asarray(value), dtype=target.dtype,
                                             device=target.device))

    def _targets_for(self, weights):
        """The tensors that ``weights`` (a possibly older/newer layout) map onto."""
        targets = self.weights
        if not self.weights_include_iterations and targets and len(weights) == len(targets) + 1:
            return [self.iterations] + targets
        return targets

    # ----------------------------------------------------------------- config
    def get_config(self):
        """Returns the Keras 2 config: the subclass keys plus ``clipnorm``/``clipvalue`` if set."""
        config = {}
        if self.clipnorm is not None:
            config["clipnorm"] = self.clipnorm
        if self.clipvalue is not None:
            config["clipvalue"] = self.clipvalue
        return config

    @classmethod
    def from_config(cls, config):
        """Builds an optimizer from ``get_config()`` output (Keras 2.2.4 or 2.3 keys).

        Args:
            config: dict; ``lr`` or ``learning_rate``, and a tf.keras ``name`` is ignored.
        """
        config = dict(config)
        config.pop("name", None)
        return cls(**config)

    def _variable_value(self, name):
        return self._variables[name].item()


def resolve_learning_rate(lr, learning_rate, default):
    """Picks the learning rate given as ``lr=`` (Keras 2) or ``learning_rate=`` (Keras 2.3).

    Args:
        lr: value passed as ``lr`` or None.
        learning_rate: value passed as ``learning_rate`` or None.
        default: the optimizer's default learning rate.
    """
    if lr is not None and learning_rate is not None:
        raise TypeError(f"The learning rate was passed twice: lr={lr!r} and "
                        f"learning_rate={learning_rate!r}. Pass only one of them (`lr` is the "
                        "Keras 2 name, `learning_rate` the Keras 2.3 name).")
    if lr is not None:
        return lr
    return default if learning_rate is None else learning_rate


def _clip_threshold(name, value):
    if value is None:
        return None
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < 0:
        raise ValueError(f"`{name}` must be a number >= 0 (0 turns clipping off), "
                         f"received {value!r}.")
    return float(value)
