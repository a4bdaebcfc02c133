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


# ------------------------------------------- every setting a link carries, three ways wrong
from origin_map.settings import SETTINGS  # noqa: E402

BIG = 100_000  # characters: a 100 kB value
WRONG: dict[str, dict[str, str]] = {  # kind -> family -> value
    "choice": {"malformed": "<script>alert(1)</script>", "out_of_range": "zz"},
    "multi": {"malformed": ",,<b>,", "out_of_range": "nothing,none"},
    "number": {"malformed": "1e999", "out_of_range": "0"},
    "rings": {"malformed": "5;6;-1", "out_of_range": "0,99999999"},
    "flag": {"malformed": "maybe", "out_of_range": "2"},
    "integer": {"malformed": "9.5", "out_of_range": "99"},
    "year": {"malformed": "twenty", "out_of_range": "1899"},
    "text": {},  # any text is a search; too long is the only way wrong
    "area": {"malformed": "p:x~1,2", "out_of_range": "p:big~30,110;30,125;45,125;45,110"},
}
CENTRE = {"malformed": "nan,nan", "out_of_range": "91,200"}
LINK_KEYS = {s.url: s for s in SETTINGS.values() if s.url}


def wrong_link(family: str) -> dict[str, str]:
    """A link whose every setting is wrong in the way ``family`` says (and data, review too)."""
    if family.startswith("oversized"):  # 4 at a time: Streamlit drops a query over 512 kB
        keys = [*LINK_KEYS, "data", "review"]
        part = int(family[-1])
        return {key: "9" * BIG for key in keys[4 * part: 4 * part + 4]}
    q = {key: WRONG[s.kind][family] for key, s in LINK_KEYS.items() if family in WRONG[s.kind]}
    q["centre"] = CENTRE[family]
    return {**q, "data": "../../etc/passwd", "review": "<b>x</b>"}


def test_the_hostile_links_name_every_setting_a_link_carries():
    assert set(LINK_KEYS) >= {"year", "r", "rings", "sectors", "area", "search", "outline",
                              "lang", "h3res", "base", "centre", "kinds", "quality", "h3"}
    for family in ("malformed", "out_of_range"):
        missing = set(LINK_KEYS) - set(wrong_link(family)) - {"search"}
        assert not missing, (family, missing)
    oversized = [wrong_link(f"oversized{i}") for i in range(5)]
    assert set().union(*oversized) == {*LINK_KEYS, "data", "review"}
    assert all(len(v) == BIG for q in oversized for v in q.values())


@pytest.mark.slow
@pytest.mark.parametrize("family", ["malformed", "out_of_range", *(
    f"oversized{i}" for i in range(5))])
@pytest.mark.parametrize("page", PAGES)
def test_every_setting_wrong_in_a_link_gives_the_usual_message_on_every_page(page, family):
    query = wrong_link(family)
    at = app(query)
    at.switch_page(page).run()
    assert not at.exception, (family, at.exception)
    said = [w.value for w in at.sidebar.warning]
    wrong = [k for k in LINK_KEYS if k in query]
    assert len(said) >= len(wrong), (len(said), len(wrong), said)  # one message per setting
    assert "Traceback" not in " ".join(said)
    assert max(map(len, said)) < 2_000  # no value is echoed whole
    assert at.sidebar.radio[0].value == "en"  # the link's lang was ignored
    # the page still works: a setting changed afterwards is taken
    at.sidebar.text_input(key="om_radius").set_value("500").run()
    assert not at.exception, at.exception
    assert not at.sidebar.error, [e.value for e in at.sidebar.error]
    assert at.session_state["om_good"]["radius"] == 500.0


def test_a_value_longer_than_a_field_takes_is_refused_in_words():
    at = app({"lang": "zh"})
    at.sidebar.text_input(key="om_radius").set_value("5" * 300).run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert errors and "300 个字符，超过此栏允许的 200 个" in errors[0], errors
    assert at.sidebar.text_input(key="om_radius").proto.max_chars == 0  # no "3/200" counter
