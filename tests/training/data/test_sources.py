"""fit/evaluate/predict from generators, ``keras.utils.Sequence`` objects and iterables: the
same results as from arrays cut into the same batches, background loading in threads or
processes, and Keras 2's rules and messages."""
import threading

import numpy as np
import pytest

from cornu import layers, optimizers
from cornu.callbacks import Callback
from cornu.models import Sequential
from cornu.utils import Sequence

pytestmark = pytest.mark.usefixtures("every_step")

RNG = np.random.RandomState(0)
X = RNG.randn(24, 3).astype("float32")
Y = (X.sum(1, keepdims=True) > 0).astype("float32")


def model():
    made = Sequential([layers.Dense(4, activation="tanh", input_shape=(3,)),
                       layers.Dense(1, activation="sigmoid")])
    made.set_weights([w.astype("float32") for w in (
        np.linspace(-1, 1, 12).reshape(3, 4), np.zeros(4), np.linspace(-1, 1, 4)[:, None],
        np.zeros(1))])
    made.compile(optimizers.SGD(lr=0.5), "binary_crossentropy", metrics=["acc"])
    return made


class Batches(Sequence):
    """X and Y in batches of 8, in order."""

    def __init__(self):
        self.epochs_ended = 0

    def __len__(self):
        return 3

    def __getitem__(self, index):
        return X[index * 8:(index + 1) * 8], Y[index * 8:(index + 1) * 8]

    def on_epoch_end(self):
        self.epochs_ended += 1


def forever():
    while True:
        for index in range(3):
            yield X[index * 8:(index + 1) * 8], Y[index * 8:(index + 1) * 8]


def reference():
    trained = model()
    history = trained.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    return history.history, trained.get_weights()


def assert_same_training(history, weights, expected):
    for key in expected[0]:
        np.testing.assert_allclose(history.history[key], expected[0][key], rtol=1e-5)
    for a, b in zip(weights, expected[1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("workers", [0, 1, 3])
def test_a_sequence_trains_like_the_same_arrays(workers):
    expected = reference()
    trained, batches = model(), Batches()
    history = trained.fit_generator(batches, epochs=3, shuffle=False, workers=workers,
                                    verbose=0)
    assert_same_training(history, trained.get_weights(), expected)
    assert batches.epochs_ended >= 2  # once after each pass the model took


@pytest.mark.parametrize("workers", [0, 1])
def test_a_generator_trains_like_the_same_arrays(workers):
    expected = reference()
    trained = model()
    history = trained.fit_generator(forever(), steps_per_epoch=3, epochs=3, workers=workers,
                                    verbose=0)
    assert_same_training(history, trained.get_weights(), expected)


def test_fit_takes_a_sequence_or_generator_as_x():
    expected = reference()
    trained = model()
    history = trained.fit(Batches(), epochs=3, shuffle=False, verbose=0)
    assert_same_training(history, trained.get_weights(), expected)
    trained = model()
    history = trained.fit(forever(), steps_per_epoch=3, epochs=3, verbose=0)
    assert_same_training(history, trained.get_weights(), expected)
    with pytest.raises(ValueError, match="leave y=None"):
        trained.fit(forever(), Y, steps_per_epoch=3)


def test_a_list_of_batches_is_an_iterable_source():
    expected = reference()
    trained = model()
    batches = [(X[i:i + 8], Y[i:i + 8]) for i in range(0, 24, 8)]
    history = trained.fit_generator(iter(batches * 3), steps_per_epoch=3, epochs=3, verbose=0)
    assert_same_training(history, trained.get_weights(), expected)


def test_a_sequence_in_worker_processes_trains_like_the_same_arrays():
    expected = reference()
    trained = model()
    history = trained.fit_generator(Batches(), epochs=3, shuffle=False, workers=2,
                                    use_multiprocessing=True, verbose=0)
    assert_same_training(history, trained.get_weights(), expected)


def test_training_and_validation_sequences_in_worker_processes_at_once():
    expected_model = model()
    expected = expected_model.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                                  validation_data=(X[:16], Y[:16]))
    trained = model()

    class TwoBatches(Batches):
        def __len__(self):
            return 2

    history = trained.fit_generator(Batches(), epochs=3, shuffle=False, workers=2,
                                    use_multiprocessing=True, validation_data=TwoBatches(),
                                    validation_steps=2, verbose=0)
    assert_same_training(history, trained.get_weights(),
                         (expected.history, expected_model.get_weights()))


def test_a_generator_in_a_worker_process_gives_its_batches():
    trained = model()
    history = trained.fit_generator(forever(), steps_per_epoch=3, epochs=2, workers=1,
                                    use_multiprocessing=True, verbose=0)
    assert len(history.history["loss"]) == 2


def test_shuffle_changes_the_order_of_a_sequences_batches_each_pass():
    seen = []

    class Recorded(Batches):
        def __getitem__(self, index):
            seen.append(index)
            return super().__getitem__(index)

    trained = model()
    trained.fit_generator(Recorded(), epochs=4, shuffle=True, workers=0, verbose=0)
    passes = [seen[i:i + 3] for i in range(0, 12, 3)]
    assert all(sorted(p) == [0, 1, 2] for p in passes)
    assert len({tuple(p) for p in passes}) > 1


def test_a_generator_is_never_advanced_by_two_threads_at_once():
    inside = []
    lock = threading.Lock()

    def watched():
        while True:
            with lock:
                inside.append(threading.get_ident())
                assert len(inside) == 1, "two threads inside the generator"
            yield X[:8], Y[:8]
            with lock:
                inside.pop()

    trained = model()
    trained.fit_generator(watched(), steps_per_epoch=20, epochs=2, workers=4, verbose=0)


def test_an_error_in_the_generator_reaches_fit():
    def broken():
        yield X[:8], Y[:8]
        raise RuntimeError("bad batch file")

    with pytest.raises(RuntimeError, match="bad batch file"):
        model().fit_generator(broken(), steps_per_epoch=3, epochs=1, verbose=0)


def test_a_generator_needs_its_steps_per_epoch():
    with pytest.raises(ValueError, match="`steps_per_epoch=None` is only valid for a generator "
                                         "based on the `keras.utils.Sequence`"):
        model().fit_generator(forever(), epochs=1)


def test_a_batch_must_be_a_tuple():
    def lists():
        while True:
            yield [X[:8], Y[:8]]

    with pytest.raises(ValueError, match="should be a tuple `\\(x, y, sample_weight\\)`"):
        model().fit_generator(lists(), steps_per_epoch=1, workers=0, verbose=0)


def test_a_finite_generator_stops_training_with_a_warning():
    def three():
        for index in range(3):
            yield X[index * 8:(index + 1) * 8], Y[index * 8:(index + 1) * 8]

    with pytest.warns(UserWarning, match="ran out of data"):
        history = model().fit_generator(three(), steps_per_epoch=2, epochs=5, verbose=0)
    assert len(history.history["loss"]) == 2


def test_validation_from_a_generator_and_from_arrays():
    trained = model()
    history = trained.fit_generator(forever(), steps_per_epoch=3, epochs=2, verbose=0,
                                    validation_data=Batches())
    assert len(history.history["val_loss"]) == 2
    np.testing.assert_allclose(history.history["val_loss"][-1],
                               trained.evaluate(X, Y, batch_size=8, verbose=0)[0], rtol=1e-5)
    history = trained.fit_generator(forever(), steps_per_epoch=3, epochs=1, verbose=0,
                                    validation_data=(X, Y))
    assert "val_acc" in history.history
    with pytest.raises(ValueError, match="validation_steps"):
        trained.fit_generator(forever(), steps_per_epoch=3, validation_data=forever())


def test_class_weights_apply_to_generator_batches():
    trained, twin = model(), model()
    weights = {0: 0.0, 1: 2.0}
    trained.fit_generator(forever(), steps_per_epoch=3, epochs=1, class_weight=weights,
                          verbose=0)
    twin.fit(X, Y, batch_size=8, epochs=1, shuffle=False, class_weight=weights, verbose=0)
    for a, b in zip(trained.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_sample_weights_from_the_generator():
    def weighted():
        while True:
            yield X[:8], Y[:8], np.ones(8, "float32") * 0.0

    trained = model()
    before = trained.get_weights()
    trained.fit_generator(weighted(), steps_per_epoch=2, epochs=1, verbose=0)
    for a, b in zip(before, trained.get_weights()):
        np.testing.assert_array_equal(a, b)  # weights of zero: no update


def test_evaluate_and_predict_from_sources():
    trained = model()
    expected = trained.evaluate(X, Y, batch_size=8, verbose=0)
    np.testing.assert_allclose(trained.evaluate_generator(Batches()), expected, rtol=1e-6)
    np.testing.assert_allclose(trained.evaluate_generator(forever(), steps=3), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(trained.evaluate(Batches(), verbose=0), expected, rtol=1e-6)
    outputs = trained.predict(X)
    np.testing.assert_allclose(trained.predict_generator(Batches()), outputs, rtol=1e-6)

    def inputs_only():
        for index in range(3):
            yield X[index * 8:(index + 1) * 8]

    np.testing.assert_allclose(trained.predict_generator(inputs_only(), steps=3), outputs,
                               rtol=1e-6)
    np.testing.assert_allclose(trained.predict(Batches()), outputs, rtol=1e-6)


def test_the_progress_bar_counts_steps_for_generators(capsys):
    trained = model()
    trained.fit_generator(forever(), steps_per_epoch=3, epochs=1, verbose=2)
    trained.fit_generator(forever(), steps_per_epoch=3, epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/1" in out and "3/3 [==============================]" in out
    assert "Train on" not in out


def test_callbacks_params_count_steps_for_generators():
    params = {}

    class Params(Callback):
        def on_train_begin(self, logs=None):
            params.update(self.params)

    model().fit_generator(forever(), steps_per_epoch=3, epochs=2, verbose=0,
                          callbacks=[Params()])
    assert params["steps"] == 3 and params["samples"] is None and params["epochs"] == 2


def test_workers_stop_when_training_ends():
    before = threading.active_count()
    model().fit_generator(forever(), steps_per_epoch=2, epochs=1, workers=3, verbose=0)
    model().fit_generator(Batches(), epochs=1, workers=3, verbose=0)
    assert threading.active_count() <= before


def test_initial_epoch_and_max_queue_size():
    history = model().fit_generator(forever(), steps_per_epoch=3, epochs=3, initial_epoch=1,
                                    max_queue_size=1, verbose=0)
    assert history.epoch == [1, 2]
