"""keras.wrappers.scikit_learn: parameters, fresh models per fit, label handling, scores, and
scikit-learn's own cross_val_score / clone on the wrappers."""
import numpy as np
import pytest

from cornu import layers, optimizers
from cornu.models import Sequential
from cornu.wrappers.scikit_learn import KerasClassifier, KerasRegressor

RNG = np.random.RandomState(0)
X = RNG.randn(120, 4).astype("float32")
Y_BINARY = (X[:, 0] + X[:, 1] > 0).astype("int64")


def build_logistic(units=1):
    model = Sequential([layers.Dense(units, input_shape=(4,), activation="sigmoid")])
    model.compile(optimizers.Adam(lr=0.05), "binary_crossentropy", metrics=["accuracy"])
    return model


def build_softmax(classes=3):
    model = Sequential([layers.Dense(classes, input_shape=(4,), activation="softmax")])
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    return model


def build_regressor():
    model = Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile("sgd", "mse")
    return model


def test_params_round_trip_and_illegal_names():
    model = KerasClassifier(build_fn=build_logistic, epochs=3, verbose=0, units=1)
    params = model.get_params(deep=False)
    assert params == {"build_fn": build_logistic, "epochs": 3, "verbose": 0, "units": 1}
    clone = KerasClassifier(**params)
    assert clone.get_params() == params
    assert model.set_params(epochs=4) is model and model.get_params()["epochs"] == 4
    with pytest.raises(ValueError, match="epoch is not a legal parameter.*Did you mean"):
        KerasClassifier(build_fn=build_logistic, epoch=3)


def test_classifier_maps_any_labels_and_scores_accuracy():
    labels = np.where(Y_BINARY == 1, "yes", "no")
    model = KerasClassifier(build_fn=build_logistic, epochs=30, batch_size=16, verbose=0)
    history = model.fit(X, labels)
    assert len(history.history["loss"]) == 30
    assert list(model.classes_) == ["no", "yes"] and model.n_classes_ == 2
    predicted = model.predict(X)
    assert set(np.unique(predicted)) <= {"no", "yes"}
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (120, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    accuracy = model.score(X, labels)
    expected = np.mean(predicted.reshape(-1) == labels)
    assert accuracy == pytest.approx(expected, abs=1e-6)
    assert accuracy > 0.8


def test_categorical_loss_gets_one_hot_targets():
    y = np.digitize(X[:, 0], [-0.5, 0.5])  # 3 classes
    model = KerasClassifier(build_fn=build_softmax, epochs=5, verbose=0)
    model.fit(X, y)
    assert model.predict(X).shape == (120,)
    assert 0.0 <= model.score(X, y) <= 1.0


def test_each_fit_builds_a_fresh_model():
    model = KerasClassifier(build_fn=build_logistic, epochs=1, verbose=0)
    model.fit(X, Y_BINARY)
    first = model.model
    model.fit(X, Y_BINARY)
    assert model.model is not first


def test_score_needs_an_accuracy_metric():
    def build():
        made = Sequential([layers.Dense(1, input_shape=(4,), activation="sigmoid")])
        made.compile("adam", "binary_crossentropy")
        return made
    model = KerasClassifier(build_fn=build, epochs=1, verbose=0)
    model.fit(X, Y_BINARY)
    with pytest.raises(ValueError, match="metrics=\\[\"accuracy\"\\]"):
        model.score(X, Y_BINARY)


def test_regressor_predicts_squeezed_and_scores_minus_the_loss():
    y = X @ np.array([1.0, -2.0, 0.5, 0.0], dtype="float32")
    model = KerasRegressor(build_fn=build_regressor, epochs=50, batch_size=16, verbose=0)
    model.fit(X, y)
    predictions = model.predict(X)
    assert predictions.shape == (120,)
    mse = float(np.mean((predictions - y) ** 2))
    assert model.score(X, y) == pytest.approx(-mse, rel=1e-4)


def test_a_bad_label_shape_is_refused():
    with pytest.raises(ValueError, match="Invalid shape for y"):
        KerasClassifier(build_fn=build_logistic).fit(X, np.zeros((120, 2, 2)))


def test_scikit_learn_cross_validates_the_wrapper():
    sklearn = pytest.importorskip("sklearn", reason="scikit-learn is in the test extra")
    from sklearn.base import clone, is_classifier, is_regressor
    from sklearn.model_selection import KFold, cross_val_score
    model = KerasClassifier(build_fn=build_logistic, epochs=10, verbose=0)
    assert clone(model).get_params() == model.get_params()
    assert is_classifier(model) and is_regressor(KerasRegressor(build_fn=build_regressor))
    scores = cross_val_score(model, X, Y_BINARY, cv=KFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,) and all(0.0 <= s <= 1.0 for s in scores)
    assert sklearn.__version__
