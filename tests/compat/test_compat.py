import os
import subprocess
import sys
import textwrap
import types

import pytest

import cornu
from cornu import cli, compat
from cornu.compat import keras_alias
from cornu.compat.keras_alias import KerasAliasFinder

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def alias():
    compat.install_keras_alias()
    yield
    compat.uninstall_keras_alias()


def run_cornu(args, cwd):
    env = dict(os.environ, PYTHONPATH=REPO)
    return subprocess.run([sys.executable, "-m", "cornu", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


# ----------------------------------------------------------------------------- the finder

def test_resolve_same_name_and_nested():
    finder = KerasAliasFinder()
    assert finder.resolve("keras") == "cornu"
    assert finder.resolve("keras.backend") == "cornu.backend"
    assert finder.resolve("keras.utils.np_utils") == "cornu.utils.np_utils"


def test_resolve_relocated_only_when_same_name_is_missing(monkeypatch):
    monkeypatch.setitem(keras_alias.RELOCATED, "keras.utils.old_home", "cornu.utils")
    monkeypatch.setitem(keras_alias.RELOCATED, "keras.utils.np_utils", "cornu.backend")
    finder = KerasAliasFinder()
    assert finder.resolve("keras.utils.old_home") == "cornu.utils"
    assert finder.resolve("keras.utils.np_utils") == "cornu.utils.np_utils"  # same name wins


def test_keras_2_layer_modules_are_cornu_layers(alias):
    from keras.layers.convolutional import Conv2D, MaxPooling2D, UpSampling2D, ZeroPadding2D
    from keras.layers.normalization import BatchNormalization
    from keras.layers.pooling import GlobalAveragePooling2D
    from keras.layers.core import Dense

    import cornu.layers
    assert Conv2D is cornu.layers.Conv2D and MaxPooling2D is cornu.layers.MaxPooling2D
    assert UpSampling2D and ZeroPadding2D and BatchNormalization and GlobalAveragePooling2D
    assert Dense is cornu.layers.Dense
    assert KerasAliasFinder().resolve("keras.layers.convolutional") == "cornu.layers"


def test_every_relocated_target_names_a_cornu_package():
    assert keras_alias.LAYER_MODULES["keras.layers.core"] == "cornu.layers"
    assert keras_alias.RELOCATED["keras.engine.topology"] == "cornu.engine"
    assert keras_alias.RELOCATED["keras.utils.vis_utils"] == "cornu.utils"
    assert all(target.startswith("cornu.") for target in keras_alias.RELOCATED.values())


def test_missing_module_error_names_keras_and_cornu_modules():
    finder = KerasAliasFinder()
    with pytest.raises(ModuleNotFoundError) as info:
        finder.resolve("keras.no_such_module.deeper")
    assert info.value.name == "keras.no_such_module.deeper"
    assert "'keras.no_such_module.deeper'" in str(info.value)
    assert "cornu.no_such_module.deeper" in str(info.value)


def test_other_names_are_not_aliased():
    finder = KerasAliasFinder()
    assert finder.find_spec("tensorflow.keras") is None
    assert finder.find_spec("kerasx") is None
    assert finder.find_spec("numpy") is None


def test_import_through_alias_shares_module_objects(alias):
    import keras
    import keras.utils.np_utils
    from keras import backend as K

    import cornu.utils.np_utils
    assert keras.layers is cornu.layers and keras.Sequential is cornu.Sequential
    assert K is cornu.backend
    assert sys.modules["keras.utils"] is sys.modules["cornu.utils"]
    assert keras.utils.np_utils.to_categorical is cornu.utils.np_utils.to_categorical
    assert cornu.backend.__spec__.name == "cornu.backend"  # cornu keeps its own spec


def test_keras_version_is_the_keras_2_version_cornu_follows(alias):
    import keras
    assert keras.__version__ == "2.2.4"
    assert cornu.__version__ == "0.1.0"  # cornu's own, unchanged
    major, minor = (int(part) for part in keras.__version__.split(".")[:2])
    assert (major, minor) >= (2, 2)  # the books' check_version(keras, '2.2')
    assert "Sequential" in dir(keras)


def test_import_of_relocated_module(alias, monkeypatch):
    monkeypatch.setitem(keras_alias.RELOCATED, "keras.utils.old_home", "cornu.utils")
    import keras.utils.old_home
    assert sys.modules["keras.utils.old_home"] is sys.modules["cornu.utils"]


def test_import_of_missing_module_raises(alias):
    with pytest.raises(ModuleNotFoundError, match="cornu.not_there"):
        import keras.not_there  # noqa: F401


def test_install_is_idempotent_and_uninstall_forgets_modules():
    compat.install_keras_alias()
    compat.install_keras_alias()
    try:
        assert sum(isinstance(f, KerasAliasFinder) for f in sys.meta_path) == 1
        import keras.backend  # noqa: F401
        assert "keras.backend" in sys.modules
    finally:
        compat.uninstall_keras_alias()
        compat.uninstall_keras_alias()
    assert not any(isinstance(f, KerasAliasFinder) for f in sys.meta_path)
    assert "keras" not in sys.modules and "keras.backend" not in sys.modules
    assert "cornu.backend" in sys.modules


def test_install_refuses_when_real_keras_is_imported(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", types.ModuleType("keras"))
    with pytest.raises(RuntimeError, match="a real keras .* is already imported"):
        compat.install_keras_alias()
    assert not any(isinstance(f, KerasAliasFinder) for f in sys.meta_path)


def test_without_alias_keras_stays_absent(tmp_path):
    code = textwrap.dedent("""
        import importlib.util, sys
        import cornu.compat
        assert importlib.util.find_spec('keras') is None, 'a real keras is installed'
        cornu.compat.install_keras_alias()
        import keras
        cornu.compat.uninstall_keras_alias()
        try:
            import keras
        except ModuleNotFoundError as error:
            print('absent', error.name)
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, env=dict(os.environ, PYTHONPATH=REPO), timeout=120)
    assert result.stdout.strip() == "absent keras", result.stderr


# ----------------------------------------------------------------------------- cornu run

PROGRAM = """\
import sys
import keras
from keras import backend as K
import keras.utils.np_utils
from keras.utils.np_utils import to_categorical
import cornu, cornu.backend, cornu.utils
assert keras.models is cornu.models and K is cornu.backend
assert keras.__version__ == '2.2.4' and cornu.__version__ != keras.__version__
assert sys.modules['keras.utils'] is sys.modules['cornu.utils']
print('argv', sys.argv)
print('path0', sys.path[0])
print('name', __name__)
print('onehot', to_categorical([1, 0]).tolist())
if sys.argv[1:] == ['exit']:
    sys.exit(3)
if sys.argv[1:] == ['fail']:
    def helper():
        raise ValueError('boom from the program')
    helper()
"""


@pytest.fixture
def program(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    path = folder / "chapter2.py"
    path.write_text(PROGRAM)
    return path


@pytest.fixture
def launcher(monkeypatch):
    """Runs ``cornu.cli.main`` in this process and undoes what it changes."""
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield cli.main
    compat.uninstall_keras_alias()


def test_python_m_cornu_run_script_with_args(program, tmp_path):
    result = run_cornu(["run", str(program), "--epochs", "2"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [f"argv {[str(program), '--epochs', '2']}", f"path0 {program.parent}",
                     "name __main__", "onehot [[0.0, 1.0], [1.0, 0.0]]"]


def test_run_passes_sys_exit_through(program, launcher, capsys):
    with pytest.raises(SystemExit) as info:
        launcher(["run", str(program), "exit"])
    assert info.value.code == 3
    assert capsys.readouterr().out.startswith(f"argv {[str(program), 'exit']}")


def test_run_prints_program_traceback_and_returns_1(program, launcher, capsys):
    assert launcher(["run", str(program), "fail"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1].startswith(f'  File "{program}", line ')  # the program's frame comes first
    assert any("in helper" in line for line in lines)
    assert lines[-1] == "ValueError: boom from the program"
    assert not any("cli.py" in line or "runpy" in line for line in lines)


def test_run_module_form_and_missing_keras_module(tmp_path, launcher, capsys, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "prog.py").write_text(
        "import sys\nprint(sys.argv[1:], __name__)\nimport keras.no_such_thing\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "pkg", raising=False)
    assert launcher(["run", "-m", "pkg.prog", "x"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["['x'] __main__"]
    assert sys.path[0] == str(tmp_path)
    assert captured.err.splitlines()[-1].startswith(
        "ModuleNotFoundError: No module named 'keras.no_such_thing': cornu runs Keras code by "
        "serving keras.no_such_thing from cornu.no_such_thing")
    assert "keras_alias.py" not in captured.err


def test_version_usage_and_missing_file(launcher, capsys):
    assert launcher(["--version"]) == 0
    assert capsys.readouterr().out == f"cornu {cornu.__version__}\n"
    assert launcher([]) == 2
    assert "usage: cornu run script.py" in capsys.readouterr().err
    assert launcher(["run", "-m"]) == 2
    assert launcher(["run", "nope.py"]) == 2
    assert "can't open file" in capsys.readouterr().err


def test_notebook_extension_installs_the_alias():
    import cornu
    from cornu.compat import uninstall_keras_alias
    cornu.load_ipython_extension(None)
    try:
        import keras.models
        assert keras.models.Sequential is cornu.models.Sequential
    finally:
        uninstall_keras_alias()
