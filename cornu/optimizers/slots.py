"""Flat slot storage: the per-parameter optimizer state of many parameters in one tensor.

A small model has a handful of small parameters; updating them one by one (or with ``_foreach``
ops, which still launch one kernel per tensor) costs far more than the arithmetic. A
``SlotGroup`` keeps each slot (Adam's ``m``, ``v`` ...) of all its parameters in one flat
tensor, so an update rule is a few whole-tensor ops. Each parameter's share of a slot is a view
of the flat tensor, which is what ``Optimizer.weights`` returns.

Example:
    >>> import torch
    >>> params = [torch.nn.Parameter(torch.ones(2, 3)), torch.nn.Parameter(torch.ones(3))]
    >>> state = {id(p): {"m": torch.zeros_like(p)} for p in params}
    >>> group = SlotGroup(params, ["m"], lambda p: state[id(p)])
    >>> group.slots["m"].shape
    torch.Size([9])
"""
import torch


class SlotGroup:
    """Parameters of one dtype and device, with their slots stored as flat tensors.

    On creation each flat slot is filled from the parameters' current slot tensors, and the
    parameters' state is pointed at views of the flat tensors, so the state survives a change
    of the parameter list (re-compiling, freezing a layer).

    Args:
        params: the parameters, all of one dtype and device.
        slot_names: names of the slots shaped like their parameter, e.g. ``['ms', 'vs']``.
        state_of: function returning a parameter's slot dict ``{name: tensor}``.
        indices: positions of ``params`` in the list given to ``Optimizer.step``, or None
            when the group is that whole list in order.
    """

    def __init__(self, params, slot_names, state_of, indices=None):
        self.params = list(params)
        # what the update writes to: plain-tensor aliases of the parameters (same memory and
        # version counter), which torch dispatches without the subclass check a layer's
        # weight (``LayerWeight``) costs on every call
        with torch.inference_mode(False):  # aliases made in an inference step stay usable
            self._targets = [p.detach() for p in self.params]
        self.indices = indices
        self.sizes = [p.numel() for p in self.params]
        self._like = self.params[0]
        self._views = {}
        self._scratch = []
        self._constants = {}
        self._grad_buffer = None
        self._flat_grad = None
        self._grads = None
        self.slots = {}
        for name in slot_names:
            flat = self._new_flat()
            views = self.views(flat)
            torch._foreach_copy_(views, [state_of(p)[name] for p in self.params])
            for p, view in zip(self.params, views):
                state_of(p)[name] = view
            self.slots[name] = flat

    def _new_flat(self):
        with torch.inference_mode(False):  # state outlives a step run in inference mode
            return torch.zeros(sum(self.sizes), dtype=self._like.dtype, device=self._like.device)

    def views(self, flat):
        """Returns the per-parameter views of a flat tensor of this group (cached).

        Args:
            flat: a flat slot, grad or scratch tensor of this group.
        """
        key = id(flat)
        views = self._views.get(key)
        if views is None:
            views = [part.view_as(p) for part, p in zip(flat.split(self.sizes), self.params)]
            self._views[key] = views
        return views

    def set_grads(self, grads):
        """Receives this step's gradients (one per parameter, same order).

        Args:
            grads: list of gradient tensors; when they are the views ``grad_views()`` returns,
                the gradients are already in the flat buffer and are not copied.
        """
        self._grads = grads
        views = self._views.get(id(self._grad_buffer))
        in_place = views is not None and all(g is v for g, v in zip(grads, views))
        self._flat_grad = self._grad_buffer if in_place else None

    def grad_views(self):
        """Per-parameter views of the flat gradient buffer (the same list on every call).

        ``Optimizer.bind`` installs them as the parameters' ``.grad``.
        """
        if self._grad_buffer is None:
            self._grad_buffer = self._new_flat()
        return self.views(self._grad_buffer)

    @property
    def grads(self):
        """This step's gradients as a list, one tensor per parameter."""
        return self._grads

    def flat_grad(self):
        """This step's gradients copied into one flat tensor (copied once per step)."""
        if self._flat_grad is None:
            torch._foreach_copy_(self.grad_views(), self._grads)
            self._flat_grad = self._grad_buffer
        return self._flat_grad

    def scratch(self, index=0):
        """A reusable flat work tensor of this group (its content is garbage).

        Args:
            index: which work tensor, when an update rule needs more than one.
        """
        while len(self._scratch) <= index:
            self._scratch.append(self._new_flat())
        return self._scratch[index]

    def constant(self, value):
        """Returns ``value`` as a cached 0-d tensor of this group's dtype and device.

        Tensor-tensor ops skip the scalar wrapping that makes ``x.mul_(0.9)`` about twice as
        slow as ``x.mul_(tensor)`` on small tensors. Use it for values that rarely change
        (``epsilon``, ``beta_2``, ``momentum``), not for per-step ones.

        Args:
            value: a Python number.
        """
        tensor = self._constants.get(value)
        if tensor is None:
            if len(self._constants) >= 32:
                self._constants.clear()
            with torch.inference_mode(False):
                tensor = torch.tensor(value, dtype=self._like.dtype, device=self._like.device)
            self._constants[value] = tensor
        return tensor

    def add_to_params(self, flat, alpha=1.0):
        """Does ``param += alpha * part`` for every parameter, with its part of ``flat``.

        Args:
            flat: a flat tensor of this group (slot, grad or scratch).
            alpha: a Python number.
        """
        torch._foreach_add_(self._targets, self.views(flat), alpha=alpha)

    def addcdiv_to_params(self, numerator, denominator, value):
        """Does ``param += value * num_part / den_part`` for every parameter.

        Args:
            numerator: a flat tensor of this group.
            denominator: a flat tensor of this group.
            value: a Python number.
        """
        torch._foreach_addcdiv_(self._targets, self.views(numerator), self.views(denominator),
                                value=value)
