"""Keras 2 metrics, compile(metrics=...) resolution and history key aliases."""
import numpy as np
import pytest
import torch

from cornu import losses, metrics

RNG = np.random.default_rng(1)


def _t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float32)


def _np(x):
    return x.detach().numpy()


def np_in_top_k(scores, targets, k):
    """TF in_top_k: the target is in when fewer than k classes score strictly higher."""
    target_scores = scores[np.arange(len(targets)), targets]
    return (scores > target_scores[:, None]).sum(-1) < k


# --- metric functions ----------------------------------------------------------------------

def test_binary_accuracy_rounds_predictions():
    y = _t([[1, 0, 1, 0], [1, 1, 0, 0]])
    p = _t([[0.9, 0.1, 0.5, 0.51], [0.6, 0.4, 0.49, 0.0]])
    # 0.5 rounds to 0 (half to even, like TF); 0.51 to 1
    np.testing.assert_allclose(_np(metrics.binary_accuracy(y, p)), [0.5, 0.75])


def test_binary_accuracy_threshold_and_shapes():
    y, p = _t([[1.0], [0.0], [1.0]]), _t([[0.8], [0.6], [0.65]])
    np.testing.assert_allclose(_np(metrics.binary_accuracy(y, p, threshold=0.7)), [1, 1, 0])
    np.testing.assert_allclose(_np(metrics.binary_accuracy(y, p)), [1, 0, 1])
    np.testing.assert_allclose(_np(metrics.binary_accuracy(_t([1, 0, 1]), p)), [1, 0, 1])
    np.testing.assert_allclose(_np(metrics.binary_accuracy(torch.tensor([[1], [0], [0]]), p)),
                               [1, 0, 0])


def test_categorical_accuracy():
    y = _t([[0, 0, 1], [0, 1, 0], [1, 0, 0]])
    p = _t([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.4, 0.4, 0.2]])  # ties: first index wins
    np.testing.assert_allclose(_np(metrics.categorical_accuracy(y, p)), [1, 0, 1])


def test_sparse_categorical_accuracy_label_shapes():
    p = _t([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.2, 0.6, 0.2]])
    for labels in (torch.tensor([2, 1, 1]), torch.tensor([[2], [1], [1]]), _t([2.0, 1.0, 1.0])):
        np.testing.assert_allclose(_np(metrics.sparse_categorical_accuracy(labels, p)), [1, 0, 1])


def test_accuracies_match_numpy_on_random_data():
    labels, scores = RNG.integers(0, 7, 50), RNG.normal(size=(50, 7))
    one_hot = np.eye(7)[labels]
    expected = (scores.argmax(-1) == labels).astype(float)
    np.testing.assert_allclose(_np(metrics.categorical_accuracy(_t(one_hot), _t(scores))),
                               expected)
    np.testing.assert_allclose(
        _np(metrics.sparse_categorical_accuracy(torch.as_tensor(labels), _t(scores))), expected)
    for k in (1, 3, 5, 7):
        expected = np_in_top_k(scores.astype(np.float32), labels, k).astype(float)
        got = metrics.top_k_categorical_accuracy(_t(one_hot), _t(scores), k=k)
        np.testing.assert_allclose(_np(got), expected)
        got = metrics.sparse_top_k_categorical_accuracy(torch.as_tensor(labels[:, None]),
                                                        _t(scores), k=k)
        np.testing.assert_allclose(_np(got), expected)


def test_top_k_hand_computed_with_ties_and_default_k():
    p = _t([[0.3, 0.3, 0.4], [0.5, 0.5, 0.0], [0.1, 0.2, 0.7]])
    labels = torch.tensor([0, 1, 0])
    np.testing.assert_allclose(_np(metrics.sparse_top_k_categorical_accuracy(labels, p, k=1)),
                               [0, 1, 0])
    np.testing.assert_allclose(_np(metrics.sparse_top_k_categorical_accuracy(labels, p, k=2)),
                               [1, 1, 0])
    np.testing.assert_allclose(_np(metrics.sparse_top_k_categorical_accuracy(labels, p)),
                               [1, 1, 1])  # k=5 > 3 classes
    nan_row = _t([[float("nan"), 0.2, 0.7]])
    np.testing.assert_allclose(_np(metrics.top_k_categorical_accuracy(_t([[0, 0, 1]]), nan_row)),
                               [0])


def test_losses_are_metrics_under_their_names():
    for name in ("mse", "mae", "mape", "msle", "cosine", "kld", "KLD", "MSE", "logcosh", "hinge",
                 "squared_hinge", "categorical_hinge", "poisson", "binary_crossentropy",
                 "categorical_crossentropy", "sparse_categorical_crossentropy",
                 "mean_absolute_error", "cosine_proximity", "kullback_leibler_divergence"):
        assert metrics.get(name) is losses.get(name), name
    assert metrics.mae is losses.mean_absolute_error
    assert metrics.get("top_k_categorical_accuracy") is metrics.top_k_categorical_accuracy


def test_metric_shape_errors():
    with pytest.raises(ValueError) as info:
        metrics.categorical_accuracy(torch.zeros(8, 1), torch.zeros(8, 10))
    message = str(info.value)
    assert "(8, 1)" in message and "(8, 10)" in message
    assert "sparse_categorical_accuracy" in message and "to_categorical" in message
    with pytest.raises(ValueError, match=r"\(8, 2\).*\(8, 3\)"):
        metrics.binary_accuracy(torch.zeros(8, 2), torch.zeros(8, 3))
    with pytest.raises(ValueError, match="one-hot"):
        metrics.sparse_categorical_accuracy(torch.zeros(8, 3), torch.zeros(8, 3))
    with pytest.raises(ValueError, match=r"outside \[0, 2\]"):
        metrics.sparse_top_k_categorical_accuracy(torch.tensor([5]), torch.zeros(1, 3))


def test_get_serialize_deserialize_and_errors():
    assert metrics.serialize(metrics.binary_accuracy) == "binary_accuracy"
    assert metrics.deserialize("categorical_accuracy") is metrics.categorical_accuracy
    assert metrics.get({"class_name": "function", "config": "mae"}) is losses.mae
    assert metrics.get({"class_name": "binary_accuracy", "config": {}}) is metrics.binary_accuracy

    def my_metric(y_true, y_pred):
        return y_pred[..., 0]

    assert metrics.get(my_metric) is my_metric
    assert metrics.deserialize("my_metric", custom_objects={"my_metric": my_metric}) is my_metric
    with pytest.raises(ValueError, match="compile"):
        metrics.get("accuracy")
    with pytest.raises(ValueError) as info:
        metrics.get("categorical_acuracy")
    assert "Did you mean 'categorical_accuracy'" in str(info.value)
    assert "binary_accuracy" in str(info.value)
    with pytest.raises(ValueError, match="Could not interpret"):
        metrics.get(3)


# --- resolve ---------------------------------------------------------------------------------

@pytest.mark.parametrize("loss, shape, accuracy, crossentropy", [
    (losses.binary_crossentropy, (None, 1), "binary_accuracy", "binary_crossentropy"),
    (losses.mse, (None, 1), "binary_accuracy", "binary_crossentropy"),
    ("binary_crossentropy", (None, 5), "binary_accuracy", "binary_crossentropy"),
    (losses.BinaryCrossentropy(from_logits=True), (None, 3), "binary_accuracy",
     "binary_crossentropy"),
    (losses.categorical_crossentropy, (None, 10), "categorical_accuracy",
     "categorical_crossentropy"),
    ("mse", (None, 10), "categorical_accuracy", "categorical_crossentropy"),
    (losses.sparse_categorical_crossentropy, (None, 10), "sparse_categorical_accuracy",
     "sparse_categorical_crossentropy"),
    (losses.SparseCategoricalCrossentropy(), (None, 10), "sparse_categorical_accuracy",
     "sparse_categorical_crossentropy"),
    ("sparse_categorical_crossentropy", (None, 1), "binary_accuracy", "binary_crossentropy"),
    (losses.sparse_categorical_crossentropy, torch.Size([32, 20, 5]),
     "sparse_categorical_accuracy", "sparse_categorical_crossentropy"),
    (None, None, "categorical_accuracy", "categorical_crossentropy"),
])
def test_resolve_keras_2_2_4_rules(loss, shape, accuracy, crossentropy):
    for spelling in ("acc", "accuracy"):
        name, fn = metrics.resolve(spelling, loss, shape)
        assert name == spelling and fn.__name__ == accuracy
    for spelling in ("ce", "crossentropy"):
        name, fn = metrics.resolve(spelling, loss, shape)
        assert name == spelling and fn.__name__ == crossentropy


def test_resolve_names():
    assert metrics.resolve("mae", losses.mse, (None, 1)) == ("mae", losses.mean_absolute_error)
    assert metrics.resolve("mean_squared_error") == ("mean_squared_error", losses.mse)
    assert metrics.resolve(metrics.top_k_categorical_accuracy) == \
        ("top_k_categorical_accuracy", metrics.top_k_categorical_accuracy)

    def f1(y_true, y_pred):
        return y_pred.sum(-1)

    assert metrics.resolve(f1) == ("f1", f1)
    name, fn = metrics.resolve(losses.MeanAbsoluteError(name="my_mae"))
    assert name == "my_mae"
    np.testing.assert_allclose(_np(fn(_t([[0.0], [1.0]]), _t([[1.0], [3.0]]))), [1.0, 2.0])
    with pytest.raises(ValueError, match="Could not interpret metric"):
        metrics.resolve(7)
    with pytest.raises(ValueError, match="Unknown metric"):
        metrics.resolve("f2")


# --- history aliases -------------------------------------------------------------------------

@pytest.mark.parametrize("name, aliases", [
    ("acc", ["accuracy"]),
    ("accuracy", ["acc"]),
    ("val_acc", ["val_accuracy"]),
    ("val_accuracy", ["val_acc"]),
    ("mae", ["mean_absolute_error"]),
    ("mean_absolute_error", ["mae"]),
    ("val_mae", ["val_mean_absolute_error"]),
    ("MAE", ["mean_absolute_error", "mae"]),
    ("mse", ["mean_squared_error"]),
    ("mean_squared_error", ["mse"]),
    ("mape", ["mean_absolute_percentage_error"]),
    ("msle", ["mean_squared_logarithmic_error"]),
    ("cosine", ["cosine_proximity"]),
    ("cosine_proximity", ["cosine"]),
    ("kld", ["kullback_leibler_divergence"]),
    ("kullback_leibler_divergence", ["kld"]),
    ("ce", ["crossentropy"]),
    ("crossentropy", ["ce"]),
    ("loss", []),
    ("binary_accuracy", []),
])
def test_history_aliases(name, aliases):
    assert metrics.history_aliases(name) == aliases


def test_history_aliases_name_the_crossentropy_when_the_loss_is_known():
    assert metrics.history_aliases("ce", losses.binary_crossentropy, (None, 1)) == \
        ["crossentropy", "binary_crossentropy"]
    assert metrics.history_aliases("val_crossentropy", "sparse_categorical_crossentropy",
                                   (None, 10)) == ["val_ce", "val_sparse_categorical_crossentropy"]
    assert metrics.history_aliases("acc", losses.binary_crossentropy, (None, 1)) == ["accuracy"]
