"""folium layers for areas and outlines: datum shift on Gaode tiles, escaped names, offline."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import numpy as np
import pytest
from shapely import box
from shapely.geometry import mapping

from origin_map.geo.datums import wgs84_to_gcj02
from origin_map.geo.geometry import distances_m
from origin_map.measure import areas
from origin_map.measure.areas import to_local
from origin_map.render import area_layers, assets
from tests.conftest import DONGSHENG, places_at

C = DONGSHENG
SQUARE = to_local(box(-500, -500, 500, 500), C.lat, C.lon, inverse=True)


def layer_coordinates(layer: folium.FeatureGroup) -> np.ndarray:
    (geojson,) = layer._children.values()
    return np.array(geojson.data["features"][0]["geometry"]["coordinates"][0])


def test_draw_control_offers_only_shapes_with_an_area() -> None:
    draw = area_layers.draw_control()
    opts = draw.draw_options
    assert (opts["polyline"], opts["marker"], opts["circlemarker"]) == (False, False, False)
    assert opts["rectangle"] and opts["circle"] and not opts["polygon"]["allowIntersection"]


def test_area_layer_is_shifted_on_gaode_tiles() -> None:
    area = areas.area_from_geojson_dict(mapping(SQUARE), name="<b>x</b>")
    osm = layer_coordinates(area_layers.area_layer(area, basemap="osm"))
    gaode = layer_coordinates(area_layers.area_layer(area, basemap="gaode"))
    assert osm == pytest.approx(np.array(SQUARE.exterior.coords))
    lat, lon = wgs84_to_gcj02(osm[:, 1], osm[:, 0])
    assert gaode == pytest.approx(np.column_stack([lon, lat]))
    shift_m = distances_m(gaode[0, 1], gaode[0, 0], osm[0, 1], osm[0, 0])
    assert 300 < shift_m < 800  # GCJ-02 is ~540 m off at Zhongguancun


def test_drawing_on_gaode_is_read_back_in_wgs84() -> None:
    gcj = areas.convert_geometry(SQUARE, src="wgs84", dst="gcj02")
    datum = area_layers.drawing_datum("gaode")
    area = areas.area_from_geojson_dict(mapping(gcj), datum=datum)
    assert area.centroid == pytest.approx((C.lat, C.lon), abs=2e-6)  # inverse to < 0.2 m
    assert area_layers.drawing_datum("osm") == "wgs84"


def test_outlines_layer_colours_and_escapes() -> None:
    places = places_at([("uni", 900, 90, "research", "university")])
    outlines = gpd.GeoDataFrame(
        {"place_id": ["uni", "ghost"], "name_zh": ["清华", ""],
         "name_en": ["<script>alert(1)</script>", "Ghost"]},
        geometry=[SQUARE, SQUARE], crs="EPSG:4326")
    m = folium.Map(location=[C.lat, C.lon], tiles=None, maxZoom=19)
    area_layers.outlines_layer(outlines, places, lang="en").add_to(m)
    html = m.get_root().render()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert json.dumps({"color": "#17becf"})[1:-1] in html  # research colour
    assert json.dumps({"color": "#c7c7c7"})[1:-1] in html  # unknown place: grey
    zh = area_layers.outlines_layer(outlines, places, lang="zh")
    assert zh.layer_name == "校园轮廓"


def test_map_with_area_outlines_and_draw_localizes() -> None:
    area = areas.area_from_geojson_dict(mapping(SQUARE))
    m = folium.Map(location=[C.lat, C.lon], tiles=None, maxZoom=19)
    area_layers.area_layer(area).add_to(m)
    area_layers.draw_control().add_to(m)
    html = assets.localize_map(m).get_root().render()
    assert "cdnjs.cloudflare.com" not in html and "leaflet-draw/dist/leaflet.draw.js" in html
