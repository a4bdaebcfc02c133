"""Read a GeoJSON Feature or FeatureCollection into a raw table, with ``lat``/``lon`` in WGS-84.

Internal: called by :func:`origin_map.io.readers.read_raw`. A ``crs`` member other than WGS-84 is
honoured; a non-point shape is represented by its representative point, with a warning.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from origin_map import limits
from origin_map.errors import ref
from origin_map.io.rawtable import RawTable, frame_from_geo, too_many_rows
from origin_map.io.sniff import detect_encoding, refuse

if TYPE_CHECKING:
    from pyproj import CRS

__all__ = ["JSON_CHECK_BYTES", "crs_of_member", "read_geojson_bytes"]

JSON_CHECK_BYTES = 64 * 1024 * 1024
"""GeoJSON up to this size is parsed in Python first, for precise messages about its structure."""


def crs_of_member(member: Any) -> CRS:
    """Return the coordinate system a (pre-RFC 7946) GeoJSON ``crs`` member names.

    Raises pyproj's ``CRSError`` when it names none (or is not ``{"properties": {"name": …}}``).
    """
    from pyproj import CRS

    props = member.get("properties") if isinstance(member, Mapping) else None
    crs_name = props.get("name") if isinstance(props, Mapping) else None
    return CRS.from_user_input(str(crs_name))


def _crs_member(doc: dict[str, Any], name: str) -> None:
    """Refuse a GeoJSON ``crs`` member that GDAL would silently ignore (and read as WGS-84)."""
    member = doc.get("crs")
    if member is None:
        return
    from pyproj.exceptions import CRSError

    try:
        crs_of_member(member)
    except CRSError as exc:
        raise refuse(name, "validate.problem.crs_unknown", "validate.fix.crs_member", "crs",
                     member=json.dumps(member)[:120]) from exc


def read_geojson_bytes(data: bytes, name: str) -> RawTable:
    """Read a GeoJSON FeatureCollection; a ``crs`` member other than WGS-84 is honoured."""
    import geopandas as gpd

    data, encoding, notes = detect_encoding(data, name)
    if encoding not in ("utf-8", "utf-8-sig"):
        data = data.decode(encoding).encode("utf-8")
    if len(data) <= JSON_CHECK_BYTES:
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise refuse(name, "validate.problem.json_invalid", "validate.fix.json_syntax",
                         detail=exc.msg, line=exc.lineno, col=exc.colno) from exc
        except RecursionError:  # not chained: its traceback is a thousand frames deep
            raise refuse(name, "validate.problem.json_too_deep",
                         "validate.fix.export_geojson") from None
        if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
            kind = (ref("validate.what.json_value", type=type(doc).__name__[:78])
                    if not isinstance(doc, dict) else
                    ref("validate.what.json_object_type", type=repr(doc["type"])[:62])
                    if "type" in doc else ref("validate.what.json_object_untyped"))
            raise refuse(name, "validate.problem.not_geojson", "validate.fix.export_geojson_or_csv",
                         kind=kind)
        features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
        if not isinstance(features, list) or not features:
            raise refuse(name, "validate.problem.no_features", "validate.fix.add_points")
        _crs_member(doc, name)
    elif not re.search(rb'"type"\s*:\s*"Feature(Collection)?"', data[:1_000_000]):
        raise refuse(name, "validate.problem.not_feature_collection",
                     "validate.fix.export_geojson_or_csv")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(io.BytesIO(data), driver="GeoJSON",
                                max_features=limits.MAX_ROWS + 1)
    except Exception as exc:  # pyogrio/GDAL errors have many types
        raise refuse(name, "validate.problem.geojson_unreadable", "validate.fix.valid_geometry",
                     detail=str(exc)) from exc
    if len(gdf) > limits.MAX_ROWS:
        raise too_many_rows(name)
    return frame_from_geo(gdf, name, notes, "geojson")
