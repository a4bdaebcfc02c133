"""Measure any area: a boundary drawn on the map or uploaded, and the places inside it.

* :func:`read_area` reads a boundary from GeoJSON (FeatureCollection, Feature or bare geometry)
  or a GeoPackage layer; :func:`area_from_geojson_dict` takes what the Leaflet Draw control
  returns (streamlit-folium's ``last_active_drawing`` / ``all_drawings``). Several features are
  merged into one area; a drawn circle (a Point feature with ``properties.radius`` in metres)
  becomes a polygon built in metres around its centre.
* :func:`places_in_area`, :func:`area_density_table` and :func:`area_headline` count the places
  inside, with the same columns and keys as the ring statistics of :mod:`origin_map.measure.stats`.

Containment is exact, tested in the azimuthal-equidistant projection centred on the area's
centroid: a place on the boundary counts as inside (within :data:`BOUNDARY_TOLERANCE_M`, the
round-off of projecting). Areas are geodesic (``pyproj.Geod.geometry_area_perimeter``).

In the density table an area takes the place of a ring: ``ring_inner_m`` is empty (NaN) and
``ring_outer_m`` holds the text :data:`AREA_RING` (``"area"``), so a table can never be mistaken
for a ring count; ``area_km2`` is the area's geodesic area and ``cumulative_count`` = ``count``.

Messages and warnings exist in English and Chinese (:class:`AreaError`, :attr:`Area.warnings`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from origin_map.errors import DataValidationError, Problem
from origin_map.geo.geometry import Centre, _transformer, project_local
from origin_map.i18n import Text
from origin_map.io.readers import Source
from origin_map.io.shapes import features_from_geojson, read_shapes
from origin_map.measure.area_errors import AreaError, warning
from origin_map.measure.stats import PlaceFilter, density_table, headline

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "AREA_RING",
    "BOUNDARY_TOLERANCE_M",
    "MAX_AREA_KM2",
    "MAX_DISTANCE_M",
    "Area",
    "AreaError",
    "area_density_table",
    "area_from_geojson_dict",
    "area_headline",
    "area_to_geojson_bytes",
    "convert_geometry",
    "places_in_area",
    "read_area",
    "to_local",
]

MAX_AREA_KM2: Final[float] = 1000.0
"""Largest area accepted (km²): Origin Map measures districts, not provinces."""
MAX_DISTANCE_M: Final[float] = 100_000.0
"""An area farther than this from the data's centre is refused (another city, wrong datum)."""
BOUNDARY_TOLERANCE_M: Final[float] = 0.001
"""A place this close to the boundary (1 mm) counts as on it, hence inside."""
AREA_RING: Final[str] = "area"
"""Value of ``ring_outer_m`` in :func:`area_density_table` (``ring_inner_m`` is empty)."""
CIRCLE_TOLERANCE_M: Final[float] = 0.05
"""A drawn circle becomes a polygon whose edges stray at most this far inside the circle."""

@dataclass(frozen=True)
class Area:
    """An area to measure.

    Parameters
    ----------
    geometry
        A valid shapely Polygon or MultiPolygon, WGS-84 longitude/latitude.
    name
        A name for tables and reports.
    area_km2
        Geodesic area on the WGS-84 ellipsoid in km².
    warnings
        (English, Chinese) texts about what was done to the input (repairs, merges).
    centroid
        (lat, lon) of the centroid, computed in metres.
    """

    geometry: BaseGeometry
    name: str
    area_km2: float
    warnings: tuple[Text, ...]
    centroid: tuple[float, float]

    @property
    def centre(self) -> Centre:
        """Return the centroid as a :class:`~origin_map.geo.geometry.Centre` (id ``"area"``)."""
        return Centre("area", self.name, self.name, *self.centroid)

    def warning_texts(self, lang: str = "en") -> list[str]:
        """Return the warnings in ``lang`` (``"en"`` or ``"zh"``)."""
        return [w.render(lang) for w in self.warnings]


def to_local(geom: BaseGeometry, lat: float, lon: float, *, inverse: bool = False
             ) -> BaseGeometry:
    """Project a WGS-84 geometry to the AEQD metres of (lat, lon), or back with ``inverse``."""
    import shapely

    tr: Any = _transformer(float(lat), float(lon), inverse)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _circle(point: BaseGeometry, radius_m: float) -> BaseGeometry:
    """Return a polygon approximating the circle of ``radius_m`` metres around a WGS-84 point."""
    from shapely import Point

    ratio = max(-1.0, 1.0 - CIRCLE_TOLERANCE_M / radius_m)
    n = int(min(4096, max(64, math.ceil(math.pi / math.acos(ratio)))))
    disc = Point(0.0, 0.0).buffer(radius_m, quad_segs=math.ceil(n / 4))
    return to_local(disc, point.y, point.x, inverse=True)


def _polygonal(geom: BaseGeometry, props: Mapping[str, Any], i: int, name: str
               ) -> tuple[BaseGeometry, list[Text]]:
    """Return the feature as a valid (Multi)Polygon, repaired if needed, and warnings."""
    import shapely

    kind = geom.geom_type
    if kind == "Point" and "radius" in props:
        radius = props.get("radius")
        if isinstance(radius, (int, float)) and math.isfinite(radius) and radius > 0:
            return _circle(geom, float(radius)), []
        raise AreaError("bad_radius", name, i=i, radius=repr(radius)[:40])
    parts = shapely.get_parts(geom) if kind == "GeometryCollection" else [geom]
    if not len(parts) or any(p.geom_type not in ("Polygon", "MultiPolygon") for p in parts):
        bad = next((p.geom_type for p in parts if p.geom_type not in ("Polygon",
                                                                      "MultiPolygon")), kind)
        raise AreaError("not_polygon", name, i=i, kind=bad)
    geom = shapely.union_all(parts) if kind == "GeometryCollection" else geom
    if geom.is_valid:
        return geom, []
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    polys = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys), [warning("repaired", i=i)]


def convert_geometry(geom: BaseGeometry, *, src: str, dst: str = "wgs84") -> BaseGeometry:
    """Return ``geom`` with every vertex converted between datums (wgs84, gcj02, bd09)."""
    import shapely

    from origin_map.geo.datums import convert, normalise_datum

    if normalise_datum(src) == normalise_datum(dst):
        return geom

    def move(xy: np.ndarray) -> np.ndarray:
        lat, lon = convert(xy[:, 1], xy[:, 0], src=src, dst=dst)
        return np.column_stack([lon, lat])

    return shapely.transform(geom, move)


def _build(gdf: gpd.GeoDataFrame, name: str, notes: Sequence[Problem],
           data_centre: Centre | tuple[float, float] | None, datum: str) -> Area:
    """Turn features (coordinates in ``datum``) into one checked WGS-84 :class:`Area`."""
    import shapely

    warnings = [warning("note", detail=p.message) for p in notes]
    geoms, n_skipped = [], 0
    props = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    for i, (geom, prop) in enumerate(zip(gdf.geometry, props, strict=True), start=1):
        if geom is None or geom.is_empty:
            n_skipped += 1
            continue
        poly, notes_i = _polygonal(convert_geometry(geom, src=datum), prop, i, name)
        geoms.append(poly)
        warnings += notes_i
    if not geoms:
        raise AreaError("no_features", name)
    if n_skipped:
        warnings.append(warning("skipped", n=n_skipped))
    if len(geoms) > 1:
        warnings.append(warning("merged", n=len(geoms)))
    geom = shapely.orient_polygons(shapely.union_all(geoms))
    return _checked(geom, name, tuple(warnings), data_centre)


def _checked(geom: BaseGeometry, name: str, warnings: tuple[Text, ...],
             data_centre: Centre | tuple[float, float] | None) -> Area:
    from pyproj import Geod

    area_km2 = abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 1e6
    if geom.is_empty or not area_km2 > 0:
        raise AreaError("empty", name)
    if area_km2 > MAX_AREA_KM2:
        raise AreaError("too_large", name, area=area_km2, limit=MAX_AREA_KM2)
    if data_centre is not None:
        lat, lon = ((data_centre.lat, data_centre.lon) if isinstance(data_centre, Centre)
                    else data_centre)
        dist_m = to_local(geom, lat, lon).distance(_origin())
        if dist_m > MAX_DISTANCE_M:
            raise AreaError("too_far", name, dist_km=dist_m / 1000,
                            limit_km=MAX_DISTANCE_M / 1000)
    x0, y0, x1, y1 = geom.bounds
    lat0, lon0 = (y0 + y1) / 2, (x0 + x1) / 2
    c = to_local(to_local(geom, lat0, lon0).centroid, lat0, lon0, inverse=True)
    return Area(geom, name, float(area_km2), warnings, (float(c.y), float(c.x)))


def _origin() -> BaseGeometry:
    from shapely import Point

    return Point(0.0, 0.0)


def _name_of(gdf: gpd.GeoDataFrame, fallback: str) -> str:
    for col in ("name", "name_en", "name_zh", "title"):
        if col in gdf.columns:
            values = [str(v).strip() for v in gdf[col] if isinstance(v, str) and v.strip()]
            if values:
                return values[0][:120]
    return fallback


def read_area(source: Source, *, name: str | None = None,
              data_centre: Centre | tuple[float, float] | None = None,
              layer: str | None = None, datum: str = "wgs84") -> Area:
    """Read an area from a GeoJSON or GeoPackage file (a path, bytes or a binary file).

    Parameters
    ----------
    source
        The boundary: GeoJSON (FeatureCollection, Feature or geometry) or a GeoPackage.
    name
        The area's name; default: a ``name`` property, else the file name.
    data_centre
        The centre of the data ((lat, lon) or a Centre): an area more than
        :data:`MAX_DISTANCE_M` from it is refused. None skips that check.
    layer
        GeoPackage layer (default: the first).
    datum
        Datum of the coordinates: ``wgs84`` (GeoJSON's, the default), ``gcj02`` (AMap,
        Tencent; also what is drawn on Gaode tiles) or ``bd09`` (Baidu); converted to WGS-84.

    Returns
    -------
    Area
        One (Multi)Polygon: several features are merged, self-intersections repaired (with a
        warning), a Point feature with a ``radius`` property (metres) becomes a circle.

    Raises
    ------
    AreaError
        If there is no polygon, a feature is not a polygon, or the area is empty, larger than
        :data:`MAX_AREA_KM2` or too far away; a :class:`DataValidationError` too.

    Examples
    --------
    >>> area = read_area(b'{"type": "Polygon", "coordinates": [[[116.32, 39.99], [116.335, 39.99],'
    ...                  b' [116.335, 40.0], [116.32, 40.0], [116.32, 39.99]]]}', name="Block")
    >>> area.name, round(area.area_km2, 2)
    ('Block', 1.42)
    """
    try:
        gdf, label, notes = read_shapes(source, layer=layer)
    except AreaError:
        raise
    except DataValidationError as exc:
        raise AreaError("unreadable", exc.source, detail=str(exc.problems[0])) from exc
    return _build(gdf, name or _name_of(gdf, label.rsplit(".", 1)[0] or label), notes,
                  data_centre, datum)


def area_from_geojson_dict(d: Mapping[str, Any] | Sequence[Any], *, name: str | None = None,
                           data_centre: Centre | tuple[float, float] | None = None,
                           datum: str = "wgs84") -> Area:
    """Return the area of a GeoJSON object, e.g. from the Leaflet Draw control.

    ``d`` is a Feature (``last_active_drawing``), a list of Features (``all_drawings``), a
    FeatureCollection or a geometry. A drawn circle arrives as a Point Feature with
    ``properties.radius`` in metres. Shapes drawn on GCJ-02 tiles (Gaode) need
    ``datum="gcj02"``. See :func:`read_area` for the rest.
    """
    try:
        gdf, notes = features_from_geojson(d, name or "drawing")
    except AreaError:
        raise
    except DataValidationError as exc:
        raise AreaError("unreadable", exc.source, detail=str(exc.problems[0])) from exc
    return _build(gdf, name or _name_of(gdf, "Drawn area"), notes, data_centre, datum)


def _inside_points(lat: np.ndarray, lon: np.ndarray, area: Area
                   ) -> tuple[np.ndarray, BaseGeometry]:
    """Return which points are inside the area, and the area in its AEQD grown by 1 mm.

    Points well inside or well outside are decided in degrees, against the area shrunk and
    grown by a margin (at least 1 m, more for long edges, whose straight line in degrees and in
    metres differ by up to ~ L²/(8 R) tan(lat)); only points in that band are projected to the
    area's AEQD and tested exactly. Same answer as projecting every point, several times faster.
    """
    import shapely

    lat0, lon0 = area.centroid
    local = to_local(area.geometry, lat0, lon0)
    grown = local.buffer(BOUNDARY_TOLERANCE_M, join_style="mitre")
    shapely.prepare(grown)
    rings = [np.asarray(r.coords) for r in shapely.get_rings(shapely.get_parts(local))]
    edge_m = max(float(np.hypot(*np.diff(c, axis=0).T).max()) for c in rings)
    x0, y0, x1, y1 = area.geometry.bounds
    m_per_deg = 110_000.0 * math.cos(math.radians(min(89.0, max(abs(y0), abs(y1)))))
    margin_deg = (1.0 + 2.0 * edge_m**2 / 6_371_000.0) / m_per_deg
    near = np.flatnonzero((lon >= x0 - margin_deg) & (lon <= x1 + margin_deg)
                          & (lat >= y0 - margin_deg) & (lat <= y1 + margin_deg))
    inner = area.geometry.buffer(-margin_deg)
    outer = area.geometry.buffer(margin_deg)
    shapely.prepare(inner)
    shapely.prepare(outer)
    sure = shapely.contains_xy(inner, lon[near], lat[near])
    band = near[~sure & shapely.intersects_xy(outer, lon[near], lat[near])]
    inside = np.zeros(len(lat), dtype=bool)
    inside[near[sure]] = True
    x, y = project_local(lat[band], lon[band], lat0, lon0)
    inside[band] = shapely.intersects_xy(grown, x, y)
    return inside, grown


def places_in_area(places: pd.DataFrame, area: Area, *,
                   outlines: gpd.GeoDataFrame | None = None) -> np.ndarray:
    """Return a boolean mask of the places inside the area (boundary included).

    Parameters
    ----------
    places
        Places with ``lat``, ``lon`` (WGS-84); ``id`` too when ``outlines`` are given.
    area
        The area.
    outlines
        Optional outlines (:func:`origin_map.measure.outlines.load_outlines`): a place whose outline
        intersects the area counts as inside too.

    Returns
    -------
    numpy.ndarray
        One bool per row of ``places``.

    Examples
    --------
    >>> import pandas as pd
    >>> area = read_area(b'{"type": "Polygon", "coordinates": [[[116.32, 39.99], [116.335, 39.99],'
    ...                  b' [116.335, 40.0], [116.32, 40.0], [116.32, 39.99]]]}')
    >>> places_in_area(pd.DataFrame({"lat": [39.995, 40.01], "lon": [116.33, 116.33]}), area)
    array([ True, False])
    """
    import shapely

    inside, grown = _inside_points(places["lat"].to_numpy(dtype=np.float64),
                                   places["lon"].to_numpy(dtype=np.float64), area)
    lat0, lon0 = area.centroid
    if outlines is not None and len(outlines) and "id" in places.columns:
        shapes = outlines.geometry.to_numpy()
        hits = shapely.intersects(grown, np.array([to_local(g, lat0, lon0) for g in shapes]))
        ids = set(outlines["place_id"].astype(str).to_numpy()[hits])
        inside |= places["id"].astype(str).isin(ids).to_numpy(dtype=bool)
    return inside


def _inside_distances(places: pd.DataFrame, area: Area,
                      outlines: gpd.GeoDataFrame | None) -> np.ndarray:
    """Return 0 for places inside the area and inf outside (for the ring statistics)."""
    return np.where(places_in_area(places, area, outlines=outlines), 0.0, np.inf)


def area_density_table(places: pd.DataFrame, area: Area, *,
                       place_filter: PlaceFilter | None = None, centre_id: str | None = None,
                       outlines: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Return the density table of the area: one row per sector, then the ``all`` row.

    Parameters
    ----------
    places, place_filter
        As for :func:`origin_map.measure.stats.density_table`.
    area, outlines
        As for :func:`places_in_area`.
    centre_id
        The table's ``centre_id`` (default: the area's name).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`origin_map.measure.stats.DENSITY_COLUMNS`: ``ring_inner_m`` empty (NaN),
        ``ring_outer_m`` = :data:`AREA_RING`, ``count`` places inside, ``share`` of the area's
        places, ``area_km2`` the geodesic area, ``density_per_km2`` = count / area,
        ``cumulative_count`` = ``count``.

    Examples
    --------
    >>> import pandas as pd
    >>> area = read_area(b'{"type": "Polygon", "coordinates": [[[116.32, 39.99], [116.335, 39.99],'
    ...                  b' [116.335, 40.0], [116.32, 40.0], [116.32, 39.99]]]}', name="Block")
    >>> places = pd.DataFrame({"lat": [39.995, 40.01], "lon": [116.33] * 2, "sector": "chips"})
    >>> area_density_table(places, area)[["centre_id", "sector", "count", "area_km2"]]
      centre_id sector  count  area_km2
    0     Block  chips      1  1.422354
    1     Block    all      1  1.422354
    """
    d = _inside_distances(places, area, outlines)
    table = density_table(places, area.centre, (1.0,), place_filter=place_filter, distance_m=d)
    table["centre_id"] = centre_id if centre_id is not None else area.name
    table["ring_inner_m"] = np.nan
    table["ring_outer_m"] = AREA_RING
    table["area_km2"] = round(area.area_km2, 6)
    table["density_per_km2"] = (table["count"] / area.area_km2).round(3)
    table["cumulative_count"] = table["count"]
    return table


def area_headline(places: pd.DataFrame, area: Area, *,
                  place_filter: PlaceFilter | None = None,
                  outlines: gpd.GeoDataFrame | None = None) -> dict[str, Any]:
    """Return the headline figures for the area (:func:`origin_map.measure.stats.headline`'s keys).

    ``radius_m`` is replaced by ``area_km2`` and ``area_name``.
    """
    d = _inside_distances(places, area, outlines)
    out = headline(places, area.centre, 1.0, place_filter=place_filter, distance_m=d)
    del out["radius_m"]
    return {"area_name": area.name, "area_km2": area.area_km2, **out}


def area_to_geojson_bytes(area: Area) -> bytes:
    """Return the area as a GeoJSON FeatureCollection (UTF-8), for download."""
    from shapely.geometry import mapping

    feature = {"type": "Feature", "geometry": mapping(area.geometry),
               "properties": {"name": area.name, "area_km2": round(area.area_km2, 6)}}
    doc = {"type": "FeatureCollection", "features": [feature]}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
