"""Denormal flushing on torch's OpenMP worker threads, not only on the calling thread.

The CPU keeps its flush-to-zero mode per thread, and ``torch.set_flush_denormal`` sets it on
the calling thread only. torch's intra-op worker threads (an OpenMP team, shared with MKL's
products) were created before ``fit`` began, so they kept computing on denormal floats, many
times slower, while the calling thread flushed: the half of every parallel operation they run
decides the batch's time (an LSTM's gradients decay through the denormal range in every
backward pass; optimizer slots of dead units decay into it).

``set_team_flush_denormal`` runs ``torch.set_flush_denormal`` on each thread of the calling
thread's OpenMP team, through libgomp's ``GOMP_parallel`` (the entry point GCC's
``#pragma omp parallel`` compiles to; torch's Linux wheels bundle libgomp). Where torch uses
another OpenMP runtime, it does nothing and says so by returning False.

Example:
    >>> set_team_flush_denormal(True, torch.get_num_threads())  # doctest: +SKIP
    True
"""
import ctypes
import functools
import os

import torch

_CALLBACK_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


def _flush_on(_):
    torch.set_flush_denormal(True)


def _flush_off(_):
    torch.set_flush_denormal(False)


_CALLBACKS = {True: _CALLBACK_TYPE(_flush_on), False: _CALLBACK_TYPE(_flush_off)}


@functools.cache
def _libgomp():
    """torch's libgomp ``GOMP_parallel`` (the library is loaded already: opening it again
    returns the same one), or None."""
    path = os.path.join(os.path.dirname(torch.__file__), "lib", "libgomp.so.1")
    try:
        library = ctypes.CDLL(path) if torch.backends.openmp.is_available() else None
        entry = getattr(library, "GOMP_parallel", None)
    except OSError:
        return None
    if entry is not None:
        entry.argtypes = [_CALLBACK_TYPE, ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint]
        entry.restype = None
    return entry


def set_team_flush_denormal(on, threads):
    """Sets denormal flushing to ``on`` on each of ``threads`` threads of the calling thread's
    OpenMP team (the calling thread included).

    Args:
        on: flush denormals to zero (True) or compute with them (False).
        threads: the team's size (torch's thread count).

    Returns:
        Whether it could: False where torch's OpenMP runtime is not libgomp.
    """
    entry = _libgomp()
    if entry is None or threads < 2:
        return False
    entry(_CALLBACKS[bool(on)], None, threads, 0)
    return True
