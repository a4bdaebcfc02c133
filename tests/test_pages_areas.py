"""Areas in the app (AppTest): a drawing switches every page to the area, links carry it,
uploads and bad shapes, the report buttons; and the app's area table equals the CLI's."""

from __future__ import annotations

import json
import shlex

import pytest
from shapely.geometry import box, mapping
from streamlit.testing.v1 import AppTest

from origin_map import cli
from origin_map.io.export import to_csv_bytes
from origin_map.measure.areas import area_from_geojson_dict, area_to_geojson_bytes, to_local
from origin_map.places.datasets import shipped_places
from tests.conftest import DONGSHENG
from tests.test_pages import APP, app, texts

SQUARE = to_local(box(-600, -400, 600, 400), DONGSHENG.lat, DONGSHENG.lon, inverse=True)
DRAWN = {"type": "Feature", "properties": {}, "geometry": mapping(SQUARE)}


def drawn(monkeypatch, feature=DRAWN) -> None:
    """Make the map report ``feature`` as the last drawing."""
    from origin_map.app import maps

    monkeypatch.setattr(maps.sf, "_component_func",
                        lambda **k: {"last_active_drawing": feature, "all_drawings": [feature],
                                  "last_object_clicked": None})


def test_a_drawing_switches_every_page_to_the_area(monkeypatch, capsysbinary, tmp_path):
    drawn(monkeypatch)
    at = app()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert "inside the area" in at.subheader[0].value
    assert at.query_params["area"].startswith("p:")
    at.switch_page("pages/overview.py").run()
    assert "Inside the area" in at.subheader[0].value
    area = area_from_geojson_dict(DRAWN)
    inside = int(at.metric[0].value)
    from origin_map.measure.areas import places_in_area
    from origin_map.measure.stats import PlaceFilter

    places = shipped_places()
    assert inside == int((places_in_area(places, area) & PlaceFilter().mask(places)).sum())
    at.switch_page("pages/density.py").run()
    table = at.dataframe[0].value
    assert set(table["ring_outer_m"]) == {"area"}
    assert table.loc[table["sector"] == "all", "count"].item() == inside
    # the command shown reads the area file the sidebar offers: same bytes
    command = next(c.value for c in at.code if c.value.startswith("origin-map stats"))
    (tmp_path / "origin-map-area.geojson").write_bytes(area_to_geojson_bytes(area))
    monkeypatch.chdir(tmp_path)
    capsysbinary.readouterr()
    assert cli.main(shlex.split(command)[1:]) == 0
    assert capsysbinary.readouterr().out == to_csv_bytes(table)


def test_the_area_comes_back_through_a_link_and_back_to_rings(monkeypatch):
    drawn(monkeypatch)
    at = app()
    at.switch_page("pages/map.py").run()
    link = dict(at.query_params)
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params.update(link)
    again.run()
    assert "Inside the area" in again.subheader[0].value
    again.button(key="om_area_back").click().run()
    assert "area" not in again.query_params
    assert "Inside the area" not in " ".join(s.value for s in again.subheader)


@pytest.mark.parametrize(("feature", "words"), [
    ({"type": "Feature", "properties": {}, "geometry": mapping(box(121.4, 31.1, 121.5, 31.2))},
     "km from the data"),
    ({"type": "Feature", "properties": {},
      "geometry": mapping(box(115.5, 39.5, 117.5, 40.5))}, "km²"),
    ({"type": "Feature", "properties": {}, "geometry": {"type": "LineString",
                                                        "coordinates": [[116.3, 39.9],
                                                                        [116.4, 40.0]]}},
     "Polygon"),
])
def test_a_refused_drawing_says_why_and_keeps_the_rings(monkeypatch, feature, words):
    drawn(monkeypatch, feature)
    at = app()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert words in texts(at.error), texts(at.error)
    assert "area" not in at.query_params


def test_an_uploaded_boundary_becomes_the_area_and_a_bad_one_is_refused():
    at = app()
    at.switch_page("pages/data.py").run()
    doc = {"type": "FeatureCollection", "features": [dict(DRAWN, properties={"name": "block"})]}
    at.file_uploader(key="om_area_upload").set_value(
        ("block.geojson", json.dumps(doc).encode(), "application/geo+json")).run()
    at.button(key="om_area_use").click().run()
    assert not at.exception
    assert "block" in texts(at.success)
    assert at.query_params["area"].startswith("p:block~")
    at.file_uploader(key="om_area_upload").set_value(
        ("empty.geojson", b'{"type": "FeatureCollection", "features": []}',
         "application/geo+json")).run()
    at.button(key="om_area_use").click().run()
    assert "was not used as the area" in texts(at.error)
    assert at.query_params["area"].startswith("p:block~")  # the area stays


def test_report_buttons_make_a_pdf_and_a_png():
    at = app()
    at.button(key="om_rep_pdf").click().run()
    assert not at.exception
    pdf = at.session_state["om_report_pdf"]
    assert pdf.startswith(b"%PDF")
    at.button(key="om_rep_png").click().run()
    assert at.session_state["om_report_png"].startswith(b"\x89PNG")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the report (PDF)" in labels and "Download the map (PNG)" in labels


def test_drawing_uploading_and_the_cli_count_the_same(monkeypatch, tmp_path, capsysbinary):
    """Issue 13: the same polygon drawn, uploaded and given to the CLI: the same counts."""
    drawn(monkeypatch)
    at = app()
    at.switch_page("pages/map.py").run()
    at.switch_page("pages/density.py").run()
    by_drawing = at.dataframe[0].value
    up = app()
    up.switch_page("pages/data.py").run()
    doc = {"type": "FeatureCollection", "features": [dict(DRAWN, properties={"name": "x"})]}
    up.file_uploader(key="om_area_upload").set_value(
        ("x.geojson", json.dumps(doc).encode(), "application/geo+json")).run()
    up.button(key="om_area_use").click().run()
    up.switch_page("pages/density.py").run()
    by_upload = up.dataframe[0].value
    assert by_upload["count"].tolist() == by_drawing["count"].tolist()
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps(doc))
    capsysbinary.readouterr()
    assert cli.main(["stats", "--area", str(path)]) == 0
    import io

    import pandas as pd

    by_cli = pd.read_csv(io.BytesIO(capsysbinary.readouterr().out), encoding="utf-8-sig")
    assert by_cli["count"].tolist() == by_drawing["count"].tolist()
