"""Lambda: output shapes (tuple, function, inferred), arguments, models, and safe loading."""
import json
import threading

import numpy as np
import pytest
import torch

from cornu.layers import Dense, Input, Lambda
from cornu.layers.lambda_layer import safe_mode_enabled, unsafe_deserialization
from cornu.models import Model, Sequential
from cornu.utils.serialization import custom_object_scope, deserialize_keras_object

# every fit/evaluate/predict here runs under each training step
pytestmark = pytest.mark.usefixtures("every_step")

RNG = np.random.RandomState(0)


def cube(x):
    return x ** 3


def halve_last(shape):
    return tuple(shape[:-1]) + (shape[-1] // 2,)


def first_half(x):
    return x[..., : x.shape[-1] // 2]


def scale(x, factor, offset=0.0):
    return x * factor + offset


# ----------------------------------------------------------------- shapes
def test_output_shape_tuple():
    x = Input(shape=(6,))
    y = Lambda(first_half, output_shape=(3,))(x)
    assert y.shape == (None, 3)
    assert Lambda(first_half, output_shape=[3])(Input(batch_shape=(4, 6))).shape == (4, 3)


def test_output_shape_function_gets_the_full_shape():
    seen = []

    def shape_fn(shape):
        seen.append(shape)
        return halve_last(shape)

    y = Lambda(first_half, output_shape=shape_fn)(Input(shape=(2, 6)))
    assert seen == [(None, 2, 6)]
    assert y.shape == (None, 2, 3)


def test_output_shape_inferred_by_running_the_function():
    y = Lambda(lambda x: x.reshape(-1, 2, 3))(Input(shape=(6,)))
    assert y.shape == (None, 2, 3)
    y = Lambda(lambda x: x.sum(dim=-1, keepdim=True))(Input(shape=(4, 5)))
    assert y.shape == (None, 4, 1)


def test_inferred_shape_keeps_unknown_dims_unknown():
    assert Lambda(lambda x: x * 2)(Input(shape=(None, 3))).shape == (None, None, 3)
    assert Lambda(lambda x: x.sum(dim=1))(Input(shape=(None, 3))).shape == (None, 3)
    assert Lambda(lambda x: x[:, :1])(Input(shape=(None, 3))).shape == (None, 1, 3)
    a, b = Input(shape=(None, 2)), Input(shape=(4, 2))
    both = Lambda(lambda xs: [xs[0] + 1, xs[1] + 1])([a, b])
    assert [t.shape for t in both] == [(None, None, 2), (None, 4, 2)]


def test_list_inputs_and_list_output_shapes():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    diff = Lambda(lambda xs: xs[0] - xs[1])([a, b])
    assert diff.shape == (None, 3)
    both = Lambda(lambda xs: [xs[0] * 2, xs[1][:, :1]],
                  output_shape=lambda shapes: [shapes[0], (shapes[1][0], 1)])([a, b])
    assert [t.shape for t in both] == [(None, 3), (None, 1)]
    assert Lambda(lambda xs: xs[0], output_shape=(3,))([a, b]).shape == (None, 3)
    model = Model([a, b], diff)
    x1, x2 = RNG.rand(4, 3).astype("float32"), RNG.rand(4, 3).astype("float32")
    np.testing.assert_allclose(model.predict([x1, x2]), x1 - x2, rtol=1e-6)


def test_bad_output_shapes_and_functions():
    with pytest.raises(TypeError, match="In Lambda, `output_shape` must be a list, a tuple, or "
                                        "a function."):
        Lambda(cube, output_shape=3)
    with pytest.raises(ValueError, match="`output_shape` function must return a tuple or a list "
                                         "of tuples."):
        Lambda(cube, output_shape=lambda s: 3)(Input(shape=(2,)))
    with pytest.raises(TypeError, match="callable `function`"):
        Lambda("cube")


# ----------------------------------------------------------------- values
def test_values_and_arguments():
    x = RNG.rand(2, 3).astype("float32")
    np.testing.assert_allclose(Lambda(cube)(torch.from_numpy(x)).numpy(), x ** 3, rtol=1e-6)
    layer = Lambda(scale, arguments={"factor": 3.0, "offset": 1.0})
    np.testing.assert_allclose(layer(torch.from_numpy(x)).numpy(), 3 * x + 1, rtol=1e-6)
    assert Lambda(scale, arguments={"factor": 2.0})(Input(shape=(3,))).shape == (None, 3)


def test_function_asking_for_mask_gets_it():
    received = {}

    def with_mask(x, mask=None):
        received["mask"] = mask
        return x

    Lambda(with_mask)(torch.ones(1, 2))
    assert received == {"mask": None}


def test_compute_mask():
    assert Lambda(cube).compute_mask(torch.ones(1)) is None
    assert not Lambda(cube).supports_masking
    fixed = torch.tensor([True, False])
    assert Lambda(cube, mask=fixed).compute_mask(torch.ones(2)) is fixed
    layer = Lambda(cube, mask=lambda inputs, mask: inputs > 0)
    assert layer.supports_masking
    assert layer.compute_mask(torch.tensor([1.0, -1.0])).tolist() == [True, False]


def test_in_a_sequential_model():
    model = Sequential([Lambda(lambda x: x ** 2, input_shape=(3,)), Dense(1)])
    assert model.output_shape == (None, 1)
    x = RNG.uniform(-1, 1, size=(8, 3)).astype("float32")
    w, b = model.get_weights()
    np.testing.assert_allclose(model.predict(x), (x ** 2) @ w + b, rtol=1e-5)
    model.compile("sgd", "mse")
    model.fit(x, np.ones((8, 1)), verbose=0)
    assert not np.allclose(model.get_weights()[0], w)


def test_in_a_functional_model_trains_through_the_function():
    a = Input(shape=(4,))
    hidden = Dense(4)(a)
    out = Dense(1)(Lambda(lambda t: torch.tanh(t) * 2)(hidden))
    model = Model(a, out)
    model.compile("sgd", "mse")
    before = model.get_weights()[0].copy()
    model.fit(RNG.rand(8, 4), np.ones((8, 1)), verbose=0)
    assert not np.allclose(model.get_weights()[0], before)


# ----------------------------------------------------------------- configs
def test_config_of_a_module_level_function():
    config = Lambda(cube, output_shape=halve_last, name="c").get_config()
    assert config["function"] == "cube"
    assert config["function_type"] == "function"
    assert config["module"] == __name__
    assert config["output_shape"] == "halve_last"
    assert config["output_shape_type"] == "function"
    json.dumps(config)


def test_config_of_lambdas_and_closures_holds_names_only():
    factor = 3

    def inner(x):
        return x * factor

    config = Lambda(lambda x: x, output_shape=(2, 3)).get_config()
    assert config["function"] == "<lambda>" and config["function_type"] == "lambda"
    assert config["output_shape"] == (2, 3) and config["output_shape_type"] == "raw"
    config = Lambda(inner).get_config()
    assert config["function"] == "inner" and config["function_type"] == "lambda"
    assert all(not isinstance(v, bytes) for v in config.values())


def test_ndarray_arguments_round_trip():
    weights = np.array([1.0, 2.0, 3.0])
    config = Lambda(scale, arguments={"factor": weights}, name="s").get_config()
    assert config["arguments"] == {"factor": {"type": "ndarray", "value": [1.0, 2.0, 3.0]}}
    clone = Lambda.from_config(json.loads(json.dumps(config)), safe_mode=False)
    np.testing.assert_array_equal(clone.arguments["factor"], weights)


# ----------------------------------------------------------------- safe mode
def test_from_config_is_refused_by_default():
    config = Lambda(cube, name="c").get_config()
    assert safe_mode_enabled()
    with pytest.raises(ValueError, match=r"Requested the deserialization of a Lambda layer "
                                         r"\('c'.*safe_mode=False.*unsafe_deserialization"):
        Lambda.from_config(config)
    with pytest.raises(ValueError, match="Requested the deserialization of a Lambda layer"):
        Lambda.from_config(config, safe_mode=True, custom_objects={"cube": cube})


def test_explicit_opt_in_resolves_module_level_functions():
    config = Lambda(cube, output_shape=halve_last, name="c").get_config()
    clone = Lambda.from_config(config, safe_mode=False)
    assert clone.function is cube and clone._output_shape is halve_last
    assert clone.name == "c"
    assert clone.get_config() == config


def test_custom_objects_take_precedence():
    def other(x):
        return x + 1

    config = Lambda(cube, name="c").get_config()
    clone = Lambda.from_config(config, safe_mode=False, custom_objects={"cube": other})
    assert clone.function is other
    with custom_object_scope({"cube": other}):
        assert Lambda.from_config(config, safe_mode=False).function is other


def test_lambdas_need_custom_objects():
    config = Lambda(lambda x: x * 5, output_shape=(3,), name="times5").get_config()
    with pytest.raises(ValueError, match=r"lambda or closure.*never stores or runs code.*"
                                         r"custom_objects=\{'times5': your_function\}"):
        Lambda.from_config(config, safe_mode=False)
    clone = Lambda.from_config(config, safe_mode=False,
                               custom_objects={"times5": lambda x: x * 5})
    assert clone(torch.ones(1, 3)).tolist() == [[5.0, 5.0, 5.0]]


def test_closures_resolve_by_their_name():
    def inner(x):
        return x

    config = Lambda(inner, name="l").get_config()
    with pytest.raises(ValueError, match=r"custom_objects=\{'inner': your_function\}"):
        Lambda.from_config(config, safe_mode=False)
    assert Lambda.from_config(config, safe_mode=False,
                              custom_objects={"inner": inner}).function is inner


def test_missing_module_level_function_says_how_to_provide_it():
    config = dict(Lambda(cube, name="c").get_config(), module="not_imported_module_xyz")
    with pytest.raises(ValueError, match=r"Could not find the function 'cube'.*"
                                         r"'not_imported_module_xyz' is not imported"):
        Lambda.from_config(config, safe_mode=False)


def test_keras2_bytecode_is_never_run():
    ran = []
    keras2_config = {"name": "lambda_1", "trainable": True, "dtype": "float32",
                     "function": ["<base64 of marshalled code: never decoded>", None, None],
                     "function_type": "lambda", "output_shape": None,
                     "output_shape_type": "raw", "arguments": {}}
    with unsafe_deserialization():
        with pytest.raises(ValueError, match=r"Python bytecode, which cornu never runs.*"
                                             r"custom_objects=\{'lambda_1': your_function\}"):
            Lambda.from_config(keras2_config)
        layer = Lambda.from_config(keras2_config,
                                   custom_objects={"lambda_1": lambda x: ran.append(1) or x})
    layer(torch.ones(1))
    assert ran == [1]


def test_unsafe_deserialization_context():
    config = Lambda(cube, name="c").get_config()
    with unsafe_deserialization():
        assert not safe_mode_enabled()
        with unsafe_deserialization():
            assert Lambda.from_config(config).function is cube
        assert Lambda.from_config(config).function is cube
    assert safe_mode_enabled()
    with pytest.raises(RuntimeError):
        with unsafe_deserialization():
            raise RuntimeError("boom")
    assert safe_mode_enabled()
    with pytest.raises(ValueError, match="Requested the deserialization"):
        Lambda.from_config(config)


def test_unsafe_context_is_per_thread():
    config = Lambda(cube, name="c").get_config()
    errors = []

    def load_elsewhere():
        try:
            Lambda.from_config(config)
        except ValueError as error:
            errors.append(error)

    with unsafe_deserialization():
        worker = threading.Thread(target=load_elsewhere)
        worker.start()
        worker.join()
    assert len(errors) == 1


def test_generic_deserialization_follows_the_rule():
    identifier = {"class_name": "Lambda", "config": Lambda(lambda x: -x, name="neg").get_config()}
    module_objects = {"Lambda": Lambda}
    with pytest.raises(ValueError, match="Requested the deserialization of a Lambda layer"):
        deserialize_keras_object(identifier, module_objects, {"neg": lambda x: -x})
    with unsafe_deserialization():
        layer = deserialize_keras_object(identifier, module_objects, {"neg": lambda x: -x})
    assert layer(torch.ones(1, 2)).tolist() == [[-1.0, -1.0]]
