"""Keras 2 behaviours the engine must match on every step: batch-wise averaging of functions
that reduce over their batch, the shuffling sequence, the order of ``metrics_names``, and
errors that come before training rather than after it."""
import numpy as np
import pytest

from cornu import backend as K
from cornu import layers, optimizers
from cornu.models import Model, Sequential
from cornu.training.data.array_adapter import ArrayAdapter

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")


def rmse(y_true, y_pred):
    """The books' RMSE: a value of the whole batch, not one per sample."""
    return K.sqrt(K.mean(K.square(y_pred - y_true)))


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_a_metric_reducing_over_its_batch_is_averaged_batch_by_batch(run_eagerly):
    rng = np.random.RandomState(0)
    x, y = rng.randn(10, 3).astype("float32"), rng.randn(10, 1).astype("float32")
    model = Sequential([layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(1)])
    model.compile("sgd", "mse", metrics=[rmse], run_eagerly=run_eagerly)
    kernel1, bias1, kernel2, bias2 = model.get_weights()
    p = np.maximum(x @ kernel1 + bias1, 0) @ kernel2 + bias2
    squared = ((p - y) ** 2)[:, 0]
    for batch_size in (3, 4, 10):
        batches = [squared[i:i + batch_size] for i in range(0, 10, batch_size)]
        expected_rmse = sum(np.sqrt(b.mean()) * len(b) for b in batches) / 10
        loss, value = model.evaluate(x, y, batch_size=batch_size, verbose=0)
        assert loss == pytest.approx(squared.mean(), rel=1e-5)
        assert value == pytest.approx(expected_rmse, rel=1e-5)
    history = model.fit(x[:6], y[:6], validation_data=(x, y), batch_size=4, epochs=1,
                        verbose=0)
    assert history.history["val_rmse"][0] == pytest.approx(
        model.evaluate(x, y, batch_size=4, verbose=0)[1], rel=1e-5)


def keras2_epoch_orders(samples, epochs, seed):
    """The sample order of each epoch as Keras 2.2.4 draws it: one index array, shuffled in
    place at the start of every epoch."""
    np.random.seed(seed)
    index_array = np.arange(samples)
    orders = []
    for _ in range(epochs):
        np.random.shuffle(index_array)
        orders.append(index_array.copy())
    return orders


def test_array_batches_follow_the_keras_2_shuffle():
    x = np.arange(12, dtype="float32").reshape(-1, 1)
    np.random.seed(42)
    adapter = ArrayAdapter([x], [x], [None], batch_size=4, shuffle=True)
    drawn = [np.concatenate([xs[0][:, 0].numpy() for xs, _, _ in adapter.epoch()])
             for _ in range(3)]
    for order, expected in zip(drawn, keras2_epoch_orders(12, 3, 42)):
        assert order.astype(int).tolist() == expected.tolist()


def test_fit_trains_on_the_samples_in_keras_2_order():
    seen = []

    def record(batch):
        seen.extend(batch[:, 0].detach().numpy().astype(int).tolist())
        return batch

    x = np.arange(12, dtype="float32").reshape(-1, 1)
    model = Sequential([layers.Lambda(record, input_shape=(1,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    seen.clear()  # building ran the function on zeros
    np.random.seed(42)
    model.fit(x, x, batch_size=4, epochs=3, verbose=0)
    expected = np.concatenate(keras2_epoch_orders(12, 3, 42))
    assert seen == expected.tolist()


def test_weighted_metrics_are_listed_output_by_output():
    inputs = layers.Input(shape=(2,))
    first = layers.Dense(1, name="a")(inputs)
    second = layers.Dense(1, name="b")(inputs)
    model = Model(inputs, [first, second])
    model.compile("sgd", "mse", metrics=["mae"], weighted_metrics=["mse"])
    assert model.metrics_names == ["loss", "a_loss", "b_loss",
                                   "a_mean_absolute_error", "a_weighted_mean_squared_error",
                                   "b_mean_absolute_error", "b_weighted_mean_squared_error"]
    x = np.ones((4, 2), "float32")
    values = model.evaluate(x, [np.zeros((4, 1)), np.ones((4, 1))], verbose=0)
    assert len(values) == 7
    prediction_a, prediction_b = model.predict(x)
    assert values[3] == pytest.approx(np.abs(prediction_a).mean(), rel=1e-5)
    assert values[4] == pytest.approx((prediction_a ** 2).mean(), rel=1e-5)
    assert values[6] == pytest.approx(((prediction_b - 1) ** 2).mean(), rel=1e-5)


def test_a_metric_dict_may_name_one_metric_per_output():
    inputs = layers.Input(shape=(2,))
    kind = layers.Dense(3, activation="softmax", name="kind")(inputs)
    size = layers.Dense(1, name="size")(inputs)
    model = Model(inputs, [kind, size])
    model.compile("sgd", {"kind": "categorical_crossentropy", "size": "mse"},
                  metrics={"kind": "acc", "size": ["mae", "mse"]})
    assert model.metrics_names == ["loss", "kind_loss", "size_loss", "kind_acc",
                                   "size_mean_absolute_error", "size_mean_squared_error"]


def test_model_losses_lists_a_loss_added_inside_call():
    class Penalized(layers.Layer):
        def call(self, inputs):
            self.add_loss(0.5 * K.sum(K.square(inputs)))
            return inputs

    inputs = layers.Input(shape=(2,))
    model = Model(inputs, layers.Dense(1)(Penalized()(inputs)))
    assert len(model.losses) == 1  # recorded when the graph was built
    model.compile("sgd", "mse")
    x = np.array([[1.0, 2.0]], "float32")
    model.predict(x)
    assert len(model.losses) == 1
    assert float(model.losses[0]) == pytest.approx(2.5)  # of the latest call
    prediction = model.predict(x)[0, 0]
    assert model.evaluate(x, np.zeros((1, 1)), verbose=0) == pytest.approx(
        prediction ** 2 + 2.5, rel=1e-5)
