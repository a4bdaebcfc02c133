import math

import numpy as np
import pytest
from pyproj import Geod

from origin_map.errors import SettingsError
from origin_map.geo.geometry import (
    Centre,
    assign_rings,
    distances_m,
    normalise_radii,
    parse_radii_text,
    project_local,
    ring_polygons,
    ring_radii,
)
from tests.conftest import DONGSHENG, point_at

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize("azimuth", [0, 90, 180, 270, 33.3])
def test_999_5_m_inside_and_1000_5_m_outside(azimuth):
    inside = point_at(DONGSHENG, 999.5, azimuth)
    outside = point_at(DONGSHENG, 1000.5, azimuth)
    lat = [inside[0], outside[0]]
    lon = [inside[1], outside[1]]
    d = distances_m(lat, lon, DONGSHENG.lat, DONGSHENG.lon)
    assert d[0] == pytest.approx(999.5, abs=0.01)
    assert d[1] == pytest.approx(1000.5, abs=0.01)
    assert list(assign_rings(d, [1000])) == [0, 1]


def test_distances_agree_with_geodesic_and_aeqd_within_10_km():
    rng = np.random.default_rng(1)
    az = rng.uniform(0, 360, 2000)
    dist = rng.uniform(0, 10_000, 2000)
    lon, lat, _ = GEOD.fwd(np.full(2000, DONGSHENG.lon), np.full(2000, DONGSHENG.lat), az, dist)
    d = distances_m(lat, lon, DONGSHENG.lat, DONGSHENG.lon)
    assert np.abs(d - dist).max() < 0.1
    x, y = project_local(lat, lon, DONGSHENG.lat, DONGSHENG.lon)
    assert np.abs(np.hypot(x, y) - dist).max() < 0.1


def test_far_points_use_exact_geodesic():
    # Beijing -> Shanghai, ~1068 km
    d = distances_m([31.2304], [121.4737], DONGSHENG.lat, DONGSHENG.lon)[0]
    _, _, ref = GEOD.inv(DONGSHENG.lon, DONGSHENG.lat, 121.4737, 31.2304)
    assert d == pytest.approx(ref, abs=0.01)


def test_rings_boundaries_are_inclusive_of_outer_radius():
    d = np.array([0, 500, 500.0001, 1000, 1999.9, 2000, 2000.1, np.nan])
    assert assign_rings(d, [2000, 500, 1000, 1000]).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


@pytest.mark.parametrize("radius", [500, 1000, 3000, 10_000])
def test_ring_polygon_area_within_0_1_percent(radius):
    rings = ring_polygons(DONGSHENG.lat, DONGSHENG.lon, [radius])
    area, _ = GEOD.geometry_area_perimeter(rings.geometry.iloc[0])
    assert abs(abs(area) / (math.pi * radius**2) - 1) < 0.001


def test_annulus_area_and_vertices_are_on_the_circle():
    rings = ring_polygons(DONGSHENG.lat, DONGSHENG.lon, [500, 1000])
    assert rings[["ring_inner_m", "ring_outer_m"]].values.tolist() == [[0, 500], [500, 1000]]
    area, _ = GEOD.geometry_area_perimeter(rings.geometry.iloc[1])
    assert abs(abs(area) / (math.pi * (1000**2 - 500**2)) - 1) < 0.001
    lon, lat = np.asarray(rings.geometry.iloc[1].exterior.coords).T
    d = distances_m(lat, lon, DONGSHENG.lat, DONGSHENG.lon)
    assert np.abs(d - 1000).max() < 0.01


@pytest.mark.parametrize("bad", [[0], [-5], [float("nan")], [1e10], ["abc"], []])
def test_invalid_radii_are_rejected(bad):
    with pytest.raises(SettingsError):
        normalise_radii(bad)


def test_radii_are_sorted_and_deduplicated():
    assert normalise_radii([2000, 500, 1000, 500]) == (500, 1000, 2000)
    assert parse_radii_text("2000; 500 1000,500") == (500, 1000, 2000)
    assert ring_radii(1000, [500, 2000]) == (500, 1000, 2000)
    assert ring_radii(1500) == (1500,)


@pytest.mark.parametrize("lat,lon", [(91, 116), (39, 181), (float("nan"), 116)])
def test_centre_validates_coordinates(lat, lon):
    with pytest.raises(SettingsError):
        Centre("x", "", "", lat, lon)
