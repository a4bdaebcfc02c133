"""Walking distance on an OSM network (issue 22): a synthetic walled block with one gate, and the
shipped 2017 extract around Tsinghua's East Gate.

The synthetic block (metres east/north of the centre, which sits on the street corner (0, 0)):

* streets (residential): y = 0 and x = 0 from the centre, y = 400 and x = 400 closing a square;
* a wall (``barrier=wall``) around [50, 350] x [50, 350], with ONE gate, on its north side at
  (200, 350), on a footway from the street at (200, 400) to the block's inside (200, 200);
* inside: a footway from (100, 200) to (300, 200);
* three ways a walker must NOT use through the wall: a footway from the street at (0, 200) to
  (100, 200) through a gate tagged ``access=no`` at (50, 200); a footway from (200, 0) to
  (200, 200) crossing the south wall without a node there; a footway from (400, 200) to
  (300, 200) through an untagged wall node at (350, 200);
* a lone footway from (460, -90) to (490, -90) (not connected); bounds [-100, 500]^2.

So the gate is 400 + 200 + 50 = 650 m from the centre, (200, 200) 800 m, (100, 200) and
(300, 200) 900 m; each forbidden way would make them 300-500 m.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre, local_crs
from origin_map.geo.network import build_walk_network, foot_allowed, is_entrance, is_walkable
from origin_map.geo.osmfile import read_osm
from origin_map.measure.walk import (
    WALK_DENSITY_COLUMNS,
    parse_minutes,
    walk_analysis,
    walk_coverage,
    walk_distances,
    walk_path,
)

C = Centre("test", "测试", "Test", 39.99, 116.33)
GEODATA = Path(__file__).resolve().parents[1] / "geodata"


def _lonlat(x: float, y: float) -> tuple[float, float]:
    from pyproj import Transformer

    tr = Transformer.from_crs(local_crs(C.lat, C.lon), "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(x, y)
    return float(lon), float(lat)


NODES = {  # id: (x, y, tags)
    1: (0, 0, {}), 2: (200, 0, {}), 3: (400, 0, {}), 4: (0, 200, {}), 5: (0, 400, {}),
    6: (200, 400, {}), 7: (400, 400, {}), 8: (400, 200, {}), 9: (-100, 0, {}),
    20: (50, 50, {}), 21: (350, 50, {}), 22: (350, 200, {}), 23: (350, 350, {}),
    24: (200, 350, {"barrier": "gate", "name": "North Gate"}), 25: (50, 350, {}),
    26: (50, 200, {"barrier": "gate", "access": "no"}),
    30: (200, 200, {}), 31: (100, 200, {}), 32: (300, 200, {}),
    40: (460, -90, {}), 41: (490, -90, {}),
}
WAYS = [  # id, tags, nodes
    (100, {"highway": "residential"}, [9, 1, 2, 3]),
    (101, {"highway": "residential"}, [1, 4, 5]),
    (102, {"highway": "residential"}, [5, 6, 7]),
    (103, {"highway": "residential"}, [3, 8, 7]),
    (110, {"barrier": "wall"}, [20, 21, 22, 23, 24, 25, 26, 20]),
    (120, {"highway": "footway"}, [6, 24, 30]),
    (121, {"highway": "footway"}, [31, 30, 32]),
    (130, {"highway": "footway"}, [4, 26, 31]),
    (131, {"highway": "footway"}, [2, 30]),
    (132, {"highway": "footway"}, [8, 22, 32]),
    (140, {"highway": "footway"}, [40, 41]),
    (150, {"highway": "motorway"}, [4, 30]),
]


def write_osm(path: Path, ways: list = WAYS, nodes: dict = NODES) -> Path:
    """Write the synthetic block as OSM XML (positions to 1e-8 degree: about a millimetre)."""
    w, s = _lonlat(-100, -100)
    e, n = _lonlat(500, 500)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">',
           f'<bounds minlat="{s:.8f}" minlon="{w:.8f}" maxlat="{n:.8f}" maxlon="{e:.8f}"/>']
    for nid, (x, y, tags) in nodes.items():
        lon, lat = _lonlat(x, y)
        out.append(f'<node id="{nid}" lat="{lat:.8f}" lon="{lon:.8f}">')
        out += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        out.append("</node>")
    for wid, tags, refs in ways:
        out.append(f'<way id="{wid}">')
        out += [f'<nd ref="{r}"/>' for r in refs]
        out += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        out.append("</way>")
    out.append("</osm>")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def block(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_osm(tmp_path_factory.mktemp("walk") / "block.osm")


@pytest.fixture(scope="module")
def net(block: Path):
    return build_walk_network(block, C)


def _walk(net, *xy: tuple[float, float]) -> pd.DataFrame:
    lonlat = [_lonlat(x, y) for x, y in xy]
    return walk_distances(net, [p[1] for p in lonlat], [p[0] for p in lonlat])


def test_access_rules() -> None:
    assert is_walkable({"highway": "footway"})
    assert not is_walkable({"highway": "motorway"})
    assert not is_walkable({"highway": "service", "access": "private"})
    assert is_walkable({"highway": "service", "access": "private", "foot": "yes"})
    assert not is_walkable({"highway": "cycleway", "foot": "no"})
    assert is_entrance({"barrier": "gate"}) and is_entrance({"entrance": "main"})
    assert not is_entrance({"barrier": "gate", "access": "no"})
    assert is_entrance({"barrier": "gate", "access": "no", "foot": "permissive"})
    assert not foot_allowed({"foot": "no", "access": "yes"})


def test_the_block_is_entered_only_through_its_gate(net) -> None:
    # a place inside the block, 80 m from the street x = 0 but behind the wall: it joins the
    # inner footway at (100, 200), 53.85 m away, which is 900 m from the centre via the gate
    d = _walk(net, (80, 250), (200, 330), (200, 180), (320, 210))
    assert list(d["walk_status"]) == ["reached"] * 4
    np.testing.assert_allclose(d["walk_m"], [900 + math.hypot(20, 50), 650 + 20, 800 + 20,
                                             900 + math.hypot(20, 10)], atol=0.2)
    np.testing.assert_allclose(d["access_m"], [math.hypot(20, 50), 0, 20, math.hypot(20, 10)],
                               atol=0.1)


def test_what_the_wall_rules_removed(net) -> None:
    assert net.stats["wall_crossings_cut"] == 1  # the south footway, no node on the wall
    assert net.stats["nodes_blocked"] == 2  # the shut gate and the untagged wall node
    assert 26 not in net.graph and 22 not in net.graph and 24 in net.graph
    assert not net.graph.has_edge(2, 30) and net.graph.has_edge(24, 30)


def test_outside_the_wall_and_along_the_streets(net) -> None:
    # (20, 250) walks straight to the nearest point of each way within reach: to the street
    # corner (0, 200) diagonally (53.85 m) rather than to (0, 250) (20 m, then 50 m back)
    d = _walk(net, (20, 300), (200, 30), (0, 0), (30, 20), (20, 250))
    np.testing.assert_allclose(d["walk_m"], [320, 230, 0, math.hypot(30, 20),
                                             200 + math.hypot(20, 50)], atol=0.2)


def test_statuses_never_call_a_missing_map_unreachable(net) -> None:
    d = _walk(net, (480, -85), (480, 480), (700, 0))
    assert list(d["walk_status"]) == ["not_connected", "outside_network", "outside_network"]
    assert d["walk_m"].isna().all()


def test_without_walls_the_block_is_nearer(block: Path) -> None:
    ways = [w for w in WAYS if w[0] != 110]
    flat = build_walk_network(write_osm(block.parent / "nowall.osm", ways), C)
    d = _walk(flat, (80, 250))
    # from the street corner (0, 200) straight to (80, 250) (the shut gate still shuts)
    assert d["walk_m"].iloc[0] == pytest.approx(200 + math.hypot(80, 50), abs=0.2)


def _places(xy: list[tuple[float, float]]) -> pd.DataFrame:
    lonlat = [_lonlat(x, y) for x, y in xy]
    return pd.DataFrame({"id": [f"p{i}" for i in range(len(xy))],
                         "lat": [p[1] for p in lonlat], "lon": [p[0] for p in lonlat],
                         "sector": ["chips", "chips", "research", "chips", "chips"],
                         "kind": "firm", "status": "current"})


def test_isochrones_bands_and_coverage(net) -> None:
    places = _places([(20, 300), (200, 330), (80, 250), (200, 180), (480, 480)])
    r = walk_analysis(places, net, minutes="5,10,15", speed_kmh=4.8)  # 80 m a minute
    assert list(r.places["walk_status"]) == ["reached"] * 4 + ["outside_network"]
    assert list(r.places["status"]) == ["current"] * 5  # the places' own column is kept
    np.testing.assert_allclose(r.places["walk_min"].iloc[:4],
                               np.array([320, 670, 953.85, 820]) / 80, atol=0.01)
    assert list(r.places["band_outer_min"].iloc[:4]) == [5, 10, 15, 15]
    iso = r.isochrones.set_index("minutes")["geometry"]
    inside = {m: [iso[m].contains(shapely.Point(_lonlat(x, y))) for x, y in
                  [(20, 300), (200, 30), (200, 180), (80, 250), (200, 330)]]
              for m in (5.0, 10.0, 15.0)}
    assert inside[5.0] == [True, True, False, False, False]
    assert inside[10.0] == [True, True, False, False, True]  # (200,180): 820 m, behind the wall
    assert inside[15.0] == [True, True, True, True, True]
    t = r.table
    assert tuple(t.columns) == WALK_DENSITY_COLUMNS
    total = t[t["sector"] == "all"].set_index("band_outer_min")
    assert list(total["count"]) == [1, 1, 2] and list(total["cumulative_count"]) == [1, 2, 4]
    areas = r.isochrones["area_km2"].to_numpy()
    np.testing.assert_allclose(total["area_km2"], np.diff(np.r_[0, areas]), atol=1e-6)
    chips = t[(t["sector"] == "chips") & (t["band_outer_min"] == 15)].iloc[0]
    assert chips["count"] == 1 and chips["share"] == 0.5  # (200, 180); (80, 250) is research
    cov = r.coverage
    assert 0 < cov.share <= cov.bounds_share <= 1


def test_coverage_share_of_a_known_disc(net) -> None:
    # a disc of 50 m around the centre lies wholly within the bounds and within 100 m of a
    # street: all of it is covered
    cov = walk_coverage(net, radius_m=50, reach_m=100)
    assert cov.share == pytest.approx(1.0, abs=0.002) and cov.bounds_share == 1.0


def test_bad_settings(net, block: Path) -> None:
    with pytest.raises(SettingsError, match="minutes"):
        parse_minutes("5,abc")
    with pytest.raises(SettingsError, match="minutes"):
        parse_minutes("0")
    assert parse_minutes("15, 5;10") == (5.0, 10.0, 15.0)
    with pytest.raises(SettingsError, match="km/h"):
        walk_analysis(_places([(0, 0)] * 5), net, speed_kmh=0)
    far = Centre("far", "远", "Far", 40.5, 116.33)
    with pytest.raises(SettingsError, match="centre"):
        walk_analysis(_places([(0, 0)] * 5), build_walk_network(block, far))


def test_not_an_osm_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.osm"
    bad.write_text("<gpx></gpx>", encoding="utf-8")
    with pytest.raises(SettingsError, match="not an OpenStreetMap"):
        read_osm(bad)
    bad.write_text("<osm><node", encoding="utf-8")
    with pytest.raises(SettingsError, match="readable"):
        read_osm(bad)


def test_pbf_reads_the_same(block: Path, net) -> None:
    osmium = pytest.importorskip("osmium")
    pbf = block.parent / "block.osm.pbf"
    header = osmium.io.Header()
    w, s = _lonlat(-100, -100)
    e, n = _lonlat(500, 500)
    header.add_box(osmium.osm.Box(osmium.osm.Location(w, s), osmium.osm.Location(e, n)))
    with osmium.SimpleWriter(str(pbf), header=header) as writer:
        for obj in osmium.FileProcessor(str(block)):
            writer.add(obj)
    from_pbf = build_walk_network(pbf, C)
    assert from_pbf.stats == net.stats and from_pbf.bounds_given
    assert from_pbf.bounds.equals_exact(net.bounds, 0.05)
    d = _walk(from_pbf, (80, 250))
    assert d["walk_m"].iloc[0] == pytest.approx(900 + math.hypot(20, 50), abs=0.2)


def test_walk_path_goes_through_the_gate(net) -> None:
    lon, lat = _lonlat(80, 250)
    assert walk_path(net, lat, lon) == [1, 4, 5, 6, 24, 30, 31]  # through the gate, 24
    lon, lat = _lonlat(480, -85)
    assert walk_path(net, lat, lon) == []


# The shipped 2017 extract (geodata/walk_network.osm) around Tsinghua's East Gate.
EAST_GATE = {1363454895, 1363454896, 1363454897, 1363454898}  # four gate nodes, 清华大学东门


@pytest.fixture(scope="module")
def shipped():
    from origin_map.places.datasets import resolve_centre

    return build_walk_network(GEODATA / "walk_network.osm", resolve_centre(None))


def test_shipped_extract_is_attributed() -> None:
    head = (GEODATA / "walk_network.osm").read_text(encoding="utf-8")[:2000]
    assert "ODbL" in head and "FreemanDane/PathPlanning" in head and "2017" in head
    readme = (GEODATA / "README.md").read_text(encoding="utf-8")
    assert "walk_network.osm" in readme


def test_just_inside_the_east_gate_is_reached_through_it(shipped) -> None:
    gate = walk_distances(shipped, [39.9952317], [116.3266298])  # the gate node on the service road
    inside = walk_distances(shipped, [39.99550], [116.32663])  # 30 m north, in the campus
    assert inside["walk_status"].iloc[0] == "reached"
    assert 15 < inside["walk_m"].iloc[0] - gate["walk_m"].iloc[0] < 40
    assert EAST_GATE & set(walk_path(shipped, 39.99550, 116.32663))


def test_the_campus_outline_is_a_wall(shipped) -> None:
    from origin_map.places.datasets import resolve_centre

    flat = build_walk_network(GEODATA / "walk_network.osm", resolve_centre(None),
                              campus_walls=False)
    # 22 m inside the campus's east edge, 60 m from 中关村东路 outside it: with the campus wall
    # the walk goes round through a gate; without it, straight from the street
    walled = walk_distances(shipped, [39.9985], [116.3305])["walk_m"].iloc[0]
    open_ = walk_distances(flat, [39.9985], [116.3305])["walk_m"].iloc[0]
    assert walled > open_ + 150 and 780 < open_ < 830


def test_shipped_coverage_is_partial_and_said(shipped) -> None:
    cov = walk_coverage(shipped)
    # the extract stops 370 m east and 220 m south of the centre: about 38 % of the 1.5 km disc
    assert cov.bounds_share == pytest.approx(0.384, abs=0.01)
    assert 0.3 < cov.share <= cov.bounds_share
    d = walk_distances(shipped, [39.995, 39.989], [116.3335, 116.3277])  # east, south: no map
    assert list(d["walk_status"]) == ["outside_network", "outside_network"]


def test_cli_writes_the_library_table(shipped, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from origin_map.cli import main
    from origin_map.places.datasets import shipped_places

    out, iso, per_place = tmp_path / "t.csv", tmp_path / "iso.geojson", tmp_path / "p.csv"
    assert main(["walk", "--minutes", "5,10,15", "-o", str(out), "--isochrones", str(iso),
                 "--places-out", str(per_place)]) == 0
    err = capsys.readouterr().err
    assert "covers 37% of the 1.5 km disc" in err and "outside_network" in err
    table = pd.read_csv(out, encoding="utf-8-sig")
    expected = walk_analysis(shipped_places(geometry=False), shipped).table
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    layers = [f["properties"]["layer"] for f in json.loads(iso.read_text("utf-8"))["features"]]
    assert layers == ["isochrone"] * 3 + ["covered_area"]
    rows = pd.read_csv(per_place, encoding="utf-8-sig").set_index("id")
    assert rows.loc["dongsheng-building", "walk_m"] == 0
    assert rows.loc["wudaokou-station", "walk_status"] == "reached"
    assert rows.loc["wudaokou-station", "walk_m"] > rows.loc["wudaokou-station", "crow_m"]


def test_cli_bad_minutes(capsys: pytest.CaptureFixture[str]) -> None:
    from origin_map.cli import main

    assert main(["walk", "--minutes", "5,x"]) == 1
    assert "'x' is not a number of minutes" in capsys.readouterr().err
