"""Keras 2 losses against NumPy references (float64) and hand-computed values."""
import math

import numpy as np
import pytest
import torch

from cornu import losses
from cornu.utils.serialization import custom_object_scope

EPS = 1e-7
RNG = np.random.default_rng(0)


def _t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float32)


def _np(x):
    return x.detach().numpy()


def _probs(n, k):
    p = RNG.uniform(0.01, 1.0, size=(n, k))
    return p / p.sum(-1, keepdims=True)


def _one_hot(labels, k):
    return np.eye(k)[labels]


# --- NumPy references (Keras 2.2.4 TensorFlow-backend formulas) -----------------------------

def np_categorical_crossentropy(y, p):
    p = p / p.sum(-1, keepdims=True)
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p)).sum(-1)


def np_sparse_categorical_crossentropy(labels, p):
    logits = np.log(np.clip(p, EPS, 1 - EPS))
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    return -np.take_along_axis(log_softmax, labels[..., None], -1)[..., 0]


def np_sigmoid_ce_with_logits(z, x):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


def np_binary_crossentropy(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return np_sigmoid_ce_with_logits(y, np.log(p / (1 - p))).mean(-1)


def np_l2_normalize(x):
    return x / np.sqrt(np.maximum((x ** 2).sum(-1, keepdims=True), 1e-12))


NUMPY_REFERENCES = {
    "mean_squared_error": lambda y, p: ((p - y) ** 2).mean(-1),
    "mean_absolute_error": lambda y, p: np.abs(p - y).mean(-1),
    "mean_absolute_percentage_error":
        lambda y, p: 100 * np.abs((y - p) / np.clip(np.abs(y), EPS, None)).mean(-1),
    "mean_squared_logarithmic_error":
        lambda y, p: ((np.log(np.clip(p, EPS, None) + 1) - np.log(np.clip(y, EPS, None) + 1))
                      ** 2).mean(-1),
    "squared_hinge": lambda y, p: (np.maximum(1 - y * p, 0) ** 2).mean(-1),
    "hinge": lambda y, p: np.maximum(1 - y * p, 0).mean(-1),
    "categorical_hinge":
        lambda y, p: np.maximum(0, ((1 - y) * p).max(-1) - (y * p).sum(-1) + 1),
    "logcosh": lambda y, p: np.log(np.cosh(p - y)).mean(-1),
    "huber_loss": lambda y, p: np.where(np.abs(p - y) <= 1, 0.5 * (p - y) ** 2,
                                        np.abs(p - y) - 0.5).mean(-1),
    "categorical_crossentropy": np_categorical_crossentropy,
    "binary_crossentropy": np_binary_crossentropy,
    "kullback_leibler_divergence":
        lambda y, p: (np.clip(y, EPS, 1) * np.log(np.clip(y, EPS, 1) / np.clip(p, EPS, 1))).sum(-1),
    "poisson": lambda y, p: (p - y * np.log(p + EPS)).mean(-1),
    "cosine_proximity": lambda y, p: -(np_l2_normalize(y) * np_l2_normalize(p)).sum(-1),
}


def _inputs_for(name):
    if name in ("categorical_crossentropy", "kullback_leibler_divergence", "categorical_hinge"):
        return _one_hot(RNG.integers(0, 5, 8), 5), _probs(8, 5)
    if name == "binary_crossentropy":
        return RNG.integers(0, 2, (8, 3)).astype(float), RNG.uniform(0, 1, (8, 3))
    if name in ("hinge", "squared_hinge"):
        return RNG.choice([-1.0, 1.0], (8, 3)), RNG.normal(size=(8, 3))
    if name in ("poisson", "mean_squared_logarithmic_error"):
        return RNG.poisson(2.0, (8, 3)).astype(float), RNG.uniform(0.1, 4, (8, 3))
    return RNG.normal(size=(8, 3)), RNG.normal(size=(8, 3)) * 2


@pytest.mark.parametrize("name", sorted(NUMPY_REFERENCES))
def test_loss_matches_numpy_reference(name):
    y, p = _inputs_for(name)
    got = getattr(losses, name)(_t(y), _t(p))
    assert got.shape == (8,)
    assert got.dtype == torch.float32
    np.testing.assert_allclose(_np(got), NUMPY_REFERENCES[name](y, p), rtol=2e-5, atol=2e-6)


def test_sparse_categorical_crossentropy_matches_numpy_reference():
    labels, p = RNG.integers(0, 6, 10), _probs(10, 6)
    expected = np_sparse_categorical_crossentropy(labels, p)
    for y in (labels, labels.reshape(-1, 1), labels.astype(np.float32)):
        got = losses.sparse_categorical_crossentropy(torch.as_tensor(y), _t(p))
        assert got.shape == (10,)
        np.testing.assert_allclose(_np(got), expected, rtol=1e-5)
    # agrees with categorical crossentropy on one-hot targets when rows sum to 1
    dense = losses.categorical_crossentropy(_t(_one_hot(labels, 6)), _t(p))
    np.testing.assert_allclose(_np(dense), expected, rtol=1e-5)


def test_sparse_categorical_crossentropy_on_sequences():
    labels, p = RNG.integers(0, 4, (3, 5)), _probs(15, 4).reshape(3, 5, 4)
    got = losses.sparse_categorical_crossentropy(torch.as_tensor(labels), _t(p))
    assert got.shape == (3, 5)
    np.testing.assert_allclose(_np(got), np_sparse_categorical_crossentropy(labels, p),
                               rtol=1e-5)


def test_sparse_categorical_crossentropy_class_axis():
    labels, p = RNG.integers(0, 4, (2, 3)), _probs(6, 4).reshape(2, 3, 4)
    channels_first = _t(np.moveaxis(p, -1, 1))  # (2, 4, 3)
    got = losses.sparse_categorical_crossentropy(torch.as_tensor(labels), channels_first, axis=1)
    np.testing.assert_allclose(_np(got), np_sparse_categorical_crossentropy(labels, p), rtol=1e-5)


def test_hand_computed_values():
    y, p = _t([[0.0, 1.0], [0.0, 0.0]]), _t([[1.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(_np(losses.mse(y, p)), [0.5, 0.5])
    np.testing.assert_allclose(_np(losses.mae(y, p)), [0.5, 0.5])
    np.testing.assert_allclose(_np(losses.mape(_t([[2.0, 4.0]]), _t([[1.0, 4.0]]))), [25.0])
    np.testing.assert_allclose(_np(losses.hinge(_t([[1.0, -1.0]]), _t([[0.5, 0.5]]))), [1.0])
    np.testing.assert_allclose(_np(losses.squared_hinge(_t([[1.0, -1.0]]), _t([[0.5, 0.5]]))),
                               [1.25])
    np.testing.assert_allclose(_np(losses.categorical_hinge(_t([[0, 1]]), _t([[0.3, 0.7]]))),
                               [0.6], rtol=1e-6)
    np.testing.assert_allclose(_np(losses.poisson(_t([[1.0]]), _t([[1.0]]))), [1.0], rtol=1e-6)
    np.testing.assert_allclose(_np(losses.cosine(_t([[1.0, 0.0]]), _t([[0.0, 3.0]]))), [0.0])
    np.testing.assert_allclose(_np(losses.cosine(_t([[1.0, 1.0]]), _t([[-2.0, -2.0]]))), [1.0],
                               rtol=1e-6)
    np.testing.assert_allclose(_np(losses.logcosh(_t([[0.0]]), _t([[1.0]]))),
                               [math.log(math.cosh(1.0))], rtol=1e-6)
    half = math.log(2.0)
    np.testing.assert_allclose(_np(losses.categorical_crossentropy(_t([[0, 1]]), _t([[1, 1]]))),
                               [half], rtol=1e-6)  # rescaled to [0.5, 0.5]
    np.testing.assert_allclose(_np(losses.binary_crossentropy(_t([[1, 0]]), _t([[0.5, 0.5]]))),
                               [half], rtol=1e-6)
    np.testing.assert_allclose(_np(losses.kld(_t([[0.5, 0.5]]), _t([[0.25, 0.75]]))),
                               [0.5 * math.log(2) + 0.5 * math.log(2 / 3)], rtol=1e-6)


def test_crossentropies_clip_probabilities_at_zero_and_one():
    # p = 0 for the true class: -log(eps); p = 1: -log(1 - eps) in float32
    one_minus_eps = float(np.float32(1) - np.float32(EPS))
    got = losses.categorical_crossentropy(_t([[1, 0], [1, 0]]), _t([[0, 1], [1, 0]]))
    np.testing.assert_allclose(_np(got), [-math.log(EPS), -math.log(one_minus_eps)], rtol=1e-5)
    got = losses.sparse_categorical_crossentropy(torch.tensor([0, 0]), _t([[0, 1], [1, 0]]))
    # clipped to [eps, 1 - eps] then renormalised: -log(eps / (eps + 1 - eps))
    np.testing.assert_allclose(_np(got), [-math.log(EPS / (EPS + one_minus_eps)),
                                          -math.log(one_minus_eps / (EPS + one_minus_eps))],
                               rtol=1e-5, atol=1e-7)
    got = losses.binary_crossentropy(_t([[1], [0], [1], [0]]), _t([[0], [1], [1], [0]]))
    expected = [-math.log(EPS), -math.log(1 - one_minus_eps), -math.log(one_minus_eps),
                -math.log(1 - EPS)]
    np.testing.assert_allclose(_np(got), expected, rtol=1e-4, atol=1e-7)
    assert torch.isfinite(got).all()


def test_clipped_probabilities_give_finite_zero_gradients():
    p = torch.tensor([[0.0, 1.0], [0.3, 0.7]], requires_grad=True)
    losses.binary_crossentropy(torch.tensor([[1.0, 0.0], [1.0, 0.0]]), p).sum().backward()
    assert torch.isfinite(p.grad).all()
    np.testing.assert_allclose(_np(p.grad[0]), [0.0, 0.0])  # outside [eps, 1-eps]: no gradient
    # inside: d/dp mean(-(y log p + (1-y) log(1-p))) = (p - y) / (p (1 - p)) / 2
    np.testing.assert_allclose(_np(p.grad[1]), [(0.3 - 1) / (0.3 * 0.7) / 2, 0.7 / 0.21 / 2],
                               rtol=1e-5)


def test_mse_gradient():
    p = torch.tensor([[1.0, 3.0]], requires_grad=True)
    losses.mse(torch.tensor([[0.0, 0.0]]), p).sum().backward()
    np.testing.assert_allclose(_np(p.grad), [[1.0, 3.0]])  # 2 (p - y) / 2


def test_from_logits():
    x = RNG.normal(size=(6, 4)) * 3
    labels = RNG.integers(0, 4, 6)
    softmax = np.exp(x) / np.exp(x).sum(-1, keepdims=True)
    expected = -np.log(softmax[np.arange(6), labels])
    got = losses.categorical_crossentropy(_t(_one_hot(labels, 4)), _t(x), from_logits=True)
    np.testing.assert_allclose(_np(got), expected, rtol=1e-5)
    got = losses.sparse_categorical_crossentropy(torch.as_tensor(labels), _t(x), from_logits=True)
    np.testing.assert_allclose(_np(got), expected, rtol=1e-5)
    y = RNG.integers(0, 2, (6, 4)).astype(float)
    got = losses.binary_crossentropy(_t(y), _t(x), from_logits=True)
    np.testing.assert_allclose(_np(got), np_sigmoid_ce_with_logits(y, x).mean(-1), rtol=1e-5)


def test_label_smoothing():
    y, p = _one_hot([0, 2], 3), _probs(2, 3)
    got = losses.categorical_crossentropy(_t(y), _t(p), label_smoothing=0.3)
    np.testing.assert_allclose(_np(got), np_categorical_crossentropy(y * 0.7 + 0.1, p),
                               rtol=1e-5)
    y, p = np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]])
    got = losses.binary_crossentropy(_t(y), _t(p), label_smoothing=0.2)
    np.testing.assert_allclose(_np(got), np_binary_crossentropy(y * 0.8 + 0.1, p), rtol=1e-5)


def test_inputs_are_converted():
    # NumPy arrays, integer targets, and (n,) targets against (n, 1) outputs
    got = losses.mse(np.array([[1], [2]]), np.array([[0.0], [0.0]]))
    np.testing.assert_allclose(_np(got), [1.0, 4.0])
    got = losses.binary_crossentropy(torch.tensor([1, 0]), _t([[0.5], [0.5]]))
    np.testing.assert_allclose(_np(got), [math.log(2)] * 2, rtol=1e-6)
    got = losses.mae(_t([[1.0], [2.0]]), _t([0.0, 0.0]))
    np.testing.assert_allclose(_np(got), [1.0, 2.0])
    got = losses.mse(torch.zeros(2, 2, dtype=torch.float64), torch.ones(2, 2, dtype=torch.float64))
    assert got.dtype == torch.float64


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(32, 10\).*\(32, 3\)"):
        losses.mse(torch.zeros(32, 10), torch.zeros(32, 3))


@pytest.mark.parametrize("labels_shape", [(32,), (32, 1)])
def test_categorical_loss_with_integer_labels_suggests_to_categorical(labels_shape):
    with pytest.raises(ValueError) as info:
        losses.categorical_crossentropy(torch.zeros(labels_shape), torch.full((32, 10), 0.1))
    message = str(info.value)
    assert str(labels_shape) in message and "(32, 10)" in message
    assert "to_categorical" in message and "sparse_categorical_crossentropy" in message


def test_sparse_loss_with_one_hot_targets_is_explained():
    with pytest.raises(ValueError, match="one-hot"):
        losses.sparse_categorical_crossentropy(torch.zeros(4, 3), torch.full((4, 3), 1 / 3))


def test_sparse_label_out_of_range():
    with pytest.raises(ValueError, match=r"outside \[0, 2\]"):
        losses.sparse_categorical_crossentropy(torch.tensor([3]), torch.full((1, 3), 1 / 3))


def test_aliases_are_the_same_functions():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.mae is losses.MAE is losses.mean_absolute_error
    assert losses.mape is losses.MAPE is losses.mean_absolute_percentage_error
    assert losses.msle is losses.MSLE is losses.mean_squared_logarithmic_error
    assert losses.kld is losses.KLD is losses.kullback_leibler_divergence
    assert losses.cosine is losses.cosine_proximity
    for alias, fn in [("mse", losses.mean_squared_error), ("MAE", losses.mean_absolute_error),
                      ("mape", losses.mean_absolute_percentage_error), ("KLD", losses.kld),
                      ("msle", losses.msle), ("cosine", losses.cosine_proximity),
                      ("binary_crossentropy", losses.binary_crossentropy)]:
        assert losses.get(alias) is fn


def test_get_serialize_deserialize():
    assert losses.get(None) is None
    assert losses.get(losses.hinge) is losses.hinge
    assert losses.serialize(losses.mse) == "mean_squared_error"
    assert losses.deserialize("mean_squared_error") is losses.mse
    assert losses.get({"class_name": "function", "config": "mae"}) is losses.mae
    instance = losses.get("BinaryCrossentropy")
    assert isinstance(instance, losses.BinaryCrossentropy)
    config = losses.serialize(losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1))
    assert config == {"class_name": "BinaryCrossentropy",
                      "config": {"reduction": "sum_over_batch_size", "name": "binary_crossentropy",
                                 "from_logits": True, "label_smoothing": 0.1}}
    restored = losses.deserialize(config)
    assert isinstance(restored, losses.BinaryCrossentropy) and restored.from_logits
    assert restored.get_config() == config["config"]


def test_custom_objects():
    def my_loss(y_true, y_pred):
        return torch.sum(y_pred - y_true, dim=-1)

    with custom_object_scope({"my_loss": my_loss}):
        assert losses.get("my_loss") is my_loss
    assert losses.deserialize("my_loss", custom_objects={"my_loss": my_loss}) is my_loss


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as info:
        losses.get("categorical_crossentropyy")
    message = str(info.value)
    assert "Did you mean 'categorical_crossentropy'" in message
    assert "mean_squared_error" in message and "mse" in message
    with pytest.raises(ValueError, match="Could not interpret"):
        losses.get(42)


def test_loss_classes_reduce_with_sample_weight():
    y, p = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    assert float(losses.MeanSquaredError()(y, p)) == pytest.approx(0.5)
    assert float(losses.MeanSquaredError()(y, p, sample_weight=[0.7, 0.3])) == pytest.approx(0.25)
    assert float(losses.MeanSquaredError()(y, p, sample_weight=[[0.7], [0.3]])) == \
        pytest.approx(0.25)
    assert float(losses.MeanSquaredError()(y, p, sample_weight=2.0)) == pytest.approx(1.0)
    assert float(losses.MeanAbsoluteError(reduction="sum")(y, p)) == pytest.approx(1.0)
    unreduced = losses.MeanSquaredError(reduction=losses.Reduction.NONE)(y, p)
    np.testing.assert_allclose(_np(unreduced), [0.5, 0.5])
    per_sample = losses.MeanSquaredError().call(_t(y), _t(p))
    np.testing.assert_allclose(_np(per_sample), [0.5, 0.5])


def test_loss_classes_match_functions():
    labels, p = RNG.integers(0, 3, 4), _probs(4, 3)
    y = _one_hot(labels, 3)
    pairs = [
        (losses.CategoricalCrossentropy(), losses.categorical_crossentropy, y, p),
        (losses.SparseCategoricalCrossentropy(), losses.sparse_categorical_crossentropy,
         labels, p),
        (losses.BinaryCrossentropy(), losses.binary_crossentropy, y, p),
        (losses.KLDivergence(), losses.kld, y, p),
        (losses.Hinge(), losses.hinge, y, p),
        (losses.SquaredHinge(), losses.squared_hinge, y, p),
        (losses.CategoricalHinge(), losses.categorical_hinge, y, p),
        (losses.Poisson(), losses.poisson, y, p),
        (losses.LogCosh(), losses.logcosh, y, p),
        (losses.Huber(), losses.huber_loss, y, p),
        (losses.CosineSimilarity(), losses.cosine_proximity, y, p),
        (losses.MeanAbsolutePercentageError(), losses.mape, y, p),
        (losses.MeanSquaredLogarithmicError(), losses.msle, y, p),
    ]
    for instance, fn, y_true, y_pred in pairs:
        expected = float(fn(torch.as_tensor(y_true), _t(y_pred)).mean())
        assert float(instance(torch.as_tensor(y_true), _t(y_pred))) == pytest.approx(expected), \
            instance.name
    logits = RNG.normal(size=(4, 3))
    expected = float(losses.categorical_crossentropy(_t(y), _t(logits), from_logits=True).mean())
    got = losses.CategoricalCrossentropy(from_logits=True)(_t(y), _t(logits))
    assert float(got) == pytest.approx(expected)


def test_custom_loss_subclass_and_bad_reduction():
    class Quartic(losses.Loss):
        def call(self, y_true, y_pred):
            return torch.mean((y_pred - y_true) ** 4, dim=-1)

    assert float(Quartic(name="quartic")(_t([[0.0]]), _t([[2.0]]))) == 16.0
    with pytest.raises(ValueError, match="Invalid reduction: 'mean'"):
        losses.MeanSquaredError(reduction="mean")
    with pytest.raises(ValueError, match="sample_weight of shape"):
        losses.MeanSquaredError()(_t([[0.0], [0.0]]), _t([[1.0], [1.0]]), sample_weight=[1, 2, 3])


def test_mean_last_axis_is_a_view_for_one_unit_and_a_mean_otherwise():
    from cornu.losses.reduction import mean_last_axis
    one_unit = torch.tensor([[2.0], [4.0]])
    reduced = mean_last_axis(one_unit)
    assert reduced.tolist() == [2.0, 4.0] and reduced.data_ptr() == one_unit.data_ptr()
    assert mean_last_axis(torch.tensor([[1.0, 2.0], [3.0, 5.0]])).tolist() == [1.5, 4.0]
    assert mean_last_axis(torch.tensor([1.0, 3.0])).item() == 2.0
