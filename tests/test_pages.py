"""The Streamlit pages under AppTest: each runs, filters change figures, downloads match."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from origin_map import cli
from origin_map.app import PAGES as NAV
from origin_map.geo.geometry import Rings
from origin_map.io.export import to_csv_bytes
from origin_map.measure.stats import PlaceFilter, density_table
from origin_map.places.datasets import load_centres, shipped_places

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = [script for script, *_ in NAV]


def app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if query:
        at.query_params.update(query)
    return at.run()


def unescape(md: str) -> str:
    """Undo the markdown escaping of user text (what the browser shows)."""
    return re.sub(r"\\(.)", r"\1", md)


def texts(elements) -> str:
    return " ".join(unescape(e.value) for e in elements)


def map_args(at: AppTest) -> dict:
    comps = at.get("component_instance")
    assert comps, "no map component on the page"
    return json.loads(comps[0].proto.json_args)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(page):
    at = app()
    at.switch_page(page).run()
    assert not at.exception, at.exception


def test_sector_filter_changes_the_figures():
    at = app()
    before = {m.label: m.value for m in at.metric}
    at.multiselect(key="om_sectors").set_value(["large_models"]).run()
    after = {m.label: m.value for m in at.metric}
    assert not at.exception
    assert int(after["Places"]) < int(before["Places"])
    assert after["AI share of firms"] == "100%"


def test_density_download_equals_library_csv():
    at = app()
    at.multiselect(key="om_sectors").set_value(["large_models", "ai_infrastructure"])
    at.switch_page("pages/density.py").run()
    assert not at.exception
    centre = load_centres()[0]
    flt = PlaceFilter(sectors=["large_models", "ai_infrastructure"])
    expected = density_table(shipped_places(), centre, Rings.build(1000, [500, 2000]),
                             place_filter=flt)
    shown = at.dataframe[0].value
    assert shown.reset_index(drop=True).equals(expected)
    assert to_csv_bytes(shown) == to_csv_bytes(expected)


@pytest.mark.parametrize("query", [{}, {"sectors": "large_models,chips", "r": "1500",
                                        "rings": "300,3000", "historic": "1"},
                                   {"centre": "39.99,116.33", "kinds": "firm"}])
def test_density_page_shows_the_command_that_reproduces_its_download(query, capsysbinary):
    """Issue 10.10: the app's CSV equals `origin-map stats` with the command it shows."""
    at = app(query)
    at.switch_page("pages/density.py").run()
    assert not at.exception
    command = next(c.value for c in at.code if c.value.startswith("origin-map stats"))
    argv = shlex.split(command)[1:]
    capsysbinary.readouterr()
    assert cli.main(argv) == 0
    out = capsysbinary.readouterr().out
    assert out == to_csv_bytes(at.dataframe[0].value)


def test_cli_defaults_equal_the_app_defaults(capsysbinary):
    at = app()
    at.switch_page("pages/density.py").run()
    assert cli.main(["stats"]) == 0
    assert capsysbinary.readouterr().out == to_csv_bytes(at.dataframe[0].value)


# ---------------------------------------------------------------- the issue-10 regressions
@pytest.mark.parametrize("page", PAGES)
def test_no_sector_selected_gives_an_empty_result_and_a_message_on_every_page(page):
    at = app()
    at.multiselect(key="om_sectors").set_value([]).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    if page != "pages/about.py":
        assert "No place passes the filters" in texts(at.info), page


def test_link_with_only_unknown_sectors_is_ignored_and_says_so():
    at = app({"sectors": "nope"})
    at.switch_page("pages/density.py").run()
    assert not at.exception
    assert "only unknown value" in texts(at.sidebar.warning)
    assert len(at.multiselect(key="om_sectors").value) == 14
    assert at.dataframe[0].value["count"].sum() > 0


@pytest.mark.parametrize("typed", ["", "abc", "0", "-5", "1e9", "nan", "inf"])
def test_a_bad_radius_keeps_the_last_good_one_and_says_so(typed):
    at = app()
    at.text_input(key="om_radius").set_value("1500").run()
    at.text_input(key="om_radius").set_value(typed).run()
    assert not at.exception
    errors = texts(at.sidebar.error)
    assert "Still using 1500 m" in errors, errors
    assert at.query_params["r"] == "1500"
    assert "1,500 m" in at.subheader[0].value  # the Overview still counts within 1500 m
    at.text_input(key="om_radius").set_value("800").run()
    assert not at.sidebar.error and at.query_params["r"] == "800"


@pytest.mark.parametrize(("field", "typed"), [("om_lat", "91"), ("om_lat", ""),
                                              ("om_lon", "200"), ("om_lat", "north")])
def test_a_bad_custom_centre_keeps_the_last_good_point(field, typed):
    at = app()
    at.selectbox(key="om_centre").set_value("custom").run()
    at.text_input(key="om_lat").set_value("39.99").run()
    at.text_input(key=field).set_value(typed).run()
    assert not at.exception
    assert "Still using" in texts(at.sidebar.error)
    lat = float(at.query_params["centre"].split(",")[0])
    assert lat == pytest.approx(39.99)


def test_link_warnings_go_away_once_the_value_is_fixed():
    at = app({"r": "-5"})
    assert "r" in texts(at.sidebar.warning)
    at.switch_page("pages/map.py").run()
    assert at.sidebar.warning  # still there on another page: not fixed yet
    at.text_input(key="om_radius").set_value("1200").run()
    assert not at.sidebar.warning
    at.switch_page("pages/density.py").run()
    assert not at.sidebar.warning


def test_upload_shows_the_new_data_at_once_and_a_picked_file_is_not_lost():
    at = app()
    at.switch_page("pages/data.py").run()
    good = "id,名称,行业,纬度,经度\na,智谱,大模型,39.9927,116.3252\nb,x,chips,39.99,116.33\n"
    at.file_uploader(key="om_upload").set_value(("mine.csv", good.encode("gbk"), "text/csv"))
    at.run()
    at.switch_page("pages/map.py").run()  # picked, not loaded: the sidebar says so
    assert "mine.csv" in texts(at.sidebar.warning)
    at.switch_page("pages/data.py").run()
    at.button(key="om_up_load").click().run()
    assert not at.exception
    assert "2 places loaded" in texts(at.success)
    assert "2 of 2 places" in " ".join(c.value for c in at.caption)  # same run, new data
    assert "mine.csv" not in texts(at.sidebar.warning)


def test_map_title_says_shown_and_within_the_radius():
    at = app()
    at.switch_page("pages/map.py").run()
    title = at.subheader[0].value
    shown, inside = map(int, re.findall(r"(\d+) (?:places shown|within)", title))
    assert shown > inside > 0
    at.text_input(key="om_radius").set_value("300").run()
    _, inside_300 = map(int, re.findall(r"(\d+) (?:places shown|within)", at.subheader[0].value))
    assert inside_300 < inside


def test_map_page_sends_the_base_map_once_and_layers_apart():
    at = app()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    args = map_args(at)
    layers = args["feature_group"]
    assert "L.circleMarker" in layers and "markerClusterGroup" in layers
    assert "om-legend" in layers and "Large models" in layers and "details" in layers
    assert "1 km" in layers and "500 m" in layers and "2 km" in layers
    assert "bindPopup" not in layers  # details go beside the map, not over it
    assert "L.circleMarker" not in args["script"]
    for link in args["js_links"] + args["css_links"]:
        assert link.startswith(("/app/static/vendor/", "/app/static/bundle/")), link
    assert args["returned_objects"] == ["last_object_clicked", "last_active_drawing",
                                        "all_drawings"]
    before = args["key"]
    at.multiselect(key="om_sectors").set_value(["large_models"]).run()
    after = map_args(at)
    assert after["key"] == before and after["script"] == args["script"]  # no reload
    assert after["feature_group"] != layers


def test_map_click_shows_all_places_in_that_building(monkeypatch):
    from origin_map.app import maps

    monkeypatch.setattr(maps.sf, "_component_func", lambda **k: {
        "last_object_clicked": {"lat": 39.992446, "lng": 116.327708}})
    at = app()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert "东升大厦" in texts(at.markdown)


def test_rings_are_one_validated_value():
    at = app()
    at.text_input(key="om_rings").set_value("2000, 500,500").run()
    assert not at.exception
    at.switch_page("pages/density.py").run()
    assert sorted(set(at.dataframe[0].value["ring_outer_m"])) == [500, 1000, 2000]
    at.text_input(key="om_rings").set_value("500,-3").run()
    assert "Still using 2000, 500,500" in texts(at.sidebar.error)
    assert sorted(set(at.dataframe[0].value["ring_outer_m"])) == [500, 1000, 2000]


def upload(at: AppTest, name: str, data: bytes, *, partial: bool = False) -> AppTest:
    at.file_uploader(key="om_upload").set_value((name, data, "text/csv"))
    if partial:
        at.checkbox(key="om_up_part").check()
    at.run()
    at.button(key="om_up_load").click()
    return at.run()


def test_invalid_upload_shows_problems_and_keeps_data():
    at = app()
    at.text_input(key="om_radius").set_value("1500")
    at.multiselect(key="om_sectors").set_value(["chips", "large_models"])
    at.switch_page("pages/data.py").run()
    before = [c.value for c in at.main.caption if "places pass" in c.value]
    bad = b"id,name,sector,lat,lon\na,x,robots,39.99,116.33\nb,y,chips,,116.3\n"
    at = upload(at, "bad.csv", bad)
    assert not at.exception
    problems = at.dataframe[0].value
    assert problems[["row", "field"]].values.tolist() == [[1, "sector"], [2, "lat"]]
    assert "was not loaded" in texts(at.error)
    assert [c.value for c in at.main.caption if "places pass" in c.value] == before
    assert at.text_input(key="om_radius").value == "1500"  # and the same settings
    assert at.multiselect(key="om_sectors").value == ["chips", "large_models"]


def test_valid_upload_replaces_data_for_this_session_only():
    at, other = app(), app()
    at.switch_page("pages/data.py").run()
    good = "id,名称,行业,纬度,经度\na,智谱,大模型,39.9927,116.3252\nb,x,chips,39.99,116.33\n"
    at = upload(at, "mine.csv", good.encode("gbk"))
    assert not at.exception
    assert "2 places loaded" in texts(at.success)
    at.switch_page("pages/overview.py").run()
    assert at.metric[0].value == "2"
    other.run()
    assert int(other.metric[0].value) > 2  # the other session still has the shipped data


def test_partial_upload_loads_valid_rows_and_offers_report():
    at = app()
    at.switch_page("pages/data.py").run()
    at = upload(at, "part.csv", b"id,lat,lon\na,39.99,116.33\nb,oops,116.3\n", partial=True)
    assert not at.exception
    assert "1 places loaded" in texts(at.success) and "1 rows left out" in texts(at.success)
    buttons = [b for b in at.get("download_button") if "left out" in b.proto.label]
    assert len(buttons) == 1


def test_upload_chosen_excel_sheet():
    data = (Path(__file__).parent / "data" / "firms.xlsx").read_bytes()
    at = app()
    at.switch_page("pages/data.py").run()
    at.text_input(key="om_up_sheet").set_value("more")
    at = upload(at, "firms.xlsx", data)
    assert not at.exception
    assert "2 places loaded" in texts(at.success)


def test_density_chart_uses_the_map_palette_with_every_sector():
    at = app()
    at.switch_page("pages/density.py").run()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    colour = spec["encoding"]["color"]
    assert colour["legend"]["title"] == "Sector"
    from origin_map.places import vocab

    for label, hexcode in zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True):
        sid = next(s.id for s in vocab.SECTORS if vocab.sector_label(s.id) == label)
        assert vocab.SECTOR_BY_ID[sid].colour == hexcode
    assert len(colour["scale"]["domain"]) >= 8


def test_query_string_round_trip_after_a_change():
    at = app()
    at.text_input(key="om_radius").set_value("1500").run()
    assert at.query_params["r"] == "1500"
    again = app(dict(at.query_params))
    assert again.text_input(key="om_radius").value == "1500"


FIRMS_WITH_ADDRESSES = ("名称,地址,行业\n"
                        "甲,北京市海淀区中关村东路8号东升大厦AB座3层,大模型\n"
                        "乙,上海市浦东新区张江路88号,chips\n").encode()


def test_geocode_flow_review_and_load():
    at = app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="om_upload").set_value(("firms.csv", FIRMS_WITH_ADDRESSES, "text/csv"))
    at.run()
    assert not at.exception
    assert "Geocode addresses" in [s.value for s in at.subheader]
    at.button(key="om_geo_run").click().run()
    assert not at.exception
    edited = at.get("arrow_data_editor") or at.get("data_editor")
    assert edited, "no review table"
    assert "1 of 2 rows placed" in " ".join(c.value for c in at.caption), \
        [c.value for c in at.caption]
    at.button(key="om_geo_load").click().run()
    assert not at.exception
    at.switch_page("pages/overview.py").run()
    assert at.metric[0].value == "1"  # the Shanghai address was not placed, so not loaded
    assert "firms.csv (geocoded)" in texts(at.sidebar.caption)


@pytest.mark.slow  # the geocoding flow again, in Chinese; the flow: the test above
def test_geocode_review_headers_are_in_the_chosen_language():
    at = app({"lang": "zh"})
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="om_upload").set_value(("firms.csv", FIRMS_WITH_ADDRESSES, "text/csv"))
    at.run()
    at.button(key="om_geo_run").click().run()
    editor = (at.get("arrow_data_editor") or at.get("data_editor"))[0]
    columns = json.loads(editor.proto.columns)
    labels = {c: columns[c].get("label") for c in columns if not c.startswith("_")}
    for col in ("geocode_level", "geocode_score", "geocode_source", "geocode_match",
                "geocode_reason", "accept", "lat", "lon"):
        assert labels[col] and any("\u4e00" <= ch <= "\u9fff" for ch in labels[col]), (col, labels)
    assert labels["名称"] is None and labels["地址"] is None  # the file's own columns as named
    import pyarrow as pa

    shown = pa.ipc.open_stream(editor.proto.arrow_data.data).read_all().to_pandas()
    assert list(shown.columns[:3]) == ["accept", "名称", "地址"]
    assert shown["geocode_level"].tolist() == ["楼宇", "未定位"]  # levels in the reader's language
    at.button(key="om_geo_load").click().run()
    assert not at.exception
    loaded = at.session_state["om_dataset"]  # the codes, not the shown labels, reach the data
    assert loaded.places["position_note"].iloc[0].startswith("geocoded (building, ")
