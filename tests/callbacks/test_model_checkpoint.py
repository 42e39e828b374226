"""ModelCheckpoint: file names, monitoring, period and save_freq, modes and messages on real fits.

Most tests record the calls to ``model.save`` / ``model.save_weights`` (what ModelCheckpoint
decides); the tests that read the saved files back need the models' HDF5 saving and are
skipped until the model classes have it.
"""
import os

import numpy as np
import pytest

from cornu.callbacks import ModelCheckpoint
from cornu.models import Model
from tests.callbacks.helpers import ScriptedLogs, small_classifier, toy_data

NEEDS_SAVING = pytest.mark.skipif(
    not (hasattr(Model, 'save') and hasattr(Model, 'save_weights')),
    reason='Model.save / Model.save_weights (Keras 2 HDF5) are not implemented yet; these '
           'tests read real checkpoint files back')


class RecordingModel:
    """Replaces a model's save methods by recorders, keeping everything else real."""

    def __init__(self, model):
        self.calls = []
        model.save = lambda path, overwrite=False: self.calls.append(('save', path, overwrite))
        model.save_weights = lambda path, overwrite=False: self.calls.append(
            ('save_weights', path, overwrite))

    @property
    def paths(self):
        return [path for _, path, _ in self.calls]


def fit(callbacks, epochs=3, model=None, samples=16, **kwargs):
    model = model or small_classifier()
    recording = RecordingModel(model)
    x, y = toy_data(samples)
    kwargs.setdefault('validation_split', 0.25)
    history = model.fit(x, y, epochs=epochs, batch_size=4, verbose=0, callbacks=callbacks,
                        **kwargs)
    return recording, history


def test_every_epoch_is_saved_under_its_formatted_name(tmp_path):
    pattern = str(tmp_path / 'weights.{epoch:02d}-{val_loss:.2f}.hdf5')
    recording, history = fit([ModelCheckpoint(pattern)])
    expected = [str(tmp_path / ('weights.%02d-%.2f.hdf5' % (epoch, loss)))
                for epoch, loss in enumerate(history.history['val_loss'], start=1)]
    assert recording.calls == [('save', path, True) for path in expected]


def test_save_best_only_saves_improvements_with_keras_2_messages(capsys):
    values = [0.69889, 0.68934, 0.69001, 0.5]
    checkpoint = ModelCheckpoint('w.{epoch:02d}-{val_loss:.2f}.h5', verbose=1,
                                 save_best_only=True)
    recording, _ = fit([ScriptedLogs('val_loss', values), checkpoint], epochs=4)
    assert recording.paths == ['w.01-0.70.h5', 'w.02-0.69.h5', 'w.04-0.50.h5']
    assert capsys.readouterr().out == (
        '\nEpoch 00001: val_loss improved from inf to 0.69889, saving model to w.01-0.70.h5\n'
        '\nEpoch 00002: val_loss improved from 0.69889 to 0.68934, saving model to '
        'w.02-0.69.h5\n'
        '\nEpoch 00003: val_loss did not improve from 0.68934\n'
        '\nEpoch 00004: val_loss improved from 0.68934 to 0.50000, saving model to '
        'w.04-0.50.h5\n')
    assert checkpoint.best == 0.5


def test_plain_save_message(capsys):
    fit([ModelCheckpoint('model.h5', verbose=1)], epochs=2)
    assert capsys.readouterr().out == ('\nEpoch 00001: saving model to model.h5\n'
                                       '\nEpoch 00002: saving model to model.h5\n')


def test_save_weights_only_calls_save_weights():
    recording, _ = fit([ModelCheckpoint('w{epoch}.h5', save_weights_only=True)], epochs=2)
    assert recording.calls == [('save_weights', 'w1.h5', True), ('save_weights', 'w2.h5', True)]


@pytest.mark.parametrize('monitor, mode, saved', [
    ('val_acc', 'auto', [1, 2, 4]),        # 'acc' in the name: larger is better
    ('val_accuracy', 'auto', [1, 2, 4]),
    ('val_acc', 'min', [1]),
    ('val_loss', 'max', [1, 2, 4]),
    ('val_fmeasure', 'auto', [1, 2, 4]),
])
def test_modes(monitor, mode, saved):
    values = [0.5, 0.7, 0.6, 0.8]
    checkpoint = ModelCheckpoint('m{epoch}.h5', monitor=monitor, mode=mode, save_best_only=True)
    key = 'val_acc' if 'acc' in monitor else monitor
    recording, _ = fit([ScriptedLogs(key, values), checkpoint], epochs=4)
    assert recording.paths == ['m%d.h5' % epoch for epoch in saved]


def test_best_is_kept_across_fits():
    checkpoint = ModelCheckpoint('m.h5', save_best_only=True)
    recording, _ = fit([ScriptedLogs('val_loss', [0.3, 0.2]), checkpoint], epochs=2)
    assert len(recording.calls) == 2
    recording, _ = fit([ScriptedLogs('val_loss', [0.25, 0.1]), checkpoint], epochs=2)
    assert len(recording.calls) == 1  # 0.25 does not beat 0.2 of the previous fit


def test_period_saves_every_n_epochs():
    recording, _ = fit([ModelCheckpoint('p{epoch}.h5', period=2)], epochs=5)
    assert recording.paths == ['p2.h5', 'p4.h5']


def test_save_freq_counts_batches_across_epochs():
    # 16 samples in batches of 4: 4 batches per epoch; a save every 3 batches
    checkpoint = ModelCheckpoint('b-{epoch}-{batch}-{loss:.1f}.h5', save_freq=3)
    assert checkpoint.needs_batch_logs
    recording, _ = fit([checkpoint], epochs=2, validation_split=0.0)
    assert [path.rsplit('-', 1)[0] for path in recording.paths] == ['b-1-3', 'b-2-2']


def test_save_freq_with_best_only_monitors_batch_logs(capsys):
    checkpoint = ModelCheckpoint('b{epoch}-{batch}.h5', monitor='loss', save_freq=1,
                                 save_best_only=True, verbose=1)
    recording, _ = fit([checkpoint], epochs=1, validation_split=0.0)
    out = capsys.readouterr().out
    assert out.count('\nEpoch 00001: loss improved from') == len(recording.calls) >= 1
    assert out.count('did not improve') + len(recording.calls) == 4


def test_needs_batch_logs_only_for_batch_saves():
    assert not ModelCheckpoint('m.h5').needs_batch_logs


def test_either_spelling_fills_the_file_name():
    recording, history = fit([ModelCheckpoint('{val_acc:.3f}-{val_accuracy:.3f}.h5')], epochs=1)
    value = history.history['val_acc'][0]
    assert recording.paths == ['%.3f-%.3f.h5' % (value, value)]


def test_unknown_file_name_field_is_a_clear_error():
    with pytest.raises(KeyError, match=r'Failed to format this callback filepath: '
                       r'"w\.\{val_los\}\.h5"\. Reason: the field "val_los" is neither "epoch" '
                       r'nor a logged key; the logs hold loss, acc, val_loss, val_acc\.'):
        fit([ModelCheckpoint('w.{val_los}.h5')], epochs=1)


def test_missing_monitor_warns_and_skips():
    with pytest.warns(RuntimeWarning, match='Can save best model only with val_loss available, '
                      'skipping.'):
        recording, _ = fit([ModelCheckpoint('m.h5', save_best_only=True)], epochs=1,
                           validation_split=0.0)
    assert recording.calls == []


def test_folder_is_created_and_a_folder_path_refused(tmp_path):
    target = tmp_path / 'new' / 'folder' / 'm.h5'
    recording, _ = fit([ModelCheckpoint(target)], epochs=1)
    assert recording.paths == [str(target)] and target.parent.is_dir()
    with pytest.raises(IsADirectoryError, match='non-directory filepath'):
        fit([ModelCheckpoint(tmp_path)], epochs=1)


def test_unknown_mode_warns():
    with pytest.warns(RuntimeWarning, match='ModelCheckpoint mode best is unknown, fallback to '
                      'auto mode.'):
        checkpoint = ModelCheckpoint('m.h5', mode='best')
    assert checkpoint.best == np.inf


@pytest.mark.parametrize('arguments, message', [
    ({'save_freq': 'batch'}, 'unrecognized save_freq'),
    ({'save_freq': 0}, 'unrecognized save_freq'),
    ({'period': 0}, '`period` must be a positive integer'),
])
def test_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        ModelCheckpoint('m.h5', **arguments)


def test_filepath_must_be_a_path():
    with pytest.raises(TypeError, match='`filepath` must be a path'):
        ModelCheckpoint(None)


# --- real files --------------------------------------------------------------------------------

def real_fit(callbacks, epochs=4):
    model = small_classifier(optimizer='rmsprop')
    x, y = toy_data(32)
    history = model.fit(x, y, epochs=epochs, batch_size=8, verbose=0,
                        validation_data=(x[:8], y[:8]), callbacks=callbacks)
    return model, history, (x[:8], y[:8])


@NEEDS_SAVING
def test_best_model_file_evaluates_to_the_best_val_loss(tmp_path):
    from cornu.models import load_model
    path = str(tmp_path / 'my_model.h5')
    _, history, (x_val, y_val) = real_fit([ModelCheckpoint(path, save_best_only=True)])
    best = load_model(path).evaluate(x_val, y_val, verbose=0)[0]
    assert best == pytest.approx(min(history.history['val_loss']), rel=1e-5)


@NEEDS_SAVING
def test_weight_files_hold_each_epochs_weights(tmp_path):
    from tests.callbacks.helpers import WeightsRecorder
    recorder = WeightsRecorder()
    pattern = str(tmp_path / 'weights.{epoch:02d}.h5')
    model, _, _ = real_fit([recorder, ModelCheckpoint(pattern, save_weights_only=True)],
                           epochs=2)
    for epoch in (1, 2):
        model.load_weights(pattern.format(epoch=epoch))
        for loaded, recorded in zip(model.get_weights(), recorder.weights[epoch - 1]):
            np.testing.assert_array_equal(loaded, recorded)
    assert sorted(os.listdir(tmp_path)) == ['weights.01.h5', 'weights.02.h5']
