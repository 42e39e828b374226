"""``RemoteMonitor``: posts the epoch logs to a server (Keras 2 used ``requests``; this uses the
standard library's ``urllib``).

Example:
    >>> monitor = RemoteMonitor(root='http://localhost:9000')
    >>> model.fit(x, y, callbacks=[monitor])  # doctest: +SKIP
"""
import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from cornu.callbacks.base import Callback

# Seconds to wait for the server before warning and going on (Keras 2 waited forever).
TIMEOUT = 10.0


class RemoteMonitor(Callback):
    """At the end of each epoch, sends ``{'epoch': epoch, **logs}`` to ``root + path`` in an
    HTTP POST: as JSON (``send_as_json=True``), or as the JSON text of a form field ``field``
    (``application/x-www-form-urlencoded``, Keras 2's default). A server that cannot be
    reached (or answers with an error) gets a warning; training goes on.

    Args:
        root: the server's root URL.
        path: the path the events are posted to.
        field: the form field holding the JSON text (when not ``send_as_json``).
        headers: a dict of extra HTTP headers.
        send_as_json: post the logs as a JSON body (``application/json``).

    Example:
        >>> monitor = RemoteMonitor(root='http://127.0.0.1:8000', send_as_json=True)
        >>> monitor.root + monitor.path
        'http://127.0.0.1:8000/publish/epoch/end/'
    """

    def __init__(self, root='http://localhost:9000', path='/publish/epoch/end/', field='data',
                 headers=None, send_as_json=False):
        super().__init__()
        if headers is not None and not isinstance(headers, dict):
            raise TypeError(f'RemoteMonitor: `headers` must be a dict of HTTP headers, '
                            f'received {headers!r}.')
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        """Posts the epoch's logs."""
        send = {'epoch': epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode('utf-8')
            headers.setdefault('Content-Type', 'application/json')
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode('ascii')
            headers.setdefault('Content-Type', 'application/x-www-form-urlencoded')
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method='POST')
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as error:
            warnings.warn(f'Warning: the RemoteMonitor server at {self.root} answered '
                          f'{error.code} {error.reason} to the post to {self.path}.')
        except (urllib.error.URLError, OSError):
            warnings.warn('Warning: could not reach RemoteMonitor root server at '
                          + str(self.root))
