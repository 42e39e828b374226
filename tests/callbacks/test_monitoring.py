"""The shared monitoring rules: Keras 2's 'auto' mode and lookups in any spelling."""
import numpy as np
import pytest

from cornu.callbacks import EarlyStopping, LogsDict
from cornu.callbacks.monitoring import monitor_op, monitored_value, resolved_mode, worst_value


@pytest.mark.parametrize('monitor, direction', [
    ('val_loss', 'min'), ('loss', 'min'), ('mae', 'min'), ('acc', 'max'), ('val_acc', 'max'),
    ('accuracy', 'max'), ('val_categorical_accuracy', 'max'), ('fmeasure', 'max'),
    ('val_fmeasure', 'max')])
def test_auto_mode_maximises_accuracies_and_fmeasures(monitor, direction):
    assert resolved_mode(monitor, 'auto', 'EarlyStopping') == direction
    assert worst_value(direction) == (np.inf if direction == 'min' else -np.inf)


def test_explicit_modes_win():
    assert resolved_mode('val_acc', 'min', 'EarlyStopping') == 'min'
    assert resolved_mode('val_loss', 'max', 'EarlyStopping') == 'max'


def test_monitor_must_be_a_name():
    with pytest.raises(TypeError, match='`monitor` must be the name of a logged quantity'):
        resolved_mode(None, 'auto', 'EarlyStopping')


def test_keras_2_comparisons_are_strict():
    assert monitor_op('min') is np.less and monitor_op('max') is np.greater
    assert not monitor_op('min')(1.0, 1.0) and not monitor_op('max')(1.0, 1.0)


def test_min_delta_is_signed_for_early_stopping_as_in_keras_2():
    assert EarlyStopping(monitor='val_loss', min_delta=0.1).min_delta == -0.1
    assert EarlyStopping(monitor='val_acc', min_delta=-0.1).min_delta == 0.1


@pytest.mark.parametrize('logs', [{'acc': 0.5, 'val_acc': 0.25},
                                  {'accuracy': 0.5, 'val_accuracy': 0.25},
                                  LogsDict({'acc': 0.5, 'val_acc': 0.25})])
def test_either_spelling_is_found_in_plain_and_logs_dicts(logs):
    assert monitored_value(logs, 'acc') == monitored_value(logs, 'accuracy') == 0.5
    assert monitored_value(logs, 'val_acc') == monitored_value(logs, 'val_accuracy') == 0.25
    assert monitored_value(logs, 'val_loss') is None and monitored_value(None, 'loss') is None
