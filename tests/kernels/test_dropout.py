"""The dropout keep-mask: its rule for 16-bit and float draws, its scale, shape and dtype."""
import numpy as np
import pytest
import torch

from cornu.kernels.dropout import _uniform_16_bits, dropout_mask


def drop_fraction_is_rate(mask, rate):
    """Whether the dropped fraction is within 5 binomial standard deviations of ``rate``."""
    n = mask.numel()
    dropped = (mask == 0).double().mean().item()
    return abs(dropped - rate) <= 5 * np.sqrt(rate * (1 - rate) / n)


@pytest.mark.parametrize("rate", [0.5, 0.25, 0.125, 0.0625, 0.2, 0.3, 0.1])
def test_drops_the_rate_and_scales_the_rest(rate):
    torch.manual_seed(0)
    mask = dropout_mask(torch.ones(400_000), rate)
    assert drop_fraction_is_rate(mask, rate)
    kept = mask[mask != 0]
    assert torch.equal(kept, torch.full_like(kept, 1.0) / (1.0 - rate))


def test_16_bit_draws_keep_exactly_where_the_draw_is_at_least_the_rate():
    # rate 0.25 = 16384 / 65536: kept where the draw, as k / 65536 with k in [0, 65536), >= 0.25
    torch.manual_seed(3)
    draws = _uniform_16_bits((1000, 7), "cpu").numpy().astype(np.int64) + 2 ** 15
    torch.manual_seed(3)
    mask = dropout_mask(torch.ones(1000, 7), 0.25).numpy()
    np.testing.assert_array_equal(mask != 0, draws / 65536 >= 0.25)


def test_16_bit_draws_cover_the_whole_range_uniformly():
    torch.manual_seed(0)
    draws = _uniform_16_bits((1 << 20,), "cpu").numpy().astype(np.int64) + 2 ** 15
    assert draws.min() == 0 and draws.max() == 65535
    counts = np.bincount(draws >> 12, minlength=16)  # 16 equal bins of 4096 values
    expected = draws.size / 16
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected))


def test_the_finest_16_bit_rates_still_keep_and_drop():
    torch.manual_seed(0)
    almost_all = dropout_mask(torch.ones(1 << 22), 1 - 2 ** -16)
    assert 0 < (almost_all != 0).sum().item() < 200  # about 64 kept of 4M
    almost_none = dropout_mask(torch.ones(1 << 22), 2 ** -16)
    assert 0 < (almost_none == 0).sum().item() < 200


def test_an_odd_number_of_units_and_a_noise_shape():
    torch.manual_seed(0)
    mask = dropout_mask(torch.ones(5, 3, 7), 0.5, noise_shape=(None, 1, 7))
    assert mask.shape == (5, 1, 7)
    assert set(mask.unique().tolist()) <= {0.0, 2.0}
    assert dropout_mask(torch.ones(3), 0.5).shape == (3,)


@pytest.mark.parametrize("rate", [0.5, 0.3])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_takes_the_dtype_and_the_seed_decides(rate, dtype):
    inputs = torch.ones(64, 9, dtype=dtype)
    torch.manual_seed(7)
    first = dropout_mask(inputs, rate)
    torch.manual_seed(7)
    second = dropout_mask(inputs, rate)
    assert first.dtype == dtype
    assert torch.equal(first, second)
    assert not torch.equal(first, dropout_mask(inputs, rate))
