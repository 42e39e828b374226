"""Optimizer API: names, configs, variables (lr, iterations), weights, clipping and param lists."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu import optimizers
from cornu.optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, Nadam, RMSprop
from tests.optimizers.test_update_rules import make_case, run_cornu, run_reference

ALL = [SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam]

# Keras 2.2.4 get_config() of a default-constructed optimizer (float32 variables read back).
KERAS_DEFAULT_CONFIGS = {
    "SGD": {"lr": 0.009999999776482582, "momentum": 0.0, "decay": 0.0, "nesterov": False},
    "RMSprop": {"lr": 0.0010000000474974513, "rho": 0.8999999761581421, "decay": 0.0,
                "epsilon": 1e-07},
    "Adagrad": {"lr": 0.009999999776482582, "decay": 0.0, "epsilon": 1e-07},
    "Adadelta": {"lr": 1.0, "rho": 0.95, "decay": 0.0, "epsilon": 1e-07},
    "Adam": {"lr": 0.0010000000474974513, "beta_1": 0.8999999761581421,
             "beta_2": 0.9990000128746033, "decay": 0.0, "epsilon": 1e-07, "amsgrad": False},
    "Adamax": {"lr": 0.0020000000949949026, "beta_1": 0.8999999761581421,
               "beta_2": 0.9990000128746033, "decay": 0.0, "epsilon": 1e-07},
    "Nadam": {"lr": 0.0020000000949949026, "beta_1": 0.8999999761581421,
              "beta_2": 0.9990000128746033, "epsilon": 1e-07, "schedule_decay": 0.004},
}


def parameter(values):
    return torch.nn.Parameter(torch.tensor(values, dtype=torch.float32))


def step_with(optimizer, params, grads):
    for p, g in zip(params, grads):
        p.grad = None if g is None else torch.tensor(g, dtype=p.dtype)
    optimizer.step(params)


# ------------------------------------------------------------------------ lookup and configs
@pytest.mark.parametrize("name", ["sgd", "SGD", "rmsprop", "RMSProp", "adagrad", "Adadelta",
                                  "adam", "ADAM", "adamax", "nadam"])
def test_get_by_name_is_case_insensitive(name):
    optimizer = optimizers.get(name)
    assert type(optimizer).__name__.lower() == name.lower()
    assert optimizer.get_config() == KERAS_DEFAULT_CONFIGS[type(optimizer).__name__]


def test_get_returns_instances_unchanged_and_builds_from_dicts():
    optimizer = Adam(lr=0.01)
    assert optimizers.get(optimizer) is optimizer
    built = optimizers.get({"class_name": "SGD", "config": {"lr": 0.5, "momentum": 0.9}})
    assert isinstance(built, SGD)
    assert built.get_config()["lr"] == 0.5
    assert built.get_config()["momentum"] == pytest.approx(0.9)


@pytest.mark.parametrize("identifier, message", [
    ("adamw", "Unknown optimizer: 'adamw'. Did you mean 'adam'?"),
    ("Adamm", "Did you mean 'adam'?"),
    (42, "Could not interpret optimizer identifier: 42"),
    (torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1), "Got a torch optimizer (SGD)"),
])
def test_get_rejects_unknown_identifiers(identifier, message):
    with pytest.raises(ValueError) as info:
        optimizers.get(identifier)
    assert message in str(info.value)


@pytest.mark.parametrize("cls", ALL)
def test_default_configs_are_keras_2_2_4(cls):
    assert cls().get_config() == KERAS_DEFAULT_CONFIGS[cls.__name__]


@pytest.mark.parametrize("cls, kwargs", [
    (SGD, {"lr": 0.5, "momentum": 0.25, "decay": 0.125, "nesterov": True, "clipnorm": 1.5}),
    (RMSprop, {"lr": 0.25, "rho": 0.5, "epsilon": 1e-3, "decay": 0.5, "clipvalue": 0.5}),
    (Adagrad, {"lr": 0.25, "epsilon": 1e-4, "decay": 0.5}),
    (Adadelta, {"lr": 0.5, "rho": 0.75, "epsilon": 1e-5, "decay": 0.25}),
    (Adam, {"lr": 0.25, "beta_1": 0.5, "beta_2": 0.75, "epsilon": 1e-3, "decay": 0.5,
            "amsgrad": True, "clipnorm": 2.0, "clipvalue": 3.0}),
    (Adamax, {"lr": 0.5, "beta_1": 0.25, "beta_2": 0.5, "epsilon": 1e-3, "decay": 0.25}),
    (Nadam, {"lr": 0.5, "beta_1": 0.25, "beta_2": 0.5, "epsilon": 1e-3, "schedule_decay": 0.5}),
])
def test_config_round_trips(cls, kwargs):
    optimizer = cls(**kwargs)
    config = optimizer.get_config()
    assert config == kwargs  # values chosen exact in float32
    assert cls.from_config(config).get_config() == config
    serialized = optimizers.serialize(optimizer)
    assert serialized == {"class_name": cls.__name__, "config": config}
    assert optimizers.deserialize(serialized).get_config() == config


def test_clip_keys_appear_only_when_set():
    assert "clipnorm" not in SGD().get_config()
    assert "clipvalue" not in SGD().get_config()
    assert SGD(clipvalue=0.5).get_config()["clipvalue"] == 0.5


def test_from_config_accepts_keras_2_3_and_tf_keras_keys():
    optimizer = Adam.from_config({"name": "Adam", "learning_rate": 0.25, "beta_1": 0.5,
                                  "beta_2": 0.75, "decay": 0.0, "epsilon": 1e-7,
                                  "amsgrad": False})
    assert optimizer.get_config()["lr"] == 0.25
    assert optimizers.deserialize({"class_name": "RMSprop",
                                   "config": {"learning_rate": 0.5}}).get_config()["lr"] == 0.5


# --------------------------------------------------------------------- constructor arguments
@pytest.mark.parametrize("cls", ALL)
def test_lr_and_learning_rate_are_the_same_argument(cls):
    assert cls(lr=0.25).get_config() == cls(learning_rate=0.25).get_config()
    assert cls(0.25).get_config()["lr"] == 0.25
    with pytest.raises(TypeError, match="passed twice: lr=0.1 and learning_rate=0.2"):
        cls(lr=0.1, learning_rate=0.2)


@pytest.mark.parametrize("cls", ALL)
def test_unknown_keyword_raises_type_error_like_keras(cls):
    with pytest.raises(TypeError, match="^Unexpected keyword argument passed to optimizer: foo$"):
        cls(foo=1)


def test_nadam_has_no_decay_argument_as_in_keras_2_2_4():
    with pytest.raises(TypeError, match="Unexpected keyword argument passed to optimizer: decay"):
        Nadam(decay=0.01)


@pytest.mark.parametrize("kwargs, message", [
    ({"clipnorm": -1.0}, "`clipnorm` must be a number >= 0"),
    ({"clipvalue": "big"}, "`clipvalue` must be a number >= 0"),
])
def test_bad_clip_values_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD(**kwargs)


def test_hyperparameters_must_be_numbers():
    with pytest.raises(TypeError, match=r"SGD\(lr=\.\.\.\) expects a number, received '0.1'"):
        SGD(lr="0.1")


# ------------------------------------------------------------------------------ variables
def test_lr_is_one_float32_tensor_shared_with_learning_rate():
    optimizer = Adam(lr=0.01)
    assert optimizer.lr is optimizer.learning_rate
    assert optimizer.lr.dtype == torch.float32 and optimizer.lr.shape == ()
    assert K.get_value(optimizer.lr) == np.float32(0.01)
    assert optimizer.iterations.dtype == torch.int64
    assert K.get_value(optimizer.decay) == 0.0
    assert K.get_value(optimizer.beta_1) == np.float32(0.9)


def test_set_value_on_lr_takes_effect_on_the_next_step():
    w = parameter([1.0])
    optimizer = SGD(lr=0.1)
    step_with(optimizer, [w], [[1.0]])
    assert w.item() == pytest.approx(0.9)
    K.set_value(optimizer.lr, 0.5)
    step_with(optimizer, [w], [[1.0]])
    assert w.item() == pytest.approx(0.4)
    optimizer.learning_rate = 0.25  # plain assignment writes into the same tensor
    step_with(optimizer, [w], [[1.0]])
    assert w.item() == pytest.approx(0.15)
    assert K.get_value(optimizer.lr) == 0.25


def test_set_value_on_momentum_and_iterations_take_effect():
    w = parameter([0.0])
    optimizer = SGD(lr=1.0, momentum=0.5)
    step_with(optimizer, [w], [[1.0]])  # v = -1
    K.set_value(optimizer.momentum, 0.25)
    step_with(optimizer, [w], [[1.0]])  # v = 0.25 * -1 - 1
    assert w.item() == pytest.approx(-1.0 - 1.25)
    decayed = Adam(lr=1.0, decay=1.0)
    K.set_value(decayed.iterations, 3)
    assert decayed._decayed_lr(decayed._current_values()) == pytest.approx(0.25)


def test_iterations_count_steps_including_steps_without_gradients():
    w = parameter([1.0])
    optimizer = RMSprop()
    step_with(optimizer, [w], [[1.0]])
    step_with(optimizer, [w], [None])
    assert K.get_value(optimizer.iterations) == 2
    assert K.get_value(optimizer.iterations).dtype == np.int64


def test_decay_follows_keras_lr_over_one_plus_decay_times_iterations():
    w = parameter([0.0])
    optimizer = SGD(lr=1.0, decay=0.5)
    for _ in range(3):
        step_with(optimizer, [w], [[1.0]])
    assert w.item() == pytest.approx(-(1.0 + 1 / 1.5 + 1 / 2.0))


def test_decay_set_later_is_ignored_when_constructed_with_zero_like_keras():
    w = parameter([0.0])
    optimizer = SGD(lr=1.0)
    K.set_value(optimizer.decay, 10.0)
    step_with(optimizer, [w], [[1.0]])
    step_with(optimizer, [w], [[1.0]])
    assert w.item() == pytest.approx(-2.0)


# -------------------------------------------------------------------------------- clipping
def test_clipnorm_uses_the_global_norm_of_all_gradients():
    # Each gradient has norm 0.8 < 1, but together the norm is 0.8 * sqrt(2) > 1: Keras 2.2.4 clips.
    a, b = parameter([0.0, 0.0]), parameter([0.0, 0.0])
    step_with(SGD(lr=1.0, clipnorm=1.0), [a, b], [[0.8, 0.0], [0.0, 0.8]])
    np.testing.assert_allclose(a.detach().numpy(), [-np.sqrt(0.5), 0.0], rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), [0.0, -np.sqrt(0.5)], rtol=1e-6)


def test_clipnorm_leaves_small_gradients_and_does_not_touch_grad_attributes():
    w = parameter([0.0, 0.0])
    step_with(SGD(lr=1.0, clipnorm=10.0, clipvalue=0.5), [w], [[3.0, -0.25]])
    np.testing.assert_allclose(w.detach().numpy(), [-0.5, 0.25])
    np.testing.assert_allclose(w.grad.numpy(), [3.0, -0.25])


def test_clipnorm_spans_parameters_of_different_dtypes():
    a = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    b = parameter([0.0, 0.0])
    step_with(SGD(lr=1.0, clipnorm=1.0), [a, b], [[3.0, 0.0], [0.0, 4.0]])
    # The global norm is 5: the gradients are scaled by 1/5.
    np.testing.assert_allclose(a.detach().numpy(), [-0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), [0.0, -0.8], rtol=1e-6)
    assert a.dtype == torch.float64


# -------------------------------------------------------------------------- parameter lists
def test_parameters_without_gradient_are_skipped_with_their_slots():
    init, steps = make_case(seed=3)
    params = [torch.nn.Parameter(torch.tensor(p)) for p in init]
    optimizer = Adam(lr=0.01)
    for grads in steps:
        step_with(optimizer, params, grads[:2] + [None] + grads[3:])
    reference = run_reference("Adam", [init[i] for i in (0, 1, 3)],
                              [[g[i] for i in (0, 1, 3)] for g in steps], lr=0.01)[0]
    for i, ref in zip((0, 1, 3), reference):
        np.testing.assert_allclose(params[i].detach().numpy(), ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(params[2].detach().numpy(), init[2])
    weights = optimizer.get_weights()
    np.testing.assert_array_equal(weights[1 + 2], 0.0)  # ms of the skipped parameter


def test_state_follows_each_parameter_when_the_list_changes():
    init, steps = make_case(seed=4)
    params = [torch.nn.Parameter(torch.tensor(p)) for p in init]
    optimizer = RMSprop(lr=0.01)
    for grads in steps[:2]:
        step_with(optimizer, params, grads)
    kept = [params[3], params[1]]  # a frozen layer and a new order, as after re-compiling
    for grads in steps[2:]:
        step_with(optimizer, kept, [grads[3], grads[1]])
    assert [w.shape for w in optimizer.get_weights()] == [(1,), (4,)]
    for i in (1, 3):
        ref = run_reference("RMSprop", [init[i]], [[g[i]] for g in steps], lr=0.01)[0][0]
        np.testing.assert_allclose(params[i].detach().numpy(), ref, rtol=1e-5, atol=1e-6)
    ref0 = run_reference("RMSprop", [init[0]], [[g[0]] for g in steps[:2]], lr=0.01)[0][0]
    np.testing.assert_allclose(params[0].detach().numpy(), ref0, rtol=1e-5, atol=1e-6)


def test_float64_and_float32_parameters_in_one_list():
    a = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
    b = parameter([1.0, 1.0])
    optimizer = Adam(lr=0.1)
    for _ in range(3):
        step_with(optimizer, [a, b], [[1.0, -1.0, 0.5], [2.0, -2.0]])
    # Constant gradients: every Adam step moves by lr * sign(g) * (1 - b2^t)^0.5 / ... ~ lr.
    assert a.dtype == torch.float64 and b.dtype == torch.float32
    np.testing.assert_allclose(a.detach().numpy(), [0.7, 1.3, 0.7], atol=1e-5)
    np.testing.assert_allclose(b.detach().numpy(), [0.7, 1.3], atol=1e-5)


# ----------------------------------------------------------------------------------- weights
@pytest.mark.parametrize("cls, layout", [
    (SGD, ["iterations", "m", "m"]),
    (RMSprop, ["a", "a"]),
    (Adagrad, ["a", "a"]),
    (Adadelta, ["a", "a", "d", "d"]),
    (Adam, ["iterations", "m", "m", "v", "v", "(1,)", "(1,)"]),
    (Adamax, ["iterations", "m", "m", "u", "u"]),
    (Nadam, ["iterations", "m", "m", "v", "v"]),
])
def test_weights_follow_keras_2_2_4_layout(cls, layout):
    params = [parameter(np.zeros((2, 3))), parameter(np.zeros(3))]
    optimizer = cls()
    assert optimizer.get_weights() == []
    step_with(optimizer, params, [np.ones((2, 3)), np.ones(3)])
    shapes = [w.shape for w in optimizer.get_weights()]
    slot_shapes = iter([(2, 3), (3,)] * 3)
    expected = [() if kind == "iterations" else (1,) if kind == "(1,)" else next(slot_shapes)
                for kind in layout]
    assert shapes == expected


def test_amsgrad_weights_hold_vhats_shaped_like_params():
    params = [parameter(np.zeros((2, 3)))]
    optimizer = Adam(amsgrad=True)
    step_with(optimizer, params, [np.ones((2, 3))])
    assert [w.shape for w in optimizer.get_weights()] == [(), (2, 3), (2, 3), (2, 3)]


@pytest.mark.parametrize("cls", ALL)
def test_set_weights_resumes_training_exactly(cls):
    init, steps = make_case(seed=5)
    kwargs = {"momentum": 0.9} if cls is SGD else {}
    first = cls(**kwargs)
    params = [torch.nn.Parameter(torch.tensor(p)) for p in init]
    for grads in steps[:3]:
        step_with(first, params, grads)
    weights = first.get_weights()
    resumed = cls(**kwargs)
    copies = [torch.nn.Parameter(p.detach().clone()) for p in params]
    resumed.build(copies)
    resumed.set_weights(weights)
    for a, b in zip(resumed.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    for grads in steps[3:]:
        step_with(first, params, grads)
        step_with(resumed, copies, grads)
    for a, b in zip(params, copies):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def assert_resume_matches_reference(optimizer_class, seed):
    """Three steps with one optimizer, the rest with a new one given its weights: the
    parameters must end where the NumPy reference's do after all the steps."""
    init, steps = make_case(seed=seed)
    params, weights = run_cornu(optimizer_class(lr=0.01), init, steps[:3])
    resumed = optimizer_class(lr=0.01)
    copies = [torch.nn.Parameter(torch.tensor(p)) for p in params]
    resumed.build(copies)
    resumed.set_weights(weights)
    for grads in steps[3:]:
        step_with(resumed, copies, grads)
    ref = run_reference(optimizer_class.__name__, init, steps, lr=0.01)[0]
    for got, expected in zip(copies, ref):
        np.testing.assert_allclose(got.detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_set_weights_resume_for_optimizers_without_saved_iterations():
    assert_resume_matches_reference(RMSprop, seed=6)


def test_nadam_resume_recomputes_its_momentum_schedule():
    assert_resume_matches_reference(Nadam, seed=7)


def test_set_weights_accepts_keras_2_3_layouts():
    params = [parameter(np.zeros(2))]
    rmsprop = RMSprop()
    rmsprop.build(params)
    rmsprop.set_weights([np.array(7), np.array([1.0, 2.0])])  # iterations first
    assert K.get_value(rmsprop.iterations) == 7
    np.testing.assert_array_equal(rmsprop.get_weights()[0], [1.0, 2.0])

    adam = Adam()
    adam.build(params)
    adam.set_weights([np.array(2), np.array([1.0, 1.0]), np.array([4.0, 4.0])])  # no vhats
    np.testing.assert_array_equal(adam.get_weights()[2], [4.0, 4.0])

    nadam = Nadam()
    nadam.build(params)
    nadam.set_weights([np.array(3), np.array(0.5), np.zeros(2), np.zeros(2)])  # m_schedule
    assert K.get_value(nadam.iterations) == 3
    assert nadam.m_schedule == 0.5


def test_set_weights_errors_say_what_is_wrong():
    optimizer = Adam()
    with pytest.raises(ValueError, match=r"does not match the number of weights of the "
                                         r"optimizer \(0\).*optimizer.build"):
        optimizer.set_weights([np.array(0)])
    optimizer.build([parameter(np.zeros(2))])
    with pytest.raises(ValueError, match=r"Optimizer weight shape \(2,\) not compatible with "
                                         r"provided weight shape \(3,\)"):
        optimizer.set_weights([np.array(0), np.zeros(3), np.zeros(2), np.zeros(1)])
    with pytest.raises(ValueError, match=r"\(2\) does not match .* \(4\)"):
        optimizer.set_weights([np.array(0), np.zeros(2)])


def test_step_restores_the_grad_mode_it_found():
    w = parameter([1.0])
    optimizer = Adam()
    step_with(optimizer, [w], [[1.0]])
    assert torch.is_grad_enabled()
    with torch.no_grad():
        step_with(optimizer, [w], [[1.0]])
        assert not torch.is_grad_enabled()

    class Failing(SGD):
        def _update(self, group, values):
            raise RuntimeError("update failed")

    with pytest.raises(RuntimeError, match="update failed"):
        step_with(Failing(), [w], [[1.0]])
    assert torch.is_grad_enabled()


def test_keras_lowercase_aliases():
    assert optimizers.sgd is SGD and optimizers.rmsprop is RMSprop and optimizers.adam is Adam
    assert optimizers.adagrad is Adagrad and optimizers.adadelta is Adadelta
    assert optimizers.adamax is Adamax and optimizers.nadam is Nadam


@pytest.mark.parametrize("cls", [SGD, RMSprop, Adam])
def test_bound_gradients_update_like_fresh_grad_attributes(cls):
    torch.manual_seed(0)
    values = [torch.randn(3, 2), torch.randn(2)]
    grads = [torch.randn(3, 2), torch.randn(2)]
    by_attribute = [torch.nn.Parameter(v.clone()) for v in values]
    bound = [torch.nn.Parameter(v.clone()) for v in values]
    opt_a, opt_b = cls(lr=0.1, decay=0.01), cls(lr=0.1, decay=0.01)
    opt_b.bind(bound)
    views = [p.grad for p in bound]
    assert [tuple(v.shape) for v in views] == [(3, 2), (2,)]
    assert all(float(v.abs().sum()) == 0 for v in views)
    flat = views[0].untyped_storage().data_ptr()
    assert views[1].untyped_storage().data_ptr() == flat  # one flat buffer
    for _ in range(3):
        for p, g in zip(by_attribute, grads):
            p.grad = g.clone()
        opt_a.step(by_attribute)
        for p, g in zip(bound, grads):
            p.grad.copy_(g)  # as a step computing gradients itself writes them
        opt_b.step(bound)
    for a, b in zip(by_attribute, bound):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
    assert [p.grad for p in bound] == views and int(opt_b.iterations) == 3


def test_a_gradient_that_is_not_the_bound_view_is_copied_in():
    w = torch.nn.Parameter(torch.ones(2))
    opt = SGD(lr=1.0)
    opt.bind([w])
    view = w.grad
    w.grad = torch.full((2,), 7.0)  # autograd's fresh gradient, e.g.
    opt.step([w])
    assert w.tolist() == [-6.0, -6.0]
    assert view.tolist() == [0.0, 0.0]  # the view was not read


def test_bound_views_of_an_earlier_binding_stay_valid_after_the_optimizer_is_rebound():
    w, v = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(1))
    opt = SGD(lr=1.0)
    opt.bind([w])
    v.grad = torch.ones(1)
    opt.step([v])  # another parameter list rebinds the optimizer
    w.grad.fill_(0.5)
    opt.step([w])  # the old view's values are copied in, not lost
    assert w.tolist() == [0.5, 0.5] and v.tolist() == [0.0]


def test_bind_groups_parameters_of_several_dtypes():
    params = [torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2).double())]
    opt = SGD(lr=1.0)
    opt.bind(params)
    assert [p.grad.dtype for p in params] == [torch.float32, torch.float64]
    for p in params:
        p.grad.fill_(1.0)
    opt.step(params)
    assert [p.tolist() for p in params] == [[0.0, 0.0], [0.0, 0.0]]


def test_decay_counts_every_step():
    w = torch.nn.Parameter(torch.zeros(1))
    opt = SGD(lr=1.0, decay=1.0)
    for _ in range(3):
        w.grad = torch.ones(1)
        opt.step([w])
    assert int(opt.iterations) == 3
    # Keras 2 decay: lr / (1 + decay * iterations) with iterations 0, 1, 2
    assert w.item() == pytest.approx(-(1 + 1 / 2 + 1 / 3), rel=1e-6)
