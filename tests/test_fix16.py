"""Issue 16, the small defects left in docs/screens.md's "What remains" (each fails before its fix).

A rejected upload's "how to fix" cut in a data grid on a phone; the walking-time table's centre
shown as its id; the cumulative chart's last point half outside the plot; the hub map's legend
over the 2 km ring; Compare's stacked table with its count off-screen on a phone (in
``test_screens16``); the Data page's help saying only coordinates are required.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from origin_map.i18n import text
from tests.test_pages import app, texts, unescape, upload


# ---------------------------------------------------------------- rejected upload, phone
def _problem_lists(at) -> list[str]:
    return [unescape(m.value) for m in at.markdown if m.value.startswith("- **")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_few_upload_problems_are_written_out_wrapped_in_the_pages_language(lang):
    at = app({"lang": lang})
    at.switch_page("pages/data.py").run()
    bad = b"id,name,sector,lat,lon\na,x,robots,39.99,116.33\nb,y,chips,,116.3\n"
    at = upload(at, "bad.csv", bad)
    assert not at.exception
    (listed,) = _problem_lists(at)
    problems = at.dataframe[0].value  # the table stays, for the full list and its CSV
    assert len(problems) == 2 and len(listed.splitlines()) == 4  # two problems, two lines each
    row = text("fix16.row", lang, row=1)
    field = text("fix16.field", lang, field="sector")
    assert f"**{row} · {field} · {text('fix16.value', lang, value='robots')}" in listed
    assert text("fix16.row", lang, row=2) in listed
    for fix in problems["fix"]:  # every fix whole, in the page's language, in wrapping text
        assert unescape(text("fix16.fix", lang, fix=fix)) in listed
    assert ("修改方法" in listed) == (lang == "zh")
    assert text("fix16.problems_table", lang) in [e.label for e in at.expander]


def test_many_upload_problems_stay_a_table():
    at = app()
    at.switch_page("pages/data.py").run()
    rows = "".join(f"r{i},x,robots,39.99,116.33\n" for i in range(9))
    at = upload(at, "bad.csv", f"id,name,sector,lat,lon\n{rows}".encode())
    assert not at.exception
    assert len(at.dataframe[0].value) == 9
    assert not _problem_lists(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_upload_help_says_an_address_or_a_name_will_do(lang):
    at = app({"lang": lang})
    at.switch_page("pages/data.py").run()
    help_text = texts(at.markdown)
    assert text("data.upload_help", lang)[:40] in help_text
    assert "Only the coordinate columns" not in help_text and "只需要坐标列" not in help_text
    for word in ("`lat`", "`address`", "`地址`", "`name`", "`名称`"):
        assert word in help_text


# ---------------------------------------------------------------- walking-time table
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_walking_time_and_h3_tables_name_their_centre_in_the_pages_language(lang):
    at = app({"lang": lang})
    at.switch_page("pages/density.py").run()
    assert not at.exception
    name = {"en": "Dongsheng Building (Origin Building)", "zh": "东升大厦（原点大厦）"}[lang]
    for column in ("band_outer_min", "h3_cell"):
        frame = next(d for d in at.dataframe if column in d.value.columns)
        config = json.loads(frame.proto.columns)["centre_id"]
        assert config["label"] == text("column.centre_id", lang)
        labels = {o["value"]: o["label"] for o in config["type_config"]["options"]}
        assert labels == {"dongsheng-building": name}
        assert set(frame.value["centre_id"]) == {"dongsheng-building"}  # the CSV keeps the id
    caption = next(c.value for c in at.caption if "origin-map walk" in c.value)
    assert "area_km2" not in caption and "centre_id" not in caption  # catalogue words only


# ---------------------------------------------------------------- cumulative chart
def test_the_cumulative_chart_reaches_beyond_its_last_point():
    from origin_map.render.charts import cumulative_chart

    table = pd.DataFrame({"sector": ["all", "all", "all", "chips"],
                          "ring_outer_m": [500, 1000, 2000, 2000],
                          "cumulative_count": [3, 7, 12, 1]})
    x = cumulative_chart(table, "en").to_dict()["encoding"]["x"]
    assert x["scale"]["nice"] is False
    low, high = x["scale"]["domain"]
    assert low == 0 and 2000 * 1.02 <= high <= 2000 * 1.1  # the point whole, little waste


# ---------------------------------------------------------------- hub map legend
@pytest.mark.parametrize(("size", "dpi", "lang"), [((900, 1160), 190, "en"),
                                                    ((900, 1160), 190, "zh"),
                                                    ((1200, 1200), 100, "en"),
                                                    ((1400, 900), 100, "zh")])
def test_the_map_legend_lies_outside_the_map(size, dpi, lang):
    import matplotlib as mpl

    from origin_map.places import vocab
    from origin_map.render.mapdraw import rc_params
    from origin_map.render.report import map_figure
    from tests.conftest import DONGSHENG, places_at

    every = [(s, 1900, 25 * i, s, "firm") for i, s in enumerate(vocab.SECTOR_IDS)]  # on the
    places = places_at([*every, ("t1", 300, 45, "chips", "firm"),  # outer ring; two tenants
                        ("t2", 300, 45, "chips", "firm")])  # of one building
    with mpl.rc_context(rc_params(lang)):
        fig = map_figure(places, centre=DONGSHENG, radii=(500, 1000, 2000), area=None,
                         outlines=None, lang=lang, sources=None, size=size, dpi=dpi)
        renderer = fig.canvas.get_renderer()
        (ax,) = fig.axes
        assert ax.get_legend() is None
        (legend,) = fig.legends
        box, area = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
    assert not box.overlaps(area)  # hides no ring, no place
    assert len(legend.get_texts()) == len(vocab.SECTOR_IDS) + 1  # and the building's key
    figure = fig.bbox
    assert figure.x0 <= box.x0 and box.x1 <= figure.x1 and figure.y0 <= box.y0  # whole
    assert abs(area.width - area.height) < 2  # the map stays square
    if size == (900, 1160):  # the Compare page's hub maps: the full width, one scale for all
        assert area.width > 0.97 * size[0]
