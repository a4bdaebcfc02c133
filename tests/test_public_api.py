"""The public API: ``origin_map`` exports what a notebook needs, lazily, documented (issue 17).

Every exported function and class has numpydoc sections and examples that run here; the API
page docs/api.md is generated from those docstrings and must equal the script's output.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import origin_map

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import api_doc  # noqa: E402

NAMES = [n for n in origin_map.__all__ if n != "__version__"]
FUNCTIONS = [n for n in NAMES if inspect.isfunction(getattr(origin_map, n))]
CLASSES = [n for n in NAMES if inspect.isclass(getattr(origin_map, n))
           and not issubclass(getattr(origin_map, n), BaseException)]
ERRORS = [n for n in NAMES if n not in FUNCTIONS and n not in CLASSES]
NO_RAISES = {"places_in_area", "area_density_table", "compare_figures", "coverage_table"}
"""Functions that raise nothing on purpose (so no Raises section)."""
PENDING: dict[str, str] = {}  # name -> why its docstring is not complete yet (strict xfail)
SLOW = {"render_map_png", "build_report_pdf", "compare_figures", "coverage_table",
        "shipped_places", "cluster_report", "build_map"}


def _loaded_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return set(proc.stdout.split())


def test_import_origin_map_is_light() -> None:
    loaded = _loaded_after("import origin_map\norigin_map.__version__")
    heavy = {"pandas", "geopandas", "streamlit", "numpy", "shapely", "folium"}
    assert not {m.split(".")[0] for m in loaded} & heavy
    assert "origin_map.places.datasets" not in loaded


def test_a_name_imports_its_module_on_first_use() -> None:
    loaded = _loaded_after("import origin_map\norigin_map.PlaceFilter")
    assert "origin_map.places.filters" in loaded and "origin_map.render.mapping" not in loaded


def test_all_is_the_exports() -> None:
    assert set(origin_map.__all__) == {"__version__", *origin_map._EXPORTS}
    assert len(origin_map.__all__) == len(set(origin_map.__all__))


@pytest.mark.parametrize("name", NAMES)
def test_every_name_resolves_to_its_module(name: str) -> None:
    obj = getattr(origin_map, name)
    module = importlib.import_module(origin_map._EXPORTS[name])
    assert getattr(module, name) is obj
    assert name in dir(origin_map)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'read_place'"):
        origin_map.read_place  # noqa: B018
    from origin_map import i18n  # a submodule still imports

    assert i18n.__name__ == "origin_map.i18n"


def test_the_errors_are_one_tree() -> None:
    for name in ERRORS:
        assert issubclass(getattr(origin_map, name), origin_map.OriginMapError), name
        assert api_doc.sections(getattr(origin_map, name).__doc__)[""], name


def _required(name: str) -> list[str]:
    heads = ["Parameters", "Examples"]
    if name in FUNCTIONS:
        heads.append("Returns")
        if name not in NO_RAISES:
            heads.append("Raises")
    return heads


def _documented(name: str) -> list[object]:
    marks = [pytest.mark.xfail(reason=PENDING[name], strict=True)] if name in PENDING else []
    return [pytest.param(name, id=name, marks=marks)]


@pytest.mark.parametrize("name", [p for n in FUNCTIONS + CLASSES for p in _documented(n)])
def test_numpydoc_sections(name: str) -> None:
    obj = getattr(origin_map, name)
    parts = api_doc.sections(obj.__doc__)
    assert [h for h in _required(name) if not parts.get(h)] == []
    documented = {n.strip().lstrip("*") for names, _ in api_doc.parameters(parts["Parameters"])
                  for n in names.split(",")}
    if inspect.isfunction(obj):
        assert set(inspect.signature(obj).parameters) <= documented


def _doctest_params() -> list[object]:
    out: list[object] = []
    for name in FUNCTIONS + CLASSES:
        marks = [pytest.mark.slow] if name in SLOW else []
        if name in PENDING:
            marks.append(pytest.mark.xfail(reason=PENDING[name], strict=True))
        out.append(pytest.param(name, id=name, marks=marks))
    return out


@pytest.mark.parametrize("name", _doctest_params())
def test_examples_run(name: str) -> None:
    obj = getattr(origin_map, name)
    globs = dict(vars(importlib.import_module(obj.__module__)))
    tests = doctest.DocTestFinder(recurse=False).find(obj, name, globs=globs)
    assert tests and tests[0].examples, f"{name} has no examples"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0


def test_the_api_page_is_the_scripts_output() -> None:
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert page == api_doc.render(), "docs/api.md is stale: run python scripts/api_doc.py"


def test_every_public_name_is_on_the_page_once() -> None:
    grouped = [n for names in api_doc.GROUPS.values() for n in names]
    assert sorted(grouped) == sorted(NAMES)


def test_the_section_reader() -> None:
    doc = "Sum.\n\n    Parameters\n    ----------\n    a, b\n        Two\n        numbers.\n"
    parts = api_doc.sections(doc)
    assert parts[""] == "Sum." and api_doc.parameters(parts["Parameters"]) == [
        ("a, b", "Two numbers.")]
