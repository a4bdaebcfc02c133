"""The history as one picture (issue 16, "Beyond"): the table, its CLI, the chart, the report."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from origin_map import cli
from origin_map.measure.history import HISTORY_COLUMNS, history_table
from origin_map.measure.stats import PlaceFilter
from origin_map.places.datasets import read_places
from tests.conftest import DONGSHENG, places_at


@pytest.fixture
def timeline() -> pd.DataFrame:
    """a: 2000-now; b: 2005-2010 (historic); c: 2008 only (historic, no end); d: no start;
    e: 2001-now but 5 km away; f: 2003-now, research."""
    p = places_at([("a", 100, 0, "large_models", "firm"), ("b", 200, 90, "large_models", "firm"),
                   ("c", 300, 180, "chips", "firm"), ("d", 400, 270, "chips", "firm"),
                   ("e", 5000, 0, "chips", "firm"), ("f", 500, 45, "research", "university")])
    p["since"] = pd.array([2000, 2005, 2008, None, 2001, 2003], dtype="Int64")
    p["until"] = pd.array([None, 2010, None, None, None, None], dtype="Int64")
    p["status"] = ["current", "historic", "historic", "current", "current", "current"]
    return p


def _totals(table: pd.DataFrame) -> dict[int, int]:
    return {int(k): int(v) for k, v in table.groupby("year")["count"].sum().items()}


def test_places_present_each_year_with_known_answers(timeline):
    t = history_table(timeline, DONGSHENG, 1000, last=2012)
    assert tuple(t.columns) == HISTORY_COLUMNS
    assert _totals(t) == {2000: 1, 2001: 1, 2002: 1, 2003: 2, 2004: 2, 2005: 3, 2006: 3,
                          2007: 3, 2008: 4, 2009: 3, 2010: 3, 2011: 2, 2012: 2}
    assert t.attrs == {"no_start_year": 1, "counted": 4}  # d has no start; e is outside
    y2008 = t[t["year"] == 2008].set_index("sector")["count"].to_dict()
    assert y2008 == {"large_models": 2, "chips": 1, "research": 1}  # every sector, in order
    assert list(t[t["year"] == 2000]["sector"]) == ["large_models", "chips", "research"]


def test_history_follows_the_filters_not_the_year_or_status(timeline):
    flt = PlaceFilter(sectors=["large_models"], year=2001, include_historic=False)
    t = history_table(timeline, DONGSHENG, 1000, place_filter=flt, first=2004, last=2011)
    assert _totals(t) == {2004: 1, 2005: 2, 2006: 2, 2007: 2, 2008: 2, 2009: 2, 2010: 2,
                          2011: 1}
    assert history_table(timeline, DONGSHENG, 6000, last=2012).attrs["counted"] == 5


def test_history_inside_an_area(timeline):
    from shapely.geometry import box, mapping

    from origin_map.measure.areas import area_from_geojson_dict

    a, f = timeline.iloc[0], timeline.iloc[5]  # a box round a (north) and f (north-east)
    geom = box(min(a.lon, f.lon) - 1e-4, min(a.lat, f.lat) - 1e-4, max(a.lon, f.lon) + 1e-4,
               max(a.lat, f.lat) + 1e-4)
    area = area_from_geojson_dict({"type": "Feature", "geometry": mapping(geom),
                                   "properties": {}})
    t = history_table(timeline, DONGSHENG, area=area, last=2004)
    assert _totals(t) == {2000: 1, 2001: 1, 2002: 1, 2003: 2, 2004: 2}
    assert set(t["radius_m"]) == {"area"}


def test_a_registry_export_gives_the_firm_count_over_time():
    csv = ("名称,纬度,经度,成立日期,注销日期\n"
           "甲,39.9925,116.3277,2015-03-12,\n"
           "乙,39.9926,116.3278,2009年3月1日,2016/7/1\n"
           "丙,39.9927,116.3279,2018/01/05 00:00:00,\n").encode()
    places = read_places(csv, name="registry.csv").places
    assert places["since"].tolist() == [2015, 2009, 2018]
    t = history_table(places, DONGSHENG, 1000, last=2019)
    assert _totals(t)[2009] == 1 and _totals(t)[2015] == 2 and _totals(t)[2017] == 1
    assert _totals(t)[2018] == 2


def test_cli_history_writes_the_same_table(tmp_path, capsys):
    out = tmp_path / "history.csv"
    assert cli.main(["history", "-o", str(out), "--sector", "large_models"]) == 0
    written = pd.read_csv(out, encoding="utf-8-sig")
    from origin_map.places.datasets import load_centres, shipped_places

    expected = history_table(shipped_places(), load_centres()[0], 1000,
                             place_filter=PlaceFilter(sectors=["large_models"]))
    assert written["count"].tolist() == expected["count"].tolist()
    assert written["year"].tolist() == expected["year"].tolist()
    assert "without a start year are not" in capsys.readouterr().err


def test_overview_shows_the_history_chart_in_the_map_colours():
    from origin_map.places import vocab
    from tests.test_pages import app

    at = app({"lang": "zh"})
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    spec = next(s for s in specs if "year" in json.dumps(s))
    scale = spec["encoding"]["color"]["scale"]
    assert scale["range"][scale["domain"].index("大模型")] == vocab.SECTOR_BY_ID[
        "large_models"].colour
    caption = " ".join(c.value for c in at.caption)
    assert "没有起始年份，未计入" in caption
    assert any(b.proto.label == "下载历史 CSV" for b in at.get("download_button"))


def test_overview_history_for_an_uploaded_list():
    from tests.test_pages import app, upload

    at = app()
    at.switch_page("pages/data.py").run()
    data = "id,name,since,until,status,lat,lon\na,x,2010,,current,39.9925,116.3277\n" \
           "b,y,,,current,39.9926,116.3278\n"
    at = upload(at, "mine.csv", data.encode())
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert "1 of the 2 places inside have no start year" in " ".join(c.value for c in at.caption)


@pytest.mark.slow  # a whole PDF; the history itself: the tests above
def test_report_has_the_history(known_places):
    pypdf = pytest.importorskip("pypdf")
    from origin_map.render import report

    p = known_places.assign(since=pd.array([2010] * 5 + [None] * 5, dtype="Int64"),
                            status="current")
    data = report.build_report_pdf(p, centre=DONGSHENG, radii_m=(1000,), coverage="")
    text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "present each year, by sector" in text
    assert "(2 of 7 without a start year not counted)" in text  # 7 within 1 km
