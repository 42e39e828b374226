"""word2vec training pairs: ``skipgrams`` and the frequency-based ``make_sampling_table``, as
Keras 2 (keras-preprocessing 1.0/1.1) computes them.

``skipgrams`` draws from Python's global ``random`` module in Keras's order (the sampling
table's ``random.random()`` per word, ``random.shuffle`` of the negative words,
``random.randint`` per negative pair, then the seeded shuffle), so the same ``random`` state
gives Keras's couples. As in Keras, ``seed`` only fixes the final shuffle, and re-seeds the
global ``random`` module: the negative pairs depend on the state before the call (call
``random.seed(...)`` first, or use ``negative_samples=0``, to repeat a call exactly).

Example:
    >>> couples, labels = skipgrams([1, 2, 3], vocabulary_size=4, window_size=1,
    ...                             negative_samples=0., shuffle=False)
    >>> couples, labels
    ([[1, 2], [2, 1], [2, 3], [3, 2]], [1, 1, 1, 1])
"""
import random

import numpy as np

#: the Euler-Mascheroni constant, to the 3 decimals Keras uses
_GAMMA = 0.577


def make_sampling_table(size, sampling_factor=1e-5):
    """The probability of keeping a word of each frequency rank (word2vec's subsampling):
    ``min(1, sqrt(f / sampling_factor) / (f / sampling_factor))`` for Zipf frequencies
    ``f(rank) ~ 1 / (rank * (log(rank) + gamma) + 1/2 - 1 / (12 * rank))``; rank 0 is taken
    as rank 1.

    Args:
        size: the number of ranks (the vocabulary size).
        sampling_factor: word2vec's sampling factor.

    Returns:
        A float64 array of ``size`` probabilities.

    Example:
        >>> make_sampling_table(4).round(5).tolist()
        [0.00315, 0.00315, 0.00548, 0.00742]
    """
    rank = np.arange(size)
    rank[0] = 1
    inverse_frequency = rank * (np.log(rank) + _GAMMA) + 0.5 - 1. / (12. * rank)
    scaled = sampling_factor * inverse_frequency
    return np.minimum(1., scaled / np.sqrt(scaled))


def _positive_couples(sequence, window_size, sampling_table):
    """The ``[word, context word]`` pairs of every non-zero word kept by the table."""
    couples = []
    for position, word in enumerate(sequence):
        if not word:
            continue
        if sampling_table is not None and sampling_table[word] < random.random():
            continue
        start = max(0, position - window_size)
        stop = min(len(sequence), position + window_size + 1)
        couples.extend([word, sequence[other]] for other in range(start, stop)
                       if other != position and sequence[other])
    return couples


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1., shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """Skip-gram pairs of a sequence of word indices: ``(word, word of its window)`` labelled
    1 and ``(word, random word)`` labelled 0.

    Args:
        sequence: word indices (index 0 is skipped, as a non-word); with a
            ``sampling_table``, index ``i`` is the ``i``-th most frequent word.
        vocabulary_size: the largest index + 1 (negative words are drawn in
            ``[1, vocabulary_size - 1]``).
        window_size: how many words on each side form a word's window.
        negative_samples: negative pairs per positive pair (0: none).
        shuffle: shuffle the pairs (and labels, identically).
        categorical: labels ``[0, 1]`` / ``[1, 0]`` instead of 1 / 0.
        sampling_table: the probability of keeping each index as a centre word (see
            ``make_sampling_table``).
        seed: seed of the final shuffle (None: drawn from ``random``).

    Returns:
        ``(couples, labels)``: lists of ``[word, other]`` pairs and of their labels.

    Example:
        >>> import random
        >>> random.seed(0)
        >>> couples, labels = skipgrams([1, 2], vocabulary_size=5, seed=7)
        >>> sorted(labels), len(couples)
        ([0, 0, 1, 1], 4)
    """
    couples = _positive_couples(sequence, window_size, sampling_table)
    positive_count = len(couples)
    labels = [[0, 1] for _ in range(positive_count)] if categorical else [1] * positive_count
    if negative_samples > 0:
        negative_count = int(positive_count * negative_samples)
        words = [couple[0] for couple in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, vocabulary_size - 1)]
                    for i in range(negative_count)]
        labels += ([[1, 0] for _ in range(negative_count)] if categorical
                   else [0] * negative_count)
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10_000_000)
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels
