"""The package's modules import, and their imports form no cycle (read from the source by ast).

A cycle (``a`` imports ``b``, which imports ``a``, even inside a function) makes the import order
matter and the modules impossible to understand apart. Imports under ``if TYPE_CHECKING:`` do not
run and are not counted.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import origin_map

PACKAGE = Path(origin_map.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["origin_map", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    out: list[ast.Import | ast.ImportFrom] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            todo.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return out


def _target(name: str) -> str | None:
    """Return the module of the package that ``name`` is, or is inside of."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _edges(module: str) -> set[str]:
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    out = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif node.level:
            base = module.split(".")[: len(module.split(".")) - node.level + is_package]
            stem = ".".join(base + ([node.module] if node.module else []))
            names = [f"{stem}.{a.name}" for a in node.names]
        else:
            names = [f"{node.module}.{a.name}" for a in node.names]
        out |= {t for n in names if (t := _target(n)) and t != module}
    return out


def import_graph() -> dict[str, set[str]]:
    """Return, for each module of the package, the modules of the package it imports."""
    return {m: _edges(m) for m in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """Return one cycle of ``graph`` as a list of modules (first = last), or []."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(m: str) -> list[str]:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return [*path[path.index(n):], n]
            if n not in state and (found := visit(n)):
                return found
        state[m] = 2
        path.pop()
        return []

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return []


def test_the_import_graph_has_no_cycle() -> None:
    assert find_cycle(import_graph()) == []


def test_the_graph_sees_imports() -> None:
    graph = import_graph()
    assert "origin_map.io.rawtable" in graph["origin_map.io.delimited"]
    assert "origin_map.io.excel" in graph["origin_map.io.readers"]
    assert "origin_map.places.datasets" in graph["origin_map.cli._inputs"]  # inside a function
    assert "origin_map.geocode.gazetteer" not in graph["origin_map.geocode._decide"]  # typing
    assert "origin_map.places.vocab" in graph["origin_map.render.report"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_readers_bottom_imports_no_reader() -> None:
    readers = {"origin_map.io.readers", "origin_map.io.delimited", "origin_map.io.excel",
               "origin_map.io.geojson", "origin_map.io.gpkg"}
    assert not import_graph()["origin_map.io.rawtable"] & readers


@pytest.mark.parametrize("name", sorted(
    m.name for m in pkgutil.walk_packages(origin_map.__path__, "origin_map.")
    if not m.name.endswith("__main__")))
def test_every_module_imports(name: str) -> None:
    importlib.import_module(name)


# The layers, lowest first: a module imports only modules of its own layer or below.
LAYERS = [
    {"origin_map", "origin_map.errors", "origin_map.i18n", "origin_map.limits",
     "origin_map.texts", "origin_map.paths"},
    {"origin_map.io"}, {"origin_map.geo"}, {"origin_map.places"}, {"origin_map.measure"},
    {"origin_map.render"}, {"origin_map.settings", "origin_map.views"},
    {"origin_map.geocode", "origin_map.store"},
    {"origin_map.cli", "origin_map.app"},
]


def layer_of(module: str) -> int:
    """Return the layer of a module: its own entry, else its package's (``origin_map.io.csv``)."""
    for name in (module, ".".join(module.split(".")[:2])):
        for rank, members in enumerate(LAYERS):
            if name in members:
                return rank
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS")


def test_every_module_imports_only_its_layer_or_below() -> None:
    upward = sorted(f"{a} -> {b}" for a, targets in import_graph().items() for b in targets
                    if layer_of(b) > layer_of(a))
    assert upward == []


def test_the_app_and_the_cli_do_not_import_each_other() -> None:
    graph = import_graph()
    assert not any(b.startswith("origin_map.app") for a in graph if a.startswith(
        "origin_map.cli") for b in graph[a])
    assert not any(b.startswith("origin_map.cli") for a in graph if a.startswith(
        "origin_map.app") for b in graph[a])


def test_at_most_twelve_modules_at_the_top() -> None:
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 12, top
