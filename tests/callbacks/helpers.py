"""Small models and scripted logs shared by the callback tests."""
import numpy as np

from cornu.callbacks import Callback
from cornu.layers import Dense
from cornu.models import Sequential


def small_classifier(optimizer='sgd', metrics=('acc',)):
    """A compiled 3 -> 4 -> 1 sigmoid classifier."""
    model = Sequential([Dense(4, activation='relu', input_shape=(3,)),
                        Dense(1, activation='sigmoid')])
    model.compile(optimizer, 'binary_crossentropy', metrics=list(metrics))
    return model


def toy_data(samples=16, seed=0):
    """Inputs in [0, 1)^3 and the label ``sum > 1.5``."""
    rng = np.random.RandomState(seed)
    x = rng.rand(samples, 3).astype('float32')
    y = (x.sum(axis=1, keepdims=True) > 1.5).astype('float32')
    return x, y


class ScriptedLogs(Callback):
    """Overwrites ``logs[key]`` at each epoch end with the next scripted value, so the callbacks
    after it see a controlled history (put it first in ``callbacks``)."""

    def __init__(self, key, values):
        super().__init__()
        self.key = key
        self.values = list(values)

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


class WeightsRecorder(Callback):
    """Records ``model.get_weights()`` at each epoch end."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())
