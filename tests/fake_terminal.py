"""Stand-ins for progress-bar tests: a clock moved by hand and a buffer that claims to be a
terminal. The ``clock`` fixture in conftest.py installs the clock.

Example:
    >>> clock = FakeClock()
    >>> clock.now += 1.0; clock()
    101.0
"""
import io


class FakeClock:
    """Stands in for the progress bar's clock; tests move time by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class TerminalBuffer(io.StringIO):
    """A text buffer that reports itself as a terminal (so progress bars update in place)."""

    def isatty(self):
        return True
