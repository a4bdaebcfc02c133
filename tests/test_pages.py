"""The Streamlit pages under AppTest: each runs, filters change figures, downloads match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from origin_map.datasets import load_centres, shipped_places
from origin_map.export import to_csv_bytes
from origin_map.geometry import ring_radii
from origin_map.stats import PlaceFilter, density_table

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["pages/overview.py", "pages/map.py", "pages/density.py", "pages/data.py",
         "pages/about.py"]


def app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if query:
        at.query_params.update(query)
    return at.run()


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
    expected = density_table(shipped_places(), centre, ring_radii(1000, [500, 2000]),
                             place_filter=flt)
    shown = at.dataframe[0].value
    assert shown.reset_index(drop=True).equals(expected)
    # the download button serves to_csv_bytes of exactly this table
    assert to_csv_bytes(shown) == to_csv_bytes(expected)


def test_query_string_sets_and_rejects_values():
    at = app({"centre": "nowhere", "r": "-5", "sectors": "chips,bogus", "lang": "zh"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert "Unknown centre 'nowhere'" in warnings and "Radius '-5'" in warnings
    assert "'bogus'" in warnings
    assert at.multiselect(key="om_sectors").value == ["chips"]
    assert at.radio(key="om_lang").value == "zh"
    assert at.number_input(key="om_radius").value == 1000


def test_settings_are_mirrored_in_query_string():
    at = app()
    at.number_input(key="om_radius").set_value(1500).run()
    assert at.query_params["r"] == "1500"


def test_map_page_has_layers_legend_rings_and_local_assets():
    at = app()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    args = map_args(at)
    script = args["script"]
    assert "L.circleMarker" in script and "markerClusterGroup" in script
    assert "om-legend" in script and "Large models" in script
    assert "1 km" in script and "500 m" in script and "2 km" in script
    for link in args["js_links"] + args["css_links"]:
        assert link.startswith("/app/static/vendor/"), link
    assert args["returned_objects"] == ["last_object_clicked"]


def test_map_click_shows_all_places_in_that_building(monkeypatch):
    import streamlit_folium

    monkeypatch.setattr(streamlit_folium, "st_folium", lambda *a, **k: {
        "last_object_clicked": {"lat": 39.992446, "lng": 116.327708}})
    at = app()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    text = " ".join(md.value for md in at.markdown)
    assert "东升大厦" in text


def upload(at: AppTest, name: str, data: bytes, *, partial: bool = False) -> AppTest:
    at.file_uploader(key="om_upload").set_value((name, data, "text/csv"))
    if partial:
        at.checkbox(key="om_up_part").check()
    at.button[0].click()
    return at.run()


def test_rings_out_of_order_are_normalised_with_a_message():
    at = app()
    at.text_input(key="om_rings").set_value("2000, 500,500").run()
    assert not at.exception
    assert "500, 1000, 2000 m" in at.sidebar.info[0].value
    at.text_input(key="om_rings").set_value("500,-3").run()
    assert "positive" in at.sidebar.error[0].value
    at.switch_page("pages/density.py").run()
    assert sorted(set(at.dataframe[0].value["ring_outer_m"])) == [1000]


def test_invalid_upload_shows_problems_and_keeps_data():
    at = app()
    at.number_input(key="om_radius").set_value(1500)
    at.multiselect(key="om_sectors").set_value(["chips", "large_models"])
    at.switch_page("pages/data.py").run()
    before = at.caption[0].value
    bad = b"id,name,sector,lat,lon\na,x,robots,39.99,116.33\nb,y,chips,,116.3\n"
    at = upload(at, "bad.csv", bad)
    assert not at.exception
    problems = at.dataframe[-1].value
    assert problems[["row", "field"]].values.tolist() == [[1, "sector"], [2, "lat"]]
    assert "was not loaded" in at.error[0].value
    assert at.caption[0].value == before  # still the shipped data
    assert at.number_input(key="om_radius").value == 1500  # and the same settings
    assert at.multiselect(key="om_sectors").value == ["chips", "large_models"]


def test_valid_upload_replaces_data_for_this_session_only():
    at, other = app(), app()
    at.switch_page("pages/data.py").run()
    good = "id,名称,行业,纬度,经度\na,智谱,大模型,39.9927,116.3252\nb,x,chips,39.99,116.33\n"
    at = upload(at, "mine.csv", good.encode("gbk"))
    assert not at.exception
    assert "2 places loaded" in at.success[0].value
    at.switch_page("pages/overview.py").run()
    assert at.metric[0].value == "2"
    other.run()
    assert int(other.metric[0].value) > 2  # the other session still has the shipped data


def test_partial_upload_loads_valid_rows_and_offers_report():
    at = app()
    at.switch_page("pages/data.py").run()
    at = upload(at, "part.csv", b"id,lat,lon\na,39.99,116.33\nb,oops,116.3\n", partial=True)
    assert not at.exception
    assert "1 places loaded" in at.success[0].value and "1 rows left out" in at.success[0].value
    buttons = [b for b in at.get("download_button") if "left out" in b.proto.label]
    assert len(buttons) == 1


def test_upload_chosen_excel_sheet():
    data = (Path(__file__).parent / "data" / "firms.xlsx").read_bytes()
    at = app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="om_upload").set_value(("firms.xlsx", data, "application/vnd.ms-excel"))
    at.text_input(key="om_up_sheet").set_value("more")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "2 places loaded" in at.success[0].value
    at.text_input(key="om_up_sheet").set_value("csv-has-no-sheets")
    at.file_uploader(key="om_upload").set_value(("a.csv", b"lat,lon\n39.99,116.33\n",
                                                  "text/csv"))
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "1 places loaded" in at.success[0].value
