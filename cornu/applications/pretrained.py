"""The ImageNet weight files of ``keras.applications`` and loading them, as Keras 2 does.

``weights='imagenet'`` downloads Keras's own HDF5 weight file (once) through ``get_file`` into
``~/.keras/models`` (``$KERAS_HOME/models``), checks its md5, and loads it with
``model.load_weights``; ``weights=<path>`` loads that file. The files and their hashes are
those of keras-applications 1.0.8, which Keras 2.2.4 uses: Chollet's GitHub releases
(``deep-learning-models`` v0.1 to v0.6), and for ResNet50, whose layers carry tf-keras's names,
keras-applications's ``resnet`` release.

When the download fails the error names the URL and the path where a file fetched by other
means is picked up.

Example:
    >>> imagenet_weight_file('vgg16', include_top=False).name
    'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'
"""
import os
from typing import NamedTuple, Optional

from cornu.utils.data_utils import URLFetchError, cache_folder, get_file

CACHE_SUBDIR = "models"
_CHOLLET = "https://github.com/fchollet/deep-learning-models/releases/download/"
_KERAS_APPLICATIONS = "https://github.com/keras-team/keras-applications/releases/download/"


class WeightFile(NamedTuple):
    """One published weight file.

    Args:
        name: the file name in the cache folder.
        origin: its URL.
        file_hash: its md5 (None where Keras gives none: MobileNet).
    """

    name: str
    origin: str
    file_hash: Optional[str]


def _file(release, name, file_hash):
    return WeightFile(name, release + name, file_hash)


def _keras_kernels(model, release, top_hash, notop_hash, base=_CHOLLET):
    stem = f"{model}_weights_tf_dim_ordering_tf_kernels"
    return {True: _file(base + release, stem + ".h5", top_hash),
            False: _file(base + release, stem + "_notop.h5", notop_hash)}


#: ``{model: {include_top: WeightFile}}`` (MobileNet's depend on alpha and size: see below).
IMAGENET_FILES = {
    "vgg16": _keras_kernels("vgg16", "v0.1/", "64373286793e3c8b2b4e3219cbf3544b",
                            "6d6bbae143d832006294945121d1f1fc"),
    "vgg19": _keras_kernels("vgg19", "v0.1/", "cbe5617147190e668d6c5d5026f83318",
                            "253f8cb515780f3b799900260a226db6"),
    "resnet50": _keras_kernels("resnet50", "resnet/", "2cb95161c43110f7111970584f804107",
                               "4d473c1dd8becc155b73f8504c6f6626", base=_KERAS_APPLICATIONS),
    "xception": _keras_kernels("xception", "v0.4/", "0a58e3b7378bc2990ea3b43d5981f1f6",
                               "b0042744bf5b25fce3cb969f33bebb97"),
    "inception_v3": _keras_kernels("inception_v3", "v0.5/", "9a0d58056eeedaa3f26cb7ebd46da564",
                                   "bcbd6486424b2319ff4ef7d526e38f63"),
}

_MOBILENET_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}


def imagenet_weight_file(model, include_top):
    """The ImageNet weight file of a model with a single pair of files.

    Args:
        model: ``'vgg16'``, ``'vgg19'``, ``'resnet50'``, ``'xception'`` or ``'inception_v3'``.
        include_top: whether the model has its classifier.

    Example:
        >>> imagenet_weight_file('resnet50', True).file_hash
        '2cb95161c43110f7111970584f804107'
    """
    return IMAGENET_FILES[model][bool(include_top)]


def mobilenet_weight_file(alpha, rows, include_top):
    """MobileNet's ImageNet weight file for a width ``alpha`` and an input size ``rows``.

    Args:
        alpha: 0.25, 0.5, 0.75 or 1.0.
        rows: 128, 160, 192 or 224.
        include_top: whether the model has its classifier.

    Example:
        >>> mobilenet_weight_file(0.25, 128, False).name
        'mobilenet_2_5_128_tf_no_top.h5'
    """
    suffix = "" if include_top else "_no_top"
    name = f"mobilenet_{_MOBILENET_ALPHA_TEXT[alpha]}_{rows}_tf{suffix}.h5"
    return _file(_CHOLLET + "v0.6/", name, None)


def weights_path(function_name, weights, weight_file):
    """The weight file a model function was asked for, downloaded first for ``'imagenet'``
    (before the model is built, so that a failed download fails fast).

    Args:
        function_name: the model function's name, for messages (``'VGG16'``).
        weights: None (random initialisation), ``'imagenet'`` or a weight file path.
        weight_file: the ``WeightFile`` to download for ``'imagenet'`` (else ignored).

    Returns:
        The path of the file to load, or None for ``weights=None``.

    Raises:
        URLFetchError: the ImageNet file could not be downloaded (the message says where to
            put it by hand).
        ValueError: the downloaded file is damaged (its md5 differs from Keras's).

    Example:
        >>> weights_path('VGG16', None, None) is None
        True
    """
    if weights is None:
        return None
    if weights == "imagenet":
        return _download(function_name, weight_file)
    return os.fspath(weights)


def with_weights(model, path):
    """Loads the weight file ``path`` (from ``weights_path``) into ``model``; returns it.

    Args:
        model: the built model.
        path: a weight file path, or None to keep the random initialisation.

    Raises:
        ValueError: the file does not fit the model (the message names the layer and shapes).

    Example:
        >>> model = with_weights(VGG16(weights=None), None)  # doctest: +SKIP
    """
    if path is not None:
        model.load_weights(path)
    return model


def _download(function_name, weight_file):
    try:
        return get_file(weight_file.name, weight_file.origin, cache_subdir=CACHE_SUBDIR,
                        file_hash=weight_file.file_hash)
    except (URLFetchError, ValueError) as error:
        where = os.path.join(cache_folder(CACHE_SUBDIR), weight_file.name)
        hint = (f"{function_name}(weights='imagenet') needs Keras's weight file "
                f"{weight_file.name}. Download it from {weight_file.origin} by other means and "
                f"put it at {where} (or pass weights='<path of the file>'), then run again.")
        raise type(error)(f"{error}\n{hint}") from error
