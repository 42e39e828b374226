"""The package layout: each package imports only from the layers below it, and no module is
part of an import cycle (but the symbolic tensor's own: a ``KerasTensor`` operator makes an
op layer, which is a ``Layer``, whose calls make ``KerasTensor`` outputs).

Imports inside functions count too: a lazy import of a higher layer is still a dependency.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "cornu"

# Low to high. A module may import from its own layer or any layer below it.
LAYERS = [
    ("settings and helpers", ["cornu.config", "cornu.utils", "cornu.kernels"]),
    ("numerics", ["cornu.activations", "cornu.initializers", "cornu.regularizers",
                  "cornu.constraints", "cornu.losses", "cornu.metrics", "cornu.optimizers",
                  "cornu.callbacks", "cornu.datasets"]),
    ("symbolic graph", ["cornu.graph"]),
    ("serialization", ["cornu.saving"]),
    ("layers", ["cornu.layers"]),
    ("training", ["cornu.training"]),
    ("models", ["cornu.models"]),
    ("facades", ["cornu.backend", "cornu.engine", "cornu.preprocessing",
                 "cornu.applications", "cornu.wrappers"]),
    ("entry points", ["cornu.compat", "cornu.cli", "cornu.__main__", "cornu"]),
]
ALLOWED_CYCLES = [{"cornu.graph.keras_tensor", "cornu.graph.layer", "cornu.graph.op_layer"}]


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules():
    return {_module_name(path): path for path in ROOT.rglob("*.py")}


def _imports(name, path, known):
    """The cornu modules that ``name`` imports (anywhere in the file)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
    return {module for module in found if module in known and module != name}


def _graph():
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _rank(module):
    best, rank = "", None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, rank = prefix, index
    return rank


def test_every_module_belongs_to_a_layer():
    unplaced = sorted(name for name in _modules() if _rank(name) is None)
    assert unplaced == [], f"add these modules' packages to LAYERS: {unplaced}"


def test_no_module_imports_from_a_layer_above_it():
    upward = []
    for module, imported in sorted(_graph().items()):
        for target in sorted(imported):
            if _rank(target) > _rank(module):
                upward.append(f"{module} ({LAYERS[_rank(module)][0]}) imports {target} "
                              f"({LAYERS[_rank(target)][0]})")
    assert upward == []


def _cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    cycles = [sorted(c) for c in _cycles(_graph()) if c not in ALLOWED_CYCLES]
    assert cycles == []


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [{"a", "b", "c"}]


@pytest.mark.parametrize("module, expected", [("cornu.graph.layer", 2),
                                              ("cornu.training.steps.reference", 5),
                                              ("cornu", len(LAYERS) - 1)])
def test_rank_takes_the_longest_prefix(module, expected):
    assert _rank(module) == expected
