"""``set_random_seed``: one call that makes runs repeat exactly.

Example:
    >>> set_random_seed(42)
"""
import random

import numpy as np
import torch


def set_random_seed(seed):
    """Seeds Python's ``random``, NumPy's global generator and torch.

    Weight initialisation, shuffling in ``fit`` (NumPy) and dropout masks (torch) all follow.

    Args:
        seed: a non-negative integer.
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed expects a non-negative integer, received {seed!r}.")
    random.seed(int(seed))
    np.random.seed(int(seed))
    torch.manual_seed(int(seed))
