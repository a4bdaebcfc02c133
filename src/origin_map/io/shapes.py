"""Read shapes (polygons, drawn features) from GeoJSON or a GeoPackage into a GeoDataFrame.

Internal helpers of :mod:`origin_map.measure.areas` and :mod:`origin_map.measure.outlines`. Bytes
and paths are
read through :func:`origin_map.io.readers.read_bytes` (size limit, clear messages) and the format is
decided by the content (:func:`origin_map.io.sniff.content_kind`), as for places files. Features
keep their properties; every geometry comes back in WGS-84 (EPSG:4326): a GeoJSON ``crs`` member
or a GeoPackage layer in another CRS is transformed, with a note.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from origin_map.errors import DataValidationError, Problem
from origin_map.io.geojson import crs_of_member
from origin_map.io.gpkg import gpkg_layers, read_gpkg_layer
from origin_map.io.readers import Source, read_bytes
from origin_map.io.sniff import content_kind, fail
from origin_map.limits import MAX_BYTES_DEFAULT

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["features_from_geojson", "read_shapes"]

_GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                   "MultiPolygon", "GeometryCollection")
_FIX = "Export the boundary as GeoJSON (WGS-84 longitude/latitude) or as a GeoPackage layer."


def _as_features(doc: Any, name: str) -> list[Any]:
    """Return the features of a GeoJSON document (collection, feature, geometry or list)."""
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, Mapping):
        raise fail(name, f"The JSON is a {type(doc).__name__}, not a GeoJSON object.", _FIX)
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise fail(name, "The FeatureCollection has no 'features' list.", _FIX)
        return features
    if kind == "Feature":
        return [doc]
    if kind in _GEOMETRY_TYPES:
        return [{"type": "Feature", "geometry": doc, "properties": {}}]
    raise fail(name, f"The JSON is not GeoJSON (its type is {str(kind)[:40]!r}).", _FIX)


def _crs_of(doc: Any, name: str) -> Any:
    """Return the CRS named by a (pre-RFC 7946) GeoJSON ``crs`` member, or WGS-84."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    member = doc.get("crs") if isinstance(doc, Mapping) else None
    if member is None:
        return CRS.from_epsg(4326)
    try:
        return crs_of_member(member)
    except CRSError as exc:
        raise fail(name, f"The GeoJSON 'crs' member {json.dumps(member)[:120]} names no "
                   "coordinate system Origin Map knows.", "Remove the crs member if the "
                   "coordinates are WGS-84 longitude/latitude.", "crs") from exc


def features_from_geojson(doc: Any, name: str = "GeoJSON") -> tuple[gpd.GeoDataFrame,
                                                                    list[Problem]]:
    """Return the features of a parsed GeoJSON document as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    doc
        A FeatureCollection, a Feature, a bare geometry, or a list of Features (what
        streamlit-folium returns as ``all_drawings``).
    name
        Shown in messages.

    Returns
    -------
    tuple
        The GeoDataFrame (one row per feature, properties as columns, ``geometry`` None for a
        feature without one) and notes (warnings) about what was done.

    Raises
    ------
    DataValidationError
        If the document is not GeoJSON or a geometry cannot be read (the feature is named).
    """
    import geopandas as gpd
    from shapely.geometry import shape

    features = _as_features(doc, name)
    rows: list[dict[str, Any]] = []
    geoms = []
    for i, feat in enumerate(features, start=1):
        if not isinstance(feat, Mapping) or feat.get("type") != "Feature":
            raise fail(name, f"Feature {i} is not a GeoJSON Feature.", _FIX, "features")
        props = feat.get("properties")
        rows.append(dict(props) if isinstance(props, Mapping) else {})
        geom = feat.get("geometry")
        try:
            geoms.append(shape(geom) if geom else None)
        except Exception as exc:  # shapely raises several types for malformed coordinates
            raise fail(name, f"Feature {i}: the geometry cannot be read ({exc}).", _FIX,
                       "geometry") from exc
    gdf = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geoms), crs=_crs_of(doc, name))
    return _to_wgs84(gdf, name)


def _to_wgs84(gdf: gpd.GeoDataFrame, name: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    notes: list[Problem] = []
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326", ignore_axis_order=True):
        notes.append(Problem(None, "crs", f"Coordinates were in {gdf.crs.to_string()} and were "
                             "transformed to WGS-84 (EPSG:4326).", severity="warning"))
        gdf = gdf.to_crs("EPSG:4326")
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    present = gdf.geometry.dropna()
    present = present[~present.is_empty]
    if len(present):
        x0, y0, x1, y1 = present.total_bounds
        if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
            raise fail(name, "The coordinates are not longitude/latitude degrees (they go "
                       f"beyond ±180/±90: x {x0:,.0f}..{x1:,.0f}, y {y0:,.0f}..{y1:,.0f}); "
                       "projected coordinates need a CRS in the file.", _FIX, "geometry")
    return gdf, notes


def _read_gpkg(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    try:
        layers = gpkg_layers(data)
        chosen = layer or (layers[0] if layers else None)
        if chosen is None or chosen not in layers:
            raise fail(name, f"Layer {chosen!r} not found; the GeoPackage has {layers}.",
                       "Choose one of those layers.", "layer")
        return read_gpkg_layer(data, chosen)
    except DataValidationError:
        raise
    except Exception as exc:  # pyogrio/GDAL errors have many types
        raise fail(name, f"Not a readable GeoPackage ({exc}).", _FIX) from exc


def read_shapes(source: Source | Mapping[str, Any] | list[Any], *,
                layer: str | None = None, max_bytes: int = MAX_BYTES_DEFAULT
                ) -> tuple[gpd.GeoDataFrame, str, list[Problem]]:
    """Read the features of a GeoJSON or GeoPackage source.

    Parameters
    ----------
    source
        A path, bytes, a binary file, or an already parsed GeoJSON dict/list.
    layer
        GeoPackage layer (default: the first).
    max_bytes
        Refuse larger inputs (default: the upload limit).

    Returns
    -------
    tuple
        The features (EPSG:4326), a display name and notes.
    """
    if isinstance(source, (Mapping, list)):
        gdf, notes = features_from_geojson(source)
        return gdf, "GeoJSON", notes
    data, name = read_bytes(source, max_bytes=max_bytes)
    kind = content_kind(data, name)
    if kind == "gpkg":
        gdf, notes = _to_wgs84(_read_gpkg(data, name, layer), name)
        return gdf, name, notes
    if kind != "json":
        raise fail(name, "This is not GeoJSON or a GeoPackage.", _FIX)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise fail(name, "The GeoJSON is not UTF-8 text.", "Save it again as UTF-8.") from exc
    except json.JSONDecodeError as exc:
        raise fail(name, f"Not valid JSON: {exc.msg} at line {exc.lineno}, column "
                   f"{exc.colno}.", "Fix the JSON syntax there.") from exc
    except RecursionError:  # not chained: its traceback is a thousand frames deep
        raise fail(name, "The JSON is nested too deeply to be GeoJSON.", _FIX) from None
    gdf, notes = features_from_geojson(doc, name)
    return gdf, name, notes
