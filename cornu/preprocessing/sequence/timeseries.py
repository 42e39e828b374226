"""``TimeseriesGenerator``: batches of sliding windows over a time series, a
``keras.utils.Sequence`` (so ``fit_generator`` trains on it), with Keras 2
(keras-preprocessing 1.1) semantics, plus its JSON form (``to_json`` and
``timeseries_generator_from_json``).

The sample of a row ``t`` is ``data[t - length:t:sampling_rate]`` and its target
``targets[t]``; rows run from ``start_index + length`` to ``end_index`` every ``stride``
steps. Keras 1.1's ``get_config`` wrote the already shifted ``start_index + length``, so its
round trip moved every window by ``length``; cornu writes the ``start_index`` argument, so the
round trip gives the same batches.

Example:
    >>> series = np.arange(10)
    >>> batches = TimeseriesGenerator(series, series, length=3, batch_size=2)
    >>> x, y = batches[0]
    >>> len(batches), x.tolist(), y.tolist()
    (4, [[0, 1, 2], [1, 2, 3]], [3, 4])
"""
import json
import numbers

import numpy as np

from cornu.utils.sequence import Sequence


def _check_positive(name, number):
    """Raises ValueError unless ``number`` is an integer >= 1."""
    if isinstance(number, bool) or not isinstance(number, numbers.Integral) or number < 1:
        raise ValueError(f"`{name}` must be an integer >= 1, received {number!r}.")


def _targets_at(targets, rows):
    """``targets[rows]``: by fancy indexing for a NumPy array, row by row (as Keras) for other
    indexables (lists, ...)."""
    if isinstance(targets, np.ndarray):
        return targets[rows]
    return np.array([targets[row] for row in rows])


def _json_of(series, name):
    """The series as a JSON string (NumPy arrays as nested lists)."""
    if type(series).__module__ == np.__name__:
        series = series.tolist()
    try:
        return json.dumps(series)
    except TypeError:
        raise TypeError(f"{name} not JSON serializable: {series!r:.100}") from None


class TimeseriesGenerator(Sequence):
    """Batches of ``(windows, targets)`` from a series of data points at equal intervals.

    Args:
        data: the data points, indexable along axis 0 (time): a NumPy array or a list.
        targets: the target of each time step, as long as ``data``.
        length: the window length, in time steps.
        sampling_rate: the step between the time steps taken in a window.
        stride: the step between the end points of successive windows.
        start_index: data points before ``start_index`` are not used as window ends (the
            first window ends at ``start_index + length``).
        end_index: the last time step used as a window end (default: the last one).
        shuffle: draw each batch's window ends at random (``np.random.randint``, with
            replacement) instead of in order.
        reverse: the time steps of each window in reverse order.
        batch_size: windows per batch (the last batch may be smaller).

    Raises:
        ValueError: ``data`` and ``targets`` differ in length, ``start_index + length``
            exceeds ``end_index``, or a size is not a positive integer.

    Example:
        >>> data = np.arange(50).reshape(50, 1)
        >>> generator = TimeseriesGenerator(data, data, length=10, sampling_rate=2,
        ...                                 batch_size=2)
        >>> x, y = generator[0]
        >>> len(generator), x[:, :, 0].tolist(), y.tolist()
        (20, [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]], [[10], [11]])
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError(f"Data and targets have to be of same length. Data length is "
                             f"{len(data)} while target length is {len(targets)}")
        for name, number in (("length", length), ("sampling_rate", sampling_rate),
                             ("stride", stride), ("batch_size", batch_size)):
            _check_positive(name, number)
        self.data = data
        self.targets = targets
        self.length = int(length)
        self.sampling_rate = int(sampling_rate)
        self.stride = int(stride)
        self.start_index = int(start_index) + self.length
        self.end_index = len(data) - 1 if end_index is None else int(end_index)
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = int(batch_size)
        if self.start_index > self.end_index:
            raise ValueError(f"`start_index+length={self.start_index} > "
                             f"end_index={self.end_index}` is disallowed, as no part of the "
                             f"sequence would be left to be used as current step.")

    def __len__(self):
        """The number of batches: ``ceil(number of window ends / (batch_size * stride))``."""
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        """Batch ``index``: ``(samples, targets)``, samples of shape
        ``(batch, ceil(length / sampling_rate), *data.shape[1:])``.

        Args:
            index: the batch's position.
        """
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1,
                                     size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride,
                                        self.end_index + 1), self.stride)
        samples = self._windows(rows)
        targets = _targets_at(self.targets, rows)
        if self.reverse:
            samples = np.ascontiguousarray(samples[:, ::-1, ...])
        return samples, targets

    def _windows(self, rows):
        """The windows ``data[t - length:t:sampling_rate]`` ending at each of ``rows``: by
        fancy indexing for a NumPy array, slice by slice (as Keras) for other indexables."""
        if isinstance(self.data, np.ndarray):
            return self.data[rows[:, None] + np.arange(-self.length, 0, self.sampling_rate)]
        return np.array([self.data[row - self.length:row:self.sampling_rate] for row in rows])

    def get_config(self):
        """The generator's arguments as a dict, ``data`` and ``targets`` as JSON strings
        (keras-preprocessing 1.1's layout).

        Raises:
            TypeError: ``data`` or ``targets`` cannot be written as JSON.

        Example:
            >>> TimeseriesGenerator([1, 2, 3], [4, 5, 6], length=1).get_config()['data']
            '[1, 2, 3]'
        """
        return {
            "data": _json_of(self.data, "Data"),
            "targets": _json_of(self.targets, "Targets"),
            "length": self.length,
            "sampling_rate": self.sampling_rate,
            "stride": self.stride,
            "start_index": self.start_index - self.length,
            "end_index": self.end_index,
            "shuffle": self.shuffle,
            "reverse": self.reverse,
            "batch_size": self.batch_size,
        }

    def to_json(self, **kwargs):
        """``{"class_name": "TimeseriesGenerator", "config": get_config()}`` as a JSON string
        (read back by ``timeseries_generator_from_json``).

        Args:
            **kwargs: passed to ``json.dumps``.

        Example:
            >>> TimeseriesGenerator([1, 2], [3, 4], length=1).to_json()[:30]
            '{"class_name": "TimeseriesGene'
        """
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


def timeseries_generator_from_json(json_string):
    """The ``TimeseriesGenerator`` described by ``TimeseriesGenerator.to_json()`` (``data``
    and ``targets`` come back as lists, as in Keras).

    Args:
        json_string: the JSON text.

    Example:
        >>> generator = TimeseriesGenerator([1, 2, 3], [4, 5, 6], length=1)
        >>> timeseries_generator_from_json(generator.to_json())[0][1].tolist()
        [5, 6]
    """
    config = dict(json.loads(json_string)["config"])
    config["data"] = json.loads(config["data"])
    config["targets"] = json.loads(config["targets"])
    return TimeseriesGenerator(**config)
