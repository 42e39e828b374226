"""The textbook workloads written once against the Keras 2 API, run on any implementation of it.

    python keras_api.py --framework keras3-jax --workload mnist_mlp

`--framework` picks which package plays `keras` (cornu itself, Keras 3 on torch or JAX, or tf-keras)
and the script then runs the same book code on it: `Sequential`, `Dense`, `compile` with string
names, `fit(..., verbose=0)`, `predict`. It prints one `BENCH-RESULT {json}` line (see harness.py).
"""
import importlib
import os
import statistics
import sys
import time

from harness import (WORKLOADS, base_of, epochs_for, parse_args, run_guarded, steady_epoch_seconds,
                     time_calls, wait_for_turn)

# framework -> (package that plays `keras`, environment it needs before import)
FRAMEWORKS = {
    "cornu": ("cornu", {}),
    "keras3-torch": ("keras", {"KERAS_BACKEND": "torch"}),
    "keras3-jax": ("keras", {"KERAS_BACKEND": "jax"}),
    "tf-keras": ("tf_keras", {"TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}),
}


class Keras:
    """The modules a textbook imports, resolved for one framework (`keras.models`, `keras.layers` ...)."""

    def __init__(self, package):
        self.package = package
        self.root = importlib.import_module(package)
        self.models = importlib.import_module(package + ".models")
        self.layers = importlib.import_module(package + ".layers")

    def module(self, name):
        return importlib.import_module(f"{self.package}.{name}")


def textbook_import(framework, threads):
    """`from keras.models import Sequential; from keras.layers import Dense`, timed; returns (Keras, s)."""
    package, env = FRAMEWORKS[framework]
    os.environ.update(env)
    if framework == "keras3-jax" and threads < os.cpu_count():
        # XLA sizes its CPU pool to the core count; this is the one way to shrink it, before import
        flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " " + flags).strip()
    t0 = time.perf_counter()
    keras = Keras(package)
    return keras, time.perf_counter() - t0


def set_threads(framework, threads):
    """Apply the thread policy: `threads` intra-op threads (the default is every core)."""
    if framework in ("cornu", "keras3-torch"):
        import torch

        torch.set_num_threads(threads)
    elif framework == "tf-keras":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    # keras3-jax: set through XLA_FLAGS before import (textbook_import): all cores, or one thread.


def versions(keras, framework):
    found = {"python": sys.version.split()[0], keras.package: getattr(keras.root, "__version__", "?")}
    backend = {"cornu": "torch", "keras3-torch": "torch", "keras3-jax": "jax", "tf-keras": "tensorflow"}
    for name in (backend[framework], "numpy"):
        module = sys.modules.get(name)
        if module is not None:
            found[name] = getattr(module, "__version__", "?")
    return found


def epoch_timer(keras):
    """A callback that records the wall time of each epoch (on_epoch_begin to on_epoch_end);
    in a run by turns each epoch first waits for its turn (`wait_for_turn`)."""
    base = keras.module("callbacks").Callback

    class EpochTimer(base):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            wait_for_turn()
            self._started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._started)

    return EpochTimer()


# ---- the book code -------------------------------------------------------------------------------

def mnist_model(keras, workload="mnist_mlp"):
    Sequential, Dense = keras.models.Sequential, keras.layers.Dense
    model = Sequential()
    model.add(Dense(512, activation="relu", input_shape=(784,)))
    model.add(Dense(10, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer=keras.module("optimizers").SGD(),
                  metrics=["accuracy"], **compile_options(workload))
    return model


def branch_model(keras):
    """The functional API with a branch: two Dense(256) towers on the input, concatenated."""
    layers = keras.layers
    inputs = layers.Input(shape=(784,))
    left = layers.Dense(256, activation="relu")(inputs)
    right = layers.Dense(256, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(layers.concatenate([left, right]))
    model = keras.models.Model(inputs, outputs)
    model.compile(loss="categorical_crossentropy", optimizer=keras.module("optimizers").SGD(),
                  metrics=["accuracy"])
    return model


def compile_options(workload):
    """`run_eagerly=True` for the reference-step rows (cornu's autograd step), else nothing."""
    return {"run_eagerly": True} if WORKLOADS[workload].get("run_eagerly") else {}


def run_mlp981(keras, x, y, quick, workload="mlp981"):
    spec = WORKLOADS["mlp981"]
    Sequential, Dense = keras.models.Sequential, keras.layers.Dense
    model = Sequential()
    model.add(Dense(8, input_dim=9, activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"],
                  **compile_options(workload))
    epochs = epochs_for("mlp981", quick)
    t0 = time.perf_counter()
    model.fit(x, y, validation_split=spec["validation_split"], epochs=epochs,
              batch_size=spec["batch_size"], verbose=0)
    return {"value": time.perf_counter() - t0, "unit": "s", "epochs": epochs}


def run_mnist_mlp(keras, x, y, quick, workload="mnist_mlp"):
    return fit_per_epoch(keras, workload, mnist_model(keras, workload), x, y, quick)


def run_mnist_branch(keras, x, y, quick):
    return fit_per_epoch(keras, "mnist_branch", branch_model(keras), x, y, quick)


def run_imdb_dense(keras, x, y, quick, workload="imdb_dense"):
    Sequential, Dense = keras.models.Sequential, keras.layers.Dense
    model = Sequential()
    model.add(Dense(16, activation="relu", input_shape=(10000,)))
    model.add(Dense(16, activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"],
                  **compile_options(workload))
    return fit_per_epoch(keras, workload, model, x, y, quick)


def run_boston(keras, x, y, quick, workload="boston"):
    Sequential, Dense = keras.models.Sequential, keras.layers.Dense
    model = Sequential()
    model.add(Dense(64, activation="relu", input_shape=(13,)))
    model.add(Dense(64, activation="relu"))
    model.add(Dense(1))
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"], **compile_options(workload))
    result = fit_per_epoch(keras, workload, model, x, y, quick)
    steps = len(x) // WORKLOADS["boston"]["batch_size"]
    return dict(result, value=result["value"] / steps * 1e3, unit="ms/step", steps_per_epoch=steps)


def run_predict1(keras, x, y, quick):
    model = mnist_model(keras)
    spec = WORKLOADS["predict1"]
    samples = time_calls(lambda: model.predict(x, verbose=0), spec["warmup_calls"],
                         spec["min_calls"], spec["max_calls"], spec["budget_s"])
    return {"value": statistics.median(samples) * 1e3, "unit": "ms/call", "calls": len(samples)}


def mnist_convnet_model(keras):
    """Chollet's MNIST convnet (section 5.1): 93,322 parameters."""
    layers = keras.layers
    model = keras.models.Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def cifar_convnet_model(keras):
    """A CIFAR-10 convnet with batch normalisation and dropout (Conv 32-32-64-64)."""
    layers = keras.layers
    stack = []
    for filters in (32, 64):
        stack += [layers.Conv2D(filters, (3, 3), padding="same"), layers.BatchNormalization(),
                  layers.Activation("relu"), layers.Conv2D(filters, (3, 3)),
                  layers.BatchNormalization(), layers.Activation("relu"),
                  layers.MaxPooling2D((2, 2)), layers.Dropout(0.25)]
    model = keras.models.Sequential([layers.InputLayer(input_shape=(32, 32, 3))] + stack + [
        layers.Flatten(), layers.Dense(512, activation="relu"), layers.Dropout(0.5),
        layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def small_image_model(keras, side):
    """A cats-vs-dogs style convnet for `side` x `side` RGB images."""
    layers = keras.layers
    model = keras.models.Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(side, side, 3)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def per_samples(workload, result):
    """Turns a s/epoch result into seconds per `per_samples` training samples."""
    spec = WORKLOADS[workload]
    scale = spec["per_samples"] / spec["rows"]
    return dict(result, value=result["value"] * scale, unit=f"s/{spec['per_samples']}")


def imdb_lstm_model(keras, recurrent_activation="sigmoid"):
    """Chollet 6.2's IMDB LSTM: Embedding(10000, 32), LSTM(32), Dense(1, sigmoid)."""
    layers = keras.layers
    model = keras.models.Sequential([
        layers.Embedding(10000, 32),
        layers.LSTM(32, recurrent_activation=recurrent_activation),
        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    return model


def jena_gru_model(keras, features):
    """Chollet 6.3's dropout-regularised GRU on the Jena weather data."""
    layers = keras.layers
    model = keras.models.Sequential([
        layers.GRU(32, dropout=0.2, recurrent_dropout=0.2, input_shape=(None, features)),
        layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mae")
    return model


def run_imdb_lstm(keras, x, y, quick, workload="imdb_lstm"):
    activation = WORKLOADS[workload].get("recurrent_activation", "sigmoid")
    result = fit_per_epoch(keras, workload, imdb_lstm_model(keras, activation), x, y, quick)
    return per_samples(workload, result)


def run_jena_gru(keras, x, y, quick):
    model = jena_gru_model(keras, WORKLOADS["jena_gru"]["features"])
    return per_samples("jena_gru", fit_per_epoch(keras, "jena_gru", model, x, y, quick))


def run_mnist_convnet(keras, x, y, quick):
    result = fit_per_epoch(keras, "mnist_convnet", mnist_convnet_model(keras), x, y, quick)
    return per_samples("mnist_convnet", result)


def run_cifar_convnet(keras, x, y, quick):
    result = fit_per_epoch(keras, "cifar_convnet", cifar_convnet_model(keras), x, y, quick)
    return per_samples("cifar_convnet", result)


def run_images_arrays(keras, x, y, quick):
    model = small_image_model(keras, WORKLOADS["images_arrays"]["side"])
    return fit_per_epoch(keras, "images_arrays", model, x.astype("float32") / 255.0, y, quick)


def run_images_jpeg(keras, x, y, quick):
    """The images_arrays epoch from JPEG files: `flow_from_directory` + `fit_generator`."""
    import tempfile

    from PIL import Image

    spec = WORKLOADS["images_jpeg"]
    folder = tempfile.mkdtemp(prefix="bench-jpeg-")
    for index, (pixels, label) in enumerate(zip(x, y)):
        kind = "dogs" if label else "cats"
        os.makedirs(os.path.join(folder, kind), exist_ok=True)
        Image.fromarray(pixels).save(os.path.join(folder, kind, f"{index:05d}.jpg"), quality=90)
    image = keras.module("preprocessing.image")
    generator = image.ImageDataGenerator(rescale=1.0 / 255).flow_from_directory(
        folder, target_size=(spec["side"], spec["side"]), batch_size=spec["batch_size"],
        class_mode="binary")
    model = small_image_model(keras, spec["side"])
    timer = epoch_timer(keras)
    model.fit_generator(generator, steps_per_epoch=len(generator),
                        epochs=epochs_for("images_jpeg", quick), verbose=0, callbacks=[timer])
    return {"value": steady_epoch_seconds(timer.seconds), "unit": "s/epoch",
            "epoch_seconds": [round(s, 4) for s in timer.seconds]}


def fit_per_epoch(keras, workload, model, x, y, quick):
    timer = epoch_timer(keras)
    epochs = epochs_for(workload, quick)
    model.fit(x, y, batch_size=WORKLOADS[workload]["batch_size"], epochs=epochs, verbose=0,
              callbacks=[timer])
    return {"value": steady_epoch_seconds(timer.seconds), "unit": "s/epoch",
            "epoch_seconds": [round(s, 4) for s in timer.seconds]}


def main(argv):
    args = parse_args(argv, sorted(FRAMEWORKS))
    framework, workload = args["framework"], args["workload"]

    def body():
        keras, import_s = textbook_import(framework, args["threads"])
        set_threads(framework, args["threads"])
        info = {"versions": versions(keras, framework), "threads": args["threads"]}
        if workload == "import":
            return dict(info, value=import_s, unit="s")
        import synthetic

        x, y = synthetic.make(workload)
        run = globals().get("run_" + workload)
        if run is None:  # a derived row: the base workload's code, with this row's options
            run = globals()["run_" + base_of(workload)]
            return dict(info, **run(keras, x, y, args["quick"], workload=workload))
        return dict(info, **run(keras, x, y, args["quick"]))

    return run_guarded(framework, workload, body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
