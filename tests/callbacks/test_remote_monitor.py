"""RemoteMonitor against a local HTTP server in a thread (no other network)."""
import http.server
import json
import socket
import threading
import urllib.parse

import numpy as np
import pytest

from cornu.callbacks import RemoteMonitor
from tests.callbacks.helpers import small_classifier, toy_data


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each POST (path, headers, body) and answers with the server's status."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        self.server.posts.append((self.path, dict(self.headers), body))
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    for name in ('http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'):
        monkeypatch.delenv(name, raising=False)
    httpd = http.server.HTTPServer(('127.0.0.1', 0), Recorder)
    httpd.posts, httpd.status = [], 200
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.root = 'http://127.0.0.1:%d' % httpd.server_address[1]
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def fit(monitor, epochs=2):
    x, y = toy_data()
    return small_classifier().fit(x, y, epochs=epochs, verbose=0, validation_split=0.25,
                                  callbacks=[monitor])


def test_form_post_of_each_epoch(server):
    history = fit(RemoteMonitor(root=server.root))
    assert len(server.posts) == 2
    for epoch, (path, headers, body) in enumerate(server.posts):
        assert path == '/publish/epoch/end/'
        assert headers['Content-Type'] == 'application/x-www-form-urlencoded'
        form = urllib.parse.parse_qs(body.decode('ascii'))
        assert list(form) == ['data']
        sent = json.loads(form['data'][0])
        assert sent == {'epoch': epoch, **{key: values[epoch]
                                           for key, values in history.history.items()}}


def test_json_post_with_headers_field_and_path(server):
    monitor = RemoteMonitor(root=server.root, path='/events', field='ignored',
                            headers={'X-Run': 'seven'}, send_as_json=True)
    history = fit(monitor, epochs=1)
    path, headers, body = server.posts[0]
    assert path == '/events'
    assert headers['Content-Type'] == 'application/json' and headers['X-Run'] == 'seven'
    assert json.loads(body) == {'epoch': 0, 'loss': history.history['loss'][0],
                                'acc': history.history['acc'][0],
                                'val_loss': history.history['val_loss'][0],
                                'val_acc': history.history['val_acc'][0]}


def test_numpy_values_are_sent_as_numbers(server):
    monitor = RemoteMonitor(root=server.root, send_as_json=True)
    monitor.on_epoch_end(3, {'loss': np.float32(0.5), 'size': np.array(4)})
    assert json.loads(server.posts[0][2]) == {'epoch': 3, 'loss': 0.5, 'size': 4}


def test_an_error_answer_warns_and_training_goes_on(server):
    server.status = 500
    with pytest.warns(UserWarning, match='answered 500'):
        history = fit(RemoteMonitor(root=server.root))
    assert len(history.epoch) == 2


def test_an_unreachable_server_warns():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(('127.0.0.1', 0))
        root = 'http://127.0.0.1:%d' % probe.getsockname()[1]
    with pytest.warns(UserWarning, match='could not reach RemoteMonitor root server at ' + root):
        history = fit(RemoteMonitor(root=root), epochs=1)
    assert history.epoch == [0]


def test_headers_must_be_a_dict():
    with pytest.raises(TypeError, match='`headers` must be a dict'):
        RemoteMonitor(headers=['X-Run: 1'])
