"""The dense product kernels: oneDNN, torch's BLAS and NumPy's BLAS give the same numbers, and
each takes the products its size suits."""
import math

import numpy as np
import pytest
import torch

from cornu.kernels import linear as linear_kernels
from cornu.kernels.linear import linear, numpy_max_rows, numpy_threaded_rows, onednn_min_rows
from cornu.kernels.openblas import NUMPY_MAX_WORK, OPENBLAS_THREADING_WORK


@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("with_bias", [False, True])
@pytest.mark.parametrize("threshold", [0, 10 ** 12])
def test_linear_matches_numpy_on_both_kernels(monkeypatch, relu, with_bias, threshold):
    monkeypatch.setattr(linear_kernels, "ONEDNN_MIN_WORK", threshold)
    rng = np.random.RandomState(0)
    x, kernel, bias = rng.randn(7, 5), rng.randn(5, 3), rng.randn(3)
    out = linear(torch.tensor(x, dtype=torch.float32), torch.tensor(kernel, dtype=torch.float32),
                 torch.tensor(bias, dtype=torch.float32) if with_bias else None, relu=relu)
    expected = x @ kernel + (bias if with_bias else 0)
    if relu:
        expected = np.maximum(expected, 0)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_onednn_takes_products_from_half_a_million_multiply_adds():
    if linear_kernels._ONEDNN is None:  # a torch build without oneDNN: never
        assert onednn_min_rows(torch.empty(784, 512)) == math.inf
        return
    assert onednn_min_rows(torch.empty(784, 512)) == 2
    assert onednn_min_rows(torch.empty(13, 64)) == 601
    assert onednn_min_rows(torch.empty(9, 8, dtype=torch.float64)) == math.inf


def test_numpy_takes_small_products_only():
    assert numpy_max_rows(torch.empty(9, 8)) == NUMPY_MAX_WORK // 72
    assert numpy_max_rows(torch.empty(784, 512)) == NUMPY_MAX_WORK // (784 * 512)
    assert numpy_max_rows(torch.empty(9, 8, dtype=torch.float64)) == 0
    first = OPENBLAS_THREADING_WORK // (512 * 10) + 1  # 52: where OpenBLAS would wake threads
    assert numpy_threaded_rows(torch.empty(512, 10)) == range(first, NUMPY_MAX_WORK // 5120 + 1)
