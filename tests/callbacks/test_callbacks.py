"""Callback, CallbackList, History and ProgbarLogger, driven by hand as the training loop does."""
import contextlib
import io
import json

import pytest

from cornu.callbacks import (AliasedHistoryDict, Callback, CallbackList, History, ProgbarLogger,
                             default_key_aliases)
from tests.fake_terminal import TerminalBuffer

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")

FULL = '=' * 30
INDEX_HOOKS = ('on_epoch_begin', 'on_epoch_end', 'on_batch_begin', 'on_batch_end',
               'on_train_batch_begin', 'on_train_batch_end', 'on_test_batch_begin',
               'on_test_batch_end', 'on_predict_batch_begin', 'on_predict_batch_end')
LOGS_HOOKS = ('on_train_begin', 'on_train_end', 'on_test_begin', 'on_test_end',
              'on_predict_begin', 'on_predict_end')


class Recorder(Callback):
    """Records every hook call as (name, tag, args)."""

    def __init__(self, tag, calls):
        super().__init__()
        self.tag = tag
        self.calls = calls

    def __getattribute__(self, name):
        if name in INDEX_HOOKS + LOGS_HOOKS:
            calls, tag = object.__getattribute__(self, 'calls'), object.__getattribute__(
                self, 'tag')
            return lambda *args: calls.append((name, tag) + args)
        return object.__getattribute__(self, name)


# --- Callback -------------------------------------------------------------------------------

def test_callback_defaults_and_setters():
    callback = Callback()
    assert (callback.params, callback.model, callback.validation_data) == ({}, None, None)
    callback.set_params({'epochs': 3})
    callback.set_model('model')
    assert (callback.params, callback.model) == ({'epochs': 3}, 'model')


def test_every_hook_is_a_no_op():
    callback = Callback()
    for name in INDEX_HOOKS:
        assert getattr(callback, name)(0, {'loss': 1.0}) is None
        assert getattr(callback, name)(0) is None
    for name in LOGS_HOOKS:
        assert getattr(callback, name)({'loss': 1.0}) is None
        assert getattr(callback, name)() is None


def test_train_batch_hooks_default_to_batch_hooks():
    seen = []

    class Legacy(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(('begin', batch, logs))

        def on_batch_end(self, batch, log=None):  # a user spelling of the logs argument
            seen.append(('end', batch, log))

    callback = Legacy()
    callback.on_train_batch_begin(3, {'size': 8})
    callback.on_train_batch_end(3, {'loss': 0.5})
    assert seen == [('begin', 3, {'size': 8}), ('end', 3, {'loss': 0.5})]


def test_subclass_without_super_init_still_has_model_and_validation_data():
    class NoInit(Callback):
        def __init__(self):
            self.losses = []

    callback = NoInit()
    assert (callback.model, callback.validation_data, callback.needs_batch_logs) == (
        None, None, False)


# --- CallbackList ---------------------------------------------------------------------------

def test_callback_list_dispatches_every_hook_to_every_callback_in_order():
    calls = []
    callbacks = CallbackList([Recorder('a', calls), Recorder('b', calls)])
    logs = {'loss': 0.5}
    for name in INDEX_HOOKS:
        getattr(callbacks, name)(7, logs)
    for name in LOGS_HOOKS:
        getattr(callbacks, name)(logs)
    expected = []
    for name in INDEX_HOOKS:
        # the list's on_batch_* are the Keras 2.3 on_train_batch_* hooks
        hook = name.replace('on_batch', 'on_train_batch')
        expected += [(hook, 'a', 7, logs), (hook, 'b', 7, logs)]
    for name in LOGS_HOOKS:
        expected += [(name, 'a', logs), (name, 'b', logs)]
    assert calls == expected


def test_callback_list_passes_an_empty_dict_when_logs_are_missing():
    calls = []
    callbacks = CallbackList([Recorder('a', calls)])
    callbacks.on_epoch_begin(0)
    callbacks.on_train_begin()
    callbacks.on_test_batch_end(2, logs=None)
    assert calls == [('on_epoch_begin', 'a', 0, {}), ('on_train_begin', 'a', {}),
                     ('on_test_batch_end', 'a', 2, {})]


def test_both_batch_spellings_reach_both_overrides():
    seen = []

    class Old(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(('old', batch))

    class New(Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(('new', batch))

    callbacks = CallbackList([Old(), New()])
    callbacks.on_batch_end(0, {})
    callbacks.on_train_batch_end(1, {})
    assert seen == [('old', 0), ('new', 0), ('old', 1), ('new', 1)]


def test_callback_list_sets_params_and_model():
    first, second = Callback(), Callback()
    callbacks = CallbackList([first], model='model', params={'epochs': 2})
    assert (first.params, first.model) == ({'epochs': 2}, 'model')
    callbacks.append(second)
    assert (second.params, second.model) == ({'epochs': 2}, 'model')
    callbacks.set_params({'epochs': 5})
    callbacks.set_model('other')
    assert [(cb.params, cb.model) for cb in callbacks] == [({'epochs': 5}, 'other')] * 2
    assert len(callbacks) == 2 and list(callbacks) == [first, second]


def test_callback_list_without_params_leaves_callbacks_alone():
    callback = Callback()
    callbacks = CallbackList()
    callbacks.append(callback)
    assert (callbacks.callbacks, callback.params, callback.model) == ([callback], {}, None)


def test_callback_list_rejects_bad_callbacks():
    with pytest.raises(TypeError, match=r'got the class History; create one first, e.g. '
                                        r'History\(\)'):
        CallbackList([History])
    with pytest.raises(TypeError, match='subclass Callback'):
        CallbackList([object()])
    with pytest.raises(TypeError, match=r'wrap a single callback in a list'):
        CallbackList(History())
    with pytest.raises(TypeError, match='got the class'):
        CallbackList().append(ProgbarLogger)


def test_needs_batch_logs():
    class EpochOnly(Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class BatchEnd(Callback):
        def on_batch_end(self, batch, logs=None):
            pass

    class TrainBatchBegin(Callback):
        def on_train_batch_begin(self, batch, logs=None):
            pass

    class TestBatch(Callback):
        def on_test_batch_end(self, batch, logs=None):
            pass

    class IgnoresLogs(BatchEnd):
        needs_batch_logs = False

    by_attribute = Callback()
    by_attribute.on_batch_end = lambda batch, logs: None

    def progbar_logger(verbose):
        logger = ProgbarLogger()
        logger.set_params({'verbose': verbose, 'epochs': 1})
        return logger

    assert CallbackList().needs_batch_logs is False
    assert CallbackList([History(), EpochOnly(), TestBatch(), IgnoresLogs()]).needs_batch_logs \
        is False
    assert CallbackList([History(), BatchEnd()]).needs_batch_logs is True
    assert CallbackList([TrainBatchBegin()]).needs_batch_logs is True
    assert CallbackList([by_attribute]).needs_batch_logs is True
    assert CallbackList([progbar_logger(0), History()]).needs_batch_logs is False
    assert CallbackList([progbar_logger(1), History()]).needs_batch_logs is True
    # verbose=2 shows only the epoch results, which come with the epoch logs
    assert CallbackList([progbar_logger(2), History()]).needs_batch_logs is False


# --- History --------------------------------------------------------------------------------

def fit_history(rows, key_aliases=None):
    history = History(spelling=key_aliases)
    history.on_train_begin()
    for epoch, logs in enumerate(rows):
        history.on_epoch_end(epoch, logs)
    return history


def test_history_records_epochs_and_values():
    history = fit_history([{'loss': 0.9, 'acc': 0.5}, {'loss': 0.4, 'acc': 0.75}])
    assert history.epoch == [0, 1]
    assert history.history == {'loss': [0.9, 0.4], 'acc': [0.5, 0.75]}


def test_history_restarts_on_train_begin():
    history = fit_history([{'loss': 0.9}])
    old = history.history
    history.on_train_begin()
    history.on_epoch_end(0, {'loss': 0.1})
    assert (history.epoch, history.history, old) == ([0], {'loss': [0.1]}, {'loss': [0.9]})


def test_history_answers_both_spellings():
    short = fit_history([{'acc': 0.5, 'val_acc': 0.25, 'mae': 2.0, 'val_mse': 3.0}]).history
    long = fit_history([{'accuracy': 0.5, 'val_accuracy': 0.25}]).history
    assert (short['acc'], short['accuracy'], short['val_accuracy']) == ([0.5], [0.5], [0.25])
    assert (short['mean_absolute_error'], short['val_mean_squared_error']) == ([2.0], [3.0])
    assert (long['acc'], long['val_acc'], long.get('val_acc')) == ([0.5], [0.25], [0.25])
    assert 'accuracy' in short and 'acc' in long and 'val_acc' in long
    assert 'val_mae' not in short and 'loss' not in long
    assert long.get('val_loss') is None and long.get('loss', 'none') == 'none'
    with pytest.raises(KeyError, match="'val_mae'"):
        short['val_mae']


def test_history_shows_only_the_real_keys():
    history = fit_history([{'loss': 0.5, 'acc': 0.5, 'val_loss': 0.6, 'val_acc': 0.4}]).history
    real = ['loss', 'acc', 'val_loss', 'val_acc']
    assert list(history) == list(history.keys()) == real
    assert [key for key, _ in history.items()] == real
    assert len(history) == 4
    assert repr(history) == "{'loss': [0.5], 'acc': [0.5], 'val_loss': [0.6], 'val_acc': [0.4]}"
    assert dict(history) == {'loss': [0.5], 'acc': [0.5], 'val_loss': [0.6], 'val_acc': [0.4]}
    # what pandas.DataFrame(history.history) reads: the keys and their columns
    assert {key: history[key] for key in history.keys()} == dict(history)
    assert json.loads(json.dumps(history)) == dict(history)


def test_history_takes_the_engine_alias_function():
    def aliases(key):
        return {'f1': ['f1_score'], 'f1_score': ['f1']}.get(key, [])

    history = fit_history([{'f1_score': 0.5, 'acc': 0.75}], key_aliases=aliases).history
    assert history['f1'] == [0.5] and 'f1' in history
    assert 'accuracy' not in history  # the engine's table replaces the built-in one


def test_default_key_aliases():
    assert default_key_aliases('acc') == ['accuracy']
    assert default_key_aliases('val_accuracy') == ['val_acc']
    assert default_key_aliases('mse') == ['mean_squared_error']
    assert default_key_aliases('val_mean_absolute_error') == ['val_mae']
    assert default_key_aliases('loss') == []


def test_aliased_dict_ignores_non_string_keys():
    aliased = AliasedHistoryDict({'acc': [1.0]})
    assert 3 not in aliased and aliased.get(3) is None


def test_history_gets_params_and_model_through_callback_list():
    history = History()
    CallbackList([history], model='model', params={'epochs': 3, 'verbose': 0})
    assert (history.params, history.model) == ({'epochs': 3, 'verbose': 0}, 'model')


# --- ProgbarLogger --------------------------------------------------------------------------

SIZES = [32, 32, 32, 4]
EPOCHS = [
    # batch losses and accuracies, epoch logs (weighted means of the batches, and val_)
    ([0.9, 0.7, 0.5, 0.3], [0.5, 0.625, 0.75, 1.0],
     {'loss': 0.684, 'acc': 0.64, 'val_loss': 0.6, 'val_acc': 0.7}),
    ([0.4, 0.3, 0.2, 0.1], [0.75, 0.875, 0.9375, 1.0],
     {'loss': 0.292, 'acc': 0.86, 'val_loss': 0.35, 'val_acc': 0.85}),
]
PARAMS = {'batch_size': 32, 'epochs': 2, 'steps': None, 'samples': 100, 'verbose': 1,
          'do_validation': True, 'metrics': ['loss', 'acc', 'val_loss', 'val_acc']}


def simulate_fit(clock, callbacks, buffer, epoch_logs_have_train_metrics=True, steps=False):
    """Drives the hooks for a 2-epoch, 100-sample, batch-32 fit; 0.25 s per batch."""
    with contextlib.redirect_stdout(buffer):
        callbacks.on_train_begin()
        for epoch, (losses, accs, epoch_logs) in enumerate(EPOCHS):
            callbacks.on_epoch_begin(epoch)
            for batch, (size, loss, acc) in enumerate(zip(SIZES, losses, accs)):
                callbacks.on_batch_begin(batch, {'batch': batch, 'size': size})
                clock.now += 0.25
                callbacks.on_batch_end(batch, {'batch': batch, 'size': size,
                                               'loss': loss, 'acc': acc})
            logs = dict(epoch_logs)
            if not epoch_logs_have_train_metrics:
                del logs['loss'], logs['acc']
            callbacks.on_epoch_end(epoch, logs)
        callbacks.on_train_end()
    return buffer.getvalue()


LINE_1 = ('100/100 [%s] - 1s 10ms/step - loss: 0.6840 - acc: 0.6400 - val_loss: 0.6000 '
          '- val_acc: 0.7000' % FULL)
LINE_2 = ('100/100 [%s] - 1s 10ms/step - loss: 0.2920 - acc: 0.8600 - val_loss: 0.3500 '
          '- val_acc: 0.8500' % FULL)


def test_progbar_logger_two_epochs_to_a_file(clock):
    history = History()
    callbacks = CallbackList([ProgbarLogger(), history], params=PARAMS)
    output = simulate_fit(clock, callbacks, io.StringIO())
    assert output == 'Epoch 1/2\n' + LINE_1 + '\nEpoch 2/2\n' + LINE_2 + '\n'
    assert history.history == {'loss': [0.684, 0.292], 'acc': [0.64, 0.86],
                               'val_loss': [0.6, 0.35], 'val_acc': [0.7, 0.85]}


def test_progbar_logger_averages_batches_when_epoch_logs_have_only_val(clock):
    callbacks = CallbackList([ProgbarLogger()], params=PARAMS)
    output = simulate_fit(clock, callbacks, io.StringIO(), epoch_logs_have_train_metrics=False)
    assert output == 'Epoch 1/2\n' + LINE_1 + '\nEpoch 2/2\n' + LINE_2 + '\n'


def test_progbar_logger_on_a_terminal(clock):
    callbacks = CallbackList([ProgbarLogger()], params=PARAMS)
    output = simulate_fit(clock, callbacks, TerminalBuffer())
    running = [
        ' 32/100 [========>%s] - ETA: 0s - loss: 0.9000 - acc: 0.5000' % ('.' * 21),
        ' 64/100 [%s>%s] - ETA: 0s - loss: 0.8000 - acc: 0.5625' % ('=' * 18, '.' * 11),
        ' 96/100 [%s>..] - ETA: 0s - loss: 0.7000 - acc: 0.6250' % ('=' * 27),
    ]
    first_epoch = '\r' + running[0]
    for previous, line in zip(running, running[1:] + [LINE_1]):
        first_epoch += '\b' * len(previous) + '\r' + line
    assert output.startswith('Epoch 1/2\n' + first_epoch + '\nEpoch 2/2\n\r 32/100 [')
    assert output.endswith('\r' + LINE_2 + '\n')


def test_progbar_logger_verbose_2(clock):
    callbacks = CallbackList([ProgbarLogger()], params=dict(PARAMS, verbose=2))
    output = simulate_fit(clock, callbacks, TerminalBuffer())
    assert output == (
        'Epoch 1/2\n - 1s - loss: 0.6840 - acc: 0.6400 - val_loss: 0.6000 - val_acc: 0.7000\n'
        'Epoch 2/2\n - 1s - loss: 0.2920 - acc: 0.8600 - val_loss: 0.3500 - val_acc: 0.8500\n')


def test_progbar_logger_verbose_0_is_silent(clock):
    callbacks = CallbackList([ProgbarLogger()], params=dict(PARAMS, verbose=0))
    assert simulate_fit(clock, callbacks, TerminalBuffer()) == ''


def test_progbar_logger_counts_steps(clock):
    params = dict(PARAMS, steps=4, samples=None, metrics=['loss', 'acc'])
    callbacks = CallbackList([ProgbarLogger(count_mode='steps')], params=params)
    output = simulate_fit(clock, callbacks, io.StringIO())
    assert output == (
        'Epoch 1/2\n4/4 [%s] - 1s 250ms/step - loss: 0.6840 - acc: 0.6400\n'
        'Epoch 2/2\n4/4 [%s] - 1s 250ms/step - loss: 0.2920 - acc: 0.8600\n' % (FULL, FULL))


def test_progbar_logger_stateful_metrics_show_the_latest_value(clock):
    params = dict(PARAMS, metrics=['loss', 'acc'])
    logger = ProgbarLogger(stateful_metrics=['acc'])
    output = simulate_fit(clock, CallbackList([logger], params=params), io.StringIO(),
                          epoch_logs_have_train_metrics=False)
    assert output == (
        'Epoch 1/2\n100/100 [%s] - 1s 10ms/step - loss: 0.6840 - acc: 1.0000\n'
        'Epoch 2/2\n100/100 [%s] - 1s 10ms/step - loss: 0.2920 - acc: 1.0000\n' % (FULL, FULL))


def test_progbar_logger_without_metrics_param_shows_all_log_values(clock):
    params = {'epochs': 1, 'samples': 4, 'verbose': 1}
    callbacks = CallbackList([ProgbarLogger()], params=params)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        callbacks.on_train_begin()
        callbacks.on_epoch_begin(0)
        clock.now += 2.0
        callbacks.on_batch_end(0, {'batch': 0, 'size': 4, 'loss': 0.5})
        callbacks.on_epoch_end(0, {'loss': 0.5, 'val_loss': 0.25})
    assert buffer.getvalue() == (
        'Epoch 1/1\n4/4 [%s] - 2s 500ms/step - loss: 0.5000 - val_loss: 0.2500\n' % FULL)


def test_progbar_logger_errors():
    with pytest.raises(ValueError, match='Unknown `count_mode`'):
        ProgbarLogger(count_mode='batches')
    logger = ProgbarLogger()
    logger.set_params({'verbose': 1, 'samples': 10})
    with pytest.raises(ValueError, match=r'needs params\["epochs"\]'):
        logger.on_train_begin()
