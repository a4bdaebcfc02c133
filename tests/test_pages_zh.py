"""Every page in 中文 shows no English interface text; hostile links never break a page."""

from __future__ import annotations

import json
import re

import pytest

from tests.test_pages import PAGES, app

# Technical terms and proper names that stay as they are in Chinese (issue 10).
ALLOWED = re.compile(
    r"CSV|GeoJSON|GeoPackage|Excel|xlsx|UTF-8|GBK|BOM|H3|WGS-84|GCJ-02|BD-09|EPSG:\d+|GPS|"
    r"OpenStreetMap|CartoDB|Nominatim|AI|Origin Map|PDF|PNG|API|Clark|Evans|Ripley|L\(d\)|"
    r"CC BY \d\.\d|ODbL|km²|km|m\b|lat|lon|lng|\bz\b|\bp\b|\bn\b|d\b|all|area|"
    r"ring_inner_m|ring_outer_m|origin-map|geodata|places|csv|buildings|Leaflet|English|"
    r"Language|AutoNavi|GPT|MSRA|IIIS|TusPark")


def english_words(text: str) -> list[str]:
    """Latin words of 3+ letters left after code spans, paths, ids and allowed terms."""
    text = re.sub(r"`[^`]*`", " ", text)  # code spans: commands, column names, file names
    text = re.sub(r"\S+[/\\.]\S+", " ", text)  # paths, URLs, file names
    text = re.sub(r"\b[a-z0-9]+(?:[-_][a-z0-9]+)+\b", " ", text)  # ids: dongsheng-building
    text = ALLOWED.sub(" ", text)
    return re.findall(r"[A-Za-z]{3,}", text)


def _config(df) -> dict:
    """The column settings (headers) of a dataframe element."""
    return json.loads(df.proto.columns or "{}")


def ui_texts(at) -> list[str]:
    """The interface's own texts on a page (not the data shown in tables)."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success"):
        out += [e.value for e in getattr(at, kind)]
    for kind in ("button", "checkbox", "radio", "selectbox", "multiselect", "text_input",
                 "slider", "number_input"):
        for w in getattr(at, kind):
            out.append(w.label)
            if kind in ("radio", "selectbox", "multiselect"):
                out += [str(o) for o in w.options]
    out += [m.label for m in at.metric]
    out += [b.proto.label for b in at.get("download_button")]
    for df in at.dataframe:
        out += [c.get("label", "") for c in _config(df).values() if isinstance(c, dict)]
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        out += re.findall(r'"title": "([^"]*)"', json.dumps(spec, ensure_ascii=False))
    return out


def raw_headers(at) -> list[str]:
    """Table headers shown as the data's own Latin column names (no catalogue label)."""
    out: list[str] = []
    for df in at.dataframe:
        config = _config(df)
        assert config, "no column settings: the headers are the data's column names"
        for col in df.value.columns:
            c = config.get(str(col)) or {}
            if not c.get("label") and not c.get("hidden") and re.fullmatch(r"[A-Za-z_0-9]+",
                                                                           str(col)):
                out.append(str(col))
    return out


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_chinese_has_no_english_interface_text(page):
    at = app({"lang": "zh"})
    at.switch_page(page).run()
    assert not at.exception, at.exception
    found = {t: english_words(t) for t in ui_texts(at)}
    bad = {t[:80]: w for t, w in found.items() if w}
    assert not bad, bad
    assert not [h for h in raw_headers(at) if h not in ("lat", "lon")], raw_headers(at)


def test_the_english_check_catches_english():
    assert english_words("Places per sector") == ["Places", "per", "sector"]
    assert english_words("下载 CSV · `origin-map stats`") == []


HOSTILE_QUERIES = [
    {"r": "abc"}, {"r": "1e308"}, {"r": "-0"}, {"r": ""}, {"rings": "a,b,c"},
    {"rings": ",".join(["5"] * 500)}, {"centre": "91,200"}, {"centre": "nan,nan"},
    {"centre": "<script>alert(1)</script>"}, {"sectors": ""}, {"sectors": ",,,"},
    {"sectors": "x" * 5000}, {"kinds": "firm,<b>"}, {"quality": "'; DROP TABLE"},
    {"year": "1066"}, {"year": "2999"}, {"year": "twenty"}, {"h3res": "99"},
    {"h3res": "9.5"}, {"lang": "fr"}, {"base": "javascript:alert(1)"}, {"heat": "maybe"},
    {"search": "%00%ff" * 100}, {"area": "p:x~1,2"}, {"area": "p:~0,0;0,1;1,1;0,0"},
    {"area": "nonsense"}, {"area": "p:big~30,110;30,125;45,125;45,110;30,110"},
    {"outline": "2"}, {"r": "50", "rings": "50,50,50", "sectors": "chips", "kinds": "park"},
]


def _hostile_params() -> list[object]:
    """Every query on every page; the default run takes each query on one page (in turn).

    The settings are read the same way for every page, so one page a query keeps each query
    and each page in the fast run; the full grid is ``slow``.
    """
    out: list[object] = []
    for q, query in enumerate(HOSTILE_QUERIES):
        for p, page in enumerate(PAGES):
            marks = [] if (q - p) % len(PAGES) == 0 else [pytest.mark.slow]
            out.append(pytest.param(page, query, marks=marks,
                                    id=f"{json.dumps(query)[:40]}-{page}"))
    return out


@pytest.mark.parametrize(("page", "query"), _hostile_params())
def test_hostile_links_show_a_message_never_a_traceback(page, query):
    at = app(query)
    at.switch_page(page).run()
    assert not at.exception, (query, at.exception)
