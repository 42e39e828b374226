"""LambdaCallback: the given functions run as the hooks, positionally, in fit's order."""
import pytest

from cornu.callbacks import LambdaCallback
from tests.callbacks.helpers import small_classifier, toy_data


def test_hooks_run_in_order_with_their_arguments():
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append(('train_begin',)),
        on_epoch_begin=lambda epoch, logs: calls.append(('epoch_begin', epoch)),
        on_batch_begin=lambda batch, logs: calls.append(('batch_begin', batch, logs['size'])),
        on_batch_end=lambda batch, logs: calls.append(('batch_end', batch, sorted(logs))),
        on_epoch_end=lambda epoch, logs: calls.append(('epoch_end', epoch, sorted(logs))),
        on_train_end=lambda logs: calls.append(('train_end',)))
    x, y = toy_data(6)
    small_classifier().fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[callback])
    batch_keys = ['acc', 'batch', 'loss', 'size']
    epoch = [('batch_begin', 0, 4), ('batch_end', 0, batch_keys),
             ('batch_begin', 1, 2), ('batch_end', 1, batch_keys)]
    assert calls == ([('train_begin',), ('epoch_begin', 0)] + epoch +
                     [('epoch_end', 0, ['acc', 'loss']), ('epoch_begin', 1)] + epoch +
                     [('epoch_end', 1, ['acc', 'loss']), ('train_end',)])


def test_the_tf_keras_hooks_are_accepted():
    calls = []
    callback = LambdaCallback(on_test_begin=lambda logs: calls.append('test_begin'),
                              on_test_end=lambda logs: calls.append('test_end'))
    x, y = toy_data(4)
    small_classifier().evaluate(x, y, verbose=0, callbacks=[callback])
    assert calls == ['test_begin', 'test_end']


def test_batch_logs_are_computed_only_for_batch_functions():
    assert not LambdaCallback(on_epoch_end=lambda epoch, logs: None).needs_batch_logs
    assert LambdaCallback(on_batch_end=lambda batch, logs: None).needs_batch_logs


def test_unset_hooks_do_nothing():
    callback = LambdaCallback()
    assert callback.on_epoch_end(0, {}) is None and callback.on_train_begin({}) is None


def test_bad_arguments():
    with pytest.raises(TypeError, match=r"unexpected arguments \['on_epoch_ends'\]"):
        LambdaCallback(on_epoch_ends=print)
    with pytest.raises(TypeError, match='`on_epoch_end` must be a function'):
        LambdaCallback(on_epoch_end='print')
