"""The step under ``compile(jit_compile=True)``: the reference step with its forward pass and
loss compiled by ``torch.compile``.

TorchDynamo captures the forward pass, the losses and the regularisation terms as one graph
(AOTAutograd derives and compiles its backward graph too); the optimizer update and the
constraints then run as on the reference step. The first batch of each new shape pays for the
compilation (seconds on a CPU), so it pays off on long runs of large models; a model keeps its
compiled step from one ``fit``/``evaluate`` call to the next while it stays the same. Random
layers (Dropout) draw from the compiler's own generator, so their masks differ from the
reference step's for the same seed; everything else computes the same values up to rounding.

Example:
    >>> model.compile('sgd', 'mse', jit_compile=True)  # doctest: +SKIP
    >>> model.fit(x, y)  # doctest: +SKIP
"""
import types

import torch

from cornu.training.steps.reference import ReferenceStep

#: The ``torch.compile`` backend: ``'inductor'`` generates C++ for the CPU.
BACKEND = "inductor"


class CompiledStep(ReferenceStep):
    """The reference step with ``torch.compile`` around the forward pass and the loss.

    Args:
        model: the model.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer (None for a step that only evaluates).
    """

    name = "compiled"

    def __init__(self, model, objective, optimizer):
        super().__init__(model, objective, optimizer)
        # the reference step's own functions, compiled (train and test call them)
        self.training_loss = torch.compile(_own_copy(self.training_loss), backend=BACKEND)
        self.inference = torch.compile(_own_copy(self.inference), backend=BACKEND)
        self.key = step_key(model, objective, optimizer)

    def still_valid(self, model, objective, optimizer):
        """Whether this step may serve another call for the same model (nothing changed)."""
        return self.key == step_key(model, objective, optimizer)


def step_key(model, objective, optimizer):
    """What a compiled step depends on: the objective, the optimizer, and which weights train."""
    return (id(objective), id(optimizer),
            tuple((id(p), p.requires_grad) for p in model.parameters()))


def _own_copy(method):
    """``method`` with a code object of its own.

    TorchDynamo keeps its compiled graphs per code object, up to a small limit; every compiled
    step sharing ``training_loss``'s code would soon exhaust it (and fall back to eager code) in a
    session that compiles several models, so each step compiles a copy.
    """
    function = method.__func__
    code = function.__code__.replace(co_name=f"{function.__name__}_{id(method.__self__):x}")
    copy = types.FunctionType(code, function.__globals__, code.co_name, function.__defaults__,
                              function.__closure__)
    return types.MethodType(copy, method.__self__)
