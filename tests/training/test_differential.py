"""Differential test of the steps: hundreds of generated models, each trained twice from the same
seed, once with the accelerators allowed and once on the reference step alone. Histories,
weights, ``evaluate`` and ``predict`` must agree to float32 noise, whatever the model: an
accelerator that admitted a model it computes differently would fail here.

The models draw their layer sizes, activations (including some no accelerator knows), losses,
optimizers with their options, regularizers, constraints, class and sample weights, Dropout
under each learning phase, Activation layers, functional chains, graphs with branches
(Concatenate, Add, and merges no accelerator takes), shared layers and user subclasses.
"""
import numpy as np
import pytest

from cornu import backend as K
from cornu import constraints, layers, optimizers, regularizers
from cornu.models import Model, Sequential
from cornu.utils.random import set_random_seed
from tests.training.differential import disagreements

CASES = 240
GRAPH_CASES = 120
ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "softplus"]
OUTPUTS = [  # (last activation, loss, targets)
    ("linear", "mse", "real"), ("linear", "mae", "real"), ("tanh", "mse", "real"),
    ("sigmoid", "binary_crossentropy", "binary"), ("sigmoid", "mse", "binary"),
    ("softmax", "categorical_crossentropy", "onehot"),
    ("softmax", "sparse_categorical_crossentropy", "sparse"),
    ("linear", "hinge", "signs"), ("relu", "binary_crossentropy", "binary"),
    ("sigmoid", "categorical_crossentropy", "onehot"),
]
OPTIMIZERS = [
    lambda r: optimizers.SGD(lr=0.05),
    lambda r: optimizers.SGD(lr=0.05, momentum=0.9, nesterov=bool(r.randint(2)), decay=0.01),
    lambda r: optimizers.RMSprop(lr=0.01),
    lambda r: optimizers.Adam(lr=0.01, amsgrad=bool(r.randint(2))),
    lambda r: optimizers.Adagrad(lr=0.05),
    lambda r: optimizers.Adadelta(),
    lambda r: optimizers.Adamax(),
    lambda r: optimizers.Nadam(),
    lambda r: optimizers.SGD(lr=0.05, clipnorm=0.5),
    lambda r: optimizers.Adam(lr=0.01, clipvalue=0.05),
]


class ScaledDense(layers.Dense):
    """A user subclass of Dense: the accelerator must not take it for a Dense."""

    def call(self, inputs):
        return 0.5 * super().call(inputs)


def case(index):
    """The configuration of generated model number ``index``."""
    r = np.random.RandomState(1000 + index)
    last_activation, loss, targets = OUTPUTS[r.randint(len(OUTPUTS))]
    units = 1 if targets in ("real", "binary", "signs") and r.rand() < 0.6 else r.randint(2, 5)
    hidden = []
    for _ in range(r.randint(0, 3)):
        hidden.append({"units": int(r.randint(1, 12)),
                       "activation": ACTIVATIONS[r.randint(len(ACTIVATIONS))],
                       "activation_layer": r.rand() < 0.2,
                       "dropout": float(r.choice([0.0, 0.0, 0.3])),
                       "regularizer": r.rand() < 0.1,
                       "constraint": r.rand() < 0.1,
                       "subclass": r.rand() < 0.05,
                       "use_bias": r.rand() < 0.85})
    optimizer = int(r.randint(len(OPTIMIZERS)))
    if loss == "mae":
        # MAE's gradients are +-1/n: a batch's bias gradient can be exactly 0, which float
        # rounding in another summation order makes +-1e-9, and an adaptive optimizer turns
        # that into a full step either way. Keep MAE to plain and momentum SGD.
        optimizer = int(r.choice([0, 1]))
    return {"inputs": int(r.randint(1, 8)), "hidden": hidden, "units": int(units),
            "last_activation": last_activation, "loss": loss, "targets": targets,
            "optimizer": optimizer, "optimizer_seed": int(r.randint(99)),
            "functional": r.rand() < 0.25, "batch_size": int(r.choice([1, 5, 16, 64])),
            "epochs": int(r.randint(1, 3)), "samples": int(r.randint(8, 40)),
            "weights": r.choice(["none", "none", "none", "sample", "class"]),
            "phase": r.choice([None, None, None, None, 0, 1]),
            "metrics": [m for m in ("acc", "mae", "mse") if r.rand() < 0.3
                        and (m == "acc" or targets != "sparse")]}


def graph_case(index):
    """A functional graph with branches: Dense towers on earlier tensors, merged."""
    r = np.random.RandomState(5000 + index)
    config = case(index)
    config["functional"] = True
    config["hidden"] = []
    blocks = []  # (kind, arguments) in order; tensor 0 is the input, block i makes tensor i+1
    widths = [config["inputs"]]
    for _ in range(r.randint(2, 6)):
        if len(widths) > 2 and r.rand() < 0.4:
            kind = r.choice(["concatenate", "add", "subtract", "multiply"], p=[0.4, 0.3, 0.15, 0.15])
            pairs = [(a, b) for a in range(1, len(widths)) for b in range(a + 1, len(widths))
                     if kind == "concatenate" or widths[a] == widths[b]]
            if not pairs:
                kind, pairs = "concatenate", [(len(widths) - 2, len(widths) - 1)]
            pick = list(pairs[r.randint(len(pairs))])
            blocks.append((kind, {"tensors": pick}))
            widths.append(sum(widths[t] for t in pick) if kind == "concatenate"
                          else widths[pick[0]])
            continue
        source = int(r.randint(len(widths)))
        units = int(r.choice([widths[source], r.randint(1, 10)]))
        blocks.append(("dense", {"tensor": source, "units": units,
                                 "activation": ACTIVATIONS[r.randint(5)],
                                 "activation_layer": r.rand() < 0.15,
                                 "dropout": float(r.choice([0.0, 0.0, 0.3])),
                                 "shared": r.rand() < 0.05}))
        widths.append(units)
    config["blocks"] = blocks
    return config


def build_graph(config):
    inputs = layers.Input(shape=(config["inputs"],))
    tensors, dense_layers = [inputs], []
    for kind, arguments in config["blocks"]:
        if kind == "dense":
            if arguments["shared"] and dense_layers \
                    and dense_layers[-1].input_shape[-1] == tensors[arguments["tensor"]].shape[-1]:
                layer = dense_layers[-1]  # called twice: autograd must sum its gradients
            else:
                layer = layers.Dense(arguments["units"], activation=None
                                     if arguments["activation_layer"] else arguments["activation"])
            out = layer(tensors[arguments["tensor"]])
            dense_layers.append(layer)
            if arguments["activation_layer"]:
                out = layers.Activation(arguments["activation"])(out)
            if arguments["dropout"]:
                out = layers.Dropout(arguments["dropout"])(out)
        else:
            merge = {"concatenate": layers.Concatenate, "add": layers.Add,
                     "subtract": layers.Subtract, "multiply": layers.Multiply}[kind]
            out = merge()([tensors[t] for t in arguments["tensors"]])
        tensors.append(out)
    outputs = layers.Dense(config["units"], activation=config["last_activation"])(tensors[-1])
    return Model(inputs, outputs)


def build(config):
    if "blocks" in config:
        return build_graph(config)
    stack = []
    first = {"input_shape": (config["inputs"],)}
    for spec in config["hidden"]:
        cls = ScaledDense if spec["subclass"] else layers.Dense
        stack.append(cls(spec["units"],
                         activation=None if spec["activation_layer"] else spec["activation"],
                         use_bias=spec["use_bias"],
                         kernel_regularizer=regularizers.l2(0.01) if spec["regularizer"] else None,
                         kernel_constraint=constraints.max_norm(1.0) if spec["constraint"]
                         else None, **first))
        first = {}
        if spec["activation_layer"]:
            stack.append(layers.Activation(spec["activation"]))
        if spec["dropout"]:
            stack.append(layers.Dropout(spec["dropout"]))
    stack.append(layers.Dense(config["units"], activation=config["last_activation"], **first))
    if not config["functional"]:
        return Sequential(stack)
    inputs = layers.Input(shape=(config["inputs"],))
    outputs = inputs
    for layer in stack:
        outputs = layer(outputs)
    return Model(inputs, outputs)


def data(config):
    r = np.random.RandomState(config["samples"] * 7 + config["inputs"])
    n, units = config["samples"], config["units"]
    x = r.randn(n, config["inputs"]).astype("float32")
    kind = config["targets"]
    if kind == "real":
        y = r.randn(n, units)
    elif kind == "binary":
        y = r.randint(0, 2, (n, units))
    elif kind == "signs":
        y = r.choice([-1.0, 1.0], (n, units))
    elif kind == "onehot":
        y = np.eye(units)[r.randint(0, units, n)]
    else:
        y = r.randint(0, units, (n, 1))
    weights = {}
    if config["weights"] == "sample":
        weights["sample_weight"] = r.uniform(0.0, 2.0, n).astype("float32")
    elif config["weights"] == "class" and (kind in ("onehot", "sparse")
                                           or kind == "binary" and units == 1):
        classes = units if kind in ("onehot", "sparse") else 2
        weights["class_weight"] = {c: float(r.uniform(0.5, 2.0)) for c in range(classes)}
    return x, y.astype("float32"), weights


def train(config):
    """History, weights, evaluate and predict of the model trained from a fixed seed."""
    K.clear_session()
    set_random_seed(config["samples"] + 31 * config["inputs"])
    if config["phase"] is not None:
        K.set_learning_phase(int(config["phase"]))
    model = build(config)
    model.compile(OPTIMIZERS[config["optimizer"]](np.random.RandomState(config["optimizer_seed"])),
                  config["loss"], metrics=config["metrics"])
    x, y, weights = data(config)
    step = model._step().name
    history = model.fit(x, y, batch_size=config["batch_size"], epochs=config["epochs"],
                        validation_split=0.25, verbose=0, **weights)
    evaluated = model.evaluate(x, y, batch_size=7, verbose=0)
    predicted = model.predict(x, batch_size=5)
    K.clear_session()
    return step, history.history, model.get_weights(), np.atleast_1d(evaluated), predicted


def close(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.allclose(a, b, rtol=2e-3, atol=2e-5, equal_nan=True)


@pytest.mark.parametrize("make, count", [(case, CASES), (graph_case, GRAPH_CASES)],
                         ids=["stacks", "graphs"])
def test_every_step_computes_what_the_reference_step_computes(make, count):
    def same(results, reference):
        (history, weights, evaluated, predicted), (ref_history, ref_weights, ref_evaluated,
                                                   ref_predicted) = results, reference
        return (list(history) == list(ref_history)
                and all(close(history[k], ref_history[k]) for k in history)
                and len(weights) == len(ref_weights)
                and all(close(a, b) for a, b in zip(weights, ref_weights))
                and close(evaluated, ref_evaluated) and close(predicted, ref_predicted))

    steps, failures = disagreements([make(index) for index in range(count)], train, same)
    assert failures == []
    assert sum(step != "reference" for step in steps) >= count // 4  # accelerators exercised


def test_the_generated_models_cover_what_the_accelerator_must_refuse():
    configs = [case(index) for index in range(CASES)]
    hidden = [spec for c in configs for spec in c["hidden"]]
    assert any(spec["subclass"] for spec in hidden)
    assert any(spec["regularizer"] for spec in hidden)
    assert any(spec["constraint"] for spec in hidden)
    assert any(spec["activation"] in ("elu", "softplus") for spec in hidden)
    assert any(spec["dropout"] for spec in hidden)
    assert {c["weights"] for c in configs} >= {"none", "sample", "class"}
    assert {c["phase"] for c in configs} >= {None, 0, 1}
    assert any(c["loss"] == "hinge" for c in configs)
    assert any(c["functional"] for c in configs)
    blocks = [block for index in range(GRAPH_CASES) for block in graph_case(index)["blocks"]]
    kinds = {kind for kind, _ in blocks}
    assert kinds == {"dense", "concatenate", "add", "subtract", "multiply"}
    assert any(kind == "dense" and arguments["shared"] for kind, arguments in blocks)
