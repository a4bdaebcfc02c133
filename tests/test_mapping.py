"""The folium map as rendered HTML/JS: layers, legend, rings, escaping, datum shift, modes."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from origin_map.geo.datums import wgs84_to_gcj02
from origin_map.geo.geometry import distances_m
from origin_map.measure.stats import h3_table, with_distances
from origin_map.render.mapping import (
    MARKER_LIMIT,
    build_map,
    map_layers,
    places_at_point,
    safe_text,
)
from tests.conftest import DONGSHENG, places_at

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "`${alert(3)}`",
           "\\u003cimg src=y onerror=alert(4)\\u003e", "a\"b'c\nd"]


def render(places, **kw):
    placed = with_distances(places, DONGSHENG, [500, 1000, 2000])
    m = build_map(placed, DONGSHENG, [500, 1000, 2000], **kw)
    return m, m.get_root().render()


@pytest.fixture
def hostile_places():
    p = places_at([(f"h{i}", 100 + 50 * i, 45, "large_models", "firm")
                   for i in range(len(HOSTILE))])
    p["name_en"] = HOSTILE
    p["address"] = HOSTILE
    p["source"] = HOSTILE
    return p


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_text_is_inert_in_html_and_template_literals(text):
    out = safe_text(text).replace("<br>", "")  # newlines become <br> on purpose
    for bad in ("<", ">", "`", "${", "\\", "\"", "'"):
        assert bad not in out


def test_hostile_text_never_reaches_the_page_raw(hostile_places):
    _, html = render(hostile_places)
    for raw in ("<script>alert(1)", "<img src=x", "${alert(3)}", "\\u003cimg src=y"):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_layers_legend_rings_and_controls(known_places):
    _, html = render(known_places)
    for label in ("Large models (4)", "AI chips &amp; semiconductors (3)",
                  "Universities &amp; research (3)"):
        assert label in html or label.replace("&amp;", "\\u0026") in html, label
    assert html.count("L.circleMarker(") >= 1 and "markerClusterGroup" in html
    assert "featureGroup.subGroup" in html
    for ring in ("500 m", "1 km", "2 km"):
        assert ring in html
    for control in ("L.control.fullscreen", "L.Control.Measure", "L.Control.MiniMap",
                    "L.control.layers", "om-legend", "L.control.zoom", "imperial: false"):
        assert control in html, control
    assert "bindPopup" not in html  # a click shows details beside the map instead
    assert '"maxZoom": 19' in html
    assert not re.search(r"https://cdn\.jsdelivr|cdnjs\.cloudflare|code\.jquery|unpkg\.com", html)


def test_heatmap_and_hexagons_are_drawn_below_the_markers(known_places):
    h3t = h3_table(known_places, DONGSHENG, resolution=9)
    layers = map_layers(with_distances(known_places, DONGSHENG, [1000]), DONGSHENG, [1000],
                        heatmap=True, h3_cells=h3t)
    names = [g.layer_name for g in layers.groups]
    first_sector = next(i for i, n in enumerate(names) if n.startswith("Large models"))
    assert names.index("Heatmap") < first_sector and names.index("H3 density (places/km²)") \
        < first_sector
    m = build_map(known_places, DONGSHENG, [1000], heatmap=True, h3_cells=h3t)
    html = m.get_root().render()
    panes = dict(re.findall(r'createPane\(\s*"(om-[a-z]+)"\);\s*\S+\.style\.zIndex = (\d+)',
                            html))
    assert int(panes["om-heat"]) < int(panes["om-points"])
    assert int(panes["om-areas"]) < int(panes["om-points"])
    assert '"pane": "om-heat"' in html and '"pane": "om-points"' in html


def test_one_collapsible_legend_even_with_hexagons(known_places):
    h3t = h3_table(known_places, DONGSHENG, resolution=9)
    _, html = render(known_places, h3_cells=h3t)
    assert html.count("L.DomUtil.create('div', 'om-legend')") == 1
    assert html.count("\\u003cdetails open") == 2  # sectors and H3, each foldable
    assert "wide < 1000" in html  # folded from the start on phones and tablets (issue 16.9)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_map_texts_are_in_the_chosen_language(known_places, lang):
    from origin_map import i18n

    _, html = render(known_places, lang=lang, heatmap=True)
    other = "zh" if lang == "en" else "en"
    for key in ("leaflet.zoom_in", "leaflet.zoom_out", "leaflet.fullscreen", "leaflet.layers",
                "map.rings", "map.legend", "map.heat", "map.cluster_note"):
        mine = json.dumps(i18n.text(key, lang))[1:-1]
        assert mine in html or i18n.text(key, lang) in html, key
        theirs = i18n.text(key, other)
        assert theirs not in html and json.dumps(theirs)[1:-1] not in html, key
    assert ("localization\": \"cn" in html) == (lang == "zh") or (
        '"localization": "cn"' in html) == (lang == "zh")


def test_every_place_is_in_the_point_layers(known_places):
    _, html = render(known_places)
    rows = re.findall(r"var rows = (\[.*?\]), style", html)
    assert sum(len(json.loads(r)) for r in rows) == len(known_places)


def test_gaode_shifts_points_and_rings_to_gcj02(known_places):
    m, html = render(known_places, basemap="gaode")
    glat, glon = wgs84_to_gcj02(DONGSHENG.lat, DONGSHENG.lon)
    assert m.location == pytest.approx([float(glat), float(glon)])
    rows = [p for r in re.findall(r"var rows = (\[.*?\]), style", html) for p in json.loads(r)]
    shifted = [(p[0], p[1]) for p in rows]
    wlat, wlon = known_places["lat"].to_numpy(), known_places["lon"].to_numpy()
    exp_lat, exp_lon = wgs84_to_gcj02(wlat, wlon)
    got = np.array(sorted(shifted))
    assert np.allclose(got, np.array(sorted(zip(exp_lat, exp_lon, strict=True))), atol=1e-6)
    off = distances_m([glat], [glon], DONGSHENG.lat, DONGSHENG.lon)[0]
    assert 450 < off < 650
    assert "autonavi" in html


def test_many_places_switch_to_fast_clusters():
    n = MARKER_LIMIT + 1
    rng = np.random.default_rng(0)
    p = places_at([(f"p{i}", float(d), float(a), "chips", "firm")
                   for i, (d, a) in enumerate(zip(rng.uniform(0, 2000, n),
                                                   rng.uniform(0, 360, n), strict=True))])
    _, html = render(p, basemap="none")
    assert "L.markerClusterGroup" in html and "fast" in html.lower()
    assert "L.circleMarker(new L.LatLng" in html
    assert len(html) < 600_000


def test_h3_and_heatmap_layers(known_places):
    h3t = h3_table(known_places, DONGSHENG, resolution=9)
    _, html = render(known_places, heatmap=True, h3_cells=h3t)
    assert "L.heatLayer" in html
    assert html.count('"cell"') >= len(h3t)
    assert "H3 density (places/km²)" in html or "H3 density (places/km\\u00b2)" in html


def test_click_finds_every_place_in_one_building():
    p = places_at([("a", 0, 0, "chips", "firm"), ("b", 0, 0, "large_models", "firm"),
                   ("c", 300, 0, "chips", "firm")])
    here = places_at_point(p, DONGSHENG.lat, DONGSHENG.lon, "osm")
    assert sorted(here["id"]) == ["a", "b"]
    glat, glon = wgs84_to_gcj02(DONGSHENG.lat, DONGSHENG.lon)
    assert sorted(places_at_point(p, float(glat), float(glon), "gaode")["id"]) == ["a", "b"]


@pytest.mark.slow
def test_a_million_places_send_hexagon_counts_not_points():
    """Issue 11: at 1e6 places the map payload stays under 3 MB."""
    from origin_map.render.mapping import AGGREGATE_LIMIT, aggregate_cells

    rng = np.random.default_rng(1)
    n = 1_000_000
    r = 3000 * np.sqrt(rng.uniform(0, 1, n))
    a = rng.uniform(0, 2 * np.pi, n)
    lat = DONGSHENG.lat + r * np.cos(a) / 111_320
    lon = DONGSHENG.lon + r * np.sin(a) / (111_320 * np.cos(np.radians(DONGSHENG.lat)))
    import pandas as pd

    places = pd.DataFrame({"id": np.arange(n).astype(str), "name_zh": "", "name_en": "",
                           "sector": np.where(rng.uniform(size=n) < 0.5, "chips", "research"),
                           "lat": lat, "lon": lon})
    assert n > AGGREGATE_LIMIT
    cells = aggregate_cells(places, DONGSHENG)
    assert cells["count"].sum() == n  # every place is in a hexagon
    html = build_map(places, DONGSHENG, [1000, 2000]).get_root().render()
    assert "L.circleMarker" not in html and len(html.encode()) < 3_000_000
