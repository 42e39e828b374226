"""keras.backend tensor functions: real tensors against NumPy, symbolic shapes and values."""
import numpy as np
import pytest
import torch

from cornu import backend as K
from cornu.layers import Dense, Input
from cornu.models import Model

RNG = np.random.RandomState(0)
A = RNG.randn(4, 3).astype("float32")
B = RNG.randn(4, 3).astype("float32")
P = RNG.uniform(0.05, 0.95, (4, 3)).astype("float32")
T3 = RNG.randn(2, 3, 4).astype("float32")


def t(array):
    return torch.tensor(array)


def close(actual, expected, atol=1e-5):
    actual = actual.detach().numpy() if isinstance(actual, torch.Tensor) else actual
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64),
                               np.asarray(expected, dtype=np.float64), rtol=1e-5, atol=atol)


def symbolic_run(function, *arrays):
    """Applies ``function`` to placeholders (batch unknown) and runs it with K.function."""
    placeholders = [K.placeholder(shape=(None,) + a.shape[1:]) for a in arrays]
    out = function(*placeholders)
    return out, K.function(placeholders, [out])(list(arrays))[0]


# name, backend call, NumPy reference, inputs
UNARY_CASES = [
    ("mean_all", lambda x: K.mean(x), lambda x: x.mean(), [A]),
    ("mean_axis0", lambda x: K.mean(x, axis=0), lambda x: x.mean(0), [A]),
    ("mean_keepdims", lambda x: K.mean(x, axis=-1, keepdims=True),
     lambda x: x.mean(-1, keepdims=True), [A]),
    ("mean_axes", lambda x: K.mean(x, axis=(0, 2)), lambda x: x.mean((0, 2)), [T3]),
    ("sum", lambda x: K.sum(x, axis=1), lambda x: x.sum(1), [A]),
    ("max", lambda x: K.max(x, axis=[0, 1]), lambda x: x.max((0, 1)), [T3]),
    ("min", lambda x: K.min(x, axis=-1, keepdims=True), lambda x: x.min(-1, keepdims=True),
     [A]),
    ("prod", lambda x: K.prod(x, axis=(1, 2)), lambda x: x.prod((1, 2)), [T3]),
    ("prod_all", lambda x: K.prod(x), lambda x: x.prod(), [A]),
    ("var", lambda x: K.var(x, axis=0), lambda x: x.var(0), [A]),
    ("std", lambda x: K.std(x, axis=-1, keepdims=True), lambda x: x.std(-1, keepdims=True),
     [A]),
    ("square", K.square, np.square, [A]),
    ("sqrt_clips_negatives", K.sqrt, lambda x: np.sqrt(np.maximum(x, 0)), [A]),
    ("abs", K.abs, np.abs, [A]),
    ("exp", K.exp, np.exp, [A]),
    ("log", K.log, np.log, [P]),
    ("pow", lambda x: K.pow(x, 3), lambda x: x ** 3, [A]),
    ("clip", lambda x: K.clip(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), [A]),
    ("clip_max_below_min", lambda x: K.clip(x, 0.5, 0.1), lambda x: np.full_like(x, 0.5), [A]),
    ("round", K.round, np.round, [A * 3]),
    ("sign", K.sign, np.sign, [A]),
    ("argmax", lambda x: K.argmax(x), lambda x: x.argmax(-1), [A]),
    ("argmin", lambda x: K.argmin(x, axis=0), lambda x: x.argmin(0), [A]),
    ("any", lambda x: K.any(K.greater(x, 1.0), axis=1), lambda x: (x > 1).any(1), [A]),
    ("all", lambda x: K.all(K.greater(x, -1.0), axis=1), lambda x: (x > -1).all(1), [A]),
    ("transpose", K.transpose, lambda x: x.T, [A]),
    ("transpose_3d", K.transpose, lambda x: x.transpose(2, 1, 0), [T3]),
    ("reshape", lambda x: K.reshape(x, (-1, 2, 6)), lambda x: x.reshape(-1, 2, 6), [T3]),
    ("permute", lambda x: K.permute_dimensions(x, (0, 2, 1)),
     lambda x: x.transpose(0, 2, 1), [T3]),
    ("expand_dims", K.expand_dims, lambda x: x[..., None], [A]),
    ("expand_dims_1", lambda x: K.expand_dims(x, 1), lambda x: x[:, None], [A]),
    ("squeeze", lambda x: K.squeeze(x, 1), lambda x: x[:, 0], [A[:, :1]]),
    ("flatten", K.flatten, lambda x: x.reshape(-1), [T3]),
    ("batch_flatten", K.batch_flatten, lambda x: x.reshape(len(x), -1), [T3]),
    ("repeat_elements", lambda x: K.repeat_elements(x, 2, axis=1),
     lambda x: np.repeat(x, 2, axis=1), [A]),
    ("repeat", lambda x: K.repeat(x, 3), lambda x: np.repeat(x[:, None], 3, axis=1), [A]),
    ("tile", lambda x: K.tile(x, (2, 3)), lambda x: np.tile(x, (2, 3)), [A]),
    ("reverse", lambda x: K.reverse(x, 1), lambda x: x[:, ::-1], [A]),
    ("softmax", K.softmax, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True), [A]),
    ("softmax_axis0", lambda x: K.softmax(x, axis=0),
     lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True), [A]),
    ("sigmoid", K.sigmoid, lambda x: 1 / (1 + np.exp(-x)), [A]),
    ("hard_sigmoid", K.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1), [A * 4]),
    ("relu", K.relu, lambda x: np.maximum(x, 0), [A]),
    ("relu_options", lambda x: K.relu(x, alpha=0.1, max_value=0.5),
     lambda x: np.where(x > 0, np.minimum(x, 0.5), 0.1 * x), [A]),
    ("tanh", K.tanh, np.tanh, [A]),
    ("elu", K.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1), [A]),
    ("softplus", K.softplus, lambda x: np.log1p(np.exp(x)), [A]),
    ("softsign", K.softsign, lambda x: x / (1 + np.abs(x)), [A]),
    ("l2_normalize_axis", lambda x: K.l2_normalize(x, axis=-1),
     lambda x: x / np.sqrt((x ** 2).sum(-1, keepdims=True)), [A]),
    ("l2_normalize_all", K.l2_normalize, lambda x: x / np.sqrt((x ** 2).sum()), [A]),
    ("cast", lambda x: K.cast(K.greater(x, 0), "float32"), lambda x: (x > 0).astype("f"), [A]),
    ("stop_gradient", K.stop_gradient, lambda x: x, [A]),
    ("zeros_like", K.zeros_like, np.zeros_like, [A]),
    ("ones_like", K.ones_like, np.ones_like, [A]),
    ("one_hot", lambda x: K.one_hot(K.argmax(x), 3), lambda x: np.eye(3)[x.argmax(-1)], [A]),
]

BINARY_CASES = [
    ("maximum", K.maximum, np.maximum, [A, B]),
    ("minimum", K.minimum, np.minimum, [A, B]),
    ("equal", K.equal, np.equal, [A, np.where(A > 0, A, B)]),
    ("not_equal", K.not_equal, np.not_equal, [A, np.where(A > 0, A, B)]),
    ("greater", K.greater, np.greater, [A, B]),
    ("greater_equal", K.greater_equal, np.greater_equal, [A, A * (B > 0)]),
    ("less", K.less, np.less, [A, B]),
    ("less_equal", K.less_equal, np.less_equal, [A, A * (B > 0)]),
    ("switch", lambda a, b: K.switch(K.greater(a, 0), a, b),
     lambda a, b: np.where(a > 0, a, b), [A, B]),
    ("concatenate", lambda a, b: K.concatenate([a, b]), lambda a, b: np.concatenate([a, b], -1),
     [A, B]),
    ("concatenate_axis0", lambda a, b: K.concatenate([a, b], axis=0),
     lambda a, b: np.concatenate([a, b], 0), [A, B]),
    ("stack", lambda a, b: K.stack([a, b], axis=1), lambda a, b: np.stack([a, b], 1), [A, B]),
    ("batch_dot", lambda a, b: K.batch_dot(a, b, axes=1),
     lambda a, b: (a * b).sum(1, keepdims=True), [A, B]),
    ("binary_crossentropy", K.binary_crossentropy,
     lambda y, p: -(y * np.log(p) + (1 - y) * np.log(1 - p)), [(B > 0).astype("f"), P]),
    ("binary_crossentropy_logits", lambda y, z: K.binary_crossentropy(y, z, from_logits=True),
     lambda y, z: -(y * np.log(1 / (1 + np.exp(-z))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-z)))),
     [(B > 0).astype("f"), A]),
    ("categorical_crossentropy", K.categorical_crossentropy,
     lambda y, p: -(y * np.log(p / p.sum(-1, keepdims=True))).sum(-1),
     [np.eye(3, dtype="f")[[0, 2, 1, 0]], P]),
    ("categorical_crossentropy_logits",
     lambda y, z: K.categorical_crossentropy(y, z, from_logits=True),
     lambda y, z: -(y * (z - np.log(np.exp(z).sum(-1, keepdims=True)))).sum(-1),
     [np.eye(3, dtype="f")[[0, 2, 1, 0]], A]),
    ("categorical_crossentropy_axis0",
     lambda y, p: K.categorical_crossentropy(y, p, axis=0),
     lambda y, p: -(y * np.log(p / p.sum(0, keepdims=True))).sum(0),
     [np.eye(4, dtype="f")[:, [0, 2, 1]], P]),
]


@pytest.mark.parametrize("name,function,reference,inputs",
                         UNARY_CASES + BINARY_CASES, ids=[c[0] for c in UNARY_CASES + BINARY_CASES])
def test_functions_on_real_tensors_match_numpy(name, function, reference, inputs):
    close(function(*[t(a) for a in inputs]), reference(*inputs))


@pytest.mark.parametrize("name,function,reference,inputs",
                         UNARY_CASES + BINARY_CASES, ids=[c[0] for c in UNARY_CASES + BINARY_CASES])
def test_functions_on_symbolic_tensors_give_shapes_and_values(name, function, reference, inputs):
    out, value = symbolic_run(function, *inputs)
    expected = np.asarray(reference(*inputs))
    close(value, expected)
    assert len(out.shape) == expected.ndim
    for static, actual in zip(out.shape, expected.shape):
        assert static is None or static == actual


def test_symbolic_shapes_keep_fixed_dims_and_mark_batch_unknown():
    x = Input(shape=(5, 3))
    assert K.mean(x, axis=0).shape == (5, 3)
    assert K.mean(x, axis=(0, 1, 2)).shape == ()
    assert K.mean(x, axis=-1).shape == (None, 5)
    assert K.sum(x, axis=1, keepdims=True).shape == (None, 1, 3)
    assert K.batch_flatten(x).shape == (None, 15)
    assert K.flatten(x).shape == (None,)
    assert K.permute_dimensions(x, (0, 2, 1)).shape == (None, 3, 5)
    assert K.argmax(x).shape == (None, 5)
    assert K.argmax(x).dtype == torch.int64
    assert K.greater(x, 0).dtype == torch.bool
    assert K.shape(x).shape == (3,)
    assert K.concatenate([x, x], axis=1).shape == (None, 10, 3)
    assert K.ndim(x) == 3 and K.dtype(x) == "float32"
    assert K.int_shape(K.expand_dims(x, 1)) == (None, 1, 5, 3)


def test_dot_nd_follows_keras_semantics():
    x, y = RNG.randn(2, 3, 4).astype("f"), RNG.randn(4, 5).astype("f")
    close(K.dot(t(x), t(y)), x @ y)
    x2, y3 = RNG.randn(2, 3).astype("f"), RNG.randn(4, 3, 5).astype("f")
    out = K.dot(t(x2), t(y3))
    assert out.shape == (2, 4, 5)
    close(out, np.einsum("ij,kjl->ikl", x2, y3))
    x4, y4 = RNG.randn(2, 3, 4).astype("f"), RNG.randn(6, 4, 5).astype("f")
    close(K.dot(t(x4), t(y4)), np.einsum("abi,cid->abcd", x4, y4))
    close(K.dot(t(A), t(B.T)), A @ B.T)
    assert K.dot(Input(shape=(3, 4)), t(y)).shape == (None, 3, 5)


def test_batch_dot_axes_cases():
    x = np.array([[1, 2], [3, 4]], "f")
    y = np.array([[5, 6], [7, 8]], "f")
    close(K.batch_dot(t(x), t(y), axes=1), [[17], [53]])
    # (32, 20, 1) . (32, 30, 20) over (1, 2) -> (32, 1, 30)
    x = RNG.randn(32, 20, 1).astype("f")
    y = RNG.randn(32, 30, 20).astype("f")
    out = K.batch_dot(t(x), t(y), axes=(1, 2))
    assert out.shape == (32, 1, 30)
    close(out, np.einsum("bik,bji->bkj", x, y), atol=1e-4)
    # (100, 20) . (100, 30, 20) over (1, 2) -> (100, 30)
    x = RNG.randn(100, 20).astype("f")
    y = RNG.randn(100, 30, 20).astype("f")
    out = K.batch_dot(t(x), t(y), axes=(1, 2))
    assert out.shape == (100, 30)
    close(out, np.einsum("bi,bji->bj", x, y), atol=1e-4)
    # default axes: a batched matrix product
    x = RNG.randn(3, 2, 4).astype("f")
    y = RNG.randn(3, 4, 5).astype("f")
    close(K.batch_dot(t(x), t(y)), x @ y)
    # both over their last axes, negative axes allowed
    z = RNG.randn(3, 6, 4).astype("f")
    close(K.batch_dot(t(x), t(z), axes=(-1, -1)), np.einsum("bik,bjk->bij", x, z))
    # rank 3 . rank 2 over (2, 1) -> (batch, 2)
    v = RNG.randn(3, 4).astype("f")
    out = K.batch_dot(t(x), t(v), axes=(2, 1))
    assert out.shape == (3, 2)
    close(out, np.einsum("bik,bk->bi", x, v))
    assert K.batch_dot(Input(shape=(2, 4)), Input(shape=(4,)), axes=(2, 1)).shape == (None, 2)
    with pytest.raises(ValueError, match="Multiple target dimensions"):
        K.batch_dot(t(x), t(y), axes=[(1, 2), 1])


def test_gather_and_sparse_crossentropy():
    reference = RNG.randn(5, 3).astype("f")
    close(K.gather(t(reference), torch.tensor([4, 0, 4])), reference[[4, 0, 4]])
    labels = np.array([0, 2, 1, 0])
    probs = P / P.sum(-1, keepdims=True)
    expected = -np.log(probs[np.arange(4), labels])
    close(K.sparse_categorical_crossentropy(torch.tensor(labels), t(probs)), expected)
    close(K.sparse_categorical_crossentropy(torch.tensor(labels), t(A), from_logits=True),
          -(A - np.log(np.exp(A).sum(-1, keepdims=True)))[np.arange(4), labels])
    indices = K.placeholder(shape=(None,), dtype="int64")
    table = t(reference)
    rows = K.gather(table, indices)
    assert rows.shape == (None, 3)
    close(K.function([indices], [rows])([np.array([1, 3])])[0], reference[[1, 3]])


def test_variables_constants_and_creation():
    v = K.variable(np.ones((2, 2)))
    assert isinstance(v, torch.Tensor) and v.dtype == torch.float32 and v.requires_grad
    K.set_value(v, np.full((2, 2), 3.0))
    np.testing.assert_array_equal(K.get_value(v), np.full((2, 2), 3.0))
    np.testing.assert_array_equal(K.eval(K.sum(v)), 12.0)
    source = np.zeros(3)
    copy = K.variable(source)
    K.set_value(copy, [1, 2, 3])
    assert source.sum() == 0
    assert K.variable([1, 2], dtype="int32").dtype == torch.int32
    np.testing.assert_array_equal(K.eval(K.zeros((2, 3))), np.zeros((2, 3)))
    np.testing.assert_array_equal(K.eval(K.ones((2,), dtype="int64")), [1, 1])
    np.testing.assert_array_equal(K.eval(K.eye(3)), np.eye(3))
    np.testing.assert_array_equal(K.eval(K.constant(2.0, shape=(2, 2))), np.full((2, 2), 2.0))
    assert K.constant([1, 2]).dtype == torch.float32
    assert K.dtype(K.constant([1, 2], dtype="int32")) == "int32"
    with pytest.raises(ValueError, match="K.function"):
        K.eval(Input(shape=(2,)))


def test_shape_and_random_functions():
    x = torch.zeros(3, 5)
    assert K.shape(x).tolist() == [3, 5] and K.shape(x).dtype == torch.int32
    assert K.ndim(x) == 2
    sample = K.random_normal((2000,), mean=1.0, stddev=2.0, seed=3)
    assert abs(float(sample.mean()) - 1.0) < 0.15 and abs(float(sample.std()) - 2.0) < 0.15
    torch.testing.assert_close(sample, K.random_normal((2000,), mean=1.0, stddev=2.0, seed=3))
    uniform = K.random_uniform((1000,), minval=-2.0, maxval=-1.0)
    assert float(uniform.min()) >= -2.0 and float(uniform.max()) < -1.0
    binary = K.random_binomial((1000,), p=0.3)
    assert set(binary.unique().tolist()) <= {0.0, 1.0}
    assert 0.2 < float(binary.mean()) < 0.4
    truncated = K.truncated_normal((1000,), stddev=0.5)
    assert float(truncated.abs().max()) <= 1.0


def test_symbolic_shape_drives_random_sampling():
    """The VAE sampling idiom: noise shaped like the batch, drawn at run time."""
    z_mean = Input(shape=(2,))
    batch = K.shape(z_mean)[0]
    epsilon = K.random_normal(shape=(batch, 2), mean=0.0, stddev=1.0)
    assert epsilon.shape == (None, 2)
    z = z_mean + epsilon
    sampled = K.function([z_mean], [z, K.shape(z_mean)])([np.zeros((7, 2))])
    assert sampled[0].shape == (7, 2) and sampled[0].std() > 0
    np.testing.assert_array_equal(sampled[1], [7, 2])
    reshaped = K.reshape(Input(shape=(6,)), (K.shape(z_mean)[0], 3, 2))
    assert reshaped.shape == (None, 3, 2)


def test_keras_tensor_operators_build_ops():
    x = Input(shape=(3,))
    y = Input(shape=(3,))
    outputs = [x + y, x - 1, 2 - x, x * y, 3 * x, x / 2, 1 / (x + 10), x // 2, x % 2,
               x ** 2, 2 ** x, -x, abs(x), x @ torch.eye(3), x[:, 0], x[:, 1:], x[0],
               x > y, x <= 0.5, np.ones(3) * x, torch.ones(3) + x]
    for out in outputs[:14] + outputs[19:]:
        assert out.shape == (None, 3)
    assert outputs[14].shape == (None,)
    assert outputs[15].shape == (None, 2)
    assert outputs[16].shape == (3,)
    assert outputs[17].dtype == torch.bool
    a = RNG.rand(4, 3).astype("f")
    b = RNG.rand(4, 3).astype("f")
    values = K.function([x, y], outputs)([a, b])
    expected = [a + b, a - 1, 2 - a, a * b, 3 * a, a / 2, 1 / (a + 10), a // 2, a % 2, a ** 2,
                2 ** a, -a, np.abs(a), a, a[:, 0], a[:, 1:], a[0], a > b, a <= 0.5, a, a + 1]
    for value, reference in zip(values, expected):
        close(value, reference)
    with pytest.raises(TypeError, match="not iterable"):
        list(x)
    assert x in [y, x] and x != y


def test_op_layers_are_named_and_belong_to_models():
    inputs = Input(shape=(4,))
    hidden = Dense(3)(inputs)
    scaled = K.mean(hidden, axis=-1, keepdims=True) * 2.0
    model = Model(inputs, scaled)
    names = [layer.name for layer in model.layers]
    assert names == ["input_1", "dense_1", "tf_op_layer_mean_1", "tf_op_layer_mul_1"]
    x = RNG.rand(5, 4).astype("f")
    kernel, bias = model.layers[1].get_weights()
    close(model.predict(x), 2 * (x @ kernel + bias).mean(-1, keepdims=True))
    assert model.output_shape == (None, 1)
    K.clear_session()
    assert K.mean(Input(shape=(2,)))._keras_history[0].name == "tf_op_layer_mean_1"


def test_symbolic_op_errors_are_clear():
    x = Input(shape=(3,))
    with pytest.raises(ValueError, match="'reshape' failed on symbolic inputs"):
        K.reshape(x, (7, 5))
