"""model_to_dot / plot_model: real graphviz output."""
import builtins

import pytest

from cornu import layers
from cornu.models import Model, Sequential
from cornu.utils import model_to_dot, plot_model


def _book_mlp():
    return Sequential([layers.Dense(512, activation="relu", input_shape=(784,)),
                       layers.Dense(10, activation="softmax")])


def test_model_to_dot_names_nodes_like_keras():
    source = model_to_dot(_book_mlp()).to_string()
    assert '"dense_1: Dense"' in source and '"dense_2: Dense"' in source
    assert '"dense_1_input: InputLayer"' in source
    assert source.count("->") == 2


def test_model_to_dot_shapes_and_branches():
    a = layers.Input(shape=(4,), name="a")
    b = layers.Input(shape=(4,), name="b")
    merged = layers.Dense(2, name="out")(a)
    model = Model([a, b], [merged, layers.Dense(3, name="side")(b)])
    source = model_to_dot(model, show_shapes=True, rankdir="LR").to_string()
    assert "out: Dense|{input:|output:}|{{(None, 4)}|{(None, 2)}}" in source
    assert "rankdir=LR" in source
    assert source.count("->") == 2


def test_plot_model_writes_png_and_svg(tmp_path):
    model = _book_mlp()
    png = tmp_path / "model.png"
    plot_model(model, to_file=str(png), show_shapes=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "model.svg"
    plot_model(model, to_file=str(svg))
    assert "<svg" in svg.read_text()


def test_missing_pydot_is_named(monkeypatch):
    real_import = builtins.__import__

    def no_pydot(name, *args, **kwargs):
        if name == "pydot":
            raise ImportError("No module named 'pydot'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pydot)
    with pytest.raises(ImportError, match="pip install pydot"):
        model_to_dot(_book_mlp())


def test_missing_dot_program_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ImportError, match="apt-get install graphviz"):
        plot_model(_book_mlp(), to_file=str(tmp_path / "m.png"))
