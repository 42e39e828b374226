"""What ``compile()`` sets up: per-output losses and weights, metrics, their Keras 2 names.

The ``CompiledObjective`` computes, for a batch, the total loss to minimise and the metric
values, all as tensors; the training loop reads them back only when something displays them.
"""
import torch

from cornu import losses as losses_module
from cornu import metrics as metrics_module


def _per_output(value, output_names, what, default=None):
    """Spreads a single value, a list or a dict over the model outputs."""
    if isinstance(value, dict):
        unknown = set(value) - set(output_names)
        if unknown:
            raise ValueError(f"Unknown entry in {what} dictionary: {sorted(unknown)[0]!r}. Only "
                             f"expected the following keys: {output_names}")
        return [value.get(name, default) for name in output_names]
    if isinstance(value, (list, tuple)) and what != "metrics":
        if len(value) != len(output_names):
            raise ValueError(f"When passing a list as {what}, it should have one entry per model "
                             f"output. The model has {len(output_names)} outputs, but you passed "
                             f"{what}={value!r}")
        return list(value)
    return [value] * len(output_names)


def _per_sample(loss):
    """A loss object (``BinaryCrossentropy()``) reduces to a scalar when called; the engine
    weights per-sample values itself, so it uses the object's ``call``."""
    return loss.call if isinstance(loss, losses_module.Loss) else loss


def _keras2_metric_name(metric, name, fn):
    """The log name Keras 2.2.4 gives a metric: ``acc`` for ``'accuracy'``, ``ce`` for
    ``'crossentropy'``, the function's name for other strings (``'mae'`` ->
    ``mean_absolute_error``). History answers the other spellings too."""
    if not isinstance(metric, str):
        return name
    if metric in ("accuracy", "acc"):
        return "acc"
    if metric in ("crossentropy", "ce"):
        return "ce"
    return getattr(fn, "__name__", name)


def weighted_mean(score, sample_weight):
    """Keras 2's weighted objective: per-sample scores times weights, over nonzero weights.

    Args:
        score: per-sample (or per-timestep) loss values.
        sample_weight: weights of shape (batch,) or (batch, timesteps), or None.
    """
    if sample_weight is None:
        return score.mean()
    if score.dim() > sample_weight.dim():
        score = score.mean(dim=tuple(range(sample_weight.dim(), score.dim())))
    score = score * sample_weight
    return score.mean() / (sample_weight != 0).float().mean().clamp_min(1e-12)


class CompiledObjective:
    """Losses and metrics for each output of a model, with their Keras 2 display names.

    Args:
        loss: a loss name/function, or a list or dict with one per output.
        metrics: a list of metric names/functions (all outputs) or a dict per output name.
        loss_weights: a list or dict of scalar weights per output, or None.
        weighted_metrics: metrics computed with sample weights, like ``metrics``.
        output_names: the names of the model's output layers.
        output_shapes: the static shapes of the model's outputs.
    """

    def __init__(self, loss, metrics, loss_weights, weighted_metrics, output_names,
                 output_shapes):
        if loss is None:
            raise ValueError("The model needs a loss: compile(optimizer, loss=...) e.g. "
                             "loss='categorical_crossentropy'.")
        self.output_names = list(output_names)
        multi = len(output_names) > 1
        self.loss_fns = [_per_sample(losses_module.get(l))
                         for l in _per_output(loss, output_names, "loss")]
        if any(fn is None for fn in self.loss_fns):
            missing = [n for n, fn in zip(output_names, self.loss_fns) if fn is None]
            raise ValueError(f"Output(s) {missing} are missing from the loss dictionary. Pass a "
                             "loss for every output.")
        self.loss_weights = [1.0 if w is None else float(w)
                             for w in _per_output(loss_weights, output_names, "loss_weights")]
        self.names = ["loss"] + ([f"{n}_loss" for n in output_names] if multi else [])
        self.metric_fns = []
        for weighted, spec in ((False, metrics), (True, weighted_metrics)):
            for index, output_metrics in enumerate(_per_output(spec, output_names, "metrics")):
                for metric in output_metrics or []:
                    name, fn = metrics_module.resolve(metric, self.loss_fns[index],
                                                      output_shapes[index])
                    name = _keras2_metric_name(metric, name, fn)
                    name = ("weighted_" if weighted else "") + name
                    if multi:
                        name = f"{output_names[index]}_{name}"
                    self.names.append(self._unique(name))
                    self.metric_fns.append((index, fn, weighted))
        self._alias_table = self._build_aliases()

    def _unique(self, name):
        candidate, suffix = name, 1
        while candidate in self.names:
            candidate, suffix = f"{name}_{suffix}", suffix + 1
        return candidate

    def _build_aliases(self):
        table = {}
        prefixes = [f"{n}_" for n in self.output_names] if len(self.output_names) > 1 else [""]
        for name in self.names:
            for prefix in prefixes:
                if name.startswith(prefix):
                    base = name[len(prefix):]
                    for alias in metrics_module.history_aliases(base):
                        table.setdefault(name, []).append(prefix + alias)
                        table.setdefault(prefix + alias, []).append(name)
                    break
        return table

    def aliases(self, key):
        """Other Keras 2 spellings of a log key (``acc`` <-> ``accuracy``, with ``val_``).

        Args:
            key: a history key such as ``'val_acc'``.
        """
        if key.startswith("val_"):
            return ["val_" + a for a in self._alias_table.get(key[4:], [])]
        return list(self._alias_table.get(key, []))

    def losses(self, ys, outs, sws):
        """The total loss tensor and, for several outputs, each output's loss.

        Args:
            ys: targets, one tensor per output.
            outs: model outputs, one tensor per output.
            sws: sample weights per output (tensors or None).
        """
        parts = [weighted_mean(fn(y, out), sw)
                 for fn, y, out, sw in zip(self.loss_fns, ys, outs, sws)]
        if len(parts) == 1 and self.loss_weights[0] == 1.0:
            return parts[0], []
        total = sum(w * p for w, p in zip(self.loss_weights, parts))
        return total, (parts if len(parts) > 1 else [])

    def metric_values(self, ys, outs, sws):
        """Each metric's batch value, as tensors, in ``names`` order (after the losses).

        Args:
            ys: targets per output.
            outs: model outputs per output.
            sws: sample weights per output (tensors or None).
        """
        values = []
        for index, fn, weighted in self.metric_fns:
            score = fn(ys[index], outs[index])
            values.append(weighted_mean(score, sws[index]) if weighted else score.mean())
        return values

    def batch_values(self, ys, outs, sws, extra_loss=None):
        """All logged values of one batch (batch means), stacked in ``names`` order.

        Args:
            ys: targets per output.
            outs: outputs per output.
            sws: sample weights per output (tensors or None).
            extra_loss: regularisation or added losses of the batch (a tensor), or None.
        """
        total, parts = self.losses(ys, outs, sws)
        if extra_loss is not None:
            total = total + extra_loss
        return torch.stack([total, *parts, *self.metric_values(ys, outs, sws)])

    @property
    def scores_in_bulk(self):
        """Whether epoch values may be computed over many batches at once.

        True when every loss and metric is a cornu built-in, which scores each sample on its
        own. A custom function may reduce over its batch (a per-batch F1 score); Keras 2
        averages such values batch by batch, so they are computed per batch.
        """
        functions = self.loss_fns + [fn for _, fn, _ in self.metric_fns]
        return all(getattr(fn, "__module__", "").startswith("cornu.") for fn in functions)

    def sample_values(self, ys, outs):
        """Each sample's logged values (unweighted): one 1-D tensor per name, in ``names`` order.

        Summing these over many batches at once gives the same epoch averages as averaging
        batch means weighted by batch size, in a few operations.

        Args:
            ys: targets per output, any number of batches concatenated.
            outs: outputs per output, likewise.
        """
        def per_sample(score):
            if score.dim() > 1:
                score = score.reshape(len(score), -1).mean(dim=1)
            return score

        parts = [per_sample(fn(y, out)) for fn, y, out in zip(self.loss_fns, ys, outs)]
        if len(parts) == 1 and self.loss_weights[0] == 1.0:
            total = parts[0]
        else:
            total = sum(w * p for w, p in zip(self.loss_weights, parts))
        metrics = [per_sample(fn(ys[i], outs[i])) for i, fn, _ in self.metric_fns]
        return [total, *(parts if len(parts) > 1 else []), *metrics]
