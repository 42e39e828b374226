"""``Callback``, the base of every training hook, and ``CallbackList``, which dispatches to many.

Hooks follow Keras 2.2.4 (``on_epoch_*``, ``on_batch_*``, ``on_train_*``) plus the Keras 2.3
spellings (``on_train_batch_*``, ``on_test_*``, ``on_predict_*``); ``on_train_batch_begin/end``
call ``on_batch_begin/end`` by default, so overriding either spelling works.

Example:
    >>> class Count(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print('epoch', epoch, logs)
    >>> callbacks = CallbackList([Count()])
    >>> callbacks.on_epoch_end(0, {'loss': 0.5})
    epoch 0 {'loss': 0.5}
"""

_BATCH_HOOKS = ('on_batch_begin', 'on_batch_end', 'on_train_batch_begin', 'on_train_batch_end')


class Callback:
    """Base class of callbacks: every hook does nothing until a subclass overrides it.

    Attributes:
        params: dict of training parameters set by ``fit`` (Keras 2.2.4 keys: ``batch_size``,
            ``epochs``, ``steps``, ``samples``, ``verbose``, ``do_validation``, ``metrics``).
        model: the model being trained.
        validation_data: as Keras 2 set it when ``fit`` validates on arrays: the list
            ``[x_val..., y_val..., sample_weights...]`` (a weight array per output, ones when
            none was given); None otherwise.

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(epoch, logs['loss'])
        >>> PrintLoss().on_epoch_end(3, {'loss': 0.25})
        3 0.25
    """

    # Class-level defaults keep subclasses working when their __init__ skips super().__init__().
    model = None
    validation_data = None

    def __init__(self):
        self.params = {}
        self.model = None
        self.validation_data = None

    def set_params(self, params):
        """Stores the training parameters dict.

        Args:
            params: dict of training parameters.
        """
        self.params = params

    def set_model(self, model):
        """Stores the model being trained.

        Args:
            model: the model.
        """
        self.model = model

    @property
    def needs_batch_logs(self):
        """Whether this callback reads per-batch logs: by default, when it overrides a batch hook.

        The training loop computes per-batch metric values only when some callback needs them
        (as tf.keras calls batch hooks only when a callback implements one). A subclass whose
        batch hook ignores ``logs`` may override this property to return False.
        """
        return any(_overrides(self, name) for name in _BATCH_HOOKS)

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (``epoch`` counts from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch; ``logs`` holds the epoch's metrics (and ``val_`` ones)."""

    def on_batch_begin(self, batch, logs=None):
        """Called before a training batch; ``logs`` has ``batch`` and ``size``."""

    def on_batch_end(self, batch, logs=None):
        """Called after a training batch; ``logs`` has ``batch``, ``size`` and the batch metrics."""

    def on_train_begin(self, logs=None):
        """Called at the start of training."""

    def on_train_end(self, logs=None):
        """Called at the end of training."""

    def on_train_batch_begin(self, batch, logs=None):
        """Keras 2.3 spelling of ``on_batch_begin``, which it calls."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        """Keras 2.3 spelling of ``on_batch_end``, which it calls."""
        self.on_batch_end(batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before a batch of ``evaluate`` (or of validation)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after a batch of ``evaluate`` (or of validation)."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a batch of ``predict``."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after a batch of ``predict``."""

    def on_test_begin(self, logs=None):
        """Called at the start of ``evaluate`` (or of validation)."""

    def on_test_end(self, logs=None):
        """Called at the end of ``evaluate`` (or of validation)."""

    def on_predict_begin(self, logs=None):
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """Called at the end of ``predict``."""


def _overrides(callback, name, base=Callback):
    """True when ``callback.<name>`` is not ``base``'s method (a subclass method or an
    attribute)."""
    hook = getattr(callback, name)
    return getattr(hook, '__func__', hook) is not getattr(base, name)


def _check_callback(callback):
    if isinstance(callback, type):
        raise TypeError('callbacks must be Callback instances, got the class %s; '
                        'create one first, e.g. %s().' % (callback.__name__, callback.__name__))
    if not isinstance(callback, Callback):
        raise TypeError('callbacks must be instances of keras.callbacks.Callback, got %r of '
                        'type %s; subclass Callback to write your own.'
                        % (callback, type(callback).__name__))
    return callback


def _dispatch(name, takes_index):
    """Builds a CallbackList method calling hook ``name`` on every callback, in order.

    Callbacks are called positionally, as Keras 2 does, so user hooks may name ``logs`` freely.
    """
    if takes_index:
        def dispatch(self, index, logs=None):
            logs = {} if logs is None else logs
            for callback in self.callbacks:
                getattr(callback, name)(index, logs)
    else:
        def dispatch(self, logs=None):
            logs = {} if logs is None else logs
            for callback in self.callbacks:
                getattr(callback, name)(logs)
    dispatch.__name__ = name
    dispatch.__doc__ = 'Calls ``%s`` on every callback, in order.' % name
    return dispatch


class CallbackList:
    """A sequence of callbacks treated as one: each hook is called on every callback, in order.

    Args:
        callbacks: list of ``Callback`` instances.
        model: if given, passed to every callback's ``set_model``.
        params: if given, passed to every callback's ``set_params``.

    Example:
        >>> from cornu.callbacks import History
        >>> history = History()
        >>> callbacks = CallbackList([history], params={'epochs': 1})
        >>> callbacks.on_train_begin()
        >>> callbacks.on_epoch_end(0, {'loss': 0.5})
        >>> history.history
        {'loss': [0.5]}
    """

    def __init__(self, callbacks=None, model=None, params=None):
        if callbacks is not None and not isinstance(callbacks, (list, tuple)):
            raise TypeError('callbacks must be a list of Callback instances, got %r; '
                            'wrap a single callback in a list: callbacks=[cb].' % (callbacks,))
        self.callbacks = [_check_callback(cb) for cb in (callbacks or [])]
        self.model = None
        self.params = None
        if params is not None:
            self.set_params(params)
        if model is not None:
            self.set_model(model)

    def append(self, callback):
        """Adds a callback at the end, giving it this list's params and model if already set.

        Args:
            callback: a ``Callback`` instance.
        """
        self.callbacks.append(_check_callback(callback))
        if self.params is not None:
            callback.set_params(self.params)
        if self.model is not None:
            callback.set_model(self.model)

    def set_params(self, params):
        """Passes the training parameters to every callback.

        Args:
            params: dict of training parameters.
        """
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        """Passes the model to every callback.

        Args:
            model: the model being trained.
        """
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    @property
    def needs_batch_logs(self):
        """True when some callback reads per-batch logs (see ``Callback.needs_batch_logs``)."""
        return any(callback.needs_batch_logs for callback in self.callbacks)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)

    on_epoch_begin = _dispatch('on_epoch_begin', True)
    on_epoch_end = _dispatch('on_epoch_end', True)
    on_train_begin = _dispatch('on_train_begin', False)
    on_train_end = _dispatch('on_train_end', False)
    # Keras 2.3: the list's on_batch_* and on_train_batch_* both reach either spelling.
    on_batch_begin = _dispatch('on_train_batch_begin', True)
    on_batch_end = _dispatch('on_train_batch_end', True)
    on_train_batch_begin = _dispatch('on_train_batch_begin', True)
    on_train_batch_end = _dispatch('on_train_batch_end', True)
    on_test_batch_begin = _dispatch('on_test_batch_begin', True)
    on_test_batch_end = _dispatch('on_test_batch_end', True)
    on_predict_batch_begin = _dispatch('on_predict_batch_begin', True)
    on_predict_batch_end = _dispatch('on_predict_batch_end', True)
    on_test_begin = _dispatch('on_test_begin', False)
    on_test_end = _dispatch('on_test_end', False)
    on_predict_begin = _dispatch('on_predict_begin', False)
    on_predict_end = _dispatch('on_predict_end', False)
