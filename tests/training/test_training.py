"""compile / fit / evaluate / predict: values against NumPy and hand-computed cases."""
import re

import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers, optimizers
from cornu.callbacks import Callback
from cornu.models import Model, Sequential

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")


def linear_model(w=((1.0,), (2.0,)), b=(0.5,), optimizer=None, loss="mse", metrics=None):
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    model.set_weights([np.array(w, dtype="float32"), np.array(b, dtype="float32")])
    model.compile(optimizer or optimizers.SGD(lr=0.1), loss, metrics=metrics)
    return model


X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], dtype="float32")
Y = np.array([[1.0], [0.0], [2.0], [-1.0]], dtype="float32")


def sgd_step(w, b, x, y, lr):
    pred = x @ w + b
    grad = 2.0 * (pred - y) / len(x)
    return w - lr * x.T @ grad, b - lr * grad.sum(axis=0), float(np.mean((pred - y) ** 2))


def test_train_on_batch_is_one_sgd_step():
    model = linear_model()
    loss = model.train_on_batch(X, Y)
    w, b, expected_loss = sgd_step(np.array([[1.0], [2.0]]), np.array([0.5]), X, Y, 0.1)
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[1], b, rtol=1e-5)


def test_fit_batches_in_order_without_shuffle_and_averages_loss():
    model = linear_model()
    history = model.fit(X, Y, batch_size=3, epochs=1, shuffle=False, verbose=0)
    w, b = np.array([[1.0], [2.0]]), np.array([0.5])
    w, b, loss1 = sgd_step(w, b, X[:3], Y[:3], 0.1)
    w, b, loss2 = sgd_step(w, b, X[3:], Y[3:], 0.1)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-5)
    assert history.history["loss"][0] == pytest.approx((3 * loss1 + loss2) / 4, rel=1e-5)


def test_fit_again_continues_and_recompile_keeps_weights():
    model = linear_model()
    model.fit(X, Y, batch_size=4, epochs=1, verbose=0)
    after_first = model.get_weights()
    model.compile(optimizers.SGD(lr=0.1), "mse")
    np.testing.assert_allclose(model.get_weights()[0], after_first[0])
    model.fit(X, Y, batch_size=4, epochs=1, verbose=0)
    w, b, _ = sgd_step(after_first[0], after_first[1], X, Y, 0.1)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-5)


def test_evaluate_scalar_and_list_and_metrics_names():
    model = linear_model(metrics=["mae"])
    pred = X @ np.array([[1.0], [2.0]]) + 0.5
    loss, mae = model.evaluate(X, Y, verbose=0, batch_size=3)
    assert loss == pytest.approx(np.mean((pred - Y) ** 2), rel=1e-6)
    assert mae == pytest.approx(np.mean(np.abs(pred - Y)), rel=1e-6)
    assert model.metrics_names == ["loss", "mean_absolute_error"]
    plain = linear_model()
    assert isinstance(plain.evaluate(X, Y, verbose=0), float)


def test_predict_matches_numpy_and_batches():
    model = linear_model()
    expected = X @ np.array([[1.0], [2.0]]) + 0.5
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict(X, batch_size=3), expected, rtol=1e-6)
    assert model.predict(X).dtype == np.float32
    np.testing.assert_allclose(model.predict_on_batch(X), expected, rtol=1e-6)


def test_predict_classes_and_proba():
    model = Sequential([layers.Dense(3, activation="softmax", input_shape=(2,))])
    model.compile("sgd", "categorical_crossentropy")
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict_classes(X), proba.argmax(axis=-1))
    binary = Sequential([layers.Dense(1, activation="sigmoid", input_shape=(2,))])
    binary.compile("sgd", "binary_crossentropy")
    classes = binary.predict_classes(X)
    assert classes.shape == (4, 1) and classes.dtype == np.int32
    np.testing.assert_array_equal(classes, (binary.predict(X) > 0.5).astype("int32"))


def test_history_keys_in_both_spellings():
    model = Sequential([layers.Dense(2, activation="softmax", input_shape=(2,))])
    model.compile("rmsprop", "categorical_crossentropy", metrics=["accuracy"])
    y = np.eye(2)[[0, 1, 1, 0]]
    history = model.fit(X, y, epochs=2, validation_data=(X, y), verbose=0)
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    assert history.history["acc"] == history.history["accuracy"]
    assert history.history["val_acc"] == history.history["val_accuracy"]
    assert "acc" in history.history and len(history.history["acc"]) == 2
    assert history.epoch == [0, 1]
    assert history.model is model
    assert history.params["epochs"] == 2 and history.params["samples"] == 4
    assert history.params["metrics"] == ["loss", "acc", "val_loss", "val_acc"]


def test_mae_metric_aliases():
    model = linear_model(metrics=["mae"])
    history = model.fit(X, Y, epochs=1, validation_split=0.5, verbose=0)
    assert history.history["mean_absolute_error"] == history.history["mae"]
    assert history.history["val_mean_absolute_error"] == history.history["val_mae"]


def test_validation_split_takes_the_end_before_shuffling():
    model = linear_model(optimizer=optimizers.SGD(lr=0.0))
    history = model.fit(X, Y, epochs=1, validation_split=0.25, verbose=0)
    pred = X[3:] @ np.array([[1.0], [2.0]]) + 0.5
    assert history.history["val_loss"][0] == pytest.approx(np.mean((pred - Y[3:]) ** 2))
    assert history.params["samples"] == 3


def test_validation_data_with_sample_weights():
    model = linear_model(optimizer=optimizers.SGD(lr=0.0))
    weights = np.array([1.0, 0.0, 2.0, 1.0], dtype="float32")
    history = model.fit(X, Y, epochs=1, validation_data=(X, Y, weights), verbose=0)
    err = ((X @ np.array([[1.0], [2.0]]) + 0.5) - Y)[:, 0] ** 2
    expected = np.mean(err * weights) / np.mean(weights != 0)
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-6)


def test_sample_weight_and_class_weight_scale_the_loss():
    model = linear_model(optimizer=optimizers.SGD(lr=0.0))
    err = ((X @ np.array([[1.0], [2.0]]) + 0.5) - Y)[:, 0] ** 2
    weights = np.array([2.0, 1.0, 0.0, 1.0], dtype="float32")
    loss = model.train_on_batch(X, Y, sample_weight=weights)
    assert loss == pytest.approx(np.mean(err * weights) / 0.75, rel=1e-6)
    classifier = Sequential([layers.Dense(2, activation="softmax", input_shape=(2,))])
    classifier.compile(optimizers.SGD(lr=0.0), "categorical_crossentropy")
    y = np.eye(2)[[0, 1, 1, 0]]
    proba = classifier.predict(X)
    per_sample = -np.log(np.clip(proba[np.arange(4), [0, 1, 1, 0]], 1e-7, 1 - 1e-7))
    loss = classifier.train_on_batch(X, y, class_weight={0: 1.0, 1: 3.0})
    assert loss == pytest.approx(np.mean(per_sample * np.array([1, 3, 3, 1])), rel=1e-5)
    with pytest.raises(ValueError, match="must contain all classes"):
        classifier.fit(X, y, class_weight={0: 1.0}, verbose=0)


def test_regularizer_adds_to_the_loss():
    model = Sequential([layers.Dense(1, input_shape=(2,), kernel_regularizer="l2")])
    model.set_weights([np.array([[1.0], [2.0]], "float32"), np.array([0.5], "float32")])
    model.compile(optimizers.SGD(lr=0.0), "mse")
    pred = X @ np.array([[1.0], [2.0]]) + 0.5
    expected = np.mean((pred - Y) ** 2) + 0.01 * 5.0
    assert model.train_on_batch(X, Y) == pytest.approx(expected, rel=1e-6)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(expected, rel=1e-6)


def test_activity_regularizer_adds_to_the_loss():
    model = Sequential([layers.Dense(1, input_shape=(2,), activity_regularizer="l1")])
    model.set_weights([np.array([[1.0], [2.0]], "float32"), np.array([0.5], "float32")])
    model.compile(optimizers.SGD(lr=0.0), "mse")
    pred = X @ np.array([[1.0], [2.0]]) + 0.5
    expected = np.mean((pred - Y) ** 2) + 0.01 * np.abs(pred).sum()
    assert model.train_on_batch(X, Y) == pytest.approx(expected, rel=1e-6)


def test_constraint_is_applied_after_each_step():
    model = Sequential([layers.Dense(1, input_shape=(2,), kernel_constraint="non_neg")])
    model.compile(optimizers.SGD(lr=1.0), "mse")
    model.fit(X, Y * 100, epochs=3, verbose=0)
    assert (model.get_weights()[0] >= 0).all()


def test_optimizer_lr_get_and_set_value():
    model = linear_model(optimizer=optimizers.SGD(lr=0.1))
    assert K.get_value(model.optimizer.lr) == pytest.approx(0.1)
    K.set_value(model.optimizer.lr, 0.0)
    before = model.get_weights()
    model.train_on_batch(X, Y)
    np.testing.assert_allclose(model.get_weights()[0], before[0])


def test_dropout_is_active_only_in_training():
    model = Sequential([layers.Dropout(0.5, input_shape=(100,)), layers.Dense(1)])
    model.compile(optimizers.SGD(lr=0.0), "mse")
    x = np.ones((50, 100), "float32")
    y = np.zeros((50, 1), "float32")
    np.testing.assert_array_equal(model.predict(x), model.predict(x))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
    assert model.train_on_batch(x, y) != pytest.approx(model.evaluate(x, y, verbose=0))
    assert not model.training


def test_callbacks_hooks_order_and_stop_training():
    events = []

    class Recorder(Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            events.append(f"epoch_begin {epoch}")

        def on_batch_end(self, batch, logs=None):
            events.append(f"batch_end {batch} {logs['size']} {sorted(logs)}")

        def on_epoch_end(self, epoch, logs=None):
            events.append(f"epoch_end {epoch} {sorted(logs)}")
            if epoch == 1:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            events.append("train_end")

    model = linear_model()
    history = model.fit(X, Y, batch_size=3, epochs=5, verbose=0, callbacks=[Recorder()])
    assert events == ["train_begin", "epoch_begin 0", "batch_end 0 3 ['batch', 'loss', 'size']",
                      "batch_end 1 1 ['batch', 'loss', 'size']", "epoch_end 0 ['loss']",
                      "epoch_begin 1", "batch_end 0 3 ['batch', 'loss', 'size']",
                      "batch_end 1 1 ['batch', 'loss', 'size']", "epoch_end 1 ['loss']",
                      "train_end"]
    assert history.epoch == [0, 1]


def test_initial_epoch_steps_per_epoch_and_validation_freq():
    model = linear_model()
    batches = []

    class Count(Callback):
        def on_batch_end(self, batch, logs=None):
            batches.append(batch)

    history = model.fit(X, Y, batch_size=2, epochs=4, initial_epoch=1, steps_per_epoch=3,
                        validation_data=(X, Y), validation_freq=2, verbose=0,
                        callbacks=[Count()])
    assert history.epoch == [1, 2, 3]
    assert batches == [0, 1, 2] * 3
    assert len(history.history["loss"]) == 3
    assert len(history.history["val_loss"]) == 2


def test_shuffle_modes_see_every_sample_once():
    seen = []

    class Track(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(logs["size"])

    for shuffle in (True, False, "batch"):
        seen.clear()
        linear_model().fit(X, Y, batch_size=3, epochs=1, shuffle=shuffle, verbose=0,
                           callbacks=[Track()])
        assert seen == [3, 1]


@pytest.mark.filterwarnings("ignore:the matrix subclass")
def test_input_conversions():
    model = linear_model(optimizer=optimizers.SGD(lr=0.0))
    expected = model.predict(X)
    np.testing.assert_allclose(model.predict(X.astype("float64")), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict(X.tolist()), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict(np.matrix(X)), expected, rtol=1e-6)

    class FrameLike:
        def __init__(self, values):
            self.values = values
            self.iloc = None

    np.testing.assert_allclose(model.predict(FrameLike(X)), expected, rtol=1e-6)
    loss = model.train_on_batch(X, Y[:, 0])
    assert loss == pytest.approx(model.evaluate(X, Y, verbose=0))
    bools = Sequential([layers.Dense(1, input_shape=(2,))])
    bools.compile("sgd", "mse")
    assert bools.predict(np.array([[True, False]])).shape == (1, 1)


def test_one_dimensional_inputs_are_columns():
    model = Sequential([layers.Dense(1, input_shape=(1,))])
    model.compile(optimizers.Adam(lr=0.5), "mse")
    x = np.linspace(-1, 1, 50)
    model.fit(x, 3 * x + 1, epochs=200, batch_size=50, verbose=0)
    w, b = model.get_weights()
    assert w[0, 0] == pytest.approx(3.0, abs=0.05) and b[0] == pytest.approx(1.0, abs=0.05)


def test_deferred_build_from_data():
    model = Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(X, Y, epochs=1, verbose=0)
    assert model.input_shape == (None, 2) and model.output_shape == (None, 1)
    assert model.count_params() == 17


def test_shape_errors_name_the_layer_and_shapes():
    model = Sequential([layers.Dense(10, activation="softmax", input_shape=(784,))])
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=re.escape(
            "Error when checking input: expected dense_1_input to have shape (784,) but got "
            "array with shape (100,)")):
        model.fit(np.zeros((5, 100)), np.zeros((5, 10)), verbose=0)
    with pytest.raises(ValueError, match=re.escape(
            "Error when checking input: expected dense_1_input to have 2 dimensions, but got "
            "array with shape (5, 28, 28)")):
        model.predict(np.zeros((5, 28, 28)))
    with pytest.raises(ValueError, match="to_categorical") as info:
        model.fit(np.zeros((5, 784)), np.arange(5), verbose=0)
    assert "expected dense_1 to have shape (10,) but got array with shape (1,)" in str(info.value)
    with pytest.raises(ValueError, match="Found 5 input samples and 4 target samples"):
        model.fit(np.zeros((5, 784)), np.zeros((4, 10)), verbose=0)


def test_fit_before_compile_raises_runtime_error():
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(RuntimeError, match="You must compile your model before"):
        model.fit(X, Y, verbose=0)


def test_compile_rejects_unknown_keywords():
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        model.compile("sgd", "mse", bogus=1)
    with pytest.raises(TypeError, match="'metric'. Did you mean 'metrics'"):
        model.compile("sgd", "mse", metric=["mae"])


def test_compile_positional_and_string_optimizer():
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile("adam", "mse", ["mae"])
    assert isinstance(model.optimizer, optimizers.Adam)
    assert model.metrics_names == ["loss", "mean_absolute_error"]


def test_custom_metric_function_named_by_function():
    def double_mae(y_true, y_pred):
        return 2 * (y_true - y_pred).abs().mean(dim=-1)

    model = linear_model(metrics=[double_mae])
    loss, value = model.evaluate(X, Y, verbose=0)
    pred = X @ np.array([[1.0], [2.0]]) + 0.5
    assert value == pytest.approx(2 * np.mean(np.abs(pred - Y)), rel=1e-6)
    assert model.metrics_names == ["loss", "double_mae"]


def test_sparse_categorical_targets():
    model = Sequential([layers.Dense(3, activation="softmax", input_shape=(2,))])
    model.compile(optimizers.SGD(lr=0.0), "sparse_categorical_crossentropy", metrics=["acc"])
    labels = np.array([0, 2, 1, 2])
    proba = model.predict(X)
    loss, acc = model.evaluate(X, labels, verbose=0)
    assert loss == pytest.approx(np.mean(-np.log(proba[np.arange(4), labels])), rel=1e-5)
    assert acc == pytest.approx(np.mean(proba.argmax(-1) == labels))


def test_learns_xor():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    y = np.array([0, 1, 1, 0], "float32")
    model = Sequential([layers.Dense(8, activation="tanh", input_dim=2),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizers.Adam(lr=0.05), "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=300, batch_size=4, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] == 1.0


def test_multi_output_losses_weights_and_names():
    inputs = layers.Input(shape=(2,))
    first = layers.Dense(1, name="first")(inputs)
    second = layers.Dense(1, name="second")(inputs)
    model = Model(inputs, [first, second])
    model.compile(optimizers.SGD(lr=0.0), ["mse", "mae"], loss_weights=[1.0, 0.5],
                  metrics=["mae"])
    assert model.metrics_names == ["loss", "first_loss", "second_loss",
                                   "first_mean_absolute_error", "second_mean_absolute_error"]
    p1, p2 = model.predict(X)
    values = model.evaluate(X, [Y, Y], verbose=0)
    mse, mae2 = np.mean((p1 - Y) ** 2), np.mean(np.abs(p2 - Y))
    assert values[0] == pytest.approx(mse + 0.5 * mae2, rel=1e-5)
    assert values[1] == pytest.approx(mse, rel=1e-5)
    assert values[2] == pytest.approx(mae2, rel=1e-5)
    history = model.fit(X, {"first": Y, "second": Y}, epochs=1, verbose=0)
    assert history.history["first_mean_absolute_error"] == history.history["first_mae"]


def test_loss_objects_are_weighted_per_sample():
    from cornu import losses
    model = linear_model(optimizer=optimizers.SGD(lr=0.0), loss=losses.MeanSquaredError())
    err = ((X @ np.array([[1.0], [2.0]]) + 0.5) - Y)[:, 0] ** 2
    weights = np.array([2.0, 1.0, 0.0, 1.0], dtype="float32")
    loss = model.train_on_batch(X, Y, sample_weight=weights)
    assert loss == pytest.approx(np.mean(err * weights) / 0.75, rel=1e-6)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(np.mean(err), rel=1e-6)




def test_temporal_sample_weights_weight_each_timestep():
    model = Sequential([layers.Dense(1, input_shape=(3, 2), kernel_initializer="ones",
                                     use_bias=False)])
    model.compile(optimizers.SGD(lr=0.0), "mse", sample_weight_mode="temporal")
    x = np.arange(12, dtype="float32").reshape(2, 3, 2)
    y = np.zeros((2, 3, 1), "float32")
    weights = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 1.0]], "float32")
    squared = (x.sum(-1)) ** 2  # per sample and timestep
    expected = np.mean(squared * weights) / np.mean(weights != 0)
    assert model.evaluate(x, y, sample_weight=weights, verbose=0) == pytest.approx(expected)
    assert model.train_on_batch(x, y, sample_weight=weights) == pytest.approx(expected)


def test_sample_weight_shapes_must_match_the_mode():
    model = Sequential([layers.Dense(1, input_shape=(3, 2))])
    model.compile("sgd", "mse")
    x, y = np.ones((2, 3, 2), "float32"), np.ones((2, 3, 1), "float32")
    with pytest.raises(ValueError, match="set sample_weight_mode=\"temporal\" in compile"):
        model.fit(x, y, sample_weight=np.ones((2, 3)), verbose=0)
    model.compile("sgd", "mse", sample_weight_mode="temporal")
    with pytest.raises(ValueError, match="you should pass a 2D sample_weight array"):
        model.fit(x, y, sample_weight=np.ones(2), verbose=0)
    flat = Sequential([layers.Dense(1, input_shape=(2,))])
    flat.compile("sgd", "mse", sample_weight_mode="temporal")
    with pytest.raises(ValueError, match="restricted to outputs that are at least 3D"):
        flat.fit(np.ones((2, 2)), np.ones((2, 1)), sample_weight=np.ones((2, 1)), verbose=0)
    flat.compile("sgd", "mse", sample_weight_mode="timewise")
    with pytest.raises(ValueError, match="should be None or \"temporal\""):
        flat.fit(np.ones((2, 2)), np.ones((2, 1)), verbose=0)
