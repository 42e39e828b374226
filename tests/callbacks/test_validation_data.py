"""Callback.validation_data, model and params as Keras 2's fit set them."""
import numpy as np
import pytest

from cornu.callbacks import Callback, keras2_validation_data
from cornu.layers import Dense, Input, concatenate
from cornu.models import Model
from cornu.utils import Sequence
from tests.callbacks.helpers import small_classifier, toy_data


class Seen(Callback):
    def on_train_begin(self, logs=None):
        self.at_begin = (self.model, self.params, self.validation_data)


def fit(**kwargs):
    seen = Seen()
    model = small_classifier()
    x, y = toy_data(12)
    model.fit(x, y, epochs=1, batch_size=4, verbose=0, callbacks=[seen], **kwargs)
    return model, seen.at_begin


def test_validation_data_is_x_y_and_unit_weights():
    x_val, y_val = toy_data(4, seed=1)
    model, (seen_model, params, data) = fit(validation_data=(x_val, y_val))
    assert seen_model is model
    assert len(data) == 3
    np.testing.assert_array_equal(data[0], x_val)
    np.testing.assert_array_equal(data[1], y_val)
    np.testing.assert_array_equal(data[2], np.ones(4, dtype='float32'))
    assert params == {'batch_size': 4, 'epochs': 1, 'steps': None, 'samples': 12, 'verbose': 0,
                      'do_validation': True,
                      'metrics': ['loss', 'acc', 'val_loss', 'val_acc']}


def test_validation_sample_weights_are_passed_on():
    x_val, y_val = toy_data(4, seed=1)
    weights = np.array([1, 2, 3, 4], dtype='float32')
    _, (_, _, data) = fit(validation_data=(x_val, y_val, weights))
    np.testing.assert_array_equal(data[2], weights)


def test_validation_split_gives_the_last_samples():
    x, y = toy_data(12)
    _, (_, params, data) = fit(validation_split=0.25)
    np.testing.assert_array_equal(data[0], x[9:])
    np.testing.assert_array_equal(data[1], y[9:])
    assert params['samples'] == 9


def test_without_validation_it_is_none():
    _, (_, params, data) = fit()
    assert data is None and params['do_validation'] is False


def test_several_inputs_and_outputs_in_keras_order():
    a, b = Input((2,), name='a'), Input((1,), name='b')
    merged = concatenate([a, b])
    model = Model([a, b], [Dense(1, name='out1')(merged), Dense(2, name='out2')(merged)])
    model.compile('sgd', 'mse')
    xa, xb = np.zeros((3, 2), 'float32'), np.ones((3, 1), 'float32')
    y1, y2 = np.zeros((3, 1), 'float32'), np.ones((3, 2), 'float32')
    seen = Seen()
    model.fit([xa, xb], [y1, y2], verbose=0, callbacks=[seen],
              validation_data=([xa, xb], [y1, y2]))
    data = seen.at_begin[2]
    assert [a.shape for a in data] == [(3, 2), (3, 1), (3, 1), (3, 2), (3,), (3,)]


def test_fit_generator_with_array_validation_data():
    class Batches(Sequence):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return toy_data(4, seed=index)

    x_val, y_val = toy_data(4, seed=5)
    seen = Seen()
    small_classifier().fit_generator(Batches(), epochs=1, verbose=0, callbacks=[seen],
                                     validation_data=(x_val, y_val))
    np.testing.assert_array_equal(seen.at_begin[2][0], x_val)
    assert len(seen.at_begin[2]) == 3


def test_the_books_activation_logger(tmp_path, monkeypatch):
    """Chollet 7.2.1: a callback that overrides set_model and reads validation_data[0][0:1]."""
    monkeypatch.chdir(tmp_path)

    class ActivationLogger(Callback):
        def set_model(self, model):
            self.model = model
            layer_outputs = [layer.output for layer in model.layers]
            self.activations_model = Model(model.input, layer_outputs)

        def on_epoch_end(self, epoch, logs=None):
            if self.validation_data is None:
                raise RuntimeError('Requires validation_data.')
            validation_sample = self.validation_data[0][0:1]
            activations = self.activations_model.predict(validation_sample)
            with open('activations_at_epoch_' + str(epoch) + '.npz', 'wb') as f:
                np.savez(f, *activations)

    model = small_classifier()
    x, y = toy_data(12)
    x_val, y_val = toy_data(4, seed=1)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[ActivationLogger()],
              validation_data=(x_val, y_val))
    with np.load('activations_at_epoch_1.npz') as saved:
        arrays = [saved['arr_%d' % i] for i in range(len(saved.files))]
    assert [a.shape for a in arrays] == [(1, 4), (1, 1)]
    np.testing.assert_allclose(arrays[-1], model.predict(x_val[0:1]), rtol=1e-6)


@pytest.mark.parametrize('mode, shape', [(None, (3,)), ('temporal', (3, 5))])
def test_unit_weights_follow_the_sample_weight_mode(mode, shape):
    y = np.zeros((3, 5, 2))
    data = keras2_validation_data([np.zeros((3, 5, 1))], [y], [None], [mode])
    assert data[2].shape == shape and data[2].dtype == np.float32
