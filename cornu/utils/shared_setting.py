"""``SharedSetting``: a process-wide setting that overlapping calls (from several threads) share.

The first holder saves the current value and sets the one it wants; later holders keep it;
the last to release restores the saved value. Without this, two threads each saving and
restoring around their own work could leave the setting changed for good.

Example:
    >>> state = {"value": 4}
    >>> setting = SharedSetting(lambda: state["value"], lambda v: state.update(value=v))
    >>> setting.acquire(1); setting.acquire(1); state["value"]
    1
    >>> setting.release(); setting.release(); state["value"]
    4
"""
import threading


class SharedSetting:
    """A process-wide setting held by overlapping callers (see the module docstring).

    Args:
        read: function returning the current value.
        write: function setting a value.
    """

    def __init__(self, read, write):
        self.read, self.write = read, write
        self.lock = threading.Lock()
        self.holders = 0
        self.saved = None

    def acquire(self, value):
        """Holds the setting at ``value`` (or at what the first holder set)."""
        with self.lock:
            if self.holders == 0:
                self.saved = self.read()
                if self.saved != value:
                    self.write(value)
            self.holders += 1

    def release(self):
        """Lets go; the last holder restores the value saved by the first."""
        with self.lock:
            self.holders -= 1
            if self.holders == 0 and self.read() != self.saved:
                self.write(self.saved)

    def __call__(self, value):
        """A context holding the setting at ``value``: ``with setting(1): ...``.

        Args:
            value: the wanted value.
        """
        return _Held(self, value)


class _Held:
    __slots__ = ("setting", "value")

    def __init__(self, setting, value):
        self.setting, self.value = setting, value

    def __enter__(self):
        self.setting.acquire(self.value)

    def __exit__(self, *exc):
        self.setting.release()
