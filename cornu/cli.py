"""The ``cornu`` command: run a Keras 2 program unchanged on cornu.

    cornu run script.py [args...]      run a script as ``__main__`` with ``import keras`` aliased
    cornu run -m package.module [args...]
    cornu --version

The script runs as ``python script.py`` would run it: ``sys.argv`` is ``[script, args...]``,
``sys.path[0]`` is the script's folder, ``sys.exit(n)`` sets the exit code, and an uncaught
exception prints a traceback and exits with 1.

Example:
    $ python -m cornu run mnist_mlp.py --epochs 2
"""
import os
import runpy
import sys
import types

USAGE = """usage: cornu run script.py [args...]
       cornu run -m module [args...]
       cornu --version

Runs a Keras 2 program on cornu: `import keras` and `keras.*` resolve to cornu."""


def main(argv=None):
    """Entry point of ``cornu`` and ``python -m cornu``.

    Args:
        argv: command-line arguments without the program name; default ``sys.argv[1:]``.

    Returns:
        The exit code (a ``SystemExit`` raised by the program passes through unchanged).

    Example:
        >>> main(['--version'])  # doctest: +SKIP
        cornu 0.1.0
        0
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["-h"], ["--help"]) or argv[:2] in (["run", "-h"], ["run", "--help"]):
        print(USAGE)
        return 0
    if argv[:1] == ["--version"]:
        from cornu import __version__
        print(f"cornu {__version__}")
        return 0
    if argv[:1] != ["run"] or len(argv) < 2 or argv[1:] == ["-m"]:
        print(USAGE, file=sys.stderr)
        print("\ncornu: error: expected `run script.py [args...]` or `run -m module [args...]`",
              file=sys.stderr)
        return 2
    if argv[1] == "-m":
        return run_module(argv[2], argv[3:])
    return run_script(argv[1], argv[2:])


def run_script(path, args=()):
    """Runs the file ``path`` as ``__main__`` with the keras alias installed.

    Args:
        path: the script.
        args: its command-line arguments.

    Returns:
        0, or 1 after an uncaught exception (its traceback is printed), 2 if there is no file.
    """
    if not os.path.isfile(path):
        print(f"cornu run: can't open file {os.path.abspath(path)!r}: "
              f"[Errno 2] No such file or directory", file=sys.stderr)
        return 2
    _prepare([path, *args], os.path.dirname(os.path.abspath(path)))
    return _run(lambda: runpy.run_path(path, run_name="__main__"))


def run_module(name, args=()):
    """Runs the module ``name`` as ``__main__`` (like ``python -m``) with the alias installed.

    Args:
        name: dotted module name.
        args: its command-line arguments.

    Returns:
        0, or 1 after an uncaught exception (its traceback is printed).
    """
    _prepare([name, *args], os.getcwd())
    return _run(lambda: runpy.run_module(name, run_name="__main__", alter_sys=True))


def _prepare(argv, first_path):
    from cornu.compat import install_keras_alias
    install_keras_alias()
    sys.argv[:] = argv
    if sys.path:
        sys.path[0] = first_path
    else:
        sys.path.append(first_path)


def _run(run):
    try:
        run()
    except SystemExit:
        raise
    except BaseException as error:  # noqa: B902 - reported like the interpreter does
        _print_traceback(error)
        return 130 if isinstance(error, KeyboardInterrupt) else 1
    return 0


def _print_traceback(error):
    """Prints the traceback as ``python script.py`` would: the launcher's frames (this module,
    runpy) and the import alias's frames are left out."""
    kept = []
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__") not in _LAUNCHER_MODULES:
            kept.append(tb)
        tb = tb.tb_next
    program_tb = None
    for frame_tb in reversed(kept):
        program_tb = types.TracebackType(program_tb, frame_tb.tb_frame, frame_tb.tb_lasti,
                                         frame_tb.tb_lineno)
    sys.stdout.flush()
    sys.excepthook(type(error), error.with_traceback(program_tb), program_tb)


_LAUNCHER_MODULES = (__name__, "runpy", "cornu.compat.keras_alias")
