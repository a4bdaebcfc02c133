"""An area in a link: a compact text for the query string, and back.

``p:NAME~LAT,LON;LAT,LON;…|…`` — WGS-84 degrees with 6 decimals (±0.1 m); ``|`` separates
polygons, ``!`` a polygon's rings (the first is the outer one). A boundary with more than
:data:`MAX_VERTICES` vertices is simplified in metres until it fits (a link is not the place for
an official outline of thousands of points: download its GeoJSON instead); :func:`area_to_text`
says when it did.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from origin_map.errors import OriginMapError
from origin_map.measure.areas import Area, area_from_geojson_dict, to_local

__all__ = ["MAX_VERTICES", "area_from_text", "area_of_link", "area_to_text"]

MAX_VERTICES: Final[int] = 400
_NAME_OK = re.compile(r"[^\w\s.\-()（）·]", re.UNICODE)


def _rings(poly: Polygon) -> list[list[tuple[float, float]]]:
    return [list(poly.exterior.coords), *(list(r.coords) for r in poly.interiors)]


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def _vertices(geom: BaseGeometry) -> int:
    return sum(len(r) for p in _polygons(geom) for r in _rings(p))


def _fit(area: Area) -> tuple[BaseGeometry, bool]:
    """Return the area's geometry with at most :data:`MAX_VERTICES` vertices, simplified in m.

    When simplifying cannot get there (more parts or holes than the cap allows: each keeps four
    points however far it is simplified), the link holds the largest parts' outlines.
    """
    geom = area.geometry
    if _vertices(geom) <= MAX_VERTICES:
        return geom, False
    lat0, lon0 = area.centroid
    local = to_local(geom, lat0, lon0)
    simple = _simplified(local)
    if simple is None:
        largest = _largest_parts(local)
        simple = _simplified(largest) or largest.envelope
    return to_local(simple, lat0, lon0, inverse=True), True


def _simplified(geom: BaseGeometry) -> BaseGeometry | None:
    """Return ``geom`` (metres) simplified until it fits the cap, or None if it never does."""
    minx, miny, maxx, maxy = geom.bounds
    span = max(maxx - minx, maxy - miny, 1.0)
    tol, simple = 0.5, geom
    while _vertices(simple) > MAX_VERTICES:
        if tol > 2 * span:
            return None
        simple = geom.simplify(tol, preserve_topology=True)
        tol *= 2
    return simple


def _largest_parts(geom: BaseGeometry) -> BaseGeometry:
    """Return the outlines (no holes) of the largest polygons of ``geom``, five points each."""
    parts = sorted(_polygons(geom), key=lambda p: p.area, reverse=True)[:MAX_VERTICES // 5]
    outlines = [Polygon(p.exterior) for p in parts]
    return outlines[0] if len(outlines) == 1 else MultiPolygon(outlines)


def area_to_text(area: Area) -> tuple[str, bool]:
    """Return the link text of ``area`` and whether it had to be simplified to fit a link."""
    geom, simplified = _fit(area)
    name = _NAME_OK.sub("", area.name)[:60]
    polys = "|".join("!".join(";".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring)
                              for ring in _rings(p)) for p in _polygons(geom))
    return f"p:{name}~{polys}", simplified


def area_from_text(text: str, *, data_centre: tuple[float, float] | None = None) -> Area:
    """Return the area a link's text describes (checked like any drawn area).

    Raises
    ------
    OriginMapError
        If the text is not an area link (an :class:`~origin_map.measure.areas.AreaError` when the
        shape itself is refused: empty, too large, too far).
    """
    match = re.fullmatch(r"p:([^~]{0,60})~(.+)", text.strip(), flags=re.S)
    if not match:
        raise OriginMapError("not an area link")
    try:
        polygons = []
        for part in match.group(2).split("|"):
            rings = [[(float(lon), float(lat)) for lat, lon in
                      (pair.split(",") for pair in ring.split(";"))] for ring in part.split("!")]
            polygons.append(Polygon(rings[0], rings[1:]))
    except ValueError as exc:
        raise OriginMapError(f"not an area link: {exc}") from exc
    geom = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    feature = {"type": "Feature", "geometry": mapping(geom), "properties": {}}
    return area_from_geojson_dict(feature, name=match.group(1) or None, data_centre=data_centre)


@functools.lru_cache(maxsize=64)
def area_of_link(text: str) -> Area:
    """Return :func:`area_from_text` of a link's text, decoded once per text (cached).

    A page resolves its view on every rerun; the area (projected and checked in metres) is
    decoded the first time only. The :class:`~origin_map.measure.areas.Area` is frozen: safe to
    share.
    """
    return area_from_text(text)
