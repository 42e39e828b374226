"""Epoch averages of the loss and metrics, computed in bulk and only when someone reads them.

A batch's outputs are kept as tensors; ``LogAccumulator`` scores many batches (and, through
``epoch_means``, many epochs) in one pass. Python floats are made once per read: per epoch
when a callback shows or uses the epoch's values, once per ``fit`` when only ``History``
records them.

Example:
    >>> log = LogAccumulator(objective, per_batch=False)  # doctest: +SKIP
    >>> log.add(outputs, targets, [None], None, len(targets[0]))  # doctest: +SKIP
    >>> log.means()  # doctest: +SKIP
    [0.31, 0.9]
"""
import numpy as np
import torch

# Kept outputs are scored once they pass this size (per accumulator, or per run of epochs).
PENDING_BYTES = 64 * 2 ** 20


def _joined(parts):
    return parts[0] if len(parts) == 1 else torch.cat(parts)


class LogAccumulator:
    """Sums the logged values (loss, metrics) over an epoch.

    Values are computed per batch only when someone reads batch logs, sample weights or output
    masks are in play, or a custom loss or metric may depend on its whole batch; otherwise
    outputs are kept and scored many batches at a time.

    Args:
        objective: the model's ``CompiledObjective``.
        per_batch: whether each batch's values are needed as it ends.
    """

    def __init__(self, objective, per_batch):
        self.objective = objective
        self.per_batch = per_batch or not objective.scores_in_bulk
        self.totals = None
        self.seen = 0
        self.pending = []  # (outputs, targets, extra loss or None, size) per batch
        self.pending_bytes = 0

    def add(self, outs, ys, sws, extra, size, masks=None):
        """Records one batch; returns its values (a tensor) when computed now, else None.

        Args:
            outs: the batch's outputs (detached).
            ys: its targets.
            sws: its sample weights (None entries allowed).
            extra: its regularisation/added loss, or None.
            size: its number of samples.
            masks: its output masks (None entries allowed), or None.
        """
        masked = masks is not None and any(m is not None for m in masks)
        if self.per_batch or masked or any(w is not None for w in sws):
            self.seen += size
            with torch.no_grad():
                values = self.objective.batch_values(ys, outs, sws, extra, masks)
            self._sum(values.detach().cpu().numpy().astype(np.float64) * size)
            return values
        self._keep(outs, ys, extra, size)
        return None

    def _keep(self, outs, ys, extra, size):
        self.seen += size
        self.pending.append((outs, ys, extra, size))
        self.pending_bytes += sum(o.numel() * o.element_size() for o in outs)
        if self.pending_bytes > PENDING_BYTES:
            score_pending([self])

    def _sum(self, values):
        """Adds float64 NumPy sums (one per logged name) to the totals."""
        self.totals = values if self.totals is None else self.totals + values

    def means(self):
        """The epoch averages as Python floats, in ``objective.names`` order."""
        return epoch_means([self])[0]


def score_pending(logs):
    """Scores the kept outputs of several accumulators (of one objective) in one pass.

    The outputs of all their batches are joined, each sample's values computed once, and the
    sums taken per accumulator: accumulators holding the same number of samples (the epochs of
    one ``fit``, and their validations) are summed together, as the rows of one matrix.

    Args:
        logs: ``LogAccumulator`` instances.
    """
    groups = {}
    for log in logs:
        if log.pending:
            groups.setdefault(sum(batch[3] for batch in log.pending), []).append(log)
    if not groups:
        return
    ordered = [log for group in groups.values() for log in group]
    batches = [batch for log in ordered for batch in log.pending]
    outs = [_joined(parts) for parts in zip(*(b[0] for b in batches))]
    ys = [_joined(parts) for parts in zip(*(b[1] for b in batches))]
    with torch.no_grad():
        columns = torch.stack(ordered[0].objective.sample_values(ys, outs))
        sums, start = [], 0
        for count, group in groups.items():
            end = start + count * len(group)
            rows = columns[:, start:end].reshape(len(columns), len(group), count)
            sums.append(rows.sum(2, dtype=torch.float64).t())  # one row per accumulator
            start = end
        sums = torch.cat(sums).numpy()
    for log, row in zip(ordered, sums):
        extras = [e * size for _, _, e, size in log.pending if e is not None]
        if extras:
            row[0] += torch.stack(extras).sum().item()
        log._sum(row)
        log.pending, log.pending_bytes = [], 0


def epoch_means(logs):
    """The averages of several accumulators as lists of floats, scored together.

    Args:
        logs: ``LogAccumulator`` instances (None entries give None).
    """
    present = [log for log in logs if log is not None]
    score_pending(present)
    scored = [log for log in present if log.totals is not None]
    means = {}
    if scored:
        totals = np.stack([log.totals for log in scored])
        seen = np.array([max(log.seen, 1) for log in scored], dtype=np.float64)
        means = {id(log): row for log, row in zip(scored, (totals / seen[:, None]).tolist())}
    return [None if log is None else means.get(id(log), []) for log in logs]
