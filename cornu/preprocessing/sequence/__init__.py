"""keras.preprocessing.sequence: ``pad_sequences``, ``TimeseriesGenerator`` (and its JSON
loader ``timeseries_generator_from_json``), ``skipgrams`` and ``make_sampling_table``, with
Keras 2 (keras-preprocessing 1.1) semantics.

Keras 2's private ``_remove_long_seq`` (the ``maxlen`` filter of ``imdb`` / ``reuters``) is
not repeated here: ``cornu.datasets.sequence_data.keep_shorter_than`` does that job.

Example:
    >>> from keras.preprocessing.sequence import pad_sequences  # doctest: +SKIP
    >>> pad_sequences([[1, 2, 3], [4, 5]], maxlen=2).tolist()
    [[2, 3], [4, 5]]
"""
from cornu.preprocessing.sequence.padding import pad_sequences
from cornu.preprocessing.sequence.skipgrams import make_sampling_table, skipgrams
from cornu.preprocessing.sequence.timeseries import (TimeseriesGenerator,
                                                     timeseries_generator_from_json)

__all__ = ["TimeseriesGenerator", "make_sampling_table", "pad_sequences", "skipgrams",
           "timeseries_generator_from_json"]
