"""Optimizer updates against NumPy versions of the Keras 2.2.4 formulas (``keras/optimizers.py``).

Each ``reference_*`` function takes float64 copies of the initial parameters and a list of
per-step gradient lists, and returns ``(params, weights)`` where ``weights`` is what Keras
2.2.4's ``optimizer.get_weights()`` holds after those steps.
"""
import numpy as np
import pytest
import torch

from cornu import optimizers
EPSILON = 1e-7


def f32(x):
    """Keras 2 keeps most hyperparameters in float32 variables."""
    return float(np.float32(x))


def keras_clip(grads, clipnorm=None, clipvalue=None):
    """``Optimizer.get_gradients``: global-norm clipping, then value clipping."""
    if clipnorm is not None and clipnorm > 0:
        norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
        grads = [g * clipnorm / norm if norm >= clipnorm else g for g in grads]
    if clipvalue is not None and clipvalue > 0:
        grads = [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads


def decayed(lr, decay, iterations):
    return lr * (1.0 / (1.0 + decay * iterations)) if decay > 0 else lr


def reference_sgd(params, steps, lr=0.01, momentum=0.0, decay=0.0, nesterov=False,
                  clipnorm=None, clipvalue=None):
    lr, momentum, decay = f32(lr), f32(momentum), f32(decay)
    moments = [np.zeros_like(p) for p in params]
    for it, grads in enumerate(steps):
        grads = keras_clip(grads, clipnorm, clipvalue)
        lr_t = decayed(lr, decay, it)
        for p, g, m in zip(params, grads, moments):
            v = momentum * m - lr_t * g
            m[...] = v
            p += momentum * v - lr_t * g if nesterov else v
    return params, [np.array(len(steps))] + moments


def reference_rmsprop(params, steps, lr=0.001, rho=0.9, epsilon=EPSILON, decay=0.0,
                      clipnorm=None, clipvalue=None):
    lr, rho, decay = f32(lr), f32(rho), f32(decay)
    accumulators = [np.zeros_like(p) for p in params]
    for it, grads in enumerate(steps):
        grads = keras_clip(grads, clipnorm, clipvalue)
        lr_t = decayed(lr, decay, it)
        for p, g, a in zip(params, grads, accumulators):
            a[...] = rho * a + (1.0 - rho) * np.square(g)
            p -= lr_t * g / (np.sqrt(a) + epsilon)
    return params, accumulators


def reference_adagrad(params, steps, lr=0.01, epsilon=EPSILON, decay=0.0,
                      clipnorm=None, clipvalue=None):
    lr, decay = f32(lr), f32(decay)
    accumulators = [np.zeros_like(p) for p in params]
    for it, grads in enumerate(steps):
        grads = keras_clip(grads, clipnorm, clipvalue)
        lr_t = decayed(lr, decay, it)
        for p, g, a in zip(params, grads, accumulators):
            a += np.square(g)
            p -= lr_t * g / (np.sqrt(a) + epsilon)
    return params, accumulators


def reference_adadelta(params, steps, lr=1.0, rho=0.95, epsilon=EPSILON, decay=0.0,
                       clipnorm=None, clipvalue=None):
    lr, decay = f32(lr), f32(decay)
    accumulators = [np.zeros_like(p) for p in params]
    deltas = [np.zeros_like(p) for p in params]
    for it, grads in enumerate(steps):
        grads = keras_clip(grads, clipnorm, clipvalue)
        lr_t = decayed(lr, decay, it)
        for p, g, a, d in zip(params, grads, accumulators, deltas):
            a[...] = rho * a + (1.0 - rho) * np.square(g)
            update = g * np.sqrt(d + epsilon) / np.sqrt(a + epsilon)
            p -= lr_t * update
            d[...] = rho * d + (1.0 - rho) * np.square(update)
    return params, accumulators + deltas


def reference_adam(params, steps, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=EPSILON,
                   decay=0.0, amsgrad=False, clipnorm=None, clipvalue=None):
    lr, beta_1, beta_2, decay = f32(lr), f32(beta_1), f32(beta_2), f32(decay)
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    vhats = [np.zeros_like(p) if amsgrad else np.zeros(1) for p in params]
    for it, grads in enumerate(steps):
        grads = keras_clip(grads, clipnorm, clipvalue)
        t = it + 1
        lr_t = decayed(lr, decay, it) * (np.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t))
        for p, g, m, v, vhat in zip(params, grads, ms, vs, vhats):
            m[...] = beta_1 * m + (1.0 - beta_1) * g
            v[...] = beta_2 * v + (1.0 - beta_2) * np.square(g)
            if amsgrad:
                vhat[...] = np.maximum(vhat, v)
                p -= lr_t * m / (np.sqrt(vhat) + epsilon)
            else:
                p -= lr_t * m / (np.sqrt(v) + epsilon)
    return params, [np.array(len(steps))] + ms + vs + vhats


def reference_adamax(params, steps, lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=EPSILON,
                     decay=0.0, clipnorm=None, clipvalue=None):
    lr, beta_1, beta_2, decay = f32(lr), f32(beta_1), f32(beta_2), f32(decay)
    ms = [np.zeros_like(p) for p in params]
    us = [np.zeros_like(p) for p in params]
    for it, grads in enumerate(steps):
        grads = keras_clip(grads, clipnorm, clipvalue)
        lr_t = decayed(lr, decay, it) / (1.0 - beta_1 ** (it + 1))
        for p, g, m, u in zip(params, grads, ms, us):
            m[...] = beta_1 * m + (1.0 - beta_1) * g
            u[...] = np.maximum(beta_2 * u, np.abs(g))
            p -= lr_t * m / (u + epsilon)
    return params, [np.array(len(steps))] + ms + us


def reference_nadam(params, steps, lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=EPSILON,
                    schedule_decay=0.004, clipnorm=None, clipvalue=None):
    lr, beta_1, beta_2 = f32(lr), f32(beta_1), f32(beta_2)
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    m_schedule = 1.0
    for it, grads in enumerate(steps):
        grads = keras_clip(grads, clipnorm, clipvalue)
        t = it + 1
        momentum_cache_t = beta_1 * (1.0 - 0.5 * 0.96 ** (t * schedule_decay))
        momentum_cache_t_1 = beta_1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * schedule_decay))
        m_schedule_new = m_schedule * momentum_cache_t
        m_schedule_next = m_schedule * momentum_cache_t * momentum_cache_t_1
        m_schedule = m_schedule_new
        for p, g, m, v in zip(params, grads, ms, vs):
            g_prime = g / (1.0 - m_schedule_new)
            m[...] = beta_1 * m + (1.0 - beta_1) * g
            m_t_prime = m / (1.0 - m_schedule_next)
            v[...] = beta_2 * v + (1.0 - beta_2) * np.square(g)
            v_t_prime = v / (1.0 - beta_2 ** t)
            m_t_bar = (1.0 - momentum_cache_t) * g_prime + momentum_cache_t_1 * m_t_prime
            p -= lr * m_t_bar / (np.sqrt(v_t_prime) + epsilon)
    return params, [np.array(len(steps))] + ms + vs


REFERENCES = {"SGD": reference_sgd, "RMSprop": reference_rmsprop, "Adagrad": reference_adagrad,
              "Adadelta": reference_adadelta, "Adam": reference_adam, "Adamax": reference_adamax,
              "Nadam": reference_nadam}


SHAPES = [(3, 4), (4,), (2, 3, 2), (1,)]
STEP_SCALES = [1.0, 0.1, 2.0, 0.05, 1.0]  # varying magnitudes, so that AMSGrad's max matters


def make_case(seed=0, scales=STEP_SCALES):
    """Initial float32 parameters and per-step float32 gradients."""
    rng = np.random.RandomState(seed)
    init = [rng.uniform(-1, 1, shape).astype("float32") for shape in SHAPES]
    steps = [[rng.normal(0, scale, shape).astype("float32") for shape in SHAPES]
             for scale in scales]
    return init, steps


def run_cornu(optimizer, init, steps, dtype=torch.float32):
    params = [torch.nn.Parameter(torch.tensor(p, dtype=dtype)) for p in init]
    for grads in steps:
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=dtype)
        optimizer.step(params)
    return [p.detach().numpy() for p in params], optimizer.get_weights()


def run_reference(name, init, steps, **kwargs):
    return REFERENCES[name]([p.astype(np.float64) for p in init],
                            [[g.astype(np.float64) for g in grads] for grads in steps], **kwargs)


# float64 parameters leave only summation-order differences; float32 ones round each step.
TOLERANCES = {torch.float64: {"rtol": 1e-9, "atol": 1e-12}, torch.float32: {"rtol": 2e-4, "atol": 2e-6}}


def assert_same_updates(got_params, ref_params, init, dtype=torch.float32):
    """Compares the total change of each parameter (so small updates are checked closely)."""
    for got, ref, start in zip(got_params, ref_params, init):
        np.testing.assert_allclose(got - start, ref - start, **TOLERANCES[dtype])


CASES = [
    ("SGD", {}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "clipnorm": 1.0}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "rho": 0.8, "epsilon": 0.1}),
    ("RMSprop", {"lr": 0.01, "decay": 0.2, "clipnorm": 0.5, "clipvalue": 0.1}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "epsilon": 0.1, "decay": 0.1}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.9, "epsilon": 1e-3, "decay": 0.1}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 0.1}),
    ("Adam", {"lr": 0.01, "decay": 0.1, "clipvalue": 0.5}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "beta_2": 0.5, "amsgrad": True}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.01, "beta_2": 0.5, "epsilon": 0.1, "decay": 0.1}),
    ("Nadam", {}),
    ("Nadam", {"lr": 0.01, "beta_1": 0.8, "epsilon": 0.1, "schedule_decay": 0.1}),
    ("Nadam", {"clipnorm": 1.0}),
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name, kwargs", CASES)
def test_five_steps_match_keras_2_2_4(name, kwargs, dtype):
    init, steps = make_case(seed=len(kwargs))
    got_params, got_weights = run_cornu(getattr(optimizers, name)(**kwargs), init, steps, dtype)
    ref_params, ref_weights = run_reference(name, init, steps, **kwargs)
    assert_same_updates(got_params, ref_params, init, dtype)
    if name == "SGD" and not kwargs.get("momentum"):
        # Keras 2.2.4 stores -lr * g in unused moments; cornu leaves them at zero.
        ref_weights = ref_weights[:1] + [np.zeros_like(w) for w in ref_weights[1:]]
    assert len(got_weights) == len(ref_weights)
    for got, ref in zip(got_weights, ref_weights):
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, **TOLERANCES[dtype])
