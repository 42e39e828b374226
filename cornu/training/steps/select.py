"""The one place that picks how a model trains: ``select_step``.

Under ``compile(run_eagerly=True)`` every model takes the reference step; under
``compile(jit_compile=True)``, the whole step compiled by ``torch.compile``. Otherwise each
accelerator is asked in turn whether it admits the model (by exact registered types, see
``accelerators``), and the reference step takes the rest. The choice is made afresh for every
``fit``/``evaluate``/``train_on_batch`` call, so layers changed since the last call (an
activation set after building, a layer frozen) are always seen.

Example:
    >>> step = select_step(model, objective, optimizer)  # doctest: +SKIP
    >>> step.name  # doctest: +SKIP
    'dense-graph'
"""
from cornu.training.accelerators.dense.step import DenseGraphStep
from cornu.training.accelerators.relu_fusion.step import ReluFusionStep
from cornu.training.steps.compiled import CompiledStep
from cornu.training.steps.reference import ReferenceStep

#: Accelerated steps, asked in order; each has ``admit(model, objective, optimizer)``.
ACCELERATORS = (DenseGraphStep, ReluFusionStep)


def select_step(model, objective, optimizer, run_eagerly=False, jit_compile=False,
                previous=None):
    """The training step for a model: an accelerator that admits it, else the reference step.

    Args:
        model: the model.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer, or None for a step that only evaluates.
        run_eagerly: take the reference step whatever the model.
        jit_compile: take the step compiled by ``torch.compile``.
        previous: the compiled step of an earlier call, reused while still valid.
    """
    if run_eagerly:
        return ReferenceStep(model, objective, optimizer)
    if jit_compile:
        if isinstance(previous, CompiledStep) and previous.still_valid(model, objective,
                                                                       optimizer):
            return previous
        return CompiledStep(model, objective, optimizer)
    for accelerator in ACCELERATORS:
        step = accelerator.admit(model, objective, optimizer)
        if step is not None:
            return step
    return ReferenceStep(model, objective, optimizer)
