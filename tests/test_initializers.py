"""Initializers: sample statistics against the Keras 2.2.4 formulas, fans, configs, seeds."""
import math

import numpy as np
import pytest
import torch

from cornu import initializers
from cornu.config import settings as backend_config
from cornu.utils.serialization import custom_object_scope

TRUNC = 0.87962566103423978  # std of a unit normal truncated to [-2, 2]
N = 200_000


def sample(init, shape=(N,), dtype=None):
    return init(shape, dtype=dtype).double().numpy()


def test_constant_initializers():
    zeros = initializers.Zeros()((2, 3))
    assert zeros.dtype == torch.float32 and zeros.shape == (2, 3) and not zeros.any()
    assert initializers.Ones()((4,)).tolist() == [1.0] * 4
    assert initializers.Constant(2.5)((2, 2)).tolist() == [[2.5, 2.5], [2.5, 2.5]]
    assert initializers.Constant()((1,)).tolist() == [0.0]
    assert initializers.Constant([1.0, 2.0])((2, 2)).tolist() == [[1.0, 2.0], [1.0, 2.0]]
    assert initializers.Constant([1, 2, 3, 4])((2, 2)).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(ValueError, match="does not fit"):
        initializers.Constant([1.0, 2.0, 3.0])((2, 2))


def test_dtype_argument_and_floatx():
    assert initializers.Ones()((2,), dtype="float64").dtype == torch.float64
    assert initializers.RandomNormal()((2,), dtype=torch.float16).dtype == torch.float16
    assert initializers.glorot_uniform()((3, 2), dtype="float64").dtype == torch.float64
    previous = backend_config.floatx()
    try:
        backend_config.set_floatx("float64")
        assert initializers.he_normal()((3, 2)).dtype == torch.float64
        assert initializers.Orthogonal()((3, 2)).dtype == torch.float64
    finally:
        backend_config.set_floatx(previous)


@pytest.mark.parametrize("shape, fans", [
    ((784, 10), (784, 10)),
    ((5, 8, 16), (40, 80)),              # Conv1D (k, in, out)
    ((3, 3, 16, 32), (144, 288)),        # Conv2D (kh, kw, in, out)
    ((2, 3, 3, 4, 8), (72, 144)),        # Conv3D
    ((100,), (10.0, 10.0)),              # other ranks: sqrt(prod(shape))
    ((2, 2, 2, 2, 2, 2), (8.0, 8.0)),
])
def test_compute_fans(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_random_normal_statistics():
    x = sample(initializers.RandomNormal(mean=1.0, stddev=2.0, seed=0))
    assert abs(x.mean() - 1.0) < 0.03 and abs(x.std() - 2.0) < 0.03
    x = sample(initializers.RandomNormal(seed=1))
    assert abs(x.std() - 0.05) < 0.001


def test_random_uniform_statistics():
    x = sample(initializers.RandomUniform(minval=-1.0, maxval=3.0, seed=0))
    assert x.min() >= -1.0 and x.max() <= 3.0
    assert abs(x.mean() - 1.0) < 0.03 and abs(x.std() - 4 / math.sqrt(12)) < 0.02
    x = sample(initializers.RandomUniform(seed=1))
    assert x.min() >= -0.05 and x.max() <= 0.05


def test_truncated_normal_statistics():
    x = sample(initializers.TruncatedNormal(mean=0.5, stddev=2.0, seed=0))
    assert x.min() >= 0.5 - 4.0 - 1e-5 and x.max() <= 0.5 + 4.0 + 1e-5
    assert x.min() < 0.5 - 3.9 and x.max() > 0.5 + 3.9   # the tails reach the cut
    assert abs(x.mean() - 0.5) < 0.03
    assert abs(x.std() - 2.0 * TRUNC) < 0.02
    # the share within one stddev: (Phi(1) - Phi(-1)) / (Phi(2) - Phi(-2))
    inside = np.mean(np.abs(x - 0.5) <= 2.0)
    assert abs(inside - math.erf(1 / math.sqrt(2)) / math.erf(math.sqrt(2))) < 0.005


@pytest.mark.parametrize("factory, scale, mode, distribution", [
    (initializers.glorot_uniform, 1.0, "fan_avg", "uniform"),
    (initializers.glorot_normal, 1.0, "fan_avg", "normal"),
    (initializers.he_uniform, 2.0, "fan_in", "uniform"),
    (initializers.he_normal, 2.0, "fan_in", "normal"),
    (initializers.lecun_uniform, 1.0, "fan_in", "uniform"),
    (initializers.lecun_normal, 1.0, "fan_in", "normal"),
])
def test_named_variance_scaling_configs(factory, scale, mode, distribution):
    init = factory(seed=7)
    assert isinstance(init, initializers.VarianceScaling)
    assert init.get_config() == {"scale": scale, "mode": mode, "distribution": distribution,
                                 "seed": 7}


@pytest.mark.parametrize("shape", [(400, 300), (5, 5, 20, 40)])
def test_glorot_uniform_bounds_and_variance(shape):
    fan_in, fan_out = initializers.compute_fans(shape)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    x = sample(initializers.glorot_uniform(seed=0), shape)
    assert x.shape == shape
    assert x.min() >= -limit and x.max() <= limit and x.max() > 0.99 * limit
    assert abs(x.std() - limit / math.sqrt(3)) < 4 * limit / math.sqrt(3 * x.size)


@pytest.mark.parametrize("factory, variance", [
    (initializers.glorot_normal, lambda fi, fo: 2.0 / (fi + fo)),
    (initializers.he_normal, lambda fi, fo: 2.0 / fi),
    (initializers.lecun_normal, lambda fi, fo: 1.0 / fi),
])
@pytest.mark.parametrize("shape", [(400, 300), (5, 5, 20, 40)])
def test_normal_variance_scaling_is_corrected_for_truncation(factory, variance, shape):
    fan_in, fan_out = initializers.compute_fans(shape)
    target_std = math.sqrt(variance(fan_in, fan_out))
    x = sample(factory(seed=0), shape)
    # Keras 2.2: stddev = sqrt(scale / n) / 0.8796..., so the truncated sample has sqrt(scale/n)
    # (tolerances: 4 standard errors of the sample std and mean)
    assert abs(x.std() - target_std) < 4 * target_std / math.sqrt(2 * x.size)
    assert np.abs(x).max() <= 2 * target_std / TRUNC * (1 + 1e-5)
    assert abs(x.mean()) < 4 * target_std / math.sqrt(x.size)


def test_variance_scaling_modes_and_untruncated_normal():
    shape = (100, 400)
    x = sample(initializers.VarianceScaling(scale=3.0, mode="fan_out", distribution="uniform",
                                             seed=0), shape)
    assert x.max() <= math.sqrt(9.0 / 400) and x.max() > 0.99 * math.sqrt(9.0 / 400)
    x = sample(initializers.VarianceScaling(distribution="untruncated_normal", seed=0), shape)
    assert abs(x.std() - 0.1) < 0.002 and np.abs(x).max() > 0.4   # not cut at 2 stddev
    x = sample(initializers.VarianceScaling(distribution="truncated_normal", seed=0), shape)
    assert abs(x.std() - 0.1) < 0.002 and np.abs(x).max() <= 0.2 / TRUNC * (1 + 1e-5)


def test_variance_scaling_on_a_1d_shape_uses_sqrt_fans():
    x = sample(initializers.he_uniform(seed=0), (40_000,))   # fan_in = sqrt(40000) = 200
    limit = math.sqrt(6.0 / 200)
    assert x.max() <= limit and x.max() > 0.99 * limit


@pytest.mark.parametrize("kwargs, message", [
    (dict(scale=0.0), "positive"),
    (dict(mode="fan_sum"), "mode"),
    (dict(distribution="cauchy"), "distribution"),
])
def test_variance_scaling_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        initializers.VarianceScaling(**kwargs)


@pytest.mark.parametrize("shape", [(64, 32), (50, 50), (3, 3, 4, 8)])
def test_orthogonal_columns_are_orthonormal(shape):
    w = initializers.Orthogonal(seed=3)(shape).double().reshape(-1, shape[-1])
    np.testing.assert_allclose((w.T @ w).numpy(), np.eye(shape[-1]), atol=1e-5)


def test_orthogonal_wide_matrix_has_orthonormal_rows_and_gain():
    w = initializers.Orthogonal(gain=2.0)((16, 48)).double()
    np.testing.assert_allclose((w @ w.T).numpy(), 4.0 * np.eye(16), atol=1e-4)


def test_identity():
    assert initializers.Identity()((3, 3)).tolist() == np.eye(3).tolist()
    assert initializers.Identity(gain=0.5)((2, 3)).tolist() == (0.5 * np.eye(2, 3)).tolist()
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize("make", [
    lambda seed: initializers.RandomNormal(seed=seed),
    lambda seed: initializers.RandomUniform(seed=seed),
    lambda seed: initializers.TruncatedNormal(seed=seed),
    lambda seed: initializers.glorot_uniform(seed=seed),
    lambda seed: initializers.he_normal(seed=seed),
    lambda seed: initializers.Orthogonal(seed=seed),
])
def test_seeds_repeat_and_differ(make):
    a = make(42)((20, 10))
    assert torch.equal(a, make(42)((20, 10)))
    assert torch.equal(a, make(42)((20, 10)))       # the same object twice: same values too
    init = make(42)
    assert torch.equal(init((20, 10)), init((20, 10)))
    assert not torch.equal(a, make(43)((20, 10)))


def test_unseeded_draws_follow_the_global_torch_generator():
    init = initializers.glorot_uniform()
    torch.manual_seed(123)
    a = init((30, 20))
    b = init((30, 20))
    torch.manual_seed(123)
    assert torch.equal(a, init((30, 20)))
    assert not torch.equal(a, b)


@pytest.mark.parametrize("name, cls", [
    ("zeros", initializers.Zeros), ("zero", initializers.Zeros), ("Zeros", initializers.Zeros),
    ("ones", initializers.Ones), ("one", initializers.Ones),
    ("constant", initializers.Constant),
    ("normal", initializers.RandomNormal), ("random_normal", initializers.RandomNormal),
    ("uniform", initializers.RandomUniform), ("random_uniform", initializers.RandomUniform),
    ("truncated_normal", initializers.TruncatedNormal),
    ("variance_scaling", initializers.VarianceScaling),
    ("orthogonal", initializers.Orthogonal), ("identity", initializers.Identity),
    ("glorot_normal", initializers.VarianceScaling),
    ("glorot_uniform", initializers.VarianceScaling),
    ("he_normal", initializers.VarianceScaling), ("he_uniform", initializers.VarianceScaling),
    ("lecun_normal", initializers.VarianceScaling),
    ("lecun_uniform", initializers.VarianceScaling),
])
def test_get_by_keras2_names(name, cls):
    init = initializers.get(name)
    assert type(init) is cls
    assert tuple(init((3, 3)).shape) == (3, 3)


def test_string_glorot_uniform_serializes_like_keras2():
    assert initializers.serialize(initializers.get("glorot_uniform")) == {
        "class_name": "VarianceScaling",
        "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}


@pytest.mark.parametrize("init", [
    initializers.Zeros(), initializers.Ones(), initializers.Constant(0.3),
    initializers.RandomNormal(1.0, 0.2, seed=1), initializers.RandomUniform(-1, 1, seed=2),
    initializers.TruncatedNormal(0.0, 0.1, seed=3),
    initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=4),
    initializers.Orthogonal(gain=1.5, seed=5), initializers.Identity(gain=2.0),
    initializers.he_uniform(seed=6),
])
def test_config_round_trip_gives_the_same_values(init):
    config = initializers.serialize(init)
    assert config["class_name"] == type(init).__name__
    again = initializers.get(config)
    assert type(again) is type(init) and again.get_config() == init.get_config()
    assert torch.equal(again((4, 4)), init((4, 4)))
    assert type(init).from_config(init.get_config()).get_config() == init.get_config()


def test_tf_keras_configs_load():
    init = initializers.get({"class_name": "GlorotUniform", "config": {"seed": None}})
    assert isinstance(init, initializers.VarianceScaling)
    assert (init.scale, init.mode, init.distribution) == (1.0, "fan_avg", "uniform")
    assert initializers.serialize(init) == {"class_name": "GlorotUniform",
                                            "config": {"seed": None}}
    he = initializers.get({"class_name": "HeNormal", "config": {"seed": 1}})
    assert (he.scale, he.mode, he.distribution, he.seed) == (2.0, "fan_in", "normal", 1)
    zeros = initializers.get({"class_name": "Zeros", "config": {"dtype": "float32"}})
    assert isinstance(zeros, initializers.Zeros)


def test_constant_numpy_value_config_is_plain_python():
    init = initializers.Constant(np.array([1.0, 2.0]))
    assert init.get_config() == {"value": [1.0, 2.0]}


def test_get_none_callable_unknown():
    assert initializers.get(None) is None

    def halves(shape, dtype=None):
        return torch.full(shape, 0.5)

    assert initializers.get(halves) is halves
    with pytest.raises(ValueError) as info:
        initializers.get("glorot_unifrom")
    assert "Unknown initializer: 'glorot_unifrom'" in str(info.value)
    assert "Did you mean 'glorot_uniform'?" in str(info.value)
    assert "lecun_normal" in str(info.value)
    with pytest.raises(ValueError, match="Could not interpret initializer"):
        initializers.get(0.5)


def test_custom_initializer_by_name():
    class Halves(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return torch.full(shape, 0.5)

    with custom_object_scope({"Halves": Halves}):
        assert isinstance(initializers.get("Halves"), Halves)
    got = initializers.deserialize({"class_name": "Halves", "config": {}},
                                   custom_objects={"Halves": Halves})
    assert got((2,)).tolist() == [0.5, 0.5]


def test_bad_shape_message():
    with pytest.raises(ValueError, match="shape of known ints"):
        initializers.Zeros()((None, 3))
