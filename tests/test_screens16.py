"""Issue 16, items 6 and 8, found on the screenshots of ``scripts/screens.py`` (docs/screens.md).

What a phone cut off: chart titles and legend labels ending in "…", the columns that differ
(counts, coverage, names) pushed off-screen by one that repeats, a hub map's centre name running
off the picture. Each test fails on the code before the fix.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from origin_map.app.show import reader_order
from origin_map.geo.geometry import Centre
from tests.test_pages import app, texts


def _specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _views(at) -> list[dict]:
    """Every single view of the page's charts (a layered chart's layers one by one)."""
    return [v for s in _specs(at) for v in [s, *s.get("layer", [])] if "encoding" in v]


def _order(at, column: str) -> list[str]:
    frame = next(d for d in at.dataframe if column in d.value.columns)
    return list(frame.proto.column_order)


# ---------------------------------------------------------------- charts
@pytest.mark.parametrize(("page", "charts"), [("pages/overview.py", 1), ("pages/density.py", 5),
                                              ("pages/compare.py", 1)])
def test_chart_titles_are_text_above_the_chart_not_cut_inside_it(page, charts):
    at = app()
    at.switch_page(page).run()
    assert not at.exception
    specs = _specs(at)
    assert len(specs) == charts
    assert not [s["title"] for s in specs if "title" in s]  # Vega cuts a title with "…"
    bold = texts(at.markdown)
    assert "**Places present each year, by sector**" in bold or page != "pages/overview.py"
    if page == "pages/density.py":
        assert "**Ripley" in bold and "random patterns**" in bold  # whole, to wrap


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/density.py", "pages/compare.py"])
def test_a_legend_below_a_chart_takes_the_columns_that_fit_with_whole_labels(page):
    at = app({"lang": "zh"})
    at.switch_page(page).run()
    below = [s for s in _specs(at) if s.get("encoding", {}).get("color", {}).get(
        "legend", {}).get("orient") == "bottom"]
    assert below
    for spec in below:
        legend = spec["encoding"]["color"]["legend"]
        assert legend["columns"] == {"expr": "max(1, min(4, floor(containerSize()[0] / 210)))"} \
            or page == "pages/compare.py"  # beside the hub names: tests/test_look16.py
        assert legend["labelLimit"] >= 200  # "AI infrastructure & compute" whole
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}  # bars keep height


def test_ring_labels_are_level_while_few_and_hub_names_get_the_room_there_is():
    at = app()
    at.switch_page("pages/density.py").run()
    rings = [v for v in _views(at) if v["encoding"].get("x", {}).get("field") == "ring"]
    angles = {len(s["encoding"]["x"]["sort"]): s["encoding"]["x"].get("axis", {}).get(
        "labelAngle") for s in rings}
    assert angles[3] == 0  # the three rings 0–500, 500–1000, 1000–2000 m read level
    assert angles[10] is None  # ten 100 m rings: Vega turns them to fit
    at.switch_page("pages/compare.py").run()
    hubs = next(v for v in _views(at) if v["encoding"].get("y", {}).get("field") == "hub")
    assert hubs["encoding"]["y"]["axis"]["labelLimit"] == {
        "expr": "containerSize()[0] < 600 ? 130 : 320"}


# ---------------------------------------------------------------- tables
def test_reader_order_puts_the_first_columns_first_and_a_repeated_value_last():
    frame = pd.DataFrame({"centre_id": ["c", "c"], "h3_cell": ["a", "b"], "resolution": [9, 9],
                          "lat": [1.0, 2.0], "count": [3, 4]})
    assert reader_order(frame) == ["h3_cell", "lat", "count", "centre_id", "resolution"]
    assert reader_order(frame, ("count", "absent")) == ["count", "h3_cell", "lat", "centre_id",
                                                        "resolution"]
    assert reader_order(frame.head(1)) == list(frame.columns)  # one row: nothing repeats


def test_density_walk_and_h3_tables_show_their_counts_first_not_the_centre():
    at = app()
    at.switch_page("pages/density.py").run()
    walk = _order(at, "band_outer_min")
    assert walk[:3] == ["band_outer_min", "sector", "count"] and walk[-1] == "centre_id"
    h3 = _order(at, "h3_cell")
    assert h3[:2] == ["h3_cell", "count"] and set(h3[-2:]) == {"centre_id", "resolution"}


def test_compare_stacked_table_names_the_hub_and_shows_its_counts_early():
    at = app()
    at.switch_page("pages/compare.py").run()
    frame = next(d for d in at.dataframe if "ring_outer_m" in d.value.columns)
    order = list(frame.proto.column_order)
    assert order[:4] == ["centre_id", "count", "ring_outer_m", "sector"]  # count in view at
    assert json.loads(frame.proto.columns)["count"]["width"] == "small"  # 390 px (fix16)
    config = json.loads(frame.proto.columns)["centre_id"]
    assert config["label"] == "hub"
    labels = {o["value"]: o["label"] for o in config["type_config"]["options"]}
    assert labels["dongsheng-building"] == "Dongsheng Building (Origin Building)"
    assert frame.value["centre_id"].iloc[0] == "dongsheng-building"  # the CSV keeps the id


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_data_table_starts_with_the_name_in_the_pages_language(lang):
    at = app({"lang": lang})
    at.switch_page("pages/data.py").run()
    assert _order(at, "name_en")[:3] == [f"name_{lang}", "sector", "kind"]


def test_overview_coverage_and_about_labels_come_first():
    at = app()
    assert _order(at, "coverage")[:2] == ["coverage", "figure"]  # the bar's number in view
    at.switch_page("pages/about.py").run()
    assert _order(at, "counts_as_ai") == ["label", "colour", "counts_as_ai", "sector"]


# ---------------------------------------------------------------- hub maps
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_long_centre_name_stays_on_the_hub_map(lang):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from origin_map.render.mapdraw import draw_map
    from tests.conftest import places_at

    far = Centre("sz", "深圳大学站，深圳高新技术产业园区（南山区）科技园南区",
                 "Shenzhen University station, Shenzhen Hi-Tech Park (Nanshan)", 22.54, 113.94)
    fig = Figure(figsize=(900 / 190, 900 / 190), dpi=190)  # the Compare page's hub maps
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_map(ax, places_at([("a", 300, 45, "chips", "firm")], centre=far), centre=far,
             radii=(1000, 2000), area=None, outlines=None, lang=lang, sources=["x"],
             main_m=1000)
    label = next(t for t in ax.texts if t.get_text().replace("\n", " ").startswith(
        far.name(lang).replace("\n", " ")[:6]))
    box = label.get_window_extent(fig.canvas.get_renderer())
    assert "\n" in label.get_text()
    assert box.x1 <= fig.bbox.x1 and box.x0 >= 0, (box, fig.bbox)
