"""The element-wise kernels: values against float64 and NumPy references."""
import numpy as np
import torch

from cornu.kernels.elementwise import sqrt


def test_sqrt_is_the_correctly_rounded_square_root():
    source = torch.from_numpy(np.random.RandomState(0).rand(100_000).astype("float32") * 10)
    out = torch.empty_like(source)
    assert sqrt(source, out) is out
    exact = np.sqrt(source.numpy().astype(np.float64)).astype(np.float32)
    np.testing.assert_array_equal(out.numpy(), exact)


def test_sqrt_of_zeros_denormals_and_in_place():
    values = torch.tensor([0.0, 1e-39, 4.0, 2.25, 1e-30])
    expected = np.sqrt(values.numpy().astype(np.float64)).astype(np.float32)
    sqrt(values, values)
    np.testing.assert_array_equal(values.numpy(), expected)
    assert values[0].item() == 0.0 and values[1].item() > 0.0


def test_sqrt_of_float64_and_of_types_numpy_lacks():
    doubles = torch.tensor([2.0, 9.0], dtype=torch.float64)
    np.testing.assert_array_equal(sqrt(doubles, torch.empty_like(doubles)).numpy(),
                                  np.sqrt([2.0, 9.0]))
    halves = torch.tensor([4.0, 0.25], dtype=torch.bfloat16)
    assert sqrt(halves, torch.empty_like(halves)).tolist() == [2.0, 0.5]

