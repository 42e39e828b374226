"""Regularizers against NumPy versions of the Keras 2 penalty."""
import numpy as np
import pytest
import torch

from cornu import regularizers
from cornu.utils.serialization import custom_object_scope

W = np.array([[0.5, -1.5, 2.0], [-0.25, 0.0, 3.0]], dtype="float32")


def penalty(reg, w=W):
    return reg(torch.tensor(w))


def test_l1l2_matches_numpy():
    reg = regularizers.L1L2(l1=0.01, l2=0.02)
    expected = 0.01 * np.abs(W).sum() + 0.02 * np.square(W).sum()
    value = penalty(reg)
    assert value.dim() == 0
    np.testing.assert_allclose(float(value), expected, rtol=1e-6)


def test_hand_computed_penalties():
    # sum|w| = 7.25, sum w^2 = 0.25 + 2.25 + 4 + 0.0625 + 0 + 9 = 15.5625
    np.testing.assert_allclose(float(penalty(regularizers.l1(0.1))), 0.725, rtol=1e-6)
    np.testing.assert_allclose(float(penalty(regularizers.l2(0.001))), 0.0155625, rtol=1e-6)
    np.testing.assert_allclose(float(penalty(regularizers.l1_l2())), 0.0725 + 0.155625,
                               rtol=1e-6)


def test_penalty_is_differentiable():
    w = torch.tensor(W, requires_grad=True)
    regularizers.L1L2(l1=0.1, l2=0.5)(w).backward()
    np.testing.assert_allclose(w.grad.numpy(), 0.1 * np.sign(W) + 2 * 0.5 * W, rtol=1e-6)


def test_zero_factors_give_a_zero_scalar_tensor():
    value = penalty(regularizers.L1L2())
    assert isinstance(value, torch.Tensor) and value.dim() == 0 and float(value) == 0.0
    assert float(penalty(regularizers.Regularizer())) == 0.0


def test_penalty_keeps_weight_dtype():
    value = regularizers.l2(0.5)(torch.tensor(W, dtype=torch.float64))
    assert value.dtype == torch.float64


def test_factories_defaults_and_configs():
    assert regularizers.l1().get_config() == {"l1": 0.01, "l2": 0.0}
    assert regularizers.l2().get_config() == {"l1": 0.0, "l2": 0.01}
    assert regularizers.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.l2(0.001).get_config() == {"l1": 0.0, "l2": 0.001}


def test_get_by_keras2_names():
    for name, config in [("l1", {"l1": 0.01, "l2": 0.0}), ("l2", {"l1": 0.0, "l2": 0.01}),
                         ("l1_l2", {"l1": 0.01, "l2": 0.01}), ("L1L2", {"l1": 0.0, "l2": 0.0})]:
        reg = regularizers.get(name)
        assert isinstance(reg, regularizers.L1L2)
        assert reg.get_config() == config


def test_serialize_round_trip():
    reg = regularizers.l1_l2(l1=0.3, l2=0.7)
    config = regularizers.serialize(reg)
    assert config == {"class_name": "L1L2", "config": {"l1": 0.3, "l2": 0.7}}
    again = regularizers.get(config)
    assert isinstance(again, regularizers.L1L2) and again.get_config() == reg.get_config()
    np.testing.assert_allclose(float(penalty(again)), float(penalty(reg)))


def test_tf_keras_l1_and_l2_configs_load():
    l2 = regularizers.get({"class_name": "L2", "config": {"l2": 0.5}})
    np.testing.assert_allclose(float(penalty(l2)), 0.5 * 15.5625, rtol=1e-6)
    assert regularizers.serialize(l2) == {"class_name": "L2", "config": {"l2": 0.5}}
    l1 = regularizers.get({"class_name": "L1", "config": {"l1": 0.5}})
    np.testing.assert_allclose(float(penalty(l1)), 0.5 * 7.25, rtol=1e-6)


def test_get_none_and_callables():
    assert regularizers.get(None) is None

    def total(w):
        return w.sum()

    assert regularizers.get(total) is total


def test_unknown_and_invalid_identifiers():
    with pytest.raises(ValueError) as info:
        regularizers.get("l3")
    assert "Unknown regularizer: 'l3'" in str(info.value)
    assert "l1_l2" in str(info.value)
    with pytest.raises(ValueError, match="Could not interpret regularizer"):
        regularizers.get(0.01)


def test_custom_regularizer_by_name():
    class Sum(regularizers.Regularizer):
        pass

    with custom_object_scope({"Sum": Sum}):
        assert isinstance(regularizers.get("Sum"), Sum)
    assert isinstance(regularizers.deserialize({"class_name": "Sum", "config": {}},
                                               custom_objects={"Sum": Sum}), Sum)
