"""Synthetic data with the real shapes of the textbook data sets, identical for every peer.

Drawn from `numpy.random.RandomState(SEED)`: its stream is frozen across NumPy versions, so every
peer's venv builds the same bytes whatever NumPy it has. Inputs are float32 (what the books hand
to `fit` after `astype('float32')`), labels float32 like the books' `astype('float32')`.

Example:
    >>> x, y = make("boston")
    >>> x.shape, y.shape, x.dtype
    ((404, 13), (404,), dtype('float32'))
"""
import numpy as np

from harness import SEED, WORKLOADS, base_of

# One stream per data set, so that running a subset gives the same data (a fixed list: rows
# added to WORKLOADS later reuse these data sets and leave the streams unchanged).
_STREAMS = ["boston", "imdb_dense", "import", "mlp981", "mnist_mlp", "predict1",
            "mnist_convnet", "cifar_convnet", "images_arrays", "imdb_lstm", "jena_gru"]


def _rng(workload):
    return np.random.RandomState(SEED + _STREAMS.index(workload))


def mlp981():
    """Pixel neighbourhoods: 9 intensities in [0, 1), label 1 where the centre is brighter."""
    rng = _rng("mlp981")
    x = rng.random_sample((WORKLOADS["mlp981"]["rows"], 9)).astype(np.float32)
    y = (x[:, 4] > x.mean(axis=1)).astype(np.float32)
    return x, y


def mnist_mlp():
    """60000 flattened 28x28 images scaled to [0, 1], one-hot labels over 10 classes."""
    rng = _rng("mnist_mlp")
    rows = WORKLOADS["mnist_mlp"]["rows"]
    x = rng.random_sample((rows, 784)).astype(np.float32)
    labels = rng.randint(0, 10, size=rows)
    y = np.zeros((rows, 10), dtype=np.float32)
    y[np.arange(rows), labels] = 1.0
    return x, y


def imdb_dense():
    """15000 reviews as multi-hot vectors over a 10000-word vocabulary (~200 distinct words each)."""
    rng = _rng("imdb_dense")
    rows = WORKLOADS["imdb_dense"]["rows"]
    x = np.zeros((rows, 10000), dtype=np.float32)
    words = rng.randint(1, 10000, size=(rows, 230))
    x[np.arange(rows)[:, None], words] = 1.0
    y = rng.randint(0, 2, size=rows).astype(np.float32)
    return x, y


def boston():
    """404 standardised rows of 13 features; prices in k$ around 22.5."""
    rng = _rng("boston")
    rows = WORKLOADS["boston"]["rows"]
    x = rng.standard_normal((rows, 13)).astype(np.float32)
    y = (22.5 + 9.2 * rng.standard_normal(rows)).clip(5, 50).astype(np.float32)
    return x, y


def predict1():
    """One MNIST-shaped row, as `model.predict(x_test[:1])` receives it."""
    return _rng("predict1").random_sample((1, 784)).astype(np.float32), None


def _one_hot(labels, classes):
    y = np.zeros((len(labels), classes), dtype=np.float32)
    y[np.arange(len(labels)), labels] = 1.0
    return y


def mnist_convnet():
    """28x28x1 images in [0, 1), one-hot labels over 10 classes (the book's reshape)."""
    rng = _rng("mnist_convnet")
    rows = WORKLOADS["mnist_convnet"]["rows"]
    x = rng.random_sample((rows, 28, 28, 1)).astype(np.float32)
    return x, _one_hot(rng.randint(0, 10, size=rows), 10)


def cifar_convnet():
    """32x32x3 images in [0, 1), one-hot labels over 10 classes."""
    rng = _rng("cifar_convnet")
    rows = WORKLOADS["cifar_convnet"]["rows"]
    x = rng.random_sample((rows, 32, 32, 3)).astype(np.float32)
    return x, _one_hot(rng.randint(0, 10, size=rows), 10)


def images_arrays():
    """Photo-like RGB images as 8-bit values (what a JPEG holds: smooth 8x8 patches plus a
    little noise, so that files compress like photographs), two classes (cats and dogs)."""
    rng = _rng("images_arrays")
    spec = WORKLOADS["images_arrays"]
    rows, side = spec["rows"], spec["side"]
    coarse = rng.randint(0, 256, size=(rows, side // 8, side // 8, 3))
    smooth = np.repeat(np.repeat(coarse, 8, axis=1), 8, axis=2)
    x = np.clip(smooth + rng.randint(-8, 9, size=smooth.shape), 0, 255).astype(np.uint8)
    return x, rng.randint(0, 2, size=rows).astype(np.float32)


def imdb_lstm():
    """Reviews as word indices below 10000 (index 0 is padding: a quarter of the reviews are
    shorter than 500 words and padded in front, as pad_sequences does), labels 0 or 1."""
    rng = _rng("imdb_lstm")
    spec = WORKLOADS["imdb_lstm"]
    rows, steps = spec["rows"], spec["steps"]
    x = rng.randint(1, 10000, size=(rows, steps)).astype(np.int32)
    lengths = rng.randint(100, steps, size=rows)
    short = rng.random_sample(rows) < 0.25
    for row in np.flatnonzero(short):
        x[row, :steps - lengths[row]] = 0
    return x, rng.randint(0, 2, size=rows).astype(np.float32)


def jena_gru():
    """Standardised weather sequences: 240 steps of 14 features; the target is a temperature
    24 hours ahead (standardised)."""
    rng = _rng("jena_gru")
    spec = WORKLOADS["jena_gru"]
    x = rng.standard_normal((spec["rows"], spec["steps"], spec["features"])).astype(np.float32)
    y = (x[:, -1, 1] * 0.8 + 0.2 * rng.standard_normal(spec["rows"])).astype(np.float32)
    return x, y


def make(workload):
    """The (x, y) arrays of a workload (a derived row takes its base's); y is None for predict1.

    Example:
        >>> make("mlp981")[0].shape
        (2000, 9)
    """
    assert WORKLOADS[workload] is not None
    return globals()[base_of(workload)]()
