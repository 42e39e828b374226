"""LearningRateScheduler and ReduceLROnPlateau: the rate they set, the optimizer using it, the
``lr`` they log and what they print."""
import numpy as np
import pytest

from cornu import backend as K
from cornu.callbacks import LearningRateScheduler, ReduceLROnPlateau
from cornu.layers import Dense
from cornu.models import Sequential
from cornu.optimizers import SGD
from tests.callbacks.helpers import ScriptedLogs, small_classifier, toy_data


def one_weight_model(lr=0.1):
    """y = w * x with w = 1, mean squared error, plain SGD: one batch of x = 1, y = 0 has
    gradient 2 w, so a step multiplies w by (1 - 2 lr)."""
    model = Sequential([Dense(1, use_bias=False, kernel_initializer='ones', input_shape=(1,))])
    model.compile(SGD(lr=lr), 'mse')
    return model


ONE = np.ones((1, 1), dtype='float32')
ZERO = np.zeros((1, 1), dtype='float32')


# --- LearningRateScheduler ---------------------------------------------------------------------

@pytest.mark.usefixtures('every_step')
def test_the_optimizer_steps_with_the_scheduled_rate():
    rates = [0.1, 0.05, 0.01]
    model = one_weight_model()
    history = model.fit(ONE, ZERO, epochs=3, batch_size=1, verbose=0,
                        callbacks=[LearningRateScheduler(lambda epoch: rates[epoch])])
    w = 1.0
    for rate in rates:
        w -= np.float32(rate) * 2 * w
    assert model.get_weights()[0][0, 0] == pytest.approx(w, rel=1e-6)  # 0.7056
    assert history.history['lr'] == rates


def test_schedule_of_epoch_and_current_rate():
    seen = []

    def halve(epoch, lr):
        seen.append((epoch, lr))
        return lr / 2

    model = one_weight_model(lr=0.4)
    history = model.fit(ONE, ZERO, epochs=3, verbose=0, callbacks=[LearningRateScheduler(halve)])
    assert [epoch for epoch, _ in seen] == [0, 1, 2]
    np.testing.assert_allclose([lr for _, lr in seen], [0.4, 0.2, 0.1], rtol=1e-7)
    assert history.history['lr'] == [0.2, 0.1, 0.05]
    assert float(K.get_value(model.optimizer.lr)) == pytest.approx(0.05)


def test_numpy_and_integer_outputs_are_accepted():
    model = one_weight_model()
    history = model.fit(ONE, ZERO, epochs=2, verbose=0, callbacks=[
        LearningRateScheduler(lambda epoch: np.float32(0.5) if epoch else 1)])
    assert history.history['lr'] == [1.0, 0.5]


def test_verbose_message(capsys):
    model = one_weight_model()
    model.fit(ONE, ZERO, epochs=2, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1), verbose=1)])
    assert capsys.readouterr().out == (
        '\nEpoch 00001: LearningRateScheduler setting learning rate to 0.1.\n'
        '\nEpoch 00002: LearningRateScheduler setting learning rate to 0.05.\n')


@pytest.mark.parametrize('output', ['0.1', None, float('nan'), True])
def test_a_schedule_must_return_a_number(output):
    model = one_weight_model()
    with pytest.raises(ValueError, match='The output of the "schedule" function should be float'):
        model.fit(ONE, ZERO, verbose=0, callbacks=[LearningRateScheduler(lambda e: output)])


def test_a_type_error_inside_the_schedule_is_not_hidden():
    def broken(epoch, lr):
        return lr + 'x'

    with pytest.raises(TypeError, match='unsupported operand'):
        one_weight_model().fit(ONE, ZERO, verbose=0,
                               callbacks=[LearningRateScheduler(broken)])


def test_schedule_must_be_callable_and_the_model_compiled():
    with pytest.raises(TypeError, match='`schedule` must be a function'):
        LearningRateScheduler(0.1)
    scheduler = LearningRateScheduler(lambda epoch: 0.1)
    scheduler.set_model(Sequential([Dense(1, input_shape=(1,))]))
    with pytest.raises(ValueError, match='compile the model'):
        scheduler.on_epoch_begin(0)


# --- ReduceLROnPlateau -------------------------------------------------------------------------

def float32(value):
    return float(np.float32(value))


def test_reductions_with_patience_cooldown_and_min_lr(capsys):
    # lr 0.1, patience 2, cooldown 1, factor 0.5, min_lr 0.03, val_loss never improving:
    # epoch 3 reduces to 0.05; epoch 4 is the cooldown; epoch 5 reduces to max(0.025, 0.03);
    # epoch 7 would reduce but the rate is at min_lr.
    reducer = ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=2, cooldown=1,
                                min_lr=0.03, verbose=1)
    model = small_classifier(optimizer=SGD(lr=0.1))
    x, y = toy_data()
    history = model.fit(x, y, epochs=7, verbose=0, validation_split=0.25,
                        callbacks=[ScriptedLogs('val_loss', [1.0] * 7), reducer])
    assert history.history['lr'] == [0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03]
    assert float(K.get_value(model.optimizer.lr)) == float32(0.03)
    assert capsys.readouterr().out == (
        '\nEpoch 00003: ReduceLROnPlateau reducing learning rate to %s.\n'
        '\nEpoch 00005: ReduceLROnPlateau reducing learning rate to 0.03.\n'
        % (float32(0.1) * 0.5))  # 0.05000000074505806, as Keras 2 prints it


def test_improvements_reset_the_wait_and_min_delta_counts():
    reducer = ReduceLROnPlateau(monitor='val_loss', factor=0.1, patience=2, min_delta=0.05)
    model = small_classifier(optimizer=SGD(lr=0.1))
    x, y = toy_data()
    # 0.9 improves on 1.0 by more than 0.05; 0.88 and 0.87 do not: reduced at epoch 4
    history = model.fit(x, y, epochs=5, verbose=0, validation_split=0.25,
                        callbacks=[ScriptedLogs('val_loss', [1.0, 0.9, 0.88, 0.87, 0.5]),
                                   reducer])
    assert history.history['lr'] == [0.1, 0.1, 0.1, 0.1, 0.01]


def test_max_mode_for_accuracy_in_either_spelling():
    for monitor in ('val_acc', 'val_accuracy'):
        reducer = ReduceLROnPlateau(monitor=monitor, factor=0.5, patience=1)
        model = small_classifier(optimizer=SGD(lr=0.1))
        x, y = toy_data()
        history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.25,
                            callbacks=[ScriptedLogs('val_acc', [0.5, 0.6, 0.4]), reducer])
        assert history.history['lr'] == [0.1, 0.1, 0.1]
        assert float(K.get_value(model.optimizer.lr)) == float32(float32(0.1) * 0.5)


@pytest.mark.usefixtures('every_step')
def test_the_reduced_rate_is_the_one_the_optimizer_uses():
    model = one_weight_model(lr=0.1)
    reducer = ReduceLROnPlateau(monitor='loss', factor=0.5, patience=1)
    model.fit(ONE, ZERO, epochs=3, batch_size=1, verbose=0,
              callbacks=[ScriptedLogs('loss', [1.0, 1.0, 1.0]), reducer])
    w = 1.0
    for rate in (0.1, 0.1, float32(0.1) * 0.5):  # reduced after epoch 2
        w -= np.float32(rate) * 2 * w
    assert model.get_weights()[0][0, 0] == pytest.approx(w, rel=1e-6)


def test_the_chollet_rule_with_patience_10_over_10_epochs():
    model = small_classifier(optimizer='rmsprop')
    x, y = toy_data(64)
    history = model.fit(x, y, epochs=10, batch_size=32, verbose=0, validation_split=0.25,
                        callbacks=[ReduceLROnPlateau(monitor='val_loss', factor=0.1,
                                                     patience=10)])
    lr, best, wait = 0.001, np.inf, 0
    for current in history.history['val_loss']:
        if current < best - 1e-4:
            best, wait = current, 0
        else:
            wait += 1
            if wait >= 10:
                lr, wait = lr * 0.1, 0
    assert float(K.get_value(model.optimizer.lr)) == pytest.approx(lr, abs=1e-9)


def test_epsilon_is_the_old_name_of_min_delta():
    with pytest.warns(UserWarning, match='`epsilon` argument is deprecated'):
        reducer = ReduceLROnPlateau(epsilon=0.01)
    assert reducer.min_delta == 0.01


def test_missing_monitor_warns():
    model = small_classifier()
    x, y = toy_data()
    with pytest.warns(RuntimeWarning, match='Reduce LR on plateau conditioned on metric '
                      '`val_loss` which is not available. Available metrics are: loss,acc,lr'):
        model.fit(x, y, verbose=0, callbacks=[ReduceLROnPlateau()])


@pytest.mark.parametrize('arguments, error, message', [
    ({'factor': 1.0}, ValueError, 'does not support a factor >= 1.0'),
    ({'patience': -1}, ValueError, '`patience` must be a whole number'),
    ({'cooldown': 0.5}, ValueError, '`cooldown` must be a whole number'),
    ({'min_deltta': 0.1}, TypeError, r"unexpected arguments \['min_deltta'\]"),
])
def test_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        ReduceLROnPlateau(**arguments)


def test_unknown_mode_warns():
    with pytest.warns(RuntimeWarning, match='Learning Rate Plateau Reducing mode up is unknown, '
                      'fallback to auto mode.'):
        ReduceLROnPlateau(mode='up')
