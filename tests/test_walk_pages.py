"""Walking time in the app (issue 22): the Overview's side-by-side figures, the Density page's
walking-time table (the file ``origin-map walk`` writes), the Map's isochrone layers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from origin_map import cli
from origin_map.geo.network import build_walk_network
from origin_map.io.export import to_csv_bytes
from origin_map.measure.stats import PlaceFilter, headline
from origin_map.measure.walk import walk_analysis
from origin_map.places.datasets import resolve_centre, shipped_places
from origin_map.render.walk_layers import walk_groups

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def result():
    net = build_walk_network(ROOT / "geodata" / "walk_network.osm", resolve_centre(None))
    return walk_analysis(shipped_places(geometry=False), net)


def test_walk_layers_are_drawn_longest_first(result) -> None:
    groups = walk_groups(result.isochrones, result.coverage.area, lang="zh")
    assert [g.layer_name for g in groups] == ["步行 15 分钟", "步行 10 分钟", "步行 5 分钟",
                                              "步行路网覆盖的区域"]
    gaode = walk_groups(result.isochrones, None, basemap="gaode")
    assert len(gaode) == 3  # shifted to GCJ-02: about 500 m east of the WGS-84 polygon
    plain = json.dumps(next(iter(groups[0]._children.values())).data)
    shifted = json.dumps(next(iter(gaode[0]._children.values())).data)
    assert "MultiPolygon" in plain or "Polygon" in plain
    assert plain != shifted


@pytest.mark.slow
def test_overview_shows_the_crow_and_the_walk_side_by_side(result) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    titles = [h.value for h in at.subheader]
    assert any("15-minute walk" in t for t in titles)
    places = shipped_places(geometry=False)
    walk15 = headline(places, resolve_centre(None), 1200, place_filter=PlaceFilter(),
                      distance_m=result.places["walk_m"].to_numpy())
    assert [m.value for m in at.metric].count(str(walk15["inside"])) >= 1
    assert any("covers 37% of the 1.5 km disc" in c.value for c in at.caption)


@pytest.mark.slow
def test_density_page_walk_download_is_the_cli_file(tmp_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/density.py").run()
    assert not at.exception
    out = tmp_path / "walk.csv"
    assert cli.main(["walk", "-o", str(out)]) == 0
    downloads = [b for b in at.get("download_button") if "walk" in b.proto.label.lower()]
    assert downloads, "no walking-time download on the Density page"
    table = walk_analysis(shipped_places(geometry=False), build_walk_network(
        ROOT / "geodata" / "walk_network.osm", resolve_centre(None))).table
    assert to_csv_bytes(table) == out.read_bytes()


@pytest.mark.slow
def test_map_toggle_draws_the_isochrones() -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/map.py").run()
    before = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    assert "15-minute walk" not in before
    at.toggle(key="om_walk_map").set_value(True).run()
    assert not at.exception
    after = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    assert "15-minute walk" in after and "Area the walking network covers" in after
