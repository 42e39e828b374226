"""The fused-ReLU step: the reference step, its forward pass run by a ``FusedSchedule``.

Everything else (the loss, backward through autograd, the optimizer, the constraints) is the
reference step's own; only the ReLU groups (``groups``) differ, and they compute the same values
and gradients with two fewer passes over, and allocations of, each group's largest tensor.
That is most of a textbook convnet's time outside its convolutions: for the MNIST convnet
(``Conv2D(relu)`` then ``MaxPooling2D``, twice) a batch takes about 8% less.

Example:
    >>> step = ReluFusionStep.admit(model, objective, optimizer)  # doctest: +SKIP
    >>> step.name  # doctest: +SKIP
    'fused-relu'
"""
from cornu.graph.call_context import CallScope
from cornu.training.accelerators.relu_fusion.groups import fused_schedule
from cornu.training.steps.reference import ReferenceStep


class ReluFusionStep(ReferenceStep):
    """The reference step with the model's ReLU groups fused (see the module docstring).

    Args:
        model: the model.
        schedule: its ``FusedSchedule``.
        objective: its ``CompiledObjective``.
        optimizer: its optimizer (None for a step that only evaluates).
    """

    name = "fused-relu"

    def __init__(self, model, schedule, objective, optimizer):
        super().__init__(model, objective, optimizer)
        self.schedule = schedule

    @classmethod
    def admit(cls, model, objective, optimizer):
        """A ``ReluFusionStep`` for a model with at least one ReLU group, else None.

        Args:
            model: the model.
            objective: its ``CompiledObjective``.
            optimizer: its optimizer (None for evaluation only).
        """
        schedule = fused_schedule(model)
        return None if schedule is None else cls(model, schedule, objective, optimizer)

    def forward(self, xs, training):
        """The model's outputs and the losses its layers added inside ``call``.

        Args:
            xs: input tensors (one).
            training: the mode the layers run in, unless the learning phase says otherwise.
        """
        if getattr(xs[0], "_keras_mask", None) is not None:
            return super().forward(xs, training)
        with CallScope(training) as context:
            output = self.schedule.run(self.model, xs[0])
        return [output], context.losses
