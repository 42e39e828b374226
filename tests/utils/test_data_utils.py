import hashlib
import io
import os
import stat
import tarfile
import tempfile
import zipfile

import pytest

from cornu.utils import data_utils
from cornu.utils.data_utils import (URLFetchError, cache_folder, extract_archive, get_file,
                                    hash_file, keras_home, validate_file)

HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
HELLO_MD5 = "5d41402abc4b2a76b9719d911017c592"


def origin_file(tmp_path, name, content):
    path = tmp_path / "origin" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path, path.as_uri()


def leftovers(folder):
    return [name for name in os.listdir(folder) if name.startswith(".")]


# ----------------------------------------------------------------------------- cache location

def test_keras_home_from_env_and_default(monkeypatch):
    monkeypatch.setenv("KERAS_HOME", "/data/keras")
    assert keras_home() == "/data/keras"
    monkeypatch.delenv("KERAS_HOME")
    assert keras_home() == os.path.join(os.path.expanduser("~"), ".keras")


def test_cache_folder_creates_subdir(home):
    assert cache_folder() == str(home / "datasets")
    assert (home / "datasets").is_dir()
    assert cache_folder("models", cache_dir=str(home / "other")) == str(home / "other" / "models")


def test_cache_folder_falls_back_to_tmp_when_base_unusable(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folder = cache_folder("datasets", cache_dir=str(blocker / "keras"))
    assert folder == str(tmp_path / "tmp" / ".keras" / "datasets")


# ----------------------------------------------------------------------------- hashes

def test_hash_file_and_validate_file(tmp_path):
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello")
    assert hash_file(str(path)) == HELLO_SHA256
    assert hash_file(str(path), algorithm="md5") == HELLO_MD5
    assert validate_file(str(path), HELLO_SHA256)
    assert validate_file(str(path), HELLO_MD5)  # auto: 32 characters -> md5
    assert validate_file(str(path), HELLO_MD5.upper(), algorithm="md5")
    assert not validate_file(str(path), "0" * 64)
    assert not validate_file(str(path), HELLO_MD5, algorithm="sha256")


def test_hash_errors_are_clear(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="Unknown hash algorithm 'sha1'"):
        validate_file(str(path), HELLO_MD5, algorithm="sha1")
    with pytest.raises(ValueError, match="needs the expected hash"):
        hash_file(str(path), algorithm="auto")


# ----------------------------------------------------------------------------- get_file

def test_get_file_downloads_once(tmp_path, home, capsys):
    source, uri = origin_file(tmp_path, "data.txt", b"hello")
    path = get_file("data.txt", origin=uri, file_hash=HELLO_SHA256)
    assert path == str(home / "datasets" / "data.txt")
    assert open(path, "rb").read() == b"hello"
    out = capsys.readouterr().out
    assert f"Downloading data from {uri}" in out
    assert "5/5 [==============================]" in out
    source.unlink()  # a second call must not touch the origin
    assert get_file("data.txt", origin=uri, file_hash=HELLO_SHA256) == path
    assert "Downloading" not in capsys.readouterr().out
    assert leftovers(home / "datasets") == []


def test_get_file_saved_with_umask_permissions(tmp_path, home):
    _, uri = origin_file(tmp_path, "data.txt", b"hello")
    old = os.umask(0o022)
    try:
        path = get_file("data.txt", origin=uri)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_get_file_md5_hash_alias_and_cache_subdir(tmp_path):
    _, uri = origin_file(tmp_path, "data.txt", b"hello")
    target = tmp_path / "elsewhere"
    path = get_file("d.txt", uri, md5_hash=HELLO_MD5, cache_subdir=str(target))
    assert path == str(target / "d.txt")


def test_get_file_redownloads_outdated_file(tmp_path, home, capsys):
    _, uri = origin_file(tmp_path, "data.txt", b"hello")
    cached = home / "datasets" / "data.txt"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"old")
    get_file("data.txt", origin=uri, file_hash=HELLO_SHA256)
    assert cached.read_bytes() == b"hello"
    assert "does not match the original value" in capsys.readouterr().out


def test_failed_download_keeps_existing_file(tmp_path, home):
    cached = home / "datasets" / "data.txt"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"mine")
    missing = (tmp_path / "no_such_file").as_uri()
    with pytest.raises(URLFetchError, match="URL fetch failure on " + missing):
        get_file("data.txt", origin=missing, file_hash=HELLO_SHA256)
    assert cached.read_bytes() == b"mine"
    assert leftovers(home / "datasets") == []


def test_download_with_wrong_hash_is_refused_and_not_saved(tmp_path, home):
    _, uri = origin_file(tmp_path, "data.txt", b"hello, corrupted")
    cached = home / "datasets" / "data.txt"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"mine")
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected"):
        get_file("data.txt", origin=uri, file_hash=HELLO_SHA256)
    assert cached.read_bytes() == b"mine"
    assert leftovers(home / "datasets") == []


# ----------------------------------------------------------------------------- archives

def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def make_tar(path, members, mode="w:gz"):
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_get_file_extract_zip(tmp_path, home):
    source = tmp_path / "jena.csv.zip"
    make_zip(source, {"jena.csv": b"a,b\n1,2\n"})
    path = get_file("jena.csv.zip", origin=source.as_uri(), extract=True)
    assert path == str(home / "datasets" / "jena.csv.zip")  # Keras 2 returns the archive
    assert (home / "datasets" / "jena.csv").read_bytes() == b"a,b\n1,2\n"


def test_get_file_untar(tmp_path, home):
    source = tmp_path / "batches.tar.gz"
    make_tar(source, {"batches/data_1": b"one", "batches/meta": b"two"})
    path = get_file("batches", origin=source.as_uri(), untar=True)
    assert path == str(home / "datasets" / "batches")
    assert (home / "datasets" / "batches.tar.gz").is_file()
    assert (home / "datasets" / "batches" / "meta").read_bytes() == b"two"
    assert leftovers(home / "datasets") == []


def test_extract_archive_not_an_archive(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"hello")
    assert extract_archive(str(plain), str(tmp_path / "out")) is False
    assert extract_archive(str(plain), str(tmp_path / "out"), archive_format=None) is False


def assert_extraction_refused(archive, tmp_path):
    """Extracting ``archive`` into an empty folder is refused and writes nothing anywhere."""
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(ValueError, match="outside the destination"):
        extract_archive(str(archive), str(dest))
    assert not (tmp_path / "escaped.txt").exists()
    assert os.listdir(dest) == []


@pytest.mark.parametrize("maker, name", [(make_tar, "evil.tar.gz"), (make_zip, "evil.zip")])
def test_extract_refuses_path_traversal(tmp_path, maker, name):
    archive = tmp_path / name
    maker(archive, {"ok.txt": b"fine", "../escaped.txt": b"bad"})
    assert_extraction_refused(archive, tmp_path)


def test_tar_member_with_an_absolute_name_is_refused(tmp_path):
    archive = tmp_path / "absolute.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo(str(tmp_path / "escaped.txt"))
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    assert_extraction_refused(archive, tmp_path)


@pytest.mark.parametrize("kind, target", [(tarfile.SYMTYPE, "../../etc/passwd"),
                                          (tarfile.LNKTYPE, "../../outside")])
def test_extract_refuses_links_out(tmp_path, kind, target):
    archive = tmp_path / "link.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("link")
        info.type = kind
        info.linkname = target
        tar.addfile(info)
    dest = tmp_path / "dest"
    with pytest.raises(ValueError, match="outside the destination"):
        extract_archive(str(archive), str(dest))
    assert os.listdir(dest) == []


def test_truncated_archive_leaves_folder_unchanged(tmp_path):
    archive = tmp_path / "big.tar.gz"
    make_tar(archive, {"a.bin": os.urandom(50000), "b.bin": os.urandom(50000)})
    archive.write_bytes(archive.read_bytes()[:60000])
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "a.bin").write_bytes(b"existing")
    with pytest.raises(ValueError, match="Could not extract"):
        extract_archive(str(archive), str(dest), archive_format="tar")
    assert os.listdir(dest) == ["a.bin"]
    assert (dest / "a.bin").read_bytes() == b"existing"


def test_extract_conflict_with_existing_folder(tmp_path):
    archive = tmp_path / "a.zip"
    make_zip(archive, {"x": b"file", "y": b"other"})
    dest = tmp_path / "dest"
    (dest / "x").mkdir(parents=True)
    with pytest.raises(ValueError, match="already exists as a folder"):
        extract_archive(str(archive), str(dest))
    assert sorted(os.listdir(dest)) == ["x"]


def test_progress_line_format():
    stream = io.StringIO()
    progress = data_utils._DownloadProgress(100, stream=stream)
    progress.update(50)  # not a terminal: only the final line is written
    progress.finish(100)
    line = stream.getvalue()
    assert line.startswith("100/100 [==============================] - ")
    assert line.endswith("us/step\n")
    unknown = io.StringIO()
    data_utils._DownloadProgress(None, stream=unknown).finish(7)
    assert unknown.getvalue().startswith("7/Unknown - ")


def test_sha256_helper_matches_hashlib(tmp_path):
    path = tmp_path / "blob"
    data = os.urandom(200000)
    path.write_bytes(data)
    assert hash_file(str(path), chunk_size=1000) == hashlib.sha256(data).hexdigest()
