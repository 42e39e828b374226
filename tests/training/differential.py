"""What the differential tests share: training a generated model on the selected step and on
the reference step alone, and collecting the cases where the two disagree."""
import contextlib

from cornu.training.steps import select


@contextlib.contextmanager
def reference_only():
    """Every model takes the reference step inside the block (no accelerator is asked)."""
    saved = select.ACCELERATORS
    select.ACCELERATORS = ()
    try:
        yield
    finally:
        select.ACCELERATORS = saved


def disagreements(configs, train, same):
    """Trains each configuration twice, with the accelerators and on the reference step alone.

    Returns ``(steps, failures)``: the name of the step each configuration took, and
    ``(index, step, config)`` for each whose two results ``same`` finds different.

    Args:
        configs: the generated configurations.
        train: ``function(config) -> (step name, *results)``.
        same: ``function(results, reference results) -> bool``.
    """
    steps, failures = [], []
    for index, config in enumerate(configs):
        step, *results = train(config)
        with reference_only():
            reference_step, *reference_results = train(config)
        assert reference_step == "reference"
        steps.append(step)
        if not same(results, reference_results):
            failures.append((index, step, config))
    return steps, failures
