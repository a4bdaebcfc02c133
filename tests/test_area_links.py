"""An area in a link: at most MAX_VERTICES points, whatever the shape (measure.area_links)."""

from __future__ import annotations

import math
import threading

from shapely.geometry import MultiPolygon, Polygon, box

from origin_map.measure.area_links import MAX_VERTICES, _vertices, area_from_text, area_to_text
from origin_map.measure.areas import Area, to_local

LAT, LON = 39.99, 116.33


def _area(geom) -> Area:
    c = geom.centroid
    return Area(geom, "test", 1.0, (), (c.y, c.x))


def _within(seconds: float, area: Area) -> tuple[str, bool]:
    """area_to_text(area), failing (not hanging) when it does not end within ``seconds``."""
    out: list[tuple[str, bool]] = []
    worker = threading.Thread(target=lambda: out.append(area_to_text(area)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert out, f"area_to_text did not end within {seconds:g} s"
    return out[0]


def test_a_small_area_goes_into_the_link_as_it_is():
    square = box(LON, LAT, LON + 0.01, LAT + 0.01)
    text, simplified = area_to_text(_area(square))
    assert not simplified
    assert area_from_text(text).geometry.equals_exact(square, 1e-6)


def test_a_boundary_of_thousands_of_points_is_simplified_in_metres():
    circle = Polygon([(LON + 0.01 * math.cos(2 * math.pi * i / 3000),
                       LAT + 0.01 * math.sin(2 * math.pi * i / 3000)) for i in range(3000)])
    text, simplified = area_to_text(_area(circle))
    back = area_from_text(text).geometry
    assert simplified and _vertices(back) <= MAX_VERTICES
    # the copy stays within a metre or so of the boundary's area
    a0 = to_local(circle, LAT, LON).area
    assert abs(to_local(back, LAT, LON).area - a0) / a0 < 0.01


def test_many_parts_end_instead_of_simplifying_forever():
    # 150 squares: simplified with their topology kept, each keeps 5 points (750 > 400); the
    # loop used to double its tolerance forever. Now the largest parts that fit are kept.
    squares = [box(LON + i * 0.001, LAT, LON + i * 0.001 + 0.0002 + 0.000002 * i,
                   LAT + 0.0005) for i in range(150)]
    text, simplified = _within(20, _area(MultiPolygon(squares)))
    back = area_from_text(text).geometry
    assert simplified
    assert _vertices(back) <= MAX_VERTICES
    parts = list(back.geoms)
    assert len(parts) == MAX_VERTICES // 5  # 80 squares of 5 points
    # the widest squares are the ones kept (the square i is wider than i - 1)
    kept_lons = sorted(round((p.bounds[0] - LON) / 0.001) for p in parts)
    assert kept_lons == list(range(150 - 80, 150))


def test_a_polygon_with_many_holes_keeps_its_outline():
    holes = [box(LON + 0.0001 + i * 0.0003, LAT + 0.0001, LON + 0.0002 + i * 0.0003,
                 LAT + 0.0002).exterior.coords for i in range(150)]
    poly = Polygon(box(LON, LAT, LON + 0.05, LAT + 0.001).exterior.coords, holes)
    assert poly.is_valid
    text, simplified = _within(20, _area(poly))
    back = area_from_text(text).geometry
    assert simplified and _vertices(back) <= MAX_VERTICES
    assert isinstance(back, Polygon) and not back.interiors
    assert back.equals_exact(Polygon(poly.exterior), 1e-6)
