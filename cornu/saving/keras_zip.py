"""The ``.keras`` zip archive (Keras 3's format), read defensively and written atomically.

An archive holds ``metadata.json``, ``config.json`` and ``model.weights.h5`` (Keras 3 may add an
``assets/`` folder, ignored here). Reading never extracts anything to disk and refuses, with a
``SavedFileError``, archives that are not what Keras writes: member names that climb out
(``../``), absolute names, symbolic links, encrypted or duplicated members, declared sizes beyond
the limits below or compressed more than a zip bomb would be (checked before any byte is
decompressed), missing members, and JSON that does not parse to an object.

Example:
    >>> archive = read_archive('model.keras')  # doctest: +SKIP
    >>> archive.config['class_name']  # doctest: +SKIP
    'Sequential'
"""
import io
import json
import posixpath
import stat
import zipfile
import zlib

from cornu.saving.errors import SavedFileError
from cornu.saving.json_format import json_default

METADATA = "metadata.json"
CONFIG = "config.json"
WEIGHTS = "model.weights.h5"
#: Largest JSON member accepted (a config of thousands of layers is a few MB).
JSON_LIMIT = 64 * 2**20
#: Largest weights member accepted.
WEIGHTS_LIMIT = 16 * 2**30
#: Most members an archive may list.
MEMBER_LIMIT = 10_000
#: Largest ratio of declared to compressed size accepted for members above 1 MB.
RATIO_LIMIT = 200
_CHUNK = 2**20


class KerasArchive:
    """The parsed members of a ``.keras`` archive.

    Args:
        metadata: the ``metadata.json`` object.
        config: the ``config.json`` object.
        weights: the bytes of ``model.weights.h5``.
    """

    def __init__(self, metadata, config, weights):
        self.metadata = metadata
        self.config = config
        self.weights = weights


def _check_member(info, where):
    name = info.filename
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ":" in parts[0] or ".." in parts \
            or posixpath.isabs(name):
        raise SavedFileError(f"{where}: the archive member {name!r} points outside the archive "
                             "(an absolute path or '..'); Keras never writes such names, so "
                             "the file is hostile or damaged. Do not use it.")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise SavedFileError(f"{where}: the archive member {name!r} is a symbolic link; Keras "
                             "never writes links, so the file is hostile or damaged.")
    if info.flag_bits & 0x1:
        raise SavedFileError(f"{where}: the archive member {name!r} is encrypted; Keras archives "
                             "never are.")
    limit = JSON_LIMIT if name.endswith(".json") else WEIGHTS_LIMIT
    if info.file_size > limit:
        raise SavedFileError(f"{where}: the archive member {name!r} declares {info.file_size} "
                             f"bytes, more than the {limit} accepted. The file is damaged or "
                             "hostile (a zip bomb).")
    if info.file_size > 2**20 and info.file_size > RATIO_LIMIT * max(info.compress_size, 1):
        raise SavedFileError(f"{where}: the archive member {name!r} would expand "
                             f"{info.compress_size} bytes to {info.file_size}; no model file "
                             "compresses that well, so the file is hostile (a zip bomb).")


def _members(archive, where):
    infos = archive.infolist()
    if len(infos) > MEMBER_LIMIT:
        raise SavedFileError(f"{where}: the archive lists {len(infos)} members; a Keras archive "
                             "holds a handful. The file is damaged or hostile.")
    members = {}
    for info in infos:
        _check_member(info, where)
        if info.filename in members:
            raise SavedFileError(f"{where}: the archive lists {info.filename!r} twice. The file "
                                 "is damaged or hostile.")
        members[info.filename] = info
    return members


def _read_member(archive, members, name, where):
    info = members.get(name)
    if info is None:
        present = sorted(members)[:10]
        raise SavedFileError(f"{where}: the archive has no {name!r} (it holds {present}). A "
                             "Keras 3 archive holds metadata.json, config.json and "
                             "model.weights.h5; the file is incomplete or not a Keras model.")
    chunks, total = [], 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > info.file_size:
                    raise SavedFileError(f"{where}: the member {name!r} holds more than the "
                                         f"{info.file_size} bytes it declares.")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError) as error:
        if isinstance(error, SavedFileError):
            raise
        raise SavedFileError(f"{where}: the member {name!r} cannot be read ({type(error).__name__}"
                             f": {error}). The file is damaged or truncated; save or download it "
                             "again.") from error
    return b"".join(chunks)


def _json_member(archive, members, name, where):
    data = _read_member(archive, members, name, where)
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SavedFileError(f"{where}: {name} is not valid JSON ({type(error).__name__}: "
                             f"{str(error)[:200]}). The file is damaged; save it again.") from error
    if not isinstance(value, dict):
        raise SavedFileError(f"{where}: {name} should hold a JSON object, found "
                             f"{type(value).__name__}. The file is damaged or not a Keras model.")
    return value


def read_archive(filepath):
    """Reads and checks a ``.keras`` archive.

    Args:
        filepath: the archive's path.

    Raises:
        SavedFileError: the archive is malformed, incomplete or hostile (see module doc).
    """
    where = str(filepath)
    try:
        archive = zipfile.ZipFile(filepath, "r")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise SavedFileError(f"{where} cannot be opened as a zip archive ({error}). If a save or "
                             "download was interrupted, write or fetch the file again.") from error
    with archive:
        members = _members(archive, where)
        metadata = _json_member(archive, members, METADATA, where)
        config = _json_member(archive, members, CONFIG, where)
        if WEIGHTS not in members and "model.weights.npz" in members:
            raise SavedFileError(f"{where} keeps its weights in model.weights.npz; cornu reads "
                                 "model.weights.h5. Save the model again from Keras 3 with "
                                 "the default weights format.")
        weights = _read_member(archive, members, WEIGHTS, where)
    return KerasArchive(metadata, config, weights)


def write_archive(path, metadata, config, weights):
    """Writes the three members, uncompressed as Keras 3 writes them, to ``path``.

    Args:
        path: the file to create (a temporary file of ``atomic_write``).
        metadata: the ``metadata.json`` object.
        config: the ``config.json`` object.
        weights: the bytes of ``model.weights.h5``.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(METADATA, json.dumps(metadata, default=json_default))
        archive.writestr(CONFIG, json.dumps(config, default=json_default))
        archive.writestr(WEIGHTS, weights)


def hdf5_bytes(write):
    """The bytes of an HDF5 file filled by ``write(handle)``, built in memory.

    Args:
        write: a function taking an h5py File opened for writing.
    """
    import h5py
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        write(handle)
    return buffer.getvalue()
