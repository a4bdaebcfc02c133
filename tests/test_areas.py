"""Areas: read or draw a boundary and count the places inside (known answers)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from shapely import Point, box
from shapely.geometry import mapping

from origin_map.errors import DataValidationError
from origin_map.measure import areas
from origin_map.measure.areas import AreaError, to_local
from origin_map.measure.stats import DENSITY_COLUMNS, PlaceFilter, density_table
from tests.conftest import DONGSHENG

C = DONGSHENG


def wgs84(geom):
    """A geometry given in metres in the centre's AEQD, as WGS-84."""
    return to_local(geom, C.lat, C.lon, inverse=True)


def places_xy(specs: list[tuple[str, float, float, str, str]]) -> pd.DataFrame:
    """Places from (id, x_m, y_m, sector, kind), x/y metres in the centre's AEQD."""
    rows = []
    for pid, x, y, sector, kind in specs:
        p = wgs84(Point(x, y))
        rows.append({"id": pid, "name_zh": "", "name_en": pid, "kind": kind, "sector": sector,
                     "status": "current", "address": "", "lat": p.y, "lon": p.x,
                     "position_quality": "poi"})
    return pd.DataFrame(rows)


SQUARE = box(-500, -500, 500, 500)  # 1 km x 1 km around the centre, in metres


@pytest.fixture
def square() -> areas.Area:
    return areas.area_from_geojson_dict(mapping(wgs84(SQUARE)), name="square")


@pytest.fixture
def square_places() -> pd.DataFrame:
    """6 inside (2 on edges, 1 on a corner, 1 just inside), 3 outside (1 cm, 5 cm, far)."""
    return places_xy([
        ("centre", 0, 0, "large_models", "firm"),
        ("just-inside", 499.99, 0, "large_models", "firm"),
        ("on-east-edge", 500, 123.4, "chips", "firm"),
        ("on-south-edge", -250, -500, "research", "university"),
        ("on-corner", -500, 500, "research", "institute"),
        ("inside", 300, -300, "chips", "firm"),
        ("out-1cm", 500.01, 0, "chips", "firm"),
        ("out-5cm", 0, -500.05, "research", "university"),
        ("far", 3000, 3000, "chips", "firm"),
    ])


def test_square_counts_boundary_as_inside(square, square_places) -> None:
    inside = areas.places_in_area(square_places, square)
    expected = ["centre", "just-inside", "on-east-edge", "on-south-edge", "on-corner", "inside"]
    assert list(square_places["id"][inside]) == expected


def test_square_geodesic_area_is_one_km2(square) -> None:
    assert square.area_km2 == pytest.approx(1.0, rel=0.005)
    assert square.centroid == pytest.approx((C.lat, C.lon), abs=1e-7)
    assert square.name == "square" and square.warnings == ()


def test_area_density_table(square, square_places) -> None:
    table = areas.area_density_table(square_places, square)
    assert list(table.columns) == list(DENSITY_COLUMNS)
    assert list(table["sector"]) == ["large_models", "chips", "research", "all"]
    assert list(table["count"]) == [2, 2, 2, 6]
    assert table["ring_inner_m"].isna().all()
    assert (table["ring_outer_m"] == areas.AREA_RING).all()
    assert (table["centre_id"] == "square").all()
    assert table["area_km2"].iloc[0] == pytest.approx(square.area_km2, abs=1e-6)
    assert table["density_per_km2"].iloc[-1] == pytest.approx(6 / square.area_km2, abs=1e-3)
    assert list(table["cumulative_count"]) == list(table["count"])
    assert table["share"].iloc[0] == pytest.approx(2 / 6, abs=1e-4)
    firms = areas.area_density_table(square_places, square, centre_id="x",
                                     place_filter=PlaceFilter(kinds=["firm"]))
    assert list(firms["count"]) == [2, 2, 4] and (firms["centre_id"] == "x").all()


def test_area_headline(square, square_places) -> None:
    h = areas.area_headline(square_places, square)
    assert h["inside"] == 6 and h["institutions"] == 2 and h["firms"] == 4
    assert h["area_km2"] == square.area_km2 and h["area_name"] == "square"
    assert "radius_m" not in h


def test_drawn_circle_is_a_metric_disc_and_counts_like_rings(known_places) -> None:
    drawing = {"type": "Feature", "properties": {"radius": 1000},
               "geometry": {"type": "Point", "coordinates": [C.lon, C.lat]}}
    circle = areas.area_from_geojson_dict(drawing, data_centre=C)
    assert circle.area_km2 == pytest.approx(math.pi, rel=0.005)
    assert circle.centroid == pytest.approx((C.lat, C.lon), abs=1e-7)
    # known_places are 0.5 m from 1000 m at most twice: keep those more than 1 m from the edge
    d = np.array([100, 499.9, 300, 999.5, 600, 800, 700, 1000.5, 1500, 5000])
    far_from_edge = known_places[np.abs(d - 1000) > 1]
    rings = density_table(far_from_edge, C, (1000,))
    table = areas.area_density_table(far_from_edge, circle)
    assert table["count"].iloc[-1] == rings["count"].iloc[-1] == 6


def test_bow_tie_is_repaired_with_a_warning() -> None:
    coords = [wgs84(Point(x, y)).coords[0] for x, y in
              [(0, 0), (1000, 1000), (1000, 0), (0, 1000), (0, 0)]]
    area = areas.area_from_geojson_dict({"type": "Polygon", "coordinates": [coords]})
    assert area.geometry.is_valid and area.geometry.geom_type == "MultiPolygon"
    assert area.area_km2 == pytest.approx(0.5, rel=0.005)  # two triangles of 0.25 km²
    assert "crossed itself and was repaired" in area.warning_texts("en")[0]
    assert "自相交" in area.warning_texts("zh")[0]


def test_several_features_are_merged(square) -> None:
    east = wgs84(box(500, -500, 1500, 500))
    doc = [{"type": "Feature", "geometry": mapping(g), "properties": {}}
           for g in (wgs84(SQUARE), east)]
    area = areas.area_from_geojson_dict(doc)
    assert area.area_km2 == pytest.approx(2.0, rel=0.005)
    assert area.geometry.geom_type == "Polygon"
    assert area.warning_texts("en") == ["2 features were merged into one area."]
    assert area.warning_texts("zh") == ["已将 2 个要素合并为一个区域。"]


def test_polygon_with_hole_excludes_the_hole() -> None:
    ring = wgs84(box(-1000, -1000, 1000, 1000)).difference(wgs84(SQUARE))
    area = areas.area_from_geojson_dict(mapping(ring))
    assert area.area_km2 == pytest.approx(3.0, rel=0.005)
    pts = places_xy([("hole", 0, 0, "chips", "firm"), ("ring", 800, 0, "chips", "firm")])
    assert list(areas.places_in_area(pts, area)) == [False, True]


@pytest.mark.parametrize(("doc", "key", "text"), [
    (mapping(wgs84(box(0, 0, 50_000, 40_000))), "too_large", "2,000 km²"),
    (mapping(to_local(SQUARE, 31.2304, 121.4737, inverse=True)), "too_far", "1,077 km"),
    ({"type": "LineString", "coordinates": [[116.32, 39.99], [116.33, 39.99]]}, "not_polygon",
     "Feature 1 is a LineString"),
    ({"type": "FeatureCollection", "features": []}, "no_features", "no feature has a geometry"),
    ({"type": "Feature", "geometry": None, "properties": {}}, "no_features", "There is no area"),
    ({"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.3, 39.9]},
      "properties": {"radius": -5}}, "bad_radius", "radius -5 is not a positive"),
    ({"type": "Point", "coordinates": [116.3, 39.9]}, "not_polygon", "is a Point"),
    ({"type": "Polygon", "coordinates": [[[116.3, 39.9]] * 4]}, "empty", "area is empty"),
    ({"type": "Topology"}, "unreadable", "not GeoJSON"),
])
def test_refusals_have_clear_messages(doc, key, text) -> None:
    with pytest.raises(AreaError) as info:
        areas.area_from_geojson_dict(doc, data_centre=C)
    assert info.value.key == key
    assert text in str(info.value)
    assert info.value.text("zh") and info.value.text("zh") != info.value.text("en")
    assert isinstance(info.value, DataValidationError)


def test_read_area_from_geojson_file_and_bytes(tmp_path, square_places) -> None:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(wgs84(SQUARE)), "properties": {"name": "五道口"}}]}
    path = tmp_path / "block.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    area = areas.read_area(path, data_centre=C)
    assert area.name == "五道口"
    assert areas.places_in_area(square_places, area).sum() == 6
    again = areas.read_area(areas.area_to_geojson_bytes(area), name="copy")
    assert again.name == "copy" and again.area_km2 == pytest.approx(area.area_km2, rel=1e-9)
    assert areas.read_area(path.read_bytes()).name == "五道口"


def test_read_area_from_geopackage_in_another_crs(tmp_path, square_places) -> None:
    import geopandas as gpd

    path = tmp_path / "block.gpkg"
    gpd.GeoDataFrame({"name": ["utm"]}, geometry=[wgs84(SQUARE)], crs="EPSG:4326").to_crs(
        "EPSG:32650").to_file(path, driver="GPKG")
    area = areas.read_area(path)
    assert area.name == "utm"
    assert area.area_km2 == pytest.approx(1.0, rel=0.005)
    assert "transformed to WGS-84" in area.warning_texts("en")[0]
    assert areas.places_in_area(square_places, area).sum() == 6


def test_read_area_refuses_other_files(tmp_path) -> None:
    path = tmp_path / "places.csv"
    path.write_text("id,lat,lon\na,39.9,116.3\n", encoding="utf-8")
    with pytest.raises(AreaError, match="not GeoJSON or a GeoPackage"):
        areas.read_area(path)
    with pytest.raises(AreaError, match="File not found"):
        areas.read_area(tmp_path / "missing.geojson")


def test_outline_touching_area_counts(square) -> None:
    import geopandas as gpd

    pts = places_xy([("uni", 900, 0, "research", "university"),
                     ("inst", 3000, 0, "research", "institute")])
    outlines = gpd.GeoDataFrame(
        {"place_id": ["uni", "inst"]},
        geometry=[wgs84(box(500, -100, 1200, 100)), wgs84(box(2500, -100, 3500, 100))],
        crs="EPSG:4326")
    assert list(areas.places_in_area(pts, square)) == [False, False]
    assert list(areas.places_in_area(pts, square, outlines=outlines)) == [True, False]
