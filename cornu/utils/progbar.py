"""The Keras 2 text progress bar (``keras.utils.Progbar``), with the Keras 2.2.4 output format.

A finished bar reads ``60000/60000 [==============================] - 2s 33us/step - loss: 0.2550``;
a running one ``  128/60000 [..............................] - ETA: 1:23 - loss: 0.6931``.
On a terminal or in Jupyter the bar is redrawn in place; when stdout is a file, a pipe or a
captured buffer only the finished line of each bar is written, so logs hold one line per bar.

Example:
    >>> bar = Progbar(4)
    >>> for step in range(4):
    ...     bar.add(1, values=[('loss', 0.5)])  # doctest: +SKIP
    4/4 [==============================] - 0s 2us/step - loss: 0.5000
"""
import sys
import time

_clock = time.monotonic


def _is_dynamic(stream):
    """True when ``stream`` can redraw a line in place: a terminal or a Jupyter kernel."""
    isatty = getattr(stream, 'isatty', None)
    return (isatty is not None and isatty()) or 'ipykernel' in sys.modules


def format_eta(seconds):
    """Formats a remaining time the Keras 2 way: ``1:02:03``, ``2:05`` or ``42s``.

    Args:
        seconds: remaining time in seconds.

    Example:
        >>> format_eta(3725), format_eta(125), format_eta(42.9)
        ('1:02:05', '2:05', '42s')
    """
    if seconds > 3600:
        return '%d:%02d:%02d' % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return '%d:%02d' % (seconds // 60, seconds % 60)
    return '%ds' % seconds


def format_time_per_unit(seconds, unit_name='step'):
    """Formats the time per unit as ``2s/step``, ``12ms/step`` or ``33us/step``.

    Args:
        seconds: time per unit in seconds.
        unit_name: what a unit is called (Keras 2 says ``step`` even when counting samples).

    Example:
        >>> format_time_per_unit(0.000033), format_time_per_unit(0.012), format_time_per_unit(1.6)
        ('33us/step', '12ms/step', '2s/step')
    """
    if seconds >= 1:
        return '%.0fs/%s' % (seconds, unit_name)
    if seconds >= 1e-3:
        return '%.0fms/%s' % (seconds * 1e3, unit_name)
    return '%.0fus/%s' % (seconds * 1e6, unit_name)


def format_value(value):
    """Formats a metric value: ``%.4f``, or ``%.4e`` when its magnitude is at most 1e-3.

    Args:
        value: the number to show.

    Example:
        >>> format_value(0.25503), format_value(0.0001234)
        ('0.2550', '1.2340e-04')
    """
    if abs(value) > 1e-3:
        return '%.4f' % value
    return '%.4e' % value


class Progbar:
    """Displays a progress bar with running averages of named values.

    Args:
        target: total number of units expected, or None if unknown (the bar then shows
            ``     42/Unknown`` and ends only when ``update(..., finalize=True)`` is called).
        width: number of characters between the brackets.
        verbose: 0 prints nothing, 1 prints the bar, 2 prints only a summary line
            (`` - 2s - loss: 0.2550``) when the bar finishes.
        interval: minimum number of seconds between two redraws of a running bar.
        stateful_metrics: names whose values are shown as given instead of averaged.
        unit_name: what a unit is called in the time per unit (``33us/step``).

    Example:
        >>> bar = Progbar(100, verbose=2)
        >>> bar.update(50, [('loss', 1.0)])
        >>> bar.update(100, [('loss', 0.5)])  # doctest: +SKIP
         - 0s - loss: 0.7500
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name='step'):
        if target is not None and target < 0:
            raise ValueError('Progbar target must be a non-negative count or None (unknown), '
                             'got %r.' % (target,))
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics or ())
        self.unit_name = unit_name
        self._values = {}  # name -> [weighted sum, weight]; insertion order is display order
        self._seen_so_far = 0
        self._start = _clock()
        self._last_update = None
        self._total_width = 0

    def update(self, current, values=None, force=False, exact=None, finalize=None):
        """Moves the bar to ``current`` and records values for the units just done.

        Args:
            current: number of units done so far.
            values: ``(name, value)`` pairs for the units since the last update; each is
                averaged over all units seen, weighted by the increment, except names in
                ``stateful_metrics``, which are shown as given.
            force: redraw now even if less than ``interval`` seconds passed.
            exact: ``(name, value)`` pairs shown as given (e.g. epoch-level results).
            finalize: whether this is the last update of the bar; by default, when
                ``current`` reaches ``target``.
        """
        self._record(current, values or (), exact or ())
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = _clock()
        if self.verbose == 1:
            self._draw(current, now, force, finalize)
        elif self.verbose == 2 and finalize:
            line = ' - %.0fs' % (now - self._start) + self._values_text()
            sys.stdout.write(line + '\n')
            sys.stdout.flush()

    def add(self, n, values=None):
        """Advances the bar by ``n`` units; ``values`` as in ``update``.

        Args:
            n: number of units just done.
            values: ``(name, value)`` pairs for those units.
        """
        self.update(self._seen_so_far + n, values)

    def _record(self, current, values, exact):
        step = current - self._seen_so_far
        for name, value in values:
            value = float(value)
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
            elif name not in self._values:
                # A value first seen on a zero-unit update stands for itself.
                self._values[name] = [value * step, step] if step > 0 else [value, 1]
            else:
                self._values[name][0] += value * step
                self._values[name][1] += step
        for name, value in exact:
            self._values[name] = [float(value), 1]
        self._seen_so_far = current

    def _values_text(self):
        return ''.join(' - %s: %s' % (name, format_value(total / max(1, weight)))
                       for name, (total, weight) in self._values.items())

    def _bar_text(self, current):
        if self.target is None:
            return '%7d/Unknown' % current
        digits = len(str(int(self.target)))
        progress = current / self.target if self.target else 1.0
        filled = min(int(self.width * progress), self.width)
        bar = ('%' + str(digits) + 'd/%d [') % (current, self.target)
        if filled > 0:
            bar += '=' * (filled - 1) + ('>' if current < self.target else '=')
        return bar + '.' * (self.width - filled) + ']'

    def _info_text(self, current, now, finalize):
        per_unit = (now - self._start) / current if current else 0.0
        if self.target is not None and current < self.target and not finalize:
            info = ' - ETA: %s' % format_eta(per_unit * (self.target - current))
        else:
            info = ' - %.0fs %s' % (now - self._start,
                                    format_time_per_unit(per_unit, self.unit_name))
        return info + self._values_text()

    def _draw(self, current, now, force, finalize):
        stream = sys.stdout
        dynamic = _is_dynamic(stream)
        if not finalize:
            if not dynamic:
                return
            recent = (self._last_update is not None
                      and now - self._last_update < self.interval)
            if recent and not force:
                return
        line = self._bar_text(current) + self._info_text(current, now, finalize)
        if dynamic:
            previous_width = self._total_width
            self._total_width = len(line)
            line = '\b' * previous_width + '\r' + line
            line += ' ' * max(0, previous_width - self._total_width)
        if finalize:
            line += '\n'
        stream.write(line)
        stream.flush()
        self._last_update = now
