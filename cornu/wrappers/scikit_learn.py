"""``keras.wrappers.scikit_learn``: a function that builds and compiles a model, wrapped as a
scikit-learn estimator (``fit``, ``predict``, ``score``, ``get_params``/``set_params``), so that
``cross_val_score``, ``GridSearchCV`` and pipelines can use it. Each ``fit`` builds a fresh
model. scikit-learn itself is not needed to use the wrappers.

The wrapper's keyword arguments (``sk_params``) are the ``build_fn`` arguments and those of
``fit``, ``predict``, ``predict_classes``, ``predict_proba`` and ``evaluate``; each call receives
the ones it takes, as in Keras 2.

Example:
    >>> def build():  # doctest: +SKIP
    ...     model = Sequential([Dense(1, input_shape=(4,), activation='sigmoid')])
    ...     model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])
    ...     return model
    >>> scores = cross_val_score(KerasClassifier(build_fn=build, epochs=5, verbose=0),
    ...                          X, y, cv=3)  # doctest: +SKIP
"""
import copy
import inspect
import types

import numpy as np

from cornu.models import Sequential
from cornu.utils.generic_utils import to_list
from cornu.utils.np_utils import to_categorical
from cornu.utils.suggestions import suggestion


def _takes(function, name):
    """Whether ``function`` accepts an argument called ``name`` (by name)."""
    parameters = inspect.signature(function).parameters
    return name in parameters and parameters[name].kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


class BaseWrapper:
    """Base class of the wrappers: parameters, building the model, fitting.

    Args:
        build_fn: a function (or callable object) returning a compiled model; with None, the
            subclass's ``__call__`` builds it.
        **sk_params: arguments of ``build_fn`` and of the model's ``fit``, ``predict``,
            ``predict_classes``, ``predict_proba`` and ``evaluate`` (``epochs``,
            ``batch_size``, ``verbose`` ...).
    """

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _builder(self):
        if self.build_fn is None:
            return self.__call__
        if isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn
        return self.build_fn.__call__

    def check_params(self, params):
        """Raises ``ValueError`` for a parameter no call takes.

        Args:
            params: a dict of parameters.
        """
        calls = [Sequential.fit, Sequential.predict, Sequential.predict_classes,
                 Sequential.predict_proba, Sequential.evaluate, self._builder()]
        known = sorted({name for call in calls for name in inspect.signature(call).parameters
                        if name not in ("self", "x", "y")})
        for name in params:
            if not any(_takes(call, name) for call in calls):
                raise ValueError(f"{name} is not a legal parameter: it is not an argument of "
                                 f"the build function nor of fit, predict or evaluate."
                                 f"{suggestion(name, known)}")

    def get_params(self, **params):
        """The parameters, ``build_fn`` included (scikit-learn's ``clone`` uses them).

        Args:
            **params: ignored (scikit-learn passes ``deep``).
        """
        result = copy.deepcopy(self.sk_params)
        result.update({"build_fn": self.build_fn})
        return result

    def set_params(self, **params):
        """Sets parameters; returns the wrapper.

        Args:
            **params: parameters, as in the constructor.
        """
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, function, override=None):
        """The ``sk_params`` that ``function`` takes, updated with ``override``.

        Args:
            function: a callable.
            override: a dict of values that win.
        """
        result = {name: value for name, value in self.sk_params.items()
                  if _takes(function, name)}
        result.update(override or {})
        return result

    def fit(self, x, y, **kwargs):
        """Builds a fresh model with ``build_fn`` and trains it; returns the ``History``.

        Integer labels are one-hot encoded when the model's loss is
        ``categorical_crossentropy``.

        Args:
            x: the inputs.
            y: the targets.
            **kwargs: arguments of the model's ``fit``; they win over ``sk_params``.
        """
        builder = self._builder()
        self.model = builder(**self.filter_sk_params(builder))
        loss = self.model.loss
        loss_name = loss.__name__ if callable(loss) else loss
        y = np.asarray(y)
        if loss_name == "categorical_crossentropy" and y.ndim != 2:
            y = to_categorical(y)
        fit_args = self.filter_sk_params(Sequential.fit, kwargs)
        return self.model.fit(x, y, **fit_args)


def _sklearn_tags(estimator_type):
    """scikit-learn >= 1.6 asks estimators for their tags (``__sklearn_tags__``); called only
    by scikit-learn, so it is importable then."""
    from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags
    return Tags(estimator_type=estimator_type, target_tags=TargetTags(required=True),
                classifier_tags=ClassifierTags() if estimator_type == "classifier" else None,
                regressor_tags=RegressorTags() if estimator_type == "regressor" else None)


class KerasClassifier(BaseWrapper):
    """A classifier: class labels of any kind in, the same labels out.

    Args:
        build_fn: a function returning a compiled model (with ``metrics=['accuracy']`` for
            ``score``).
        **sk_params: see ``BaseWrapper``.

    Example:
        >>> KerasClassifier(build_fn=None, epochs=10).get_params()['epochs']
        10
    """

    _estimator_type = "classifier"  # scikit-learn < 1.6 reads this

    def __sklearn_tags__(self):
        return _sklearn_tags("classifier")

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Finds the classes in ``y`` (``classes_``), then trains a fresh model on their
        indices (see ``BaseWrapper.fit``).

        Args:
            x: the inputs.
            y: labels ``(n,)`` or ``(n, 1)``, or one-hot ``(n, classes)``.
            sample_weight: per-sample weights, or None.
            **kwargs: arguments of the model's ``fit``.
        """
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError(f"Invalid shape for y: {y.shape}; expected (samples,), "
                             f"(samples, 1) or one-hot (samples, classes).")
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super().fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """The predicted class labels.

        Args:
            x: the inputs.
            **kwargs: arguments of ``predict_classes``.
        """
        kwargs = self.filter_sk_params(Sequential.predict_classes, kwargs)
        return self.classes_[self.model.predict_classes(x, **kwargs)]

    def predict_proba(self, x, **kwargs):
        """Class probabilities ``(samples, classes)`` (two columns for a sigmoid output).

        Args:
            x: the inputs.
            **kwargs: arguments of ``predict_proba``.
        """
        kwargs = self.filter_sk_params(Sequential.predict_proba, kwargs)
        probabilities = self.model.predict_proba(x, **kwargs)
        if probabilities.shape[1] == 1:
            probabilities = np.hstack([1 - probabilities, probabilities])
        return probabilities

    def score(self, x, y, **kwargs):
        """The model's accuracy on ``(x, y)``.

        Args:
            x: the inputs.
            y: the true labels.
            **kwargs: arguments of ``evaluate``.
        """
        y = np.searchsorted(self.classes_, np.asarray(y))
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = self.model.loss
        loss_name = loss.__name__ if callable(loss) else loss
        if loss_name == "categorical_crossentropy" and y.ndim != 2:
            y = to_categorical(y, num_classes=self.n_classes_)
        outputs = to_list(self.model.evaluate(x, y, **kwargs))
        for name, output in zip(self.model.metrics_names, outputs):
            if name in ("acc", "accuracy"):
                return output
        raise ValueError("The model is not configured to compute accuracy. You should pass "
                         "`metrics=[\"accuracy\"]` to the `model.compile()` method.")


class KerasRegressor(BaseWrapper):
    """A regressor: ``predict`` gives the model's outputs, ``score`` the negated loss.

    Args:
        build_fn: a function returning a compiled model.
        **sk_params: see ``BaseWrapper``.

    Example:
        >>> KerasRegressor(build_fn=None, batch_size=5).get_params()['batch_size']
        5
    """

    _estimator_type = "regressor"  # scikit-learn < 1.6 reads this

    def __sklearn_tags__(self):
        return _sklearn_tags("regressor")

    def predict(self, x, **kwargs):
        """The predictions, squeezed (``(samples,)`` for one output unit).

        Args:
            x: the inputs.
            **kwargs: arguments of ``predict``.
        """
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        return np.squeeze(self.model.predict(x, **kwargs))

    def score(self, x, y, **kwargs):
        """Minus the model's loss on ``(x, y)`` (scikit-learn maximises scores).

        Args:
            x: the inputs.
            y: the targets.
            **kwargs: arguments of ``evaluate``.
        """
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        return -loss[0] if isinstance(loss, list) else -loss
