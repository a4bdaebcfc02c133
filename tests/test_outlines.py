"""Outlines: a place counts within a radius when its outline comes within it (known answers)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from shapely import box
from shapely.geometry import mapping

from origin_map.errors import DataValidationError
from origin_map.measure import outlines as ol
from origin_map.measure.areas import to_local
from origin_map.measure.stats import density_table, headline
from tests.conftest import DONGSHENG, places_at

C = DONGSHENG


def local_box(x0: float, y0: float, x1: float, y1: float):
    """A rectangle given in metres in the centre's AEQD, as WGS-84."""
    return to_local(box(x0, y0, x1, y1), C.lat, C.lon, inverse=True)


def write_outlines(tmp_path, features: list[tuple[str | None, object]]) -> str:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geom if isinstance(geom, dict) else mapping(geom),
         "properties": {"place_id": pid, "name_en": f"campus {pid}", "licence": "ODbL"}}
        for pid, geom in features]}
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


@pytest.fixture
def campus_places() -> pd.DataFrame:
    """A university whose point is 1500 m east; a firm 600 m north; an institute 3 km west."""
    return places_at([
        ("uni", 1500, 90, "research", "university"),
        ("firm", 600, 0, "large_models", "firm"),
        ("inst", 3000, 270, "research", "institute"),
    ])


@pytest.fixture
def campus(tmp_path, campus_places):
    """The university's outline: a square whose nearest edge is 900 m east of the centre."""
    path = write_outlines(tmp_path, [("uni", local_box(900, -300, 1700, 300))])
    return ol.load_outlines(path, places=campus_places)


def test_square_900_m_away_counts_by_outline_not_by_point(campus, campus_places) -> None:
    d = ol.outline_distances_m(campus_places, campus, C)
    assert d[0] == pytest.approx(900.0, abs=0.01)  # the nearest edge, not the 1500 m point
    assert d[1] == pytest.approx(600.0, abs=0.01)  # no outline: point distance
    by_point = density_table(campus_places, C, (1000,))
    by_outline = density_table(campus_places, C, (1000,), distance_m=d)
    count = lambda t, s: int(t.loc[t["sector"] == s, "count"].iloc[0])  # noqa: E731
    assert count(by_point, "all") == 1
    assert count(by_outline, "all") == 2
    assert count(by_outline, "research") == 1
    assert list(by_outline.columns) == list(by_point.columns)
    assert headline(campus_places, C, 1000)["institutions"] == 0
    assert headline(campus_places, C, 1000, distance_m=d)["institutions"] == 1


def test_centre_inside_outline_is_distance_zero(tmp_path, campus_places) -> None:
    path = write_outlines(tmp_path, [("uni", local_box(-200, -200, 1600, 200))])
    outlines = ol.load_outlines(path, places=campus_places)
    assert ol.outline_distances_m(campus_places, outlines, C)[0] == 0.0


def test_no_outlines_gives_point_distances(campus_places) -> None:
    d = ol.outline_distances_m(campus_places, ol.empty_outlines(), C)
    assert d == pytest.approx([1500.0, 600.0, 3000.0], abs=0.01)
    assert ol.outline_distances_m(campus_places, None, C)[2] == pytest.approx(3000, abs=0.01)


def test_bow_tie_is_refused_with_place_id(tmp_path, campus_places) -> None:
    lon, lat = campus_places.loc[0, ["lon", "lat"]]
    bow = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.002, lat + 0.002],
                                               [lon + 0.002, lat], [lon, lat + 0.002],
                                               [lon, lat]]]}
    path = write_outlines(tmp_path, [("uni", bow)])
    with pytest.raises(DataValidationError, match=r"Outline of 'uni' is not a valid polygon: "
                       r"Self-intersection") as info:
        ol.load_outlines(path, places=campus_places)
    assert info.value.problems[0].row == 1


def test_far_outline_is_refused(tmp_path, campus_places) -> None:
    # the institute's point is 3 km west; this outline is east of the centre, ~3.9 km from it
    path = write_outlines(tmp_path, [("uni", local_box(900, -300, 1700, 300)),
                                     ("inst", local_box(900, -300, 1700, 300))])
    with pytest.raises(DataValidationError) as info:
        ol.load_outlines(path, places=campus_places)
    (problem,) = info.value.problems
    assert problem.row == 2
    assert "Outline of 'inst' lies 3,900 m from its place's point" in problem.message


def test_other_refusals_are_all_listed(tmp_path, campus_places) -> None:
    line = {"type": "LineString", "coordinates": [[116.3, 39.99], [116.31, 39.99]]}
    path = write_outlines(tmp_path, [(None, local_box(0, 0, 10, 10)), ("nope", line)])
    with pytest.raises(DataValidationError) as info:
        ol.load_outlines(path, places=campus_places)
    messages = [str(p) for p in info.value.problems]
    assert messages[0].startswith("row 1, field 'place_id': The feature has no place_id")
    assert "row 2, field 'place_id': Outline of 'nope': no place has this id." in messages[1]
    assert "Outline of 'nope' is a LineString, not a Polygon or MultiPolygon" in messages[2]


def test_same_place_features_are_merged(tmp_path, campus_places) -> None:
    path = write_outlines(tmp_path, [("uni", local_box(900, -300, 1200, 300)),
                                     ("uni", local_box(1250, -300, 1700, 300))])
    outlines = ol.load_outlines(path, places=campus_places)
    assert list(outlines.columns) == list(ol.OUTLINE_COLUMNS)
    assert len(outlines) == 1
    assert outlines.loc[0, "licence"] == "ODbL"
    assert outlines.geometry.iloc[0].geom_type == "MultiPolygon"


def test_default_is_shipped_file_or_empty() -> None:
    path = ol.default_outlines_path()
    outlines = ol.load_outlines()
    if path is None:
        assert outlines.empty and list(outlines.columns) == list(ol.OUTLINE_COLUMNS)
    else:
        assert outlines["place_id"].is_unique
    assert outlines.crs.to_epsg() == 4326


def test_distances_must_match_places() -> None:
    from origin_map.errors import SettingsError

    with pytest.raises(SettingsError, match="2 distances were given for 3 places"):
        density_table(places_at([("a", 1, 0, "chips", "firm")] * 3), C, (1000,),
                      distance_m=np.array([1.0, 2.0]))
