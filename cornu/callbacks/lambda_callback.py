"""``LambdaCallback``: a callback made of plain functions, for quick hooks.

Example:
    >>> import json
    >>> json_log = open('loss_log.json', mode='wt', buffering=1)  # doctest: +SKIP
    >>> json_logging = LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: json_log.write(
    ...         json.dumps({'epoch': epoch, 'loss': logs['loss']}) + '\\n'),
    ...     on_train_end=lambda logs: json_log.close())  # doctest: +SKIP
"""
from cornu.callbacks.base import Callback

_HOOKS = ('on_epoch_begin', 'on_epoch_end', 'on_batch_begin', 'on_batch_end', 'on_train_begin',
          'on_train_end')
_MORE_HOOKS = ('on_train_batch_begin', 'on_train_batch_end', 'on_test_begin', 'on_test_end',
               'on_test_batch_begin', 'on_test_batch_end', 'on_predict_begin', 'on_predict_end',
               'on_predict_batch_begin', 'on_predict_batch_end')


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given; the others do nothing.

    The functions are called positionally as the hooks are: ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_batch_begin(batch, logs)``, ``on_batch_end(batch,
    logs)``, ``on_train_begin(logs)``, ``on_train_end(logs)``.

    Args:
        on_epoch_begin: called at the start of every epoch.
        on_epoch_end: called at the end of every epoch.
        on_batch_begin: called before every training batch.
        on_batch_end: called after every training batch.
        on_train_begin: called at the start of training.
        on_train_end: called at the end of training.
        **kwargs: functions for the other hooks (tf.keras 2), e.g. ``on_test_end=...``.

    Example:
        >>> seen = []
        >>> callback = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
        >>> callback.on_epoch_end(0, {})
        >>> seen
        [0]
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        unknown = sorted(set(kwargs) - set(_MORE_HOOKS))
        if unknown:
            raise TypeError(f'LambdaCallback got unexpected arguments {unknown}; its arguments '
                            f'are the hooks {", ".join(_HOOKS + _MORE_HOOKS)}.')
        hooks = dict(zip(_HOOKS, (on_epoch_begin, on_epoch_end, on_batch_begin, on_batch_end,
                                  on_train_begin, on_train_end)), **kwargs)
        for name, function in hooks.items():
            if function is None:
                continue  # the inherited no-op stays, so unused batch hooks cost nothing
            if not callable(function):
                raise TypeError(f'LambdaCallback: `{name}` must be a function, received '
                                f'{function!r}.')
            setattr(self, name, function)
