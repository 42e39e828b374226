"""A long notebook session does not leak: building a small model and fitting it 100 times keeps
the resident memory flat, and a model nobody references any more is garbage-collected (no
registry, cache, callback or thread tuner keeps it alive).

The memory test runs the automatic step (the Dense accelerator here) and the reference step.
``jit_compile=True`` is left out of it: torch's compiler keeps state for every graph it has
compiled (about 3 MB per compiled model with the ``aot_eager`` backend, in torch itself), even
though the models are collected, which the collection test checks under every step."""
import gc
import os
import weakref

import numpy as np
import pytest

from cornu.callbacks import EarlyStopping
from cornu.layers import Dense, Dropout
from cornu.models import Sequential

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def session_step(x, y, run_eagerly=False):
    """What a notebook cell does: a new model, compiled and fitted with validation."""
    model = Sequential([Dense(32, activation="relu", input_shape=(20,)), Dropout(0.2),
                        Dense(1, activation="sigmoid")])
    model.compile("rmsprop", "binary_crossentropy", metrics=["accuracy"],
                  run_eagerly=run_eagerly)
    model.fit(x, y, batch_size=32, epochs=2, validation_split=0.2, verbose=0,
              callbacks=[EarlyStopping(patience=1)])
    model.evaluate(x, y, verbose=0)
    model.predict(x)
    return model


@pytest.mark.parametrize("run_eagerly", [False, True], ids=["auto", "reference"])
def test_one_hundred_fits_keep_memory_flat(run_eagerly):
    rng = np.random.RandomState(0)
    x = rng.rand(256, 20).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 10).astype("float32")
    for _ in range(20):
        session_step(x, y, run_eagerly)
    gc.collect()
    after_20 = resident_bytes()
    for _ in range(80):
        session_step(x, y, run_eagerly)
    gc.collect()
    grown = resident_bytes() - after_20
    assert grown < 30 * 2 ** 20, f"resident memory grew by {grown / 2 ** 20:.1f} MB"


def test_a_dropped_model_is_garbage_collected(every_step):
    rng = np.random.RandomState(1)
    x = rng.rand(64, 20).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 10).astype("float32")
    model = session_step(x, y)
    model.train_on_batch(x, y)
    references = [weakref.ref(model), weakref.ref(model.layers[0]),
                  weakref.ref(model.optimizer), weakref.ref(model.history)]
    del model
    gc.collect()
    assert [ref() for ref in references] == [None] * 4
