"""Issue 16, items 8 and 6 (AppTest): Compare for a newcomer; phones and tablets."""

from __future__ import annotations

import json

import pytest

from tests.test_pages import app, texts, upload


def _specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def test_compare_says_what_thin_means_and_shows_a_short_table():
    at = app()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    md = texts(at.markdown)
    assert "Below 50 % the dataset is **thin**" in md and "not a finding" in md
    assert "cannot be compared one to one" in md  # the two-areas note explained
    main = at.dataframe[0]
    shown = main.value
    assert list(shown.columns) == ["hub", "coverage_status", "coverage_firms_pct",
                                   "dataset_firms", "published_firms", "dataset_ai_firms",
                                   "published_ai_firms", "coverage_note"]
    cells = [str(v) for col in shown.columns for v in shown[col]]
    assert "None" not in cells and "nan" not in cells
    labels = {o["value"]: o["label"] for o in json.loads(main.proto.columns)[
        "coverage_status"]["type_config"]["options"]}
    assert labels["thin"] == "thin"
    full = at.dataframe[1].value  # the expander: every figure, "–" for none
    assert len(full.columns) > 20 and "None" not in {str(v) for v in full.stack()}


def test_nanshan_is_measured_against_its_published_ai_firms():
    from origin_map.measure.compare import compare_figures, load_hubs
    from origin_map.places.datasets import load_centres, shipped_places

    fig = compare_figures(shipped_places(), load_hubs(), load_centres()).set_index("hub_id")
    ns = fig.loc["nanshan-hi-tech-park"]
    assert ns["published_ai_firms"] == 1100 and ns["coverage_status"] == "thin"
    assert "of the published AI firms (0 of 1,100)" in ns["coverage_note"]
    assert "no published count" not in ns["coverage_note"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_bars_keep_the_width_on_a_phone(lang):
    at = app({"lang": lang})
    at.switch_page("pages/compare.py").run()
    spec = next(s for s in _specs(at) if s["encoding"]["x"].get("stack") == "normalize")
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert "< 600 ? 130" in spec["encoding"]["y"]["axis"]["labelLimit"]["expr"]  # phone: 130
    assert spec["encoding"]["x"]["axis"]["tickCount"] == 4


def test_density_shows_key_columns_first_and_the_sector_bars_full_width():
    at = app()
    at.switch_page("pages/density.py").run()
    order = list(at.dataframe[0].proto.column_order)
    assert order[:4] == ["ring_outer_m", "sector", "count", "density_per_km2"]
    assert "centre_id" not in order
    sector = _specs(at)[0]
    assert sector["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_a_rejected_upload_shows_how_to_fix_beside_the_problem():
    at = app()
    at.switch_page("pages/data.py").run()
    at = upload(at, "bad.csv", b"id,name,sector,lat,lon\na,x,robots,39.99,116.33\n")
    order = list(at.dataframe[0].proto.column_order)
    assert order[:3] == ["row", "problem", "fix"]


def test_a_tapped_place_is_brought_into_view_once(monkeypatch):
    from origin_map.app import maps

    monkeypatch.setattr(maps.sf, "_component_func", lambda **k: {
        "last_object_clicked": {"lat": 39.992446, "lng": 116.327708}})
    at = app()
    at.switch_page("pages/map.py").run()
    scripts = [h.proto.body for h in at.get("html") if "scrollIntoView" in h.proto.body]
    assert len(scripts) == 1 and "window.innerWidth >= 640" in scripts[0]
    at.run()  # the same click: no new scrolling
    assert not [h for h in at.get("html") if "scrollIntoView" in h.proto.body]


def test_hub_maps_draw_larger_text_on_the_same_pixels(known_places):
    import io

    from PIL import Image

    from origin_map.render import report
    from tests.conftest import DONGSHENG

    small = report.render_map_png(known_places, centre=DONGSHENG, size_px=(300, 300))
    large = report.render_map_png(known_places, centre=DONGSHENG, size_px=(300, 300), dpi=190)
    assert Image.open(io.BytesIO(large)).size == Image.open(io.BytesIO(small)).size == (300, 300)
    dark = [sum(1 for p in Image.open(io.BytesIO(d)).convert("L").getdata() if p < 90)
            for d in (small, large)]
    assert dark[1] > 1.5 * dark[0]  # labels and legend text cover more pixels
