"""Training on the image iterators through the engine's generator path."""
import numpy as np
import pytest

from cornu.layers import Dense, Flatten
from cornu.models import Sequential
from cornu.preprocessing.image import ImageDataGenerator
from tests.preprocessing.conftest import write_image


@pytest.fixture
def train_and_validation(tmp_path):
    """``train`` and ``validation`` folders of dark cats and bright dogs (PNG and JPEG)."""
    rng = np.random.RandomState(0)
    for split, count in (("train", 8), ("validation", 4)):
        for label, name in enumerate(("cats", "dogs")):
            for index in range(count):
                pixels = rng.randint(0, 90, (10, 10, 3)) + 150 * label
                write_image(tmp_path / split / name / f"{index}.{'png' if index % 2 else 'jpg'}",
                            pixels)
    return tmp_path / "train", tmp_path / "validation"


def _model():
    model = Sequential([Flatten(input_shape=(8, 8, 3)), Dense(2, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["acc"])
    return model


@pytest.mark.parametrize("workers", [0, 2])
def test_fit_generator_on_directory_iterators(train_and_validation, workers, capsys):
    train_dir, validation_dir = train_and_validation
    train = ImageDataGenerator(rescale=1. / 255, horizontal_flip=True).flow_from_directory(
        str(train_dir), target_size=(8, 8), batch_size=4, seed=1)
    validation = ImageDataGenerator(rescale=1. / 255).flow_from_directory(
        str(validation_dir), target_size=(8, 8), batch_size=4)
    assert capsys.readouterr().out == ("Found 16 images belonging to 2 classes.\n"
                                       "Found 8 images belonging to 2 classes.\n")
    model = _model()
    before = [w.copy() for w in model.get_weights()]
    history = model.fit_generator(train, steps_per_epoch=4, epochs=3,
                                  validation_data=validation, validation_steps=2,
                                  workers=workers, use_multiprocessing=False, verbose=0)
    assert sorted(history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert all(len(values) == 3 for values in history.history.values())
    assert all(np.isfinite(history.history["loss"]))
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    loss, accuracy = model.evaluate_generator(validation, steps=2, workers=workers)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert model.predict_generator(validation, steps=2, workers=workers).shape == (8, 2)


@pytest.mark.parametrize("workers", [0, 2])
def test_fit_takes_an_iterator(train_and_validation, workers):
    train = ImageDataGenerator(rescale=1. / 255).flow_from_directory(
        str(train_and_validation[0]), target_size=(8, 8), batch_size=8, class_mode="sparse")
    model = Sequential([Flatten(input_shape=(8, 8, 3)), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    before = model.get_weights()[0].copy()
    history = model.fit(train, epochs=2, workers=workers, verbose=0)
    assert len(history.history["loss"]) == 2
    assert not np.allclose(before, model.get_weights()[0])


def test_fit_generator_on_flow_with_sample_weights():
    rng = np.random.RandomState(0)
    x = rng.rand(12, 8, 8, 3).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[np.arange(12) % 2]
    it = ImageDataGenerator(width_shift_range=1).flow(x, y, sample_weight=np.ones(12),
                                                       batch_size=4, seed=0)
    model = _model()
    history = model.fit_generator(it, steps_per_epoch=3, epochs=2, verbose=0, workers=2)
    assert sorted(history.history) == ["acc", "loss"]
