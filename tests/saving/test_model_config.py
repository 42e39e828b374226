"""Model configs: Keras 2 get_config/from_config, to_json/model_from_json, clone_model."""
import json

import numpy as np
import pytest
import torch

import cornu.layers
from cornu.saving import registry
from cornu.layers import Dense, Dropout, Input, InputLayer, Layer, Permute, Reshape
from cornu.layers.serialization import deserialize, serialize
from cornu.models import (Model, Sequential, clone_model, model_from_config, model_from_json,
                          model_from_yaml)
from cornu.utils.serialization import custom_object_scope

RNG = np.random.default_rng(0)


def data(*shape):
    return RNG.standard_normal(shape).astype("float32")


def as_json(config):
    return json.loads(json.dumps(config))


def assert_same_predictions(model, rebuilt, x):
    rebuilt.set_weights(model.get_weights())
    expected = model.predict(x)
    got = rebuilt.predict(x)
    for e, g in zip(expected if isinstance(expected, list) else [expected],
                    got if isinstance(got, list) else [got]):
        np.testing.assert_array_equal(e, g)


def assert_same_structure(model, rebuilt):
    assert [l.name for l in rebuilt.layers] == [l.name for l in model.layers]
    assert [type(l) for l in rebuilt.layers] == [type(l) for l in model.layers]
    assert rebuilt.count_params() == model.count_params()
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in model.get_weights()]


def mlp():
    return Sequential([Dense(16, activation="relu", input_shape=(8,)), Dropout(0.5),
                       Dense(3, activation="softmax")], name="mlp")


def two_branch_model():
    """Two inputs through one shared Dense, then a separate head per branch."""
    a, b = Input(shape=(4,), name="a"), Input(shape=(4,), name="b")
    shared = Dense(3, activation="tanh", name="shared")
    out_a = Dense(2, name="out_a")(shared(a))
    out_b = Dense(1, activation="sigmoid", name="out_b")(shared(b))
    return Model([a, b], [out_a, out_b], name="two_branch")


# ------------------------------------------------------------------ JSON documents
def test_to_json_top_level_keys_and_values():
    document = json.loads(mlp().to_json())
    assert list(document) == ["class_name", "config", "keras_version", "backend"]
    assert document["class_name"] == "Sequential"
    assert document["keras_version"] == "2.2.4"
    assert document["backend"] == "tensorflow"
    assert document["config"]["name"] == "mlp"
    assert [layer["class_name"] for layer in document["config"]["layers"]] == \
        ["Dense", "Dropout", "Dense"]


def test_to_json_passes_kwargs_to_json_dumps():
    model = mlp()
    text = model.to_json(indent=2, sort_keys=True)
    assert text.startswith('{\n  "backend": "tensorflow"')
    assert json.loads(text) == json.loads(model.to_json())


def test_functional_to_json_class_name():
    assert json.loads(two_branch_model().to_json())["class_name"] == "Model"


def test_numpy_and_tuple_values_serialise_and_come_back():
    model = Sequential([Reshape((2, 6), input_shape=(12,)), Permute((2, 1)),
                        Dense(np.int64(3)), Dropout(np.float32(0.25), noise_shape=(None, 1, 3))])
    document = json.loads(model.to_json())
    layers = document["config"]["layers"]
    assert layers[0]["config"]["target_shape"] == [2, 6]
    assert layers[1]["config"]["dims"] == [2, 1]
    assert layers[2]["config"]["units"] == 3
    assert layers[3]["config"]["rate"] == 0.25
    rebuilt = model_from_json(model.to_json())
    assert rebuilt.layers[0].target_shape == (2, 6)
    assert rebuilt.layers[1].dims == (2, 1)
    assert rebuilt.layers[3].noise_shape == (None, 1, 3)
    assert rebuilt.output_shape == (None, 6, 3)
    assert_same_predictions(model, rebuilt, data(5, 12))


# ------------------------------------------------------------------ Sequential
def test_sequential_json_round_trip():
    model = mlp()
    rebuilt = model_from_json(model.to_json())
    assert isinstance(rebuilt, Sequential)
    assert rebuilt.name == "mlp"
    assert rebuilt.built and rebuilt.input_shape == (None, 8)
    assert_same_structure(model, rebuilt)
    assert_same_predictions(model, rebuilt, data(10, 8))


def test_sequential_config_is_the_dict_form_with_the_input_shape():
    config = mlp().get_config()
    assert set(config) == {"name", "layers"}
    assert config["layers"][0]["config"]["batch_input_shape"] == (None, 8)
    assert all(set(layer) == {"class_name", "config"} for layer in config["layers"])


def test_sequential_built_later_keeps_its_input_shape():
    model = Sequential([Dense(4), Dense(2)])
    model.build((None, 5))
    config = model.get_config()
    assert config["layers"][0]["config"]["batch_input_shape"] == (None, 5)
    assert "batch_input_shape" not in model.layers[0].get_config()
    rebuilt = Sequential.from_config(config)
    assert rebuilt.built and rebuilt.input_shape == (None, 5)
    assert_same_predictions(model, rebuilt, data(3, 5))


def test_sequential_from_config_reads_the_list_and_the_dict_forms():
    layer_configs = [{"class_name": "Dense",
                      "config": {"name": "dense_a", "units": 4, "activation": "relu",
                                 "batch_input_shape": [None, 3]}},
                     {"class_name": "Dense", "config": {"name": "dense_b", "units": 1}}]
    from_list = Sequential.from_config(layer_configs)
    from_dict = Sequential.from_config({"name": "stack", "layers": layer_configs})
    for model in (from_list, from_dict):
        assert [l.name for l in model.layers] == ["dense_a", "dense_b"]
        assert model.input_shape == (None, 3) and model.output_shape == (None, 1)
        assert model.count_params() == 3 * 4 + 4 + 4 + 1
    assert from_dict.name == "stack"
    assert from_list.name.startswith("sequential_")


def test_sequential_from_config_honours_build_input_shape_and_input_layer():
    built = Sequential.from_config({"name": "s", "build_input_shape": [None, 6],
                                    "layers": [{"class_name": "Dense", "config": {"units": 2}}]})
    assert built.input_shape == (None, 6)
    with_input = Sequential.from_config({"name": "t", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 7], "name": "x"}},
        {"class_name": "Dense", "config": {"units": 2}}]})
    assert with_input.input_shape == (None, 7) and len(with_input.layers) == 1


def test_model_from_json_reads_a_keras_2_2_4_sequential_file():
    text = json.dumps({"class_name": "Sequential", "keras_version": "2.2.4",
                       "backend": "tensorflow", "config": {"name": "sequential_1", "layers": [
                           {"class_name": "Dense", "config": {
                               "name": "dense_1", "trainable": True,
                               "batch_input_shape": [None, 784], "dtype": "float32",
                               "units": 512, "activation": "relu", "use_bias": True,
                               "kernel_initializer": {"class_name": "VarianceScaling", "config": {
                                   "scale": 1.0, "mode": "fan_avg", "distribution": "uniform",
                                   "seed": None}},
                               "bias_initializer": {"class_name": "Zeros", "config": {}},
                               "kernel_regularizer": None, "bias_regularizer": None,
                               "activity_regularizer": None, "kernel_constraint": None,
                               "bias_constraint": None}},
                           {"class_name": "Dense", "config": {
                               "name": "dense_2", "trainable": True, "units": 10,
                               "activation": "softmax", "use_bias": True}}]}})
    model = model_from_json(text)
    assert [l.name for l in model.layers] == ["dense_1", "dense_2"]
    assert model.count_params() == 784 * 512 + 512 + 512 * 10 + 10


# ------------------------------------------------------------------ functional
def test_functional_config_in_the_keras_2_format():
    config = two_branch_model().get_config()
    assert set(config) == {"name", "layers", "input_layers", "output_layers"}
    assert config["name"] == "two_branch"
    by_name = {layer["name"]: layer for layer in config["layers"]}
    assert [layer["name"] for layer in config["layers"]] == ["a", "b", "shared", "out_a", "out_b"]
    assert by_name["a"] == {"name": "a", "class_name": "InputLayer", "inbound_nodes": [],
                            "config": {"batch_input_shape": (None, 4), "dtype": "float32",
                                       "sparse": False, "name": "a"}}
    assert by_name["shared"]["inbound_nodes"] == [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]
    assert by_name["out_a"]["inbound_nodes"] == [[["shared", 0, 0, {}]]]
    assert by_name["out_b"]["inbound_nodes"] == [[["shared", 1, 0, {}]]]
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == [["out_a", 0, 0], ["out_b", 0, 0]]


def test_functional_json_round_trip_with_a_shared_layer():
    model = two_branch_model()
    rebuilt = model_from_json(model.to_json())
    assert type(rebuilt) is Model and rebuilt.name == "two_branch"
    assert rebuilt.input_names == ["a", "b"] and rebuilt.output_names == ["out_a", "out_b"]
    assert len(rebuilt.get_layer("shared")._inbound_nodes) == 2
    assert_same_structure(model, rebuilt)
    assert_same_predictions(model, rebuilt, [data(6, 4), data(6, 4)])
    assert as_json(rebuilt.get_config()) == as_json(model.get_config())


def test_node_indices_count_only_the_models_own_calls():
    shared = Dense(2, name="shared")
    other_input = Input(shape=(3,), name="other")
    Model(other_input, shared(other_input))          # call 0 belongs to another model
    x = Input(shape=(3,), name="x")
    model = Model(x, Dense(1, name="head")(shared(x)))   # call 1 of `shared`
    config = model.get_config()
    by_name = {layer["name"]: layer for layer in config["layers"]}
    assert by_name["shared"]["inbound_nodes"] == [[["x", 0, 0, {}]]]
    assert by_name["head"]["inbound_nodes"] == [[["shared", 0, 0, {}]]]
    rebuilt = Model.from_config(config)
    assert_same_predictions(model, rebuilt, data(4, 3))


def test_calls_waiting_on_later_calls_are_deferred():
    """x -> B -> A -> B -> A: each layer's second call needs the other's second call."""
    x = Input(shape=(4,), name="x")
    layer_a, layer_b = Dense(4, name="A"), Dense(4, activation="relu", name="B")
    model = Model(x, layer_a(layer_b(layer_a(layer_b(x)))), name="deep")
    config = model.get_config()
    by_name = {layer["name"]: layer for layer in config["layers"]}
    assert by_name["B"]["inbound_nodes"] == [[["x", 0, 0, {}]], [["A", 0, 0, {}]]]
    assert config["output_layers"] == [["A", 1, 0]]
    rebuilt = Model.from_config(config)
    assert_same_structure(model, rebuilt)
    assert_same_predictions(model, rebuilt, data(5, 4))


def test_concatenate_graph_round_trip():
    a, b = Input(shape=(3,), name="a"), Input(shape=(2,), name="b")
    merged = cornu.layers.Concatenate(name="cat")([Dense(4, name="da")(a), b])
    model = Model([a, b], Dense(1, name="out")(merged))
    config = model.get_config()
    cat = next(layer for layer in config["layers"] if layer["name"] == "cat")
    assert cat["inbound_nodes"] == [[["da", 0, 0, {}], ["b", 0, 0, {}]]]
    rebuilt = model_from_json(model.to_json())
    assert_same_structure(model, rebuilt)
    assert_same_predictions(model, rebuilt, [data(4, 3), data(4, 2)])


def test_nested_models_round_trip_with_keras_node_numbering():
    inner_x = Input(shape=(4,), name="inner_x")
    inner = Model(inner_x, Dense(3, activation="relu", name="inner_dense")(inner_x),
                  name="inner")
    stack = Sequential([Dense(2, input_shape=(3,), name="stack_dense")], name="stack")
    x = Input(shape=(4,), name="x")
    model = Model(x, Dense(1, name="head")(stack(inner(x))), name="outer")
    config = model.get_config()
    by_name = {layer["name"]: layer for layer in config["layers"]}
    # Keras 2 networks own a node 0, so their first call in a model is numbered 1.
    assert by_name["stack"]["inbound_nodes"] == [[["inner", 1, 0, {}]]]
    assert by_name["head"]["inbound_nodes"] == [[["stack", 1, 0, {}]]]
    assert by_name["inner"]["class_name"] == "Model"
    assert by_name["inner"]["config"]["output_layers"] == [["inner_dense", 0, 0]]
    assert by_name["stack"]["config"]["name"] == "stack"
    rebuilt = model_from_json(model.to_json())
    assert isinstance(rebuilt.get_layer("inner"), Model)
    assert isinstance(rebuilt.get_layer("stack"), Sequential)
    assert_same_structure(model, rebuilt)
    assert_same_predictions(model, rebuilt, data(5, 4))


def test_nested_model_as_an_output_and_inside_a_sequential():
    inner_x = Input(shape=(2,), name="inner_x")
    inner = Model(inner_x, Dense(2, name="inner_dense")(inner_x), name="inner")
    x = Input(shape=(2,), name="x")
    as_output = Model(x, inner(x))
    assert as_output.get_config()["output_layers"] == [["inner", 1, 0]]
    assert_same_predictions(as_output, model_from_json(as_output.to_json()), data(3, 2))
    stacked = Sequential([inner, Dense(1, name="top")])
    rebuilt = model_from_json(stacked.to_json())
    assert rebuilt.input_shape == (None, 2)
    assert_same_structure(stacked, rebuilt)
    assert_same_predictions(stacked, rebuilt, data(3, 2))


def test_model_from_json_reads_a_keras_2_2_4_functional_file_with_a_nested_sequential():
    def dense(name, units, **extra):
        return {"name": name, "trainable": True, "units": units, "activation": "linear",
                "use_bias": True, **extra}
    config = {"name": "model_1", "layers": [
        {"name": "input_1", "class_name": "InputLayer", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 5], "dtype": "float32", "sparse": False,
                    "name": "input_1"}},
        {"name": "sequential_1", "class_name": "Sequential",
         "config": {"name": "sequential_1", "layers": [
             {"class_name": "Dense", "config": dense("dense_1", 3, batch_input_shape=[None, 5],
                                                     dtype="float32")}]},
         "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {"name": "dense_2", "class_name": "Dense", "config": dense("dense_2", 1),
         "inbound_nodes": [[["sequential_1", 1, 0, {}]]]}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_2", 0, 0]]}
    text = json.dumps({"class_name": "Model", "config": config, "keras_version": "2.2.4",
                       "backend": "tensorflow"})
    model = model_from_json(text)
    assert [l.name for l in model.layers] == ["input_1", "sequential_1", "dense_2"]
    assert model.output_shape == (None, 1)
    assert model.count_params() == 5 * 3 + 3 + 3 + 1
    written = as_json(model.get_config())
    assert [layer["inbound_nodes"] for layer in written["layers"]] == \
        [layer["inbound_nodes"] for layer in config["layers"]]
    assert written["output_layers"] == config["output_layers"]


def test_call_keyword_arguments_are_kept():
    class Scale(Layer):
        def call(self, inputs, factor=1.0):
            return inputs * factor
    x = Input(shape=(2,), name="x")
    model = Model(x, Scale(name="scale")(x, factor=3.0))
    config = model.get_config()
    assert config["layers"][1]["inbound_nodes"] == [[["x", 0, 0, {"factor": 3.0}]]]
    rebuilt = Model.from_config(config, custom_objects={"Scale": Scale})
    np.testing.assert_allclose(rebuilt.predict(np.ones((1, 2), "float32")), [[3.0, 3.0]])


def test_non_serialisable_call_arguments_warn_and_are_dropped():
    class Scale(Layer):
        def call(self, inputs, factor=None):
            return inputs if factor is None else inputs * factor
    x = Input(shape=(2,), name="x")
    model = Model(x, Scale(name="scale")(x, factor=torch.tensor(2.0)))
    with pytest.warns(UserWarning, match="non-serializable keyword arguments"):
        config = model.get_config()
    assert config["layers"][1]["inbound_nodes"] == [[["x", 0, 0, {}]]]


# ------------------------------------------------------------------ rebuilt models
def test_rebuilt_model_predicts_uncompiled_and_needs_compile_to_fit():
    model = model_from_json(mlp().to_json())
    assert model.predict(data(4, 8)).shape == (4, 3)
    with pytest.raises(RuntimeError, match="You must compile your model before training"):
        model.fit(data(4, 8), np.eye(3, dtype="float32")[[0, 1, 2, 0]], verbose=0)


def test_rebuilt_model_has_fresh_weights():
    model = mlp()
    rebuilt = model_from_json(model.to_json())
    assert not np.array_equal(model.get_weights()[0], rebuilt.get_weights()[0])


def test_trainable_flag_survives():
    model = Sequential([Dense(3, input_shape=(2,), trainable=False), Dense(1)])
    rebuilt = model_from_json(model.to_json())
    assert not rebuilt.layers[0].trainable
    assert len(rebuilt.trainable_weights) == 2 and len(rebuilt.non_trainable_weights) == 2


# ------------------------------------------------------------------ custom objects, errors
class Doubler(Layer):
    def __init__(self, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset

    def call(self, inputs):
        return inputs * 2 + self.offset

    def get_config(self):
        return {**super().get_config(), "offset": self.offset}


def custom_model():
    x = Input(shape=(3,), name="x")
    return Model(x, Dense(2, name="d")(Doubler(0.5, name="doubler")(x)))


def test_custom_layer_through_custom_objects():
    model = custom_model()
    rebuilt = model_from_json(model.to_json(), custom_objects={"Doubler": Doubler})
    assert isinstance(rebuilt.get_layer("doubler"), Doubler)
    assert rebuilt.get_layer("doubler").offset == 0.5
    assert_same_predictions(model, rebuilt, data(4, 3))
    with custom_object_scope({"Doubler": Doubler}):
        assert isinstance(model_from_json(model.to_json()).get_layer("doubler"), Doubler)


def test_custom_layer_inside_a_sequential():
    model = Sequential([Doubler(input_shape=(2,), name="doubler"), Dense(1)])
    rebuilt = model_from_json(model.to_json(), custom_objects={"Doubler": Doubler})
    assert rebuilt.input_shape == (None, 2)
    assert_same_predictions(model, rebuilt, data(3, 2))


def test_unknown_class_error_names_the_layer_and_the_fix():
    with pytest.raises(ValueError, match=r"Unknown layer: Doubler.*custom_objects"):
        model_from_json(custom_model().to_json())


def test_improperly_formatted_configs_fail_clearly():
    config = two_branch_model().get_config()
    config["layers"][3]["inbound_nodes"] = [[["nowhere", 0, 0, {}]]]
    with pytest.raises(ValueError, match="refers to layer 'nowhere'"):
        Model.from_config(config)
    config = two_branch_model().get_config()
    config["layers"][3]["inbound_nodes"] = [[["shared", 5, 0, {}]]]
    with pytest.raises(ValueError, match=r"wait on calls that never happen"):
        Model.from_config(config)
    with pytest.raises(ValueError, match="Improperly formatted Sequential config"):
        Sequential.from_config({"name": "x"})


def test_model_from_config_rejects_a_list():
    with pytest.raises(TypeError, match="expects a dictionary, not a list"):
        model_from_config(mlp().get_config()["layers"])


def test_model_from_config_takes_the_parsed_json():
    model = mlp()
    rebuilt = model_from_config(json.loads(model.to_json()))
    assert_same_structure(model, rebuilt)


def test_yaml_is_unsupported_with_a_clear_error():
    with pytest.raises(NotImplementedError, match="model_from_json"):
        model_from_yaml("class_name: Sequential")


def test_subclassed_model_has_no_config():
    class Net(Model):
        def __init__(self):
            super().__init__()
            self.dense = Dense(1)

        def call(self, inputs, training=None, mask=None):
            return self.dense(inputs)
    with pytest.raises(NotImplementedError, match="subclassed"):
        Net().get_config()


# ------------------------------------------------------------------ layers.serialize
def test_layer_serialize_and_deserialize():
    config = serialize(Dense(3, activation="relu", name="d"))
    assert config["class_name"] == "Dense" and config["config"]["units"] == 3
    layer = deserialize(config)
    assert isinstance(layer, Dense) and layer.name == "d"
    assert isinstance(deserialize({"class_name": "InputLayer",
                                   "config": {"batch_input_shape": [None, 2]}}), InputLayer)


def test_layer_classes_resolve_through_the_registry(monkeypatch):
    class Brandnew(Layer):
        pass
    with pytest.raises(ValueError, match="Unknown layer: Brandnew"):
        deserialize({"class_name": "Brandnew", "config": {}})
    monkeypatch.setattr(registry, "_LAYERS", registry.layer_classes())
    registry.register_layer(Brandnew)
    assert isinstance(deserialize({"class_name": "Brandnew", "config": {}}), Brandnew)


def test_every_public_layer_class_is_registered():
    public = {name: value for name, value in vars(cornu.layers).items()
              if isinstance(value, type) and issubclass(value, Layer)}
    assert public and all(registry.layer_class(name) is cls for name, cls in public.items())
    assert registry.layer_class("Sequential") is Sequential
    assert registry.layer_class("Model") is Model and registry.layer_class("Functional") is Model


# ------------------------------------------------------------------ clone_model
def test_clone_sequential_has_fresh_weights_and_the_same_structure():
    model = mlp()
    clone = clone_model(model)
    assert isinstance(clone, Sequential) and clone.name == "mlp"
    assert all(c is not o for c, o in zip(clone.layers, model.layers))
    assert_same_structure(model, clone)
    assert not any(np.array_equal(c, o) for c, o in zip(clone.get_weights()[::2],
                                                        model.get_weights()[::2]))
    assert_same_predictions(model, clone, data(4, 8))


def test_clone_sequential_built_later():
    model = Sequential([Dense(3), Dense(1)])
    model.build((None, 4))
    assert clone_model(model).input_shape == (None, 4)


def test_clone_functional_keeps_sharing_and_names():
    model = two_branch_model()
    clone = clone_model(model)
    assert type(clone) is Model and clone.name == "two_branch"
    assert clone.input_names == ["a", "b"]
    assert len(clone.get_layer("shared")._inbound_nodes) == 2
    assert clone.get_layer("shared") is not model.get_layer("shared")
    assert_same_structure(model, clone)
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])
    assert_same_predictions(model, clone, [data(3, 4), data(3, 4)])


def test_clone_with_nested_models_and_custom_layers():
    inner = Sequential([Doubler(input_shape=(3,), name="doubler"), Dense(2, name="d")],
                       name="inner")
    x = Input(shape=(3,), name="x")
    model = Model(x, Dense(1, name="head")(inner(x)))
    clone = clone_model(model)   # no custom_objects needed: classes come from the layers
    assert isinstance(clone.get_layer("inner").layers[0], Doubler)
    assert clone.get_layer("inner") is not inner
    assert_same_structure(model, clone)
    assert_same_predictions(model, clone, data(2, 3))


def test_clone_on_given_input_tensors():
    model = two_branch_model()
    new_a, new_b = Input(shape=(4,), name="new_a"), Input(shape=(4,), name="new_b")
    clone = clone_model(model, input_tensors=[new_a, new_b])
    assert clone.input_names == ["new_a", "new_b"]
    assert_same_predictions(model, clone, [data(3, 4), data(3, 4)])
    seq_input = Input(shape=(8,), name="seq_in")
    seq_clone = clone_model(mlp(), input_tensors=seq_input)
    assert seq_clone.inputs[0] is seq_input and seq_clone.output_shape == (None, 3)


def test_clone_errors():
    with pytest.raises(ValueError, match="has 2 inputs"):
        clone_model(two_branch_model(), input_tensors=[Input(shape=(4,))])
    with pytest.raises(ValueError, match="does not come from keras.layers.Input"):
        clone_model(mlp(), input_tensors=Dense(8)(Input(shape=(8,))))
    with pytest.raises(ValueError, match="Sequential or functional Model"):
        clone_model(Dense(2))


def test_a_model_starting_from_an_intermediate_tensor_has_no_config():
    x = Input(shape=(3,))
    hidden = Dense(2)(x)
    model = Model(hidden, Dense(1)(hidden))
    with pytest.raises(ValueError, match="does not come from keras.layers.Input"):
        model.get_config()
