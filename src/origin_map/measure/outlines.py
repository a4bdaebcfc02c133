"""Campus and compound outlines: count a place when its outline comes within a radius.

``geodata/areas.geojson`` holds outlines (Polygon/MultiPolygon, WGS-84, derived from
OpenStreetMap, ODbL) keyed by the ``place_id`` property, the id of a row of
``geodata/places.csv``; further properties are ``name_zh``, ``name_en``, ``source``,
``licence``, ``date`` and ``note``.

Counting by point stays the default everywhere. Counting *by outline* gives each place with an
outline the shortest distance from the centre to its outline (0 when the centre is inside it),
measured in the azimuthal-equidistant projection centred on the centre, whose radial distances
are geodesic metres; places without an outline keep their point distance. Pass the result as
``distance_m`` to :func:`origin_map.measure.stats.density_table` or
:func:`origin_map.measure.stats.headline`.

Checks (:func:`load_outlines`): each feature must be a valid Polygon or MultiPolygon in WGS-84,
name a ``place_id`` of the places table, and lie within :data:`MAX_OFFSET_M` of that place's
point. Outlines are curated data, so an invalid one is **refused**, not repaired: a repair
(``make_valid``) can silently change what is counted, while the fix in the file is easy. The
error lists every bad feature by number and ``place_id``. Several features with the same
``place_id`` are merged into one outline.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from origin_map.errors import DataValidationError, Problem
from origin_map.geo.geometry import Centre, distances_m, local_crs
from origin_map.io.readers import Source

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "MAX_OFFSET_M",
    "OUTLINE_COLUMNS",
    "default_outlines_path",
    "empty_outlines",
    "load_outlines",
    "outline_distances_m",
]

MAX_OFFSET_M: Final[float] = 2000.0
"""An outline farther than this from its place's point is refused (wrong place_id or datum)."""

OUTLINE_COLUMNS: Final[tuple[str, ...]] = (
    "place_id", "name_zh", "name_en", "source", "licence", "date", "note", "geometry")
"""Columns of the outlines GeoDataFrame, ``geometry`` in EPSG:4326."""

_FIX_FILE = "Correct the feature in the outlines file."


def default_outlines_path() -> Path | None:
    """Return the shipped ``geodata/areas.geojson``, or None when there is none."""
    from origin_map.paths import geodata_dir

    try:
        path = geodata_dir() / "areas.geojson"
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def empty_outlines() -> gpd.GeoDataFrame:
    """Return an outlines GeoDataFrame without rows (columns :data:`OUTLINE_COLUMNS`)."""
    import geopandas as gpd

    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in OUTLINE_COLUMNS[:-1]},
                            geometry=gpd.GeoSeries([], crs="EPSG:4326"))


def load_outlines(path: Source | None = None, *, places: pd.DataFrame | None = None,
                  max_offset_m: float = MAX_OFFSET_M) -> gpd.GeoDataFrame:
    """Read and check outlines; one row per place.

    Parameters
    ----------
    path
        A GeoJSON or GeoPackage file (path or bytes). Default: the shipped
        ``geodata/areas.geojson`` if present, else no outlines (an empty frame).
    places
        The places the outlines belong to (``id``, ``lat``, ``lon``); default: the shipped
        places.
    max_offset_m
        Largest distance in metres between an outline and its place's point.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`OUTLINE_COLUMNS` (missing text properties are empty strings), EPSG:4326,
        one row per ``place_id`` (features of the same place merged).

    Raises
    ------
    DataValidationError
        Listing every refused feature (1-based feature number as the row, and its place_id):
        not a (Multi)Polygon, invalid geometry (with the reason, e.g. a self-intersection),
        missing or unknown place_id, or farther than ``max_offset_m`` from the place.
    """
    from origin_map.io.shapes import read_shapes

    if path is None:
        path = default_outlines_path()
        if path is None:
            return empty_outlines()
    gdf, name, _ = read_shapes(path)
    if places is None:
        from origin_map.places.datasets import shipped_places

        places = shipped_places(geometry=False)
    problems = _problems(gdf, places, max_offset_m)
    if problems:
        raise DataValidationError(problems, source=name)
    return _tidy(gdf)


def _problems(gdf: gpd.GeoDataFrame, places: pd.DataFrame, max_offset_m: float
              ) -> list[Problem]:
    """Return a problem for each feature that cannot be used."""
    import shapely

    ids = gdf["place_id"].astype(object) if "place_id" in gdf.columns else pd.Series(
        [None] * len(gdf), dtype=object)
    points = places.drop_duplicates("id").set_index("id")[["lat", "lon"]] if len(
        places) else pd.DataFrame(columns=["lat", "lon"])
    out: list[Problem] = []
    for i, (pid, geom) in enumerate(zip(ids, gdf.geometry, strict=True), start=1):
        label = f"Outline of {pid!r}" if _present(pid) else "Outline"
        if not _present(pid):
            out.append(Problem(i, "place_id", "The feature has no place_id property.",
                               "Add the id of its place in places.csv."))
        elif str(pid) not in points.index:
            out.append(Problem(i, "place_id", f"{label}: no place has this id.",
                               "Use an id from the places table (column id)."))
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            kind = "no geometry" if geom is None or geom.is_empty else f"a {geom.geom_type}"
            out.append(Problem(i, "geometry", f"{label} is {kind}, not a Polygon or "
                               "MultiPolygon.", _FIX_FILE))
            continue
        if not geom.is_valid:
            out.append(Problem(i, "geometry", f"{label} is not a valid polygon: "
                               f"{shapely.is_valid_reason(geom)}.", "Repair it in the file "
                               "(e.g. QGIS 'Fix geometries', or shapely.make_valid) and check "
                               "the result."))
        elif _present(pid) and str(pid) in points.index:
            lat, lon = points.loc[str(pid)]
            offset = _distance_to_m(geom, float(lat), float(lon))
            if offset > max_offset_m:
                out.append(Problem(i, "geometry", f"{label} lies {offset:,.0f} m from its "
                                   f"place's point, more than the {max_offset_m:,.0f} m "
                                   "allowed.", "Check the place_id and that the outline is "
                                   "in WGS-84 (not GCJ-02/BD-09)."))
    return out


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and bool(
        str(value).strip())


def _distance_to_m(geom: Any, lat: float, lon: float) -> float:
    """Return the metric distance from a WGS-84 point to a WGS-84 geometry (0 if inside)."""
    import geopandas as gpd
    import shapely

    local = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(local_crs(lat, lon)).iloc[0]
    return float(shapely.distance(local, shapely.Point(0.0, 0.0)))


def _tidy(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep the known columns (text, '' when missing) and merge features of the same place."""
    import geopandas as gpd

    if not len(gdf):
        return empty_outlines()
    frame = pd.DataFrame({c: (gdf[c] if c in gdf.columns else "") for c in OUTLINE_COLUMNS[:-1]})
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    frame["place_id"] = frame["place_id"].str.strip()
    frame = gpd.GeoDataFrame(frame, geometry=gdf.geometry.to_numpy(), crs="EPSG:4326")
    if frame["place_id"].is_unique:
        return frame.reset_index(drop=True)
    merged = frame.dissolve(by="place_id", aggfunc="first", sort=False).reset_index()
    return merged.loc[:, list(OUTLINE_COLUMNS)]


def outline_distances_m(places: pd.DataFrame, outlines: gpd.GeoDataFrame | None,
                        centre: Centre) -> np.ndarray:
    """Return each place's distance from the centre, to its outline where it has one.

    Parameters
    ----------
    places
        Places with ``lat``, ``lon`` (WGS-84) and ``id``.
    outlines
        Outlines from :func:`load_outlines` (``place_id``, geometry in EPSG:4326), or None.
    centre
        The centre.

    Returns
    -------
    numpy.ndarray
        Metres, one per row of ``places``: for a place with an outline, the shortest distance
        from the centre to the outline in the centre's azimuthal-equidistant projection (0 when
        the centre is inside it); otherwise the geodesic distance to the place's point.
    """
    import shapely

    d = distances_m(places["lat"].to_numpy(dtype=np.float64),
                    places["lon"].to_numpy(dtype=np.float64), centre.lat, centre.lon)
    d = np.asarray(d, dtype=np.float64).reshape(-1)
    if outlines is None or not len(outlines) or "id" not in places.columns or not len(places):
        return d
    local = outlines.geometry.to_crs(local_crs(centre.lat, centre.lon))
    to_outline = shapely.distance(local.to_numpy(), shapely.Point(0.0, 0.0))
    by_id = pd.Series(to_outline, index=outlines["place_id"].astype(str).to_numpy())
    by_id = by_id.groupby(level=0).min()
    mapped = places["id"].astype(str).map(by_id).to_numpy(dtype=np.float64)
    return np.where(np.isnan(mapped), d, mapped)
