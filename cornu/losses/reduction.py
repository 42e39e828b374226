"""How losses reduce: ``mean_last_axis`` (Keras's ``K.mean(..., axis=-1)`` of every loss
function), and how the Keras 2.3 loss objects weight and reduce per-sample losses:
``Reduction`` and ``compute_weighted_loss``.

Example:
    >>> float(compute_weighted_loss(torch.tensor([1., 3.]), reduction=Reduction.SUM))
    4.0
"""
import torch


def mean_last_axis(values):
    """The mean over the last axis (a loss per sample from per-unit terms).

    An output of one unit (a sigmoid classifier, a regression) needs no reduction: its values
    are returned as a view, which saves a pass over many samples.

    Args:
        values: a tensor of per-unit terms.

    Example:
        >>> mean_last_axis(torch.tensor([[1., 3.], [2., 2.]])).tolist()
        [2.0, 2.0]
    """
    return values.squeeze(-1) if values.shape[-1:] == (1,) else torch.mean(values, dim=-1)


class Reduction:
    """How a loss object reduces per-sample losses: the Keras 2.3 ``losses_utils.Reduction``.

    ``AUTO`` and ``SUM_OVER_BATCH_SIZE``: ``sum(loss * weight) / number of losses``;
    ``SUM``: ``sum(loss * weight)``; ``NONE``: ``loss * weight`` unreduced.
    """
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        """Returns the valid reduction names."""
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, reduction):
        """Raises a ``ValueError`` for an unknown reduction.

        Args:
            reduction: a reduction name.
        """
        if reduction not in cls.all():
            raise ValueError(f"Invalid reduction: {reduction!r}. Expected one of "
                             f"{', '.join(repr(r) for r in cls.all())}.")


def compute_weighted_loss(losses, sample_weight=None, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """Applies sample weights to per-sample losses and reduces them.

    Args:
        losses: tensor of per-sample losses, e.g. shape ``(n,)`` or ``(n, timesteps)``.
        sample_weight: None, a number, or a tensor of shape ``(n,)``, ``(n, 1)`` or losses' shape.
        reduction: one of the ``Reduction`` names.

    Example:
        >>> float(compute_weighted_loss(torch.tensor([0.5, 0.5]), torch.tensor([0.7, 0.3])))
        0.25
    """
    Reduction.validate(reduction)
    if sample_weight is not None:
        weight = torch.as_tensor(sample_weight, device=losses.device).to(losses.dtype)
        if weight.dim() == losses.dim() + 1 and weight.shape[-1] == 1:
            weight = weight.squeeze(-1)
        while 0 < weight.dim() < losses.dim():
            weight = weight.unsqueeze(-1)
        try:
            losses = losses * weight
        except RuntimeError:
            raise ValueError(f"sample_weight of shape {tuple(weight.shape)} does not fit losses "
                             f"of shape {tuple(losses.shape)}. Pass one weight per sample, shape "
                             f"({losses.shape[0] if losses.dim() else 1},).") from None
    if reduction == Reduction.NONE:
        return losses
    if reduction == Reduction.SUM:
        return torch.sum(losses)
    return torch.mean(losses)
