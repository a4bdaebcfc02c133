"""One catalogue per language: same keys, same fields, every key the code asks for exists."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from origin_map import i18n
from origin_map.places import vocab

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "src" / "origin_map").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
                  ROOT / "app.py"])

SAME_IN_BOTH = {
    "lang.en": "the language switch names each language in that language",
    "lang.zh": "the language switch names each language in that language",
    "sidebar.lang": "the switch's label is bilingual so either reader finds it",
    "basemap.osm": "a proper name",
    "report.title": "the product name and a name filled in",
}
"""Keys whose Chinese text may equal the English one, and why. Keep it short."""


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_both_catalogues_have_the_same_keys() -> None:
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    assert sorted(set(en) - set(zh)) == []
    assert sorted(set(zh) - set(en)) == []


FIELDS_DIFFER: dict[str, str] = {}
"""Keys whose fields differ between the languages today (strict xfail: fix, then delete)."""


@pytest.mark.parametrize("key", [
    pytest.param(k, marks=pytest.mark.xfail(reason=FIELDS_DIFFER[k], strict=True))
    if k in FIELDS_DIFFER else k for k in sorted(i18n.catalogue("en"))])
def test_a_text_has_the_same_fields_in_both_languages(key: str) -> None:
    assert _fields(i18n.catalogue("en")[key]) == _fields(i18n.catalogue("zh")[key]), key


def test_chinese_texts_are_translated() -> None:
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    same = {k for k in en if en[k] == zh[k]}
    assert same == set(SAME_IN_BOTH)


def test_missing_key_and_language() -> None:
    with pytest.raises(i18n.MissingTextError, match=r"nope\.nothing"):
        i18n.text("nope.nothing", "zh")
    assert i18n.text("report.distance_m", "fr", m=5) == "5 m"  # unknown language: English
    assert i18n.text("report.distance_km", "zh", km=1.5) == "1.5 公里"


# ---------------------------------------------------------------- keys used by the code
_PREFIX_CALLS = {
    # module path part -> {callable name: catalogue prefix of its first (literal) argument}
    "": {"text": ""},
    "geocode/": {"message": "geocode.", "none": "geocode.", "level_label": "geocode.level."},
    "areas.py": {"AreaError": "area.", "warning": "area."},
    "compare.py": {"coverage_note": "compare.note."},
}


def _callee(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _lambda_prefixes(tree: ast.AST) -> dict[str, str]:
    """Local ``t = lambda key: i18n.text(f"leaflet.{key}", lang)``: name -> prefix."""
    out = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda)
                and isinstance(node.value.body, ast.Call) and _callee(node.value.body) == "text"
                and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        arg = node.value.body.args[0]
        if isinstance(arg, ast.Name):
            out[node.targets[0].id] = ""
        elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
            out[node.targets[0].id] = str(arg.values[0].value)
    return out


def _used_keys(path: Path) -> set[str]:
    """Return the catalogue keys ``path`` passes as literals to the text functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(ROOT).as_posix()
    calls = {name: prefix for part, table in _PREFIX_CALLS.items() if part in rel
             for name, prefix in table.items()}
    calls.update(_lambda_prefixes(tree))
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) in calls and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                keys.add(calls[_callee(node)] + arg.value)
        elif ("geocode/" in rel and isinstance(node, ast.Tuple) and len(node.elts) == 2
              and isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[1], ast.Dict)):
            keys.add(f"geocode.{node.elts[0].value}")  # a reason: (key, fields)
    return keys


_TABLES = {k.split(".")[0] for k in i18n.catalogue("en")}
_FILE_SUFFIXES = {"csv", "pdf", "png", "py", "toml", "json", "geojson", "gpkg", "xlsx", "txt",
                  "html", "js", "css", "md", "parquet", "sqlite"}


def _key_shaped_literals(path: Path) -> set[str]:
    """Return string literals shaped like a key of a catalogue table (``page.map``)."""
    out = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                id(node) not in in_fstrings):
            s = node.value
            if (re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", s) and s.split(".")[0] in _TABLES
                    and s.rsplit(".", 1)[1] not in _FILE_SUFFIXES):
                out.add(s)
    return out


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_key_the_code_uses_exists(path: Path) -> None:
    cat = i18n.catalogue("en")
    used = _used_keys(path) | _key_shaped_literals(path)
    # the geocoder's messages are in geocode, or in geocode2 for its second round
    assert sorted(k for k in used if k not in cat
                  and k.replace("geocode.", "geocode2.", 1) not in cat) == []


def test_the_scan_finds_keys() -> None:
    """The scan above must see the keys it checks (else it checks nothing)."""
    src = ROOT / "src" / "origin_map"
    assert {"report.title", "report.within"} <= _used_keys(src / "render" / "report.py")
    assert {"area.too_far", "area.merged"} <= _used_keys(src / "measure" / "areas.py")
    assert {"geocode.campus_point", "geocode.elsewhere"} <= _used_keys(src / "geocode/_decide.py")
    assert "geocode.below_min_level" in _used_keys(src / "geocode/_run.py")
    assert "compare.note.area" in _used_keys(src / "measure" / "compare.py")
    assert "page.map" in _key_shaped_literals(src / "app" / "state.py")
    assert "leaflet.zoom_in" in _used_keys(src / "render" / "mapping.py")


def _families() -> list[tuple[str, str]]:
    from origin_map.geocode import LEVELS
    from origin_map.geocode._result import NEW_LEVELS
    from origin_map.measure import coverage
    from origin_map.render.basemaps import BASEMAPS

    ids = {
        "sector": vocab.SECTOR_IDS, "kind": vocab.KINDS, "quality": vocab.POSITION_QUALITIES,
        "status": vocab.STATUSES, "datum": vocab.DATUMS, "basemap": tuple(BASEMAPS),
        "lang": i18n.LANGS, "geocode.level": tuple(v for v in LEVELS if v not in NEW_LEVELS),
        "geocode2.level": NEW_LEVELS, "compare.what": ("firms", "institutions"),
        "coverage": coverage._FIGURES,
        "data.unknown": ("error", "default"),
    }
    return [(group, str(v)) for group, values in ids.items() for v in values]


@pytest.mark.parametrize(("group", "value"), _families())
def test_every_vocabulary_id_has_a_text(group: str, value: str) -> None:
    sep = "_" if group == "data.unknown" else "."
    assert f"{group}{sep}{value}" in i18n.catalogue("en")
