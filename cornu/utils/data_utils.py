"""``keras.utils.data_utils``: download a file once, keep it in the Keras cache, check its hash
(``Sequence`` and the enqueuers are re-exported from here too, where Keras 2 kept them).

Files live in ``<cache_dir>/<cache_subdir>/<fname>``; ``cache_dir`` defaults to ``$KERAS_HOME``
(or ``~/.keras``) and falls back to ``<tmp>/.keras`` when that folder is not writable.

Unlike Keras 2, nothing here ever deletes a file it did not write: downloads go to a temporary
file next to the target and replace it only after the new bytes have verified, and archives are
extracted into a temporary folder first, so a failed download or extraction leaves the cache as
it was.

Example:
    >>> path = get_file('mnist.npz', origin='file:///data/mnist.npz')  # doctest: +SKIP
    >>> validate_file(path, '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1')
    ... # doctest: +SKIP
    True
"""
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

from cornu.utils.enqueuers import (GeneratorEnqueuer, OrderedEnqueuer,  # noqa: F401
                                   SequenceEnqueuer)
from cornu.utils.sequence import Sequence  # noqa: F401

_CHUNK_SIZE = 65535
_HASH_ALGORITHMS = ("sha256", "md5")


class URLFetchError(OSError):
    """A download failed (HTTP error, unreachable host, refused connection ...)."""


# ---------------------------------------------------------------------------------------------
# Cache location


def keras_home():
    """Returns the Keras base folder: ``$KERAS_HOME`` if set, else ``~/.keras``.

    Example:
        >>> keras_home()  # with KERAS_HOME=/data/keras  # doctest: +SKIP
        '/data/keras'
    """
    home = os.environ.get("KERAS_HOME")
    if home:
        return os.path.expanduser(home)
    return os.path.join(os.path.expanduser("~"), ".keras")


def cache_folder(cache_subdir="datasets", cache_dir=None):
    """Returns (and creates) the folder where ``get_file`` keeps its files.

    Args:
        cache_subdir: sub-folder of the base folder; may be an absolute path.
        cache_dir: base folder; ``None`` means :func:`keras_home`. When it cannot be created or
            written, ``<tmp>/.keras`` is used instead (as Keras does).

    Example:
        >>> cache_folder('datasets', cache_dir='/tmp/k')  # doctest: +SKIP
        '/tmp/k/datasets'
    """
    base = os.path.expanduser(cache_dir) if cache_dir is not None else keras_home()
    if not _writable_folder(base):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    folder = os.path.join(base, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def _writable_folder(folder):
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def atomic_write(target, write):
    """Writes a file all at once: ``write(f)`` fills a temporary file next to ``target``, which
    then replaces ``target`` in one rename. On any error ``target`` is left as it was.

    Args:
        target: final path.
        write: function taking a binary file object.

    Example:
        >>> atomic_write('/tmp/k/hello.txt', lambda f: f.write(b'hello'))  # doctest: +SKIP
    """
    tmp_path = _temporary_file(target)
    try:
        with open(tmp_path, "wb") as f:
            write(f)
        os.replace(tmp_path, target)
    except BaseException:
        os.remove(tmp_path)
        raise


def _temporary_file(target):
    """Creates an empty hidden file next to ``target`` with the usual (umask) permissions."""
    folder = os.path.dirname(os.path.abspath(target))
    fd, tmp_path = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".part",
                                    dir=folder)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    return tmp_path


# ---------------------------------------------------------------------------------------------
# Hashes


def _resolve_algorithm(algorithm, file_hash=None):
    if algorithm == "auto":
        if file_hash is None:
            raise ValueError("hash_algorithm='auto' needs the expected hash to pick sha256 (64 hex "
                             "characters) or md5; pass algorithm='sha256' or 'md5' instead.")
        return "sha256" if len(str(file_hash)) == 64 else "md5"
    if algorithm not in _HASH_ALGORITHMS:
        raise ValueError(f"Unknown hash algorithm {algorithm!r}. Expected 'sha256', 'md5' or "
                         f"'auto' (sha256 for 64-character hashes, md5 otherwise).")
    return algorithm


def hash_file(fpath, algorithm="sha256", chunk_size=_CHUNK_SIZE):
    """Returns the hex digest of a file, read in chunks.

    Args:
        fpath: path of the file.
        algorithm: ``'sha256'`` or ``'md5'``.
        chunk_size: bytes read at a time.

    Example:
        >>> hash_file('/etc/hostname', algorithm='md5')  # doctest: +SKIP
        'd41d8cd98f00b204e9800998ecf8427e'
    """
    hasher = hashlib.new(_resolve_algorithm(algorithm))
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=_CHUNK_SIZE):
    """Returns True when the file's hash equals ``file_hash`` (compared case-insensitively).

    Args:
        fpath: path of the file.
        file_hash: the expected sha256 or md5 hex digest.
        algorithm: ``'sha256'``, ``'md5'`` or ``'auto'`` (sha256 when ``file_hash`` has 64
            characters, md5 otherwise).
        chunk_size: bytes read at a time.

    Example:
        >>> validate_file('mnist.npz', '731c5ac6...')  # doctest: +SKIP
        False
    """
    algorithm = _resolve_algorithm(algorithm, file_hash)
    return hash_file(fpath, algorithm, chunk_size) == str(file_hash).lower()


# ---------------------------------------------------------------------------------------------
# Download


class _DownloadProgress:
    """A Keras-style progress bar for downloads: ``  8192/11490434 [>....] - ETA: 3s``."""

    def __init__(self, total, stream=None, width=30, interval=0.05):
        self.total = total if total and total > 0 else None
        self.stream = stream if stream is not None else sys.stdout
        self.width = width
        self.interval = interval
        self.start = time.time()
        self.last_shown = 0.0
        self.dynamic = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, done):
        now = time.time()
        if self.dynamic and now - self.last_shown >= self.interval:
            self.last_shown = now
            self.stream.write("\r" + self._line(done, now, final=False))
            self.stream.flush()

    def finish(self, done):
        prefix = "\r" if self.dynamic else ""
        self.stream.write(prefix + self._line(done, time.time(), final=True) + "\n")
        self.stream.flush()

    def _line(self, done, now, final):
        elapsed = now - self.start
        if self.total is None:
            return f"{done}/Unknown - {elapsed:.0f}s"
        digits = len(str(self.total))
        filled = min(self.width, int(self.width * done / self.total))
        arrow = "" if filled >= self.width else ">"
        bar = "=" * filled + arrow + "." * (self.width - filled - len(arrow))
        line = f"{done:{digits}d}/{self.total} [{bar}]"
        if final:
            per_step = elapsed / max(done, 1)
            return f"{line} - {elapsed:.0f}s {per_step * 1e6:.0f}us/step"
        eta = elapsed / max(done, 1) * max(self.total - done, 0)
        return f"{line} - ETA: {eta:.0f}s"


def _download(origin, target):
    """Downloads ``origin`` into a new temporary file next to ``target``; returns its path."""
    tmp_path = _temporary_file(target)
    try:
        with open(tmp_path, "wb") as out, urllib.request.urlopen(origin) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            progress = _DownloadProgress(total)
            done = 0
            for chunk in iter(lambda: response.read(64 * 1024), b""):
                out.write(chunk)
                done += len(chunk)
                progress.update(done)
            if total is not None and done < total:
                raise URLFetchError(f"URL fetch failure on {origin}: the connection closed after "
                                    f"{done} of {total} bytes. Nothing was saved; retry.")
            progress.finish(done)
    except BaseException as error:
        os.remove(tmp_path)
        if isinstance(error, urllib.error.HTTPError):
            raise URLFetchError(f"URL fetch failure on {origin}: {error.code} -- {error.msg}") \
                from error
        if isinstance(error, urllib.error.URLError):
            raise URLFetchError(f"URL fetch failure on {origin}: {error.reason}") from error
        raise
    return tmp_path


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None):
    """Downloads a file from a URL unless it is already in the cache; returns its path.

    The file is kept as ``<cache_dir>/<cache_subdir>/<fname>``. A cached file whose hash does
    not match ``file_hash`` is downloaded again; the old file is replaced only once the new one
    has verified. ``file://`` origins work, which makes offline use and testing easy.

    Args:
        fname: name of the file in the cache (an absolute path is used as is).
        origin: URL of the file.
        untar: deprecated, use ``extract``: the download is ``<fname>.tar.gz``, it is extracted
            into the cache folder unless ``<fname>`` exists there, and ``<fname>``'s path is
            returned.
        md5_hash: deprecated, use ``file_hash``: the expected md5.
        file_hash: the expected sha256 or md5 of the downloaded file.
        cache_subdir: sub-folder of the cache folder (may be absolute).
        hash_algorithm: ``'auto'``, ``'sha256'`` or ``'md5'``.
        extract: extract the file (tar, tar.gz, tar.bz2, zip) into the cache folder.
        archive_format: ``'auto'`` (tar then zip), ``'tar'``, ``'zip'``, a list of these, or None.
        cache_dir: base folder; default ``$KERAS_HOME`` or ``~/.keras``.

    Returns:
        The path of the downloaded file (or, with ``untar``, of the extracted folder).

    Raises:
        URLFetchError: the download failed (the cache is left as it was).
        ValueError: the downloaded file does not match ``file_hash``.

    Example:
        >>> get_file('data.csv', 'file:///tmp/data.csv', cache_dir='/tmp/k')  # doctest: +SKIP
        Downloading data from file:///tmp/data.csv
        1024/1024 [==============================] - 0s 0us/step
        '/tmp/k/datasets/data.csv'
    """
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = cache_folder(cache_subdir, cache_dir)
    target = os.path.join(datadir, fname)
    fpath = target + ".tar.gz" if untar else target

    if _needs_download(fpath, file_hash, hash_algorithm):
        os.makedirs(os.path.dirname(fpath), exist_ok=True)
        print("Downloading data from", origin)
        tmp_path = _download(origin, fpath)
        if file_hash is not None and not validate_file(tmp_path, file_hash, hash_algorithm):
            os.remove(tmp_path)
            algorithm = _resolve_algorithm(hash_algorithm, file_hash)
            raise ValueError(f"Incomplete or corrupted file detected: the {algorithm} hash of the "
                             f"data downloaded from {origin} does not match the expected value "
                             f"{file_hash}. Nothing was saved; retry, or check the origin URL.")
        os.replace(tmp_path, fpath)

    if untar:
        if not os.path.exists(target):
            extract_archive(fpath, datadir, archive_format="tar")
        return target
    if extract:
        extract_archive(fpath, datadir, archive_format)
    return fpath


def _needs_download(fpath, file_hash, hash_algorithm):
    if not os.path.exists(fpath):
        return True
    if file_hash is None or validate_file(fpath, file_hash, hash_algorithm):
        return False
    algorithm = _resolve_algorithm(hash_algorithm, file_hash)
    print(f"A local file was found, but it seems to be incomplete or outdated because the "
          f"{algorithm} file hash does not match the original value of {file_hash} so we will "
          f"re-download the data.")
    return True


# ---------------------------------------------------------------------------------------------
# Archives

_OPENERS = {"tar": (tarfile.is_tarfile, tarfile.open), "zip": (zipfile.is_zipfile, zipfile.ZipFile)}


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar or zip archive into ``path``; returns True if it was an archive.

    Members are first extracted into a temporary folder inside ``path`` and moved into place only
    when the whole archive extracted cleanly. Members that would land outside ``path`` (absolute
    names, ``..``, links pointing out) or that are devices are refused.

    Args:
        file_path: the archive.
        path: destination folder.
        archive_format: ``'auto'`` (same as ``['tar', 'zip']``), ``'tar'``, ``'zip'``, a list of
            these, or None (extract nothing).

    Raises:
        ValueError: an unsafe member, or a member that clashes with an existing folder/file.

    Example:
        >>> extract_archive('/tmp/k/datasets/data.zip', '/tmp/k/datasets')  # doctest: +SKIP
        True
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    for fmt in formats:
        if fmt not in _OPENERS:
            raise ValueError(f"Unknown archive format {fmt!r}; expected 'tar', 'zip' or 'auto'.")
        is_format, opener = _OPENERS[fmt]
        if is_format(file_path):
            os.makedirs(path, exist_ok=True)
            staging = tempfile.mkdtemp(prefix=".extract-", dir=path)
            try:
                with opener(file_path) as archive:
                    _extract_checked(archive, staging)
                _move_tree(staging, path)
            except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
                raise ValueError(f"Could not extract {file_path}: {error}. The archive may be "
                                 f"incomplete; nothing was changed in {path}.") from error
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            return True
    return False


def _extract_checked(archive, staging):
    root = os.path.realpath(staging)
    if isinstance(archive, tarfile.TarFile):
        members = archive.getmembers()
        for member in members:
            _check_inside(member.name, root)
            if member.issym() or member.islnk():
                link_base = os.path.dirname(member.name) if member.issym() else ""
                _check_inside(os.path.join(link_base, member.linkname), root, member.name)
            elif not (member.isfile() or member.isdir()):
                raise ValueError(f"Refusing to extract {member.name!r}: special files (devices, "
                                 f"fifos) are not allowed in a dataset archive.")
        extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(staging, members=members, **extra)
    else:
        for name in archive.namelist():
            _check_inside(name, root)
        archive.extractall(staging)


def _check_inside(name, root, member=None):
    destination = os.path.realpath(os.path.join(root, name))
    if os.path.isabs(name) or os.path.commonpath([root, destination]) != root:
        raise ValueError(f"Refusing to extract {member or name!r}: it would write outside the "
                         f"destination folder. The archive is unsafe; nothing was extracted.")


def _move_tree(source, destination):
    """Moves every file of ``source`` to the same place under ``destination``."""
    pairs = []
    for folder, dirs, files in os.walk(source):
        relative = os.path.relpath(folder, source)
        for name in dirs + files:
            src = os.path.join(folder, name)
            dst = os.path.normpath(os.path.join(destination, relative, name))
            is_dir = os.path.isdir(src) and not os.path.islink(src)
            if os.path.lexists(dst) and is_dir != (os.path.isdir(dst) and
                                                   not os.path.islink(dst)):
                raise ValueError(f"Cannot extract {os.path.join(relative, name)!r}: {dst} already "
                                 f"exists as a {'file' if is_dir else 'folder'}. Move it away "
                                 f"and try again.")
            pairs.append((src, dst, is_dir))
    for src, dst, is_dir in pairs:
        if is_dir:
            os.makedirs(dst, exist_ok=True)
        else:
            os.replace(src, dst)
