"""The fused-ReLU step: which layers it folds together, and that it computes bit for bit what the
reference step computes, on hand-built convnets and on many generated ones."""
import contextlib

import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import layers, regularizers
from cornu.layers.convolutional import geometry
from cornu.models import Model, Sequential
from cornu.training.accelerators.relu_fusion.groups import ReluGroup, fused_schedule
from cornu.utils.random import set_random_seed
from tests.training.differential import disagreements, reference_only

CASES = 160
CONV = {1: layers.Conv1D, 2: layers.Conv2D, 3: layers.Conv3D}
MAX_POOL = {1: layers.MaxPooling1D, 2: layers.MaxPooling2D, 3: layers.MaxPooling3D}
AVERAGE_POOL = {1: layers.AveragePooling1D, 2: layers.AveragePooling2D,
                3: layers.AveragePooling3D}
SIDES = {1: (10, 18), 2: (7, 11), 3: (5, 7)}


class HalvedBatchNormalization(layers.BatchNormalization):
    """A user subclass: the step must not take it for a BatchNormalization."""

    def call(self, inputs, training=None):
        return 0.5 * super().call(inputs, training=training)


def regularized_relu():
    """An Activation('relu') with an activity regulariser (set as an attribute, as in Keras 2)."""
    layer = layers.Activation("relu")
    layer.activity_regularizer = regularizers.l1(0.01)
    return layer


def group_names(model):
    """The layer names of each group the step folds, or None when it takes no group."""
    schedule = fused_schedule(model)
    if schedule is None:
        return None
    return [[layer.name for layer in group.layers] for group in schedule.groups]


# ----------------------------------------------------------------------- which layers fold
def test_a_conv_bn_relu_pool_stack_folds_each_relu_with_what_surrounds_it():
    model = Sequential([
        layers.Conv2D(4, 3, padding="same", input_shape=(8, 8, 3), name="c1"),
        layers.BatchNormalization(name="bn1"), layers.Activation("relu", name="r1"),
        layers.Conv2D(4, 3, name="c2"), layers.BatchNormalization(name="bn2"),
        layers.ReLU(name="r2"), layers.MaxPooling2D(name="p2"), layers.Dropout(0.5),
        layers.Conv2D(4, 1, activation="relu", name="c3"), layers.MaxPooling2D(name="p3"),
        layers.Conv2D(4, 1, name="c4"), layers.Activation("relu", name="r4"),
        layers.Flatten(), layers.Dense(2, activation="softmax")])
    assert group_names(model) == [["bn1", "r1"], ["bn2", "r2", "p2"], ["c3", "p3"],
                                  ["c4", "r4"]]


def conv_then(*after):
    """A Conv2D on 8x8x3 images, then ``after``, as a layer list."""
    return [layers.Conv2D(4, 3, input_shape=(8, 8, 3))] + list(after)


@pytest.mark.parametrize("make_stack, why", [
    (lambda: [layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 3))],
     "a convolution's own ReLU is in place already"),
    (lambda: [layers.Conv2D(4, 3, activation="tanh", input_shape=(8, 8, 3)),
              layers.MaxPooling2D()], "not a ReLU"),
    (lambda: conv_then(layers.BatchNormalization(), layers.ReLU(max_value=6.0)),
     "a capped ReLU"),
    (lambda: conv_then(layers.BatchNormalization(), layers.ReLU(negative_slope=0.1)),
     "a leaky ReLU"),
    (lambda: conv_then(HalvedBatchNormalization(), layers.Activation("relu")), "a subclass"),
    (lambda: conv_then(layers.BatchNormalization(), regularized_relu()),
     "an activity regulariser"),
    (lambda: [layers.SeparableConv2D(4, 3, input_shape=(8, 8, 3)), layers.Activation("relu")],
     "not a plain convolution"),
    (lambda: [layers.Conv3D(4, 3, input_shape=(5, 5, 5, 2)), layers.BatchNormalization(),
              layers.Activation("relu")], "a normalisation of 5-D inputs"),
    (lambda: [layers.Dense(4, input_shape=(3,)), layers.Activation("relu")], "a Dense"),
], ids=["own-relu", "tanh", "capped", "leaky", "subclass", "activity", "separable", "bn-5d",
        "dense"])
def test_what_does_not_fold(make_stack, why):
    stack = make_stack()
    head = [layers.Dense(1)] if isinstance(stack[0], layers.Dense) else [layers.Flatten(),
                                                                          layers.Dense(1)]
    assert group_names(Sequential(stack + head)) is None, why


def test_a_pooling_of_another_kind_or_layout_stays_out_of_the_group():
    model = Sequential([
        layers.Conv2D(4, 3, input_shape=(8, 8, 3), name="c1"), layers.Activation("relu",
                                                                                 name="r1"),
        layers.AveragePooling2D(name="avg"),
        layers.Conv2D(4, 1, activation="relu", name="c2"),
        layers.Permute((3, 1, 2)), layers.MaxPooling2D(data_format="channels_first", name="p"),
        layers.Flatten(), layers.Dense(1)])
    assert group_names(model) == [["c1", "r1"]]


def test_a_tensor_read_twice_or_given_out_is_not_folded_away():
    inputs = layers.Input(shape=(8, 8, 3))
    normalized = layers.BatchNormalization(name="bn")(layers.Conv2D(4, 3)(inputs))
    activated = layers.Activation("relu", name="r")(normalized)
    summed = layers.Add()([activated, normalized])  # the BN output is read twice
    pooled = layers.MaxPooling2D(name="p")(
        layers.Activation("relu", name="r2")(layers.Conv2D(4, 1, name="c2")(summed)))
    two_outputs = Model(inputs, layers.Flatten()(pooled))
    assert group_names(two_outputs) == [["c2", "r2", "p"]]
    relu_out = Model(inputs, layers.Activation("relu", name="r3")(
        layers.Conv2D(4, 1, name="c3")(inputs)))
    assert group_names(relu_out) == [["c3", "r3"]]  # the ReLU's output is the model's: fine
    conv_out = Model(inputs, layers.Conv2D(4, 1, name="c4")(inputs))
    assert group_names(conv_out) is None


def test_run_eagerly_takes_the_reference_step_and_fit_the_fused_one():
    model = Sequential([layers.Conv1D(3, 2, input_shape=(6, 2)), layers.Activation("relu"),
                        layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    assert model._step().name == "fused-relu"
    model.compile("sgd", "mse", run_eagerly=True)
    assert model._step().name == "reference"


# ------------------------------------------------------------------------ same numbers
def cifar_like(data_format="channels_last"):
    shape = (12, 12, 3) if data_format == "channels_last" else (3, 12, 12)
    axis = -1 if data_format == "channels_last" else 1
    stack = []
    for filters in (4, 6):
        stack += [layers.Conv2D(filters, 3, padding="same", data_format=data_format),
                  layers.BatchNormalization(axis=axis), layers.Activation("relu"),
                  layers.Conv2D(filters, 3, data_format=data_format),
                  layers.BatchNormalization(axis=axis), layers.Activation("relu"),
                  layers.MaxPooling2D(data_format=data_format), layers.Dropout(0.25)]
    return Sequential([layers.InputLayer(input_shape=shape)] + stack + [
        layers.Flatten(), layers.Dense(8, activation="relu"), layers.Dropout(0.5),
        layers.Dense(3, activation="softmax")])


def _train_on_batches(model, x, y, batches):
    set_random_seed(5)
    losses = [model.train_on_batch(x[i::batches], y[i::batches]) for i in range(batches)]
    return losses, model.get_weights(), model.predict(x, batch_size=4)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_a_cifar_like_convnet_trains_bit_for_bit_as_on_the_reference_step(data_format):
    rng = np.random.RandomState(0)
    shape = (24, 12, 12, 3) if data_format == "channels_last" else (24, 3, 12, 12)
    x = rng.rand(*shape).astype("float32")
    y = np.eye(3, dtype="float32")[rng.randint(0, 3, 24)]
    results = []
    for accelerate in (True, False):
        set_random_seed(1)
        model = cifar_like(data_format)
        model.compile("rmsprop", "categorical_crossentropy", metrics=["acc"])
        with contextlib.nullcontext() if accelerate else reference_only():
            assert model._step().name == ("fused-relu" if accelerate else "reference")
            results.append(_train_on_batches(model, x, y, 3))
    (losses, weights, predicted), (ref_losses, ref_weights, ref_predicted) = results
    assert losses == ref_losses
    assert all(np.array_equal(a, b) for a, b in zip(weights, ref_weights))  # BN's moving stats too
    assert np.array_equal(predicted, ref_predicted)


def test_max_pooling_after_relu_ties_and_negative_windows_pass_the_same_gradients():
    """Windows whose maximum is at most 0, ties, and overlapping windows (strides 1)."""
    values = torch.tensor([[-1.0, -2.0, 3.0, 3.0, -0.5, 0.0, 2.0, -4.0, 1.0, 1.0]]).view(1, 10, 1)
    for pool in (layers.MaxPooling1D(2), layers.MaxPooling1D(3, strides=1, padding="same")):
        model = Sequential([layers.Conv1D(1, 1, kernel_initializer="ones", input_shape=(10, 1)),
                            layers.Activation("relu"), pool])
        assert group_names(model) is not None
        x = values.clone().requires_grad_()
        fused = fused_schedule(model).run(model, x)
        fused.backward(torch.arange(1.0, fused.shape[1] + 1).view(fused.shape))
        x_ref = values.clone().requires_grad_()
        reference = model(x_ref)
        reference.backward(torch.arange(1.0, reference.shape[1] + 1).view(reference.shape))
        assert torch.equal(fused, reference)
        assert torch.equal(x.grad, x_ref.grad)


def test_a_masked_input_runs_the_group_layer_by_layer_with_its_mask():
    model = Sequential([layers.Masking(0.0, input_shape=(5, 2)), layers.BatchNormalization(),
                        layers.Activation("relu"), layers.LSTM(3), layers.Dense(1)])
    assert group_names(model) is not None
    x = np.random.RandomState(2).rand(6, 5, 2).astype("float32")
    x[:, 3:] = 0.0
    y = np.ones((6, 1), "float32")
    results = []
    for accelerate in (True, False):
        set_random_seed(3)
        clone = Sequential.from_config(model.get_config())
        clone.compile("adam", "mse")
        with contextlib.nullcontext() if accelerate else reference_only():
            results.append(_train_on_batches(clone, x, y, 2))
    assert results[0][0] == results[1][0]
    assert all(np.array_equal(a, b) for a, b in zip(results[0][1], results[1][1]))


# ------------------------------------------------------------------- generated convnets
def case(index):
    """Generated convnet number ``index``: blocks of a convolution, maybe a normalisation, an
    activation (plain ReLU layers, capped ones, others), maybe a pooling and a dropout."""
    r = np.random.RandomState(7000 + index)
    rank = int(r.choice([1, 2, 2, 3]))
    data_format = "channels_first" if r.rand() < 0.25 else "channels_last"
    side = first_side = int(r.randint(*SIDES[rank]))
    blocks = []
    for _ in range(r.randint(1, 4)):
        kernel = int(r.choice([1, 2, 3])) if side >= 3 else 1
        padding = str(r.choice(["valid", "same"]))
        strides = int(r.choice([1, 1, 2]))
        blocks.append({
            "filters": int(r.randint(2, 6)), "kernel": kernel, "padding": padding,
            "strides": strides, "use_bias": r.rand() < 0.8,
            "activation": str(r.choice(["relu", "linear", "linear", "tanh"])),
            "norm": str(r.choice(["none", "bn", "bn", "frozen_bn", "subclass_bn"])),
            "momentum": float(r.choice([0.99, 0.5])), "center": r.rand() < 0.8,
            "scale": r.rand() < 0.8,
            "after": str(r.choice(["none", "relu", "relu", "relu", "relu_layer", "relu6",
                                   "tanh", "relu_regularized"])),
            "pool": str(r.choice(["none", "max", "max", "average"])),
            "pool_size": int(r.choice([1, 2, 3])), "pool_strides": r.choice([None, 1, 2]),
            "pool_padding": str(r.choice(["valid", "same"])),
            "dropout": float(r.choice([0.0, 0.0, 0.3]))})
        side = geometry.conv_output_length(side, kernel, padding, strides)
        if blocks[-1]["pool"] != "none":
            size, stride = blocks[-1]["pool_size"], blocks[-1]["pool_strides"]
            if size > side:
                blocks[-1]["pool"] = "none"
            else:
                side = geometry.conv_output_length(side, size, blocks[-1]["pool_padding"],
                                                   stride or size)
        if side < 3:
            break
    return {"rank": rank, "data_format": data_format, "side": first_side,
            "channels": int(r.randint(1, 4)), "blocks": blocks, "units": int(r.randint(2, 4)),
            "head": str(r.choice(["flatten", "global"])), "functional": r.rand() < 0.3,
            "samples": int(r.randint(8, 20)), "batch_size": int(r.choice([4, 7, 16])),
            "phase": r.choice([None, None, None, 0, 1]), "optimizer": str(r.choice(
                ["sgd", "rmsprop", "adam"]))}


def _input_shape(config):
    spatial = (config["side"],) * config["rank"]
    if config["data_format"] == "channels_last":
        return spatial + (config["channels"],)
    return (config["channels"],) + spatial


def build(config):
    rank, data_format = config["rank"], config["data_format"]
    axis = -1 if data_format == "channels_last" else 1
    stack = []
    for block in config["blocks"]:
        stack.append(CONV[rank](block["filters"], block["kernel"], strides=block["strides"],
                                padding=block["padding"], data_format=data_format,
                                activation=block["activation"], use_bias=block["use_bias"]))
        if block["norm"] != "none":
            cls = HalvedBatchNormalization if block["norm"] == "subclass_bn" \
                else layers.BatchNormalization
            norm = cls(axis=axis, momentum=block["momentum"], center=block["center"],
                       scale=block["scale"])
            norm.trainable = block["norm"] != "frozen_bn"
            stack.append(norm)
        after = block["after"]
        if after != "none":
            stack.append({"relu": lambda: layers.Activation("relu"),
                          "relu_layer": lambda: layers.ReLU(),
                          "relu6": lambda: layers.ReLU(max_value=6.0),
                          "tanh": lambda: layers.Activation("tanh"),
                          "relu_regularized": regularized_relu}[after]())
        if block["pool"] != "none":
            pool = (MAX_POOL if block["pool"] == "max" else AVERAGE_POOL)[rank]
            stack.append(pool(block["pool_size"], strides=block["pool_strides"],
                              padding=block["pool_padding"], data_format=data_format))
        if block["dropout"]:
            stack.append(layers.Dropout(block["dropout"]))
    head = layers.Flatten() if config["head"] == "flatten" else {
        1: layers.GlobalAveragePooling1D, 2: layers.GlobalAveragePooling2D,
        3: layers.GlobalAveragePooling3D}[rank](data_format=data_format)
    stack += [head, layers.Dense(config["units"], activation="softmax")]
    if not config["functional"]:
        return Sequential([layers.InputLayer(input_shape=_input_shape(config))] + stack)
    inputs = layers.Input(shape=_input_shape(config))
    outputs = inputs
    for layer in stack:
        outputs = layer(outputs)
    return Model(inputs, outputs)


def train(config):
    """Losses, weights, evaluation and predictions of the model trained from a fixed seed."""
    K.clear_session()
    set_random_seed(config["samples"] + 13 * config["side"])
    if config["phase"] is not None:
        K.set_learning_phase(int(config["phase"]))
    model = build(config)
    model.compile(config["optimizer"], "categorical_crossentropy", metrics=["acc"])
    r = np.random.RandomState(config["samples"])
    x = r.randn(config["samples"], *_input_shape(config)).astype("float32")
    y = np.eye(config["units"], dtype="float32")[r.randint(0, config["units"],
                                                           config["samples"])]
    step = model._step().name
    batch = config["batch_size"]
    losses = [model.train_on_batch(x[i:i + batch], y[i:i + batch])
              for i in range(0, len(x), batch)]
    evaluated = model.evaluate(x, y, batch_size=5, verbose=0)
    predicted = model.predict(x, batch_size=3)
    K.clear_session()
    return step, losses, model.get_weights(), evaluated, predicted


def test_generated_convnets_train_bit_for_bit_as_on_the_reference_step():
    def same(results, reference):
        (losses, weights, evaluated, predicted), (ref_losses, ref_weights, ref_evaluated,
                                                  ref_predicted) = results, reference
        return (losses == ref_losses and evaluated == ref_evaluated
                and all(np.array_equal(a, b) for a, b in zip(weights, ref_weights))
                and np.array_equal(predicted, ref_predicted))

    steps, failures = disagreements([case(index) for index in range(CASES)], train, same)
    assert failures == []
    assert steps.count("fused-relu") >= CASES // 3  # the step was really exercised


def test_the_generated_convnets_cover_what_the_step_must_refuse_and_fold():
    configs = [case(index) for index in range(CASES)]
    blocks = [block for config in configs for block in config["blocks"]]
    assert {block["after"] for block in blocks} >= {"relu", "relu_layer", "relu6", "tanh",
                                                     "relu_regularized", "none"}
    assert {block["norm"] for block in blocks} >= {"bn", "frozen_bn", "subclass_bn", "none"}
    assert {block["pool"] for block in blocks} >= {"max", "average", "none"}
    assert {config["rank"] for config in configs} == {1, 2, 3}
    assert {config["data_format"] for config in configs} == {"channels_last", "channels_first"}
    assert {config["phase"] for config in configs} >= {None, 0, 1}
    schedules = [fused_schedule(build(config)) for config in configs]
    groups = [group for schedule in schedules if schedule is not None
              for group in schedule.groups]
    assert any(group.pool is not None for group in groups)
    assert any(len(group.layers) == 3 for group in groups)
    assert all(isinstance(group, ReluGroup) for group in groups)
