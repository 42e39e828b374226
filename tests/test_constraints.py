"""Constraints against NumPy versions of the Keras 2 formulas (epsilon 1e-7 in denominators)."""
import numpy as np
import pytest
import torch

from cornu import constraints
from cornu.utils.serialization import custom_object_scope

EPS = 1e-7
RNG = np.random.RandomState(0)
DENSE = (RNG.randn(6, 4) * 2).astype("float32")       # (in, out)
CONV = (RNG.randn(3, 3, 2, 5) * 0.5).astype("float32")  # (kh, kw, in, out)


def norms(w, axis):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


def np_max_norm(w, max_value, axis):
    n = norms(w, axis)
    return w * (np.clip(n, 0, max_value) / (EPS + n))


def np_min_max_norm(w, min_value, max_value, rate, axis):
    n = norms(w, axis)
    desired = rate * np.clip(n, min_value, max_value) + (1 - rate) * n
    return w * (desired / (EPS + n))


def apply(constraint, w):
    return constraint(torch.tensor(w)).numpy()


@pytest.mark.parametrize("w, axis", [(DENSE, 0), (DENSE, 1), (CONV, [0, 1, 2]), (CONV, 3)])
def test_max_norm_matches_numpy(w, axis):
    out = apply(constraints.MaxNorm(max_value=1.5, axis=axis), w)
    np.testing.assert_allclose(out, np_max_norm(w, 1.5, axis), rtol=1e-5, atol=1e-7)
    assert norms(out, axis).max() <= 1.5 + 1e-5


def test_max_norm_dense_axis0_caps_each_output_unit():
    w = np.array([[3.0, 0.3], [4.0, 0.4]], dtype="float32")  # column norms 5 and 0.5
    out = apply(constraints.MaxNorm(max_value=2.0), w)
    np.testing.assert_allclose(out[:, 0], [1.2, 1.6], rtol=1e-6)
    np.testing.assert_allclose(out[:, 1], [0.3, 0.4], rtol=1e-6)  # below the cap: unchanged


def test_non_neg():
    out = apply(constraints.NonNeg(), DENSE)
    np.testing.assert_array_equal(out, DENSE * (DENSE >= 0))
    assert apply(constraints.non_neg(), np.array([-1.0, 0.0, 2.0], "float32")).tolist() == [0, 0, 2]


@pytest.mark.parametrize("w, axis", [(DENSE, 0), (DENSE, 1), (CONV, [0, 1, 2])])
def test_unit_norm_matches_numpy(w, axis):
    out = apply(constraints.UnitNorm(axis=axis), w)
    np.testing.assert_allclose(out, w / (EPS + norms(w, axis)), rtol=1e-5)
    np.testing.assert_allclose(norms(out, axis), 1.0, rtol=1e-5)


@pytest.mark.parametrize("rate", [1.0, 0.5])
@pytest.mark.parametrize("w, axis", [(DENSE, 0), (CONV, [0, 1, 2])])
def test_min_max_norm_matches_numpy(w, axis, rate):
    c = constraints.MinMaxNorm(min_value=1.0, max_value=2.0, rate=rate, axis=axis)
    np.testing.assert_allclose(apply(c, w), np_min_max_norm(w, 1.0, 2.0, rate, axis),
                               rtol=1e-5, atol=1e-7)


def test_min_max_norm_hand_computed():
    w = np.array([[0.3], [0.4]], dtype="float32")  # norm 0.5
    np.testing.assert_allclose(apply(constraints.MinMaxNorm(1.0, 2.0), w).ravel(), [0.6, 0.8],
                               rtol=1e-5)
    # rate 0.5: desired norm 0.5 * 1 + 0.5 * 0.5 = 0.75
    np.testing.assert_allclose(apply(constraints.MinMaxNorm(1.0, 2.0, rate=0.5), w).ravel(),
                               [0.45, 0.6], rtol=1e-5)


def test_input_is_not_modified():
    w = torch.tensor(DENSE)
    for c in (constraints.MaxNorm(0.1), constraints.NonNeg(), constraints.UnitNorm(),
              constraints.MinMaxNorm()):
        c(w)
    np.testing.assert_array_equal(w.numpy(), DENSE)


def test_aliases_are_the_keras2_classes():
    assert constraints.max_norm is constraints.maxnorm is constraints.MaxNorm
    assert constraints.non_neg is constraints.nonneg is constraints.NonNeg
    assert constraints.unit_norm is constraints.unitnorm is constraints.UnitNorm
    assert constraints.min_max_norm is constraints.MinMaxNorm
    for name, cls in [("max_norm", constraints.MaxNorm), ("maxnorm", constraints.MaxNorm),
                      ("non_neg", constraints.NonNeg), ("nonneg", constraints.NonNeg),
                      ("unit_norm", constraints.UnitNorm), ("unitnorm", constraints.UnitNorm),
                      ("min_max_norm", constraints.MinMaxNorm), ("MaxNorm", constraints.MaxNorm)]:
        assert type(constraints.get(name)) is cls


def test_defaults_and_configs():
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.NonNeg().get_config() == {}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0,
                                                     "rate": 1.0, "axis": 0}


@pytest.mark.parametrize("c, w", [(constraints.MaxNorm(1, axis=[0, 1, 2]), CONV),
                                  (constraints.NonNeg(), DENSE),
                                  (constraints.UnitNorm(axis=1), DENSE),
                                  (constraints.MinMaxNorm(0.5, 1.5, rate=0.2, axis=1), DENSE)])
def test_serialize_round_trip(c, w):
    config = constraints.serialize(c)
    assert config == {"class_name": type(c).__name__, "config": c.get_config()}
    again = constraints.deserialize(config)
    assert type(again) is type(c) and again.get_config() == c.get_config()
    np.testing.assert_array_equal(apply(again, w), apply(c, w))


def test_get_none_callable_unknown():
    assert constraints.get(None) is None
    assert constraints.get(torch.abs) is torch.abs
    with pytest.raises(ValueError) as info:
        constraints.get("max_nrom")
    assert "Unknown constraint: 'max_nrom'" in str(info.value)
    assert "Did you mean 'max_norm'?" in str(info.value)
    with pytest.raises(ValueError, match="Could not interpret constraint"):
        constraints.get(2)


def test_custom_constraint_by_name():
    class Clip(constraints.Constraint):
        def __call__(self, w):
            return w.clamp(-1, 1)

    with custom_object_scope({"Clip": Clip}):
        assert isinstance(constraints.get("Clip"), Clip)
