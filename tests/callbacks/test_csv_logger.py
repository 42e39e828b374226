"""CSVLogger: the file's header, rows and line ends as Keras 2 writes them; appending; a file
that is complete after every epoch."""
import csv
import os

import pytest

from cornu.callbacks import Callback, CSVLogger, LambdaCallback
from tests.callbacks.helpers import small_classifier, toy_data


def fit(callbacks, epochs=3, **kwargs):
    model = small_classifier()
    x, y = toy_data()
    kwargs.setdefault('validation_split', 0.25)
    return model.fit(x, y, epochs=epochs, batch_size=4, verbose=0, callbacks=callbacks,
                     **kwargs)


def read_rows(path, separator=','):
    with open(path, newline='') as file:
        return list(csv.reader(file, delimiter=separator))


def test_header_rows_and_line_ends_as_keras_2(tmp_path):
    path = tmp_path / 'training.log'
    history = fit([CSVLogger(str(path))])
    rows = read_rows(path)
    assert rows[0] == ['epoch', 'acc', 'loss', 'val_acc', 'val_loss']
    assert [int(row[0]) for row in rows[1:]] == [0, 1, 2]
    for column, key in enumerate(rows[0][1:], start=1):
        assert [float(row[column]) for row in rows[1:]] == history.history[key]
    text = path.read_bytes()
    assert text.count(b'\r\n') == 4 and text.endswith(b'\r\n')
    assert text.startswith(b'epoch,acc,loss,val_acc,val_loss\r\n0,')


def test_separator(tmp_path):
    path = tmp_path / 'log.csv'
    history = fit([CSVLogger(path, separator=';')], epochs=1, validation_split=0.0)
    assert read_rows(path, ';') == [['epoch', 'acc', 'loss'],
                                    ['0', repr(history.history['acc'][0]),
                                     repr(history.history['loss'][0])]]


def test_a_new_fit_replaces_the_file(tmp_path):
    path = tmp_path / 'log.csv'
    path.write_text('old contents\n')
    fit([CSVLogger(path)], epochs=2)
    rows = read_rows(path)
    assert rows[0][0] == 'epoch' and len(rows) == 3


def test_append_keeps_one_header(tmp_path):
    path = tmp_path / 'log.csv'
    logger = CSVLogger(path, append=True)
    fit([logger], epochs=2)
    fit([logger], epochs=2)
    fit([CSVLogger(path, append=True)], epochs=1)
    rows = read_rows(path)
    assert rows[0] == ['epoch', 'acc', 'loss', 'val_acc', 'val_loss']
    assert [row[0] for row in rows[1:]] == ['0', '1', '0', '1', '0']


def test_append_to_an_empty_or_missing_file_writes_the_header(tmp_path):
    empty = tmp_path / 'empty.csv'
    empty.write_text('')
    fit([CSVLogger(empty, append=True)], epochs=1)
    missing = tmp_path / 'sub' / 'missing.csv'
    fit([CSVLogger(missing, append=True)], epochs=1)
    for path in (empty, missing):
        assert read_rows(path)[0][0] == 'epoch' and len(read_rows(path)) == 2


def test_validation_every_few_epochs_leaves_na(tmp_path):
    path = tmp_path / 'log.csv'
    fit([CSVLogger(path)], epochs=4, validation_freq=2)
    rows = read_rows(path)
    assert rows[0] == ['epoch', 'acc', 'loss', 'val_acc', 'val_loss']
    assert [row[3:] for row in rows[1:]][0::2] == [['NA', 'NA'], ['NA', 'NA']]
    assert all(cell != 'NA' for row in rows[2::2] for cell in row)


def test_keys_added_by_earlier_callbacks_and_sequences(tmp_path):
    class AddValues(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs['lr'] = 0.001
            logs['note'] = 'ok'
            logs['pair'] = [1, 2]

    path = tmp_path / 'log.csv'
    fit([AddValues(), CSVLogger(path)], epochs=1, validation_split=0.0)
    rows = read_rows(path)
    assert rows[0] == ['epoch', 'acc', 'loss', 'lr', 'note', 'pair']
    assert rows[1][3:] == ['0.001', 'ok', '"[1, 2]"']  # Keras 2 quoted sequences itself


def test_the_file_is_complete_after_every_epoch(tmp_path):
    path = tmp_path / 'log.csv'
    seen = []

    def check(epoch, logs):
        rows = read_rows(path)
        seen.append(len(rows))
        assert all(len(row) == 5 for row in rows)
        assert sorted(os.listdir(tmp_path)) == ['log.csv']  # no temporary file left behind

    fit([CSVLogger(path), LambdaCallback(on_epoch_end=check)], epochs=3)
    assert seen == [2, 3, 4]


def test_a_crash_keeps_the_finished_epochs(tmp_path):
    class Crash(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError('power cut')

    for append in (False, True):
        path = tmp_path / ('log%d.csv' % append)
        with pytest.raises(RuntimeError, match='power cut'):
            fit([CSVLogger(path, append=append), Crash()], epochs=4)
        assert [row[0] for row in read_rows(path)] == ['epoch', '0', '1']


@pytest.mark.parametrize('separator', ['', ';;', None])
def test_bad_separator(separator):
    with pytest.raises(ValueError, match='`separator` must be one character'):
        CSVLogger('log.csv', separator=separator)
