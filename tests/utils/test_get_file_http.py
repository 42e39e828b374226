"""get_file against a local HTTP server in a thread (no external network): the progress bar
from Content-Length, HTTP errors, and a connection cut mid-download leaving nothing at the
target."""
import http.server
import os
import threading

import pytest

from cornu.utils.data_utils import URLFetchError, get_file

PAYLOAD = os.urandom(200_000)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/data.bin":
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD)
        elif self.path == "/cut.bin":  # promises the whole payload, sends a third, hangs up
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD[:len(PAYLOAD) // 3])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_download_over_http_with_progress(server, home, capsys):
    path = get_file("data.bin", f"{server}/data.bin")
    assert open(path, "rb").read() == PAYLOAD
    out = capsys.readouterr().out
    assert out.startswith(f"Downloading data from {server}/data.bin\n")
    assert "200000/200000 [==============================]" in out
    assert [name for name in os.listdir(home / "datasets")] == ["data.bin"]


def test_http_error_is_reported_and_nothing_is_saved(server, home):
    with pytest.raises(URLFetchError, match=f"URL fetch failure on {server}/missing.bin: 404"):
        get_file("missing.bin", f"{server}/missing.bin")
    assert os.listdir(home / "datasets") == []


def test_a_cut_connection_leaves_nothing_at_the_target(server, home):
    with pytest.raises(URLFetchError, match="the connection closed after 66666 of 200000 "
                                            "bytes. Nothing was saved"):
        get_file("cut.bin", f"{server}/cut.bin")
    assert os.listdir(home / "datasets") == []  # neither the target nor a temporary file


def test_a_cut_connection_keeps_the_previous_file(server, home):
    cached = home / "datasets" / "cut.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"previous")
    with pytest.raises(URLFetchError, match="connection closed"):
        get_file("cut.bin", f"{server}/cut.bin", file_hash="0" * 64)
    assert cached.read_bytes() == b"previous"
    assert os.listdir(home / "datasets") == ["cut.bin"]
