"""``FitState``: what a callback may read and change of a running ``fit`` to resume it.

From ``on_train_begin`` until training ends, the loop exposes it as ``model._fit_state`` (the
attribute is removed afterwards, so nothing of a finished ``fit`` stays reachable from the
model). A callback that restores a backup (``BackupAndRestore``) sets ``initial_epoch`` in
``on_train_begin``, and the loop starts there; it saves and restores the data's shuffle state
so that the resumed epochs draw the batches an uninterrupted run would.

Example:
    >>> class StartAtThree(Callback):  # doctest: +SKIP
    ...     def on_train_begin(self, logs=None):
    ...         self.model._fit_state.initial_epoch = 3
"""


class FitState:
    """The resumable state of one ``fit`` call.

    Args:
        data: the training ``DataAdapter``.
        initial_epoch: the epoch ``fit`` was asked to start from; a callback may move it in
            ``on_train_begin``.
        epochs: the index of the last epoch to train.

    Example:
        >>> state = FitState(adapter, initial_epoch=0, epochs=4)  # doctest: +SKIP
        >>> state.initial_epoch = 2  # in on_train_begin: resume at the third epoch
    """

    def __init__(self, data, initial_epoch, epochs):
        self.initial_epoch = initial_epoch
        self.epochs = epochs
        self._data = data

    def shuffle_state(self):
        """The training data's shuffle state (an array, or None), to save with a backup."""
        return self._data.shuffle_state()

    def restore_shuffle_state(self, state):
        """Gives the training data back a saved shuffle state.

        Args:
            state: what ``shuffle_state`` returned in the interrupted run, or None.
        """
        self._data.restore_shuffle_state(state)
