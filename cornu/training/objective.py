"""What ``compile()`` sets up: per-output losses and weights, metrics, and their Keras 2 names.

The ``CompiledObjective`` computes, for a batch, the total loss to minimise and the metric
values, all as tensors, with Keras 2's weighting and masking; the training loop reads them back
only when something displays them.

Example:
    >>> objective = CompiledObjective('mse', ['mae'], None, None, ['dense_1'], [(None, 1)])
    >>> objective.names
    ['loss', 'mean_absolute_error']
"""
import torch

from cornu import losses as losses_module
from cornu import metrics as metrics_module
from cornu.config import metric_names

# Built-in losses and metrics score each sample on its own: their epoch means may be computed
# over many batches at once. Any other function is averaged batch by batch, as Keras 2 does.
_PER_SAMPLE_FUNCTIONS = frozenset(list(losses_module.LOSS_FUNCTIONS.values())
                                  + list(metrics_module.METRIC_FUNCTIONS.values()))
_PER_SAMPLE_LOSS_CLASSES = frozenset(losses_module.LOSS_CLASSES.values())


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


def _metric_list(entry):
    """One output's metrics as a list: ``'acc'`` (as ``metrics={'out': 'acc'}`` gives) is one."""
    if entry is None:
        return []
    if isinstance(entry, (str, dict)) or callable(entry):
        return [entry]
    return list(entry)


def _per_sample_call(loss):
    """A loss object (``BinaryCrossentropy()``) reduces to a scalar when called; the engine
    weights per-sample values itself, so it uses the object's ``call``."""
    return loss.call if isinstance(loss, losses_module.Loss) else loss


def _scores_each_sample(function):
    """Whether a loss or metric (as given to compile, resolved) is a per-sample built-in."""
    if type(function) in _PER_SAMPLE_LOSS_CLASSES:
        return getattr(function, "fn", None) in _PER_SAMPLE_FUNCTIONS
    return function in _PER_SAMPLE_FUNCTIONS


def _keras22_metric_name(metric, name, fn):
    """The log name Keras 2.2.4 gives a metric: ``acc`` for ``'accuracy'``, ``ce`` for
    ``'crossentropy'``, the function's name for other strings (``'mae'`` ->
    ``mean_absolute_error``)."""
    if not isinstance(metric, str):
        return name
    if metric in ("accuracy", "acc"):
        return "acc"
    if metric in ("crossentropy", "ce"):
        return "ce"
    return getattr(fn, "__name__", name)


def masked_mean(score, mask):
    """Keras 2's masked objective: per-sample scores times the mask, over the mask's mean.

    Args:
        score: per-sample (or per-timestep) values.
        mask: a boolean or 0/1 tensor broadcastable to ``score``, or None.
    """
    if mask is None:
        return score
    mask = mask.to(score.dtype)
    while mask.dim() > score.dim():
        mask = mask.squeeze(-1)
    return score * mask / mask.mean()


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


def output_masks(outputs):
    """The masks model outputs carry (``_keras_mask``), one entry per output (None if none).

    Args:
        outputs: the model's output tensors.
    """
    return [getattr(out, "_keras_mask", None) for out in outputs]


class CompiledObjective:
    """Losses and metrics for each output of a model, with their Keras 2 display names.

    Metrics are listed output by output, each output's plain metrics before its weighted
    ones, as Keras 2 orders ``metrics_names``. Names follow the Keras era in force
    (``cornu.config.metric_names``): ``acc`` and ``mean_absolute_error`` (Keras 2.2) or the
    strings as written, ``accuracy`` and ``mae`` (Keras 2.3).

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
        given_losses = [losses_module.get(l) for l in _per_output(loss, output_names, "loss")]
        if any(fn is None for fn in given_losses):
            missing = [n for n, fn in zip(output_names, given_losses) if fn is None]
            raise ValueError(f"Output(s) {missing} are missing from the loss dictionary. Pass a "
                             "loss for every output.")
        self.loss_fns = [_per_sample_call(fn) for fn in given_losses]
        self.loss_weights = [1.0 if w is None else float(w)
                             for w in _per_output(loss_weights, output_names, "loss_weights")]
        loss_names = ["loss"] + ([f"{n}_loss" for n in output_names] if multi else [])
        self._names = {era: list(loss_names) for era in metric_names.ERAS}
        self.metric_fns = []
        per_sample = [_scores_each_sample(fn) for fn in given_losses]
        plain = _per_output(metrics, output_names, "metrics")
        weighted = _per_output(weighted_metrics, output_names, "metrics")
        for index in range(len(output_names)):
            for is_weighted, entries in ((False, plain[index]), (True, weighted[index])):
                for metric in _metric_list(entries):
                    name, fn = metrics_module.resolve(metric, self.loss_fns[index],
                                                      output_shapes[index])
                    per_sample.append(_scores_each_sample(fn))
                    self._add_metric_names(metric, name, fn, index, is_weighted, multi)
                    self.metric_fns.append((index, fn, is_weighted))
        #: whether every loss and metric scores each sample on its own (see ``sample_values``)
        self.scores_in_bulk = all(per_sample)
        self._alias_table = self._build_aliases()

    def _add_metric_names(self, metric, name, fn, index, weighted, multi):
        spelled = {metric_names.KERAS_22: _keras22_metric_name(metric, name, fn),
                   metric_names.KERAS_23: name}
        for era, base in spelled.items():
            base = ("weighted_" if weighted else "") + base
            if multi:
                base = f"{self.output_names[index]}_{base}"
            names = self._names[era]
            candidate, suffix = base, 1
            while candidate in names:
                candidate, suffix = f"{base}_{suffix}", suffix + 1
            names.append(candidate)

    @property
    def names(self):
        """The logged names in order (``loss``, per-output losses, metrics), in the Keras era
        in force: what ``metrics_names`` and the logs use."""
        return self._names[metric_names.era()]

    def names_in(self, era):
        """The logged names as Keras ``era`` (``'2.2'`` or ``'2.3'``) spells them.

        Args:
            era: one of ``metric_names.ERAS``.
        """
        return self._names[era]

    def _build_aliases(self):
        """name -> the other spellings of the same logged value (both eras, and the
        ``mae``/``mean_absolute_error`` kind of synonyms)."""
        prefixes = [f"{n}_" for n in self.output_names] if len(self.output_names) > 1 else [""]
        table = {}
        for spelled in zip(*(self._names[era] for era in metric_names.ERAS)):
            spellings = set(spelled)
            name = spelled[0]
            prefix = next((p for p in prefixes if name.startswith(p)), None)
            if prefix is not None:
                base = name[len(prefix):]
                spellings.update(prefix + a for a in metrics_module.history_aliases(base))
            for spelling in spellings:
                others = table.setdefault(spelling, [])
                others.extend(s for s in sorted(spellings) if s != spelling and s not in others)
        return table

    def aliases(self, key):
        """Other Keras 2 spellings of a log key (``acc`` <-> ``accuracy``, with ``val_``).

        Args:
            key: a history key such as ``'val_acc'``.
        """
        if key.startswith("val_"):
            return ["val_" + a for a in self._alias_table.get(key[4:], [])]
        return list(self._alias_table.get(key, []))

    def era_of(self, key):
        """The era whose spelling ``key`` is, when only one era spells it so, else None.

        Args:
            key: a history key such as ``'val_accuracy'``.
        """
        base = key[4:] if key.startswith("val_") else key
        eras = [era for era, names in self._names.items() if base in names]
        return eras[0] if len(eras) == 1 else None

    def respelled(self, key, era):
        """``key`` as ``era`` spells it (``'val_acc'`` -> ``'val_accuracy'`` for 2.3 when the
        metric was given as ``'accuracy'``); unchanged when the objective does not log it.

        Args:
            key: a log key.
            era: one of ``metric_names.ERAS``.
        """
        prefix = "val_" if key.startswith("val_") else ""
        base = key[len(prefix):]
        for names in self._names.values():
            if base in names:
                return prefix + self._names[era][names.index(base)]
        return key

    def losses(self, ys, outs, sws, masks=None):
        """The total loss tensor and, for several outputs, each output's loss.

        Args:
            ys: targets, one tensor per output.
            outs: model outputs, one tensor per output.
            sws: sample weights per output (tensors or None).
            masks: output masks (tensors or None), or None for none.
        """
        masks = masks or [None] * len(outs)
        parts = [weighted_mean(masked_mean(fn(y, out), mask), sw)
                 for fn, y, out, sw, mask in zip(self.loss_fns, ys, outs, sws, masks)]
        if len(parts) == 1 and self.loss_weights[0] == 1.0:
            return parts[0], []
        total = sum(w * p for w, p in zip(self.loss_weights, parts))
        return total, (parts if len(parts) > 1 else [])

    def metric_values(self, ys, outs, sws, masks=None):
        """Each metric's batch value, as tensors, in ``names`` order (after the losses).

        Args:
            ys: targets per output.
            outs: model outputs per output.
            sws: sample weights per output (tensors or None).
            masks: output masks (tensors or None), or None for none.
        """
        masks = masks or [None] * len(outs)
        values = []
        for index, fn, weighted in self.metric_fns:
            score = masked_mean(fn(ys[index], outs[index]), masks[index])
            values.append(weighted_mean(score, sws[index]) if weighted else score.mean())
        return values

    def batch_values(self, ys, outs, sws, extra_loss=None, masks=None):
        """All logged values of one batch (batch means), stacked in ``names`` order.

        Args:
            ys: targets per output.
            outs: outputs per output.
            sws: sample weights per output (tensors or None).
            extra_loss: regularisation or added losses of the batch (a tensor), or None.
            masks: output masks (tensors or None), or None for none.
        """
        total, parts = self.losses(ys, outs, sws, masks)
        if extra_loss is not None:
            total = total + extra_loss
        return torch.stack([total, *parts, *self.metric_values(ys, outs, sws, masks)])

    def sample_values(self, ys, outs):
        """Each sample's logged values (unweighted, unmasked): one 1-D tensor per name.

        When ``scores_in_bulk``, summing these over many batches at once gives the same epoch
        averages as averaging batch means weighted by batch size, in a few operations.

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
