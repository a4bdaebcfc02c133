"""Issue 16, item 5: 中文 everywhere a user reads (draw toolbar, tables, uploader, sources)."""

from __future__ import annotations

import json

import pytest

from origin_map.render.mapping import base_map


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_draw_texts_are_set_before_the_draw_control_is_made(lang):
    from origin_map.app.maps import render_base

    parts = render_base(base_map(lang=lang, draw=True), key="k")
    script = parts.script
    made = script.index("new L.Control.Draw")
    for field in ("d.toolbar.buttons.polygon", "d.handlers.rectangle.tooltip.start",
                  "e.toolbar.buttons.removeDisabled"):
        assert -1 < script.index(field) < made, field
    texts = json.loads(script.split("var t = ", 1)[1].split(", d = L.drawLocal", 1)[0])
    if lang == "zh":
        assert texts["polygon"] == "画多边形"
        assert texts["draw_rectangle_start"] == "按住并拖动以画矩形。"
        assert texts["draw_nothing_to_delete"] == "没有可删除的图形"


# ---------------------------------------------------------------- tables, uploader, sources
import re  # noqa: E402

from origin_map.places.citation import public_source  # noqa: E402
from tests.test_pages import app  # noqa: E402

PATH_LIKE = re.compile(r"(?<![\w/.:])(?:[\w.-]+/)+[\w.-]+\.(?:txt|md|csv|json|js|osm)\b")


def _options(df, column: str) -> dict[str, str]:
    config = json.loads(df.proto.columns)[column]
    return {o["value"]: o["label"] for o in config["type_config"]["options"]}


@pytest.mark.parametrize(("lang", "sector", "all_label"), [("zh", "大模型", "全部行业"),
                                                           ("en", "Large models", "All sectors")])
def test_density_table_shows_sector_names_and_keeps_the_ids(lang, sector, all_label):
    at = app({"lang": lang})
    at.switch_page("pages/density.py").run()
    df = at.dataframe[0]
    assert "large_models" in set(df.value["sector"])  # the data (and the CSV) keep ids
    shown = _options(df, "sector")
    assert shown["large_models"] == sector and shown["all"] == all_label


def test_data_table_shows_kind_sector_status_in_chinese():
    at = app({"lang": "zh"})
    at.switch_page("pages/data.py").run()
    df = next(d for d in at.dataframe if "kind" in d.value.columns)
    assert _options(df, "kind")["landmark"] == "地标"
    assert _options(df, "sector")["public"] == "公共设施与交通"
    assert _options(df, "status")["current"] == "现有"
    assert _options(df, "position_quality")["surveyed"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_uploaders_say_their_texts_in_the_page_language(lang):
    at = app({"lang": lang})
    at.switch_page("pages/data.py").run()
    styles = [h.proto.body for h in at.get("html") if h.proto.body.startswith("<style>")]
    assert len(styles) == 2 and all("stFileUploaderDropzoneInstructions" in s for s in styles)
    button = "选择文件" if lang == "zh" else "Choose a file"
    css = "".join(ch if ch.isalnum() or ch in " " else f"\\{ord(ch):x} " for ch in button)
    assert css in styles[0]
    limits = [c.value for c in at.caption if "200 MB" in c.value]
    assert len(limits) == 2 and ("最大" if lang == "zh" else "up to") in limits[0]
    assert "`.geojson`" in limits[0]


def test_public_source_drops_repository_paths_and_keeps_links():
    given = ('智东西 (王涵), Feb 2025, "AI原点社区" article: shared/seed/000_22ad03f4036ac5b7.txt; '
             'mirror http://www.digipub.cc/dy/article/KL86.html (repost) ; not verified '
             '(shared/reference/README.md)')
    assert public_source(given) == ('智东西 (王涵), Feb 2025, "AI原点社区" article; mirror '
                                    'http://www.digipub.cc/dy/article/KL86.html (repost); '
                                    'not verified')
    assert public_source("github x/y scripts/geocode.py @28ce2a") == "github x/y @28ce2a"
    assert public_source(float("nan")) == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/data.py", pytest.param(
    "pages/compare.py", marks=pytest.mark.slow)])  # the slowest page; its sources are the hubs'
def test_no_page_shows_a_repository_path_as_a_source(page, lang):
    at = app({"lang": lang})
    at.switch_page(page).run()
    cells = [str(v) for df in at.dataframe for c in ("source", "years_source")
             if c in df.value.columns for v in df.value[c]]
    assert cells, "no source column on the page"
    assert not [c for c in cells if PATH_LIKE.search(c)], [c for c in cells if PATH_LIKE.search(c)]


def test_place_details_show_no_repository_path(monkeypatch):
    from origin_map.app import maps

    monkeypatch.setattr(maps.sf, "_component_func", lambda **k: {
        "last_object_clicked": {"lat": 39.992446, "lng": 116.327708}})
    at = app({"lang": "zh"})
    at.switch_page("pages/map.py").run()
    assert "位置说明与来源（来源原文，未翻译）：" in [c.value for c in at.caption]
    sources = [t.value for t in at.text if "dongsheng" in t.value.lower() or "智东西" in t.value
               or "OpenStreetMap" in t.value or "osm" in t.value.lower()]
    assert sources and not [s for s in sources if PATH_LIKE.search(s)]
