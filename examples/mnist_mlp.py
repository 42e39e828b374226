"""The textbook MNIST MLP (Chollet, Deep Learning with Python, 2.1), as the book writes it.

Run with ``cornu run examples/mnist_mlp.py``: the ``keras`` imports resolve to cornu.
Writes a loss/accuracy plot of the training history to ``<out>/history.png``.
"""
import argparse
import os

from keras import layers, models
from keras.datasets import mnist
from keras.utils import to_categorical

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--out", default="demo_out", help="folder for the history plot")
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

(train_images, train_labels), (test_images, test_labels) = mnist.load_data()

network = models.Sequential()
network.add(layers.Dense(512, activation='relu', input_shape=(28 * 28,)))
network.add(layers.Dense(10, activation='softmax'))
network.summary()

network.compile(optimizer='rmsprop',
                loss='categorical_crossentropy',
                metrics=['accuracy'])

train_images = train_images.reshape((60000, 28 * 28)).astype('float32') / 255
test_images = test_images.reshape((10000, 28 * 28)).astype('float32') / 255
train_labels = to_categorical(train_labels)
test_labels = to_categorical(test_labels)

history = network.fit(train_images, train_labels, epochs=args.epochs, batch_size=128)

test_loss, test_acc = network.evaluate(test_images, test_labels)
print('test_acc:', test_acc)

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

epochs = range(1, len(history.history['loss']) + 1)
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(epochs, history.history['loss'], 'bo-', label='Training loss')
left.set_title('Loss')
left.set_xlabel('Epochs')
left.legend()
right.plot(epochs, history.history['acc'], 'bo-', label='Training acc')
right.set_title('Accuracy')
right.set_xlabel('Epochs')
right.legend()
os.makedirs(args.out, exist_ok=True)
path = os.path.join(args.out, 'history.png')
figure.savefig(path)
print('history plot written to', path)
