"""The callbacks under their Keras 2 module paths: keras.callbacks.X and Keras 2.3's
keras.callbacks.callbacks.X / keras.callbacks.tensorboard_v1.TensorBoard."""
import importlib

import pytest

import cornu.callbacks
from cornu import compat
from cornu.compat.keras_alias import KerasAliasFinder

NAMES = ['BaseLogger', 'CSVLogger', 'Callback', 'EarlyStopping', 'History', 'LambdaCallback',
         'LearningRateScheduler', 'ModelCheckpoint', 'ProgbarLogger', 'ReduceLROnPlateau',
         'RemoteMonitor', 'TensorBoard', 'TerminateOnNaN']


@pytest.fixture
def alias():
    compat.install_keras_alias()
    yield
    compat.uninstall_keras_alias()


def test_the_keras_2_3_modules_resolve_to_cornu_callbacks():
    finder = KerasAliasFinder()
    assert finder.resolve('keras.callbacks.callbacks') == 'cornu.callbacks'
    assert finder.resolve('keras.callbacks.tensorboard_v1') == 'cornu.callbacks'


@pytest.mark.parametrize('module', ['keras.callbacks', 'keras.callbacks.callbacks'])
def test_every_callback_is_importable(alias, module):
    imported = importlib.import_module(module)
    for name in NAMES:
        assert getattr(imported, name) is getattr(cornu.callbacks, name)


def test_tensorboard_v1(alias):
    from keras.callbacks.tensorboard_v1 import TensorBoard
    assert TensorBoard is cornu.callbacks.TensorBoard
