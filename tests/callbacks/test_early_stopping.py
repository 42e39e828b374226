"""EarlyStopping on real fits, its monitored values scripted so that the stopping epoch is
computed by hand."""
import numpy as np
import pytest

from cornu.callbacks import EarlyStopping
from tests.callbacks.helpers import ScriptedLogs, WeightsRecorder, small_classifier, toy_data


def fit(callbacks, epochs=10, **kwargs):
    model = small_classifier()
    x, y = toy_data()
    history = model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, validation_split=0.25,
                        callbacks=callbacks, **kwargs)
    return model, history


@pytest.mark.parametrize('values, patience, epochs_run', [
    ([1.0, 0.8, 0.9, 0.85, 0.7, 0.6], 2, 4),     # best 0.8 at epoch 2; epochs 3, 4 do not beat it
    ([1.0, 0.8, 0.9, 0.85, 0.7, 0.6], 3, 6),     # 0.7 at epoch 5 improves in time
    ([1.0, 0.9, 0.8, 0.8, 0.7, 0.6], 0, 4),      # patience 0: the first tie stops
    ([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], 1, 6),      # always improving: all epochs
])
def test_stops_after_patience_epochs_without_improvement(values, patience, epochs_run):
    stopper = EarlyStopping(monitor='val_loss', patience=patience)
    _, history = fit([ScriptedLogs('val_loss', values), stopper], epochs=len(values))
    assert len(history.epoch) == epochs_run
    assert history.history['val_loss'] == values[:epochs_run]
    assert stopper.stopped_epoch == (epochs_run - 1 if epochs_run < len(values) else 0)


def test_min_delta_requires_a_larger_improvement():
    values = [1.0, 0.95, 0.91, 0.8]
    # with min_delta=0.1 only drops of more than 0.1 count: neither 0.95 nor 0.91 is one
    stopper = EarlyStopping(monitor='val_loss', min_delta=0.1, patience=2)
    _, history = fit([ScriptedLogs('val_loss', values), stopper], epochs=4)
    assert len(history.epoch) == 3
    assert stopper.best == 1.0
    # without it, every drop counts
    _, history = fit([ScriptedLogs('val_loss', values), EarlyStopping(patience=2)], epochs=4)
    assert len(history.epoch) == 4


def test_negative_min_delta_counts_as_its_absolute_value():
    stopper = EarlyStopping(monitor='val_loss', min_delta=-0.1, patience=0)
    _, history = fit([ScriptedLogs('val_loss', [1.0, 0.95, 0.5]), stopper], epochs=3)
    assert len(history.epoch) == 2


def test_baseline_must_be_beaten():
    stopper = EarlyStopping(monitor='val_loss', baseline=0.5, patience=2, verbose=1)
    _, history = fit([ScriptedLogs('val_loss', [0.9, 0.8, 0.7, 0.4]), stopper], epochs=4)
    assert len(history.epoch) == 2
    # beating the baseline resets the count
    stopper = EarlyStopping(monitor='val_loss', baseline=0.5, patience=2)
    _, history = fit([ScriptedLogs('val_loss', [0.9, 0.4, 0.45, 0.3, 0.35, 0.36]), stopper],
                     epochs=6)
    assert len(history.epoch) == 6
    assert stopper.best == 0.3


def test_max_mode_for_accuracy_and_explicit_modes():
    accuracies = [0.5, 0.6, 0.55, 0.58, 0.7]
    _, history = fit([ScriptedLogs('acc', accuracies), EarlyStopping(monitor='acc', patience=1)],
                     epochs=5)
    assert len(history.epoch) == 3  # 0.55 does not beat 0.6
    _, history = fit([ScriptedLogs('acc', accuracies),
                      EarlyStopping(monitor='acc', patience=1, mode='min')], epochs=5)
    assert len(history.epoch) == 2  # smaller is better: 0.6 does not beat 0.5
    losses = [1.0, 1.1, 0.9, 1.2]
    _, history = fit([ScriptedLogs('loss', losses),
                      EarlyStopping(monitor='loss', patience=0, mode='max')], epochs=4)
    assert len(history.epoch) == 3  # larger is better: 0.9 does not beat 1.1


@pytest.mark.parametrize('metric, monitor', [('acc', 'val_acc'), ('acc', 'val_accuracy'),
                                             ('accuracy', 'val_acc'),
                                             ('accuracy', 'val_accuracy')])
def test_either_accuracy_spelling_is_monitored_in_max_mode(metric, monitor):
    stopper = EarlyStopping(monitor=monitor, patience=1)
    model = small_classifier(metrics=[metric])
    x, y = toy_data(32)
    history = model.fit(x, y, epochs=6, batch_size=8, verbose=0, validation_split=0.25,
                        callbacks=[stopper])
    values = history.history[monitor]
    best, expected = -np.inf, len(values)
    for epoch, value in enumerate(values):  # the book's rule, patience 1
        if value > best:
            best = value
        else:
            expected = epoch + 1
            break
    assert len(values) == expected
    assert stopper.best == best


def test_restore_best_weights_sets_the_best_epochs_weights():
    recorder = WeightsRecorder()
    stopper = EarlyStopping(monitor='val_loss', patience=2, restore_best_weights=True, verbose=1)
    model, history = fit([ScriptedLogs('val_loss', [1.0, 0.5, 0.7, 0.8, 0.1]), recorder,
                          stopper], epochs=5)
    assert len(history.epoch) == 4
    for restored, best in zip(model.get_weights(), recorder.weights[1]):
        np.testing.assert_array_equal(restored, best)
    assert not np.array_equal(model.get_weights()[0], recorder.weights[3][0])


def test_without_restore_the_last_weights_stay():
    recorder = WeightsRecorder()
    model, _ = fit([ScriptedLogs('val_loss', [1.0, 0.5, 0.7, 0.8]), recorder,
                    EarlyStopping(patience=2)], epochs=4)
    for kept, last in zip(model.get_weights(), recorder.weights[-1]):
        np.testing.assert_array_equal(kept, last)


def test_messages(capsys):
    stopper = EarlyStopping(monitor='val_loss', patience=1, verbose=1, restore_best_weights=True)
    fit([ScriptedLogs('val_loss', [0.5, 0.4, 0.45, 0.3]), stopper], epochs=4)
    assert capsys.readouterr().out == ('Restoring model weights from the end of the best epoch.\n'
                                       'Epoch 00003: early stopping\n')
    fit([ScriptedLogs('val_loss', [0.5, 0.6]), EarlyStopping(patience=0)], epochs=2)
    assert capsys.readouterr().out == ''  # verbose=0


def test_no_message_when_training_ran_to_the_end(capsys):
    fit([ScriptedLogs('val_loss', [0.5, 0.4]), EarlyStopping(patience=0, verbose=1)], epochs=2)
    assert capsys.readouterr().out == ''


def test_missing_monitor_warns_with_the_available_keys_and_never_stops():
    with pytest.warns(RuntimeWarning, match='Early stopping conditioned on metric `val_los` '
                      'which is not available. Available metrics are: '
                      'loss,acc,val_loss,val_acc'):
        _, history = fit([EarlyStopping(monitor='val_los', patience=0)], epochs=2)
    assert len(history.epoch) == 2


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(RuntimeWarning, match='EarlyStopping mode maximum is unknown, fallback to '
                      'auto mode.'):
        stopper = EarlyStopping(monitor='val_acc', mode='maximum')
    assert stopper.mode == 'max'


def test_reused_callback_starts_afresh_on_each_fit():
    stopper = EarlyStopping(monitor='val_loss', patience=1)
    _, history = fit([ScriptedLogs('val_loss', [0.5, 0.6, 0.7]), stopper], epochs=3)
    assert len(history.epoch) == 2
    _, history = fit([ScriptedLogs('val_loss', [0.9, 0.8, 0.7]), stopper], epochs=3)
    assert len(history.epoch) == 3


@pytest.mark.parametrize('patience', [-1, 1.5, 'two'])
def test_bad_patience_is_refused(patience):
    with pytest.raises(ValueError, match='EarlyStopping: `patience` must be a whole number'):
        EarlyStopping(patience=patience)
