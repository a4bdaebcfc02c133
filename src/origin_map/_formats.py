"""Readers for Excel workbooks, GeoJSON and GeoPackage: every value as text, shapes as points.

Internal helpers of :mod:`origin_map._readers` (which decides the format and reads CSV).
Excel cells are read as written (a formula is its text, never evaluated); GeoJSON and
GeoPackage features become rows with ``lat``/``lon`` in WGS-84, a non-point shape being
represented by its representative point, with a warning.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _readers
from ._readers import RawTable, column_names, drop_blank_rows, too_many_rows
from ._sniff import detect_encoding, fail
from .errors import Problem

if TYPE_CHECKING:
    import geopandas as gpd


def _cell_text(value: Any) -> str:
    """Return a cell value as text: numbers in shortest form, formulas as their text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(getattr(value, "text", value))  # ArrayFormula and friends: their formula text


def _sheet_rows(sheet: Any, name: str) -> Iterator[tuple[Any, ...]]:
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as exc:  # broken or hostile XML inside the workbook
        raise fail(name, f"Not a readable Excel workbook ({type(exc).__name__}).",
                   "Open it in Excel and save it again as .xlsx or as CSV UTF-8.") from None


def read_excel_bytes(data: bytes, name: str, sheet: str | int | None = None) -> RawTable:
    """Read the first sheet (or ``sheet``: a name, or a 0-based index) of an .xlsx workbook.

    Every cell is read as text as written: a formula such as ``=HYPERLINK(...)`` is its formula
    text (never evaluated), a number its shortest decimal form.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise fail(name, f"Not a readable Excel workbook ({type(exc).__name__}).",
                   "Open it in Excel and save it again as .xlsx or as CSV UTF-8.") from None
    sheets = list(book.sheetnames)
    if sheet is None:
        chosen = sheets[0]
    elif str(sheet) in sheets:
        chosen = str(sheet)
    elif isinstance(sheet, int) and 0 <= sheet < len(sheets):
        chosen = sheets[sheet]
    else:
        book.close()
        raise fail(name, f"Sheet {sheet!r} not found; the workbook has {sheets}.",
                   "Choose one of those sheets by name, or by number counting from 0.", "sheet")
    notes = []
    if len(sheets) > 1 and sheet is None:
        notes.append(Problem(None, "sheet", f"The workbook has {len(sheets)} sheets; the first, "
                             f"{chosen!r}, was read.", "Choose another sheet if needed.",
                             "warning"))
    header: list[str] = []
    rows: list[list[str]] = []
    try:
        for rec in _sheet_rows(book[chosen], name):
            cells = [_cell_text(v) for v in rec]
            while cells and not cells[-1]:  # sheets often claim thousands of empty columns
                cells.pop()
            if not header:  # empty rows above the header are skipped
                header = cells
            elif len(rows) >= _readers.MAX_ROWS:
                raise too_many_rows(name, f"sheet {chosen!r} has")
            else:
                rows.append(cells)
    finally:
        book.close()
    if not header:
        raise fail(name, f"Sheet {chosen!r} is empty.", "Choose the sheet with the places.",
                   "sheet")
    width = max([len(header), *map(len, rows)])
    columns = column_names(header + [""] * (width - len(header)), notes, name)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=columns, dtype=str)
    frame, numbers = drop_blank_rows(frame, notes)
    return RawTable(frame, "excel", name, notes, rows=numbers)


def _frame_from_geo(gdf: gpd.GeoDataFrame | pd.DataFrame, name: str, notes: list[Problem],
                    fmt: str) -> RawTable:
    import geopandas as gpd
    import shapely

    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.active_geometry_name is None:
        return RawTable(_as_text(pd.DataFrame(gdf)), fmt, name, notes)  # a table without shapes
    crs = gdf.crs
    if crs is not None and not crs.equals("EPSG:4326", ignore_axis_order=True):
        notes.append(Problem(None, "crs", f"Coordinates were in {crs.to_string()} and were "
                             "transformed to WGS-84 (EPSG:4326).", severity="warning"))
        gdf = gdf.to_crs("EPSG:4326")
    geom = gdf.geometry
    types = geom.geom_type.dropna()
    others = types[types != "Point"]
    if len(others):
        kinds = ", ".join(f"{n} {t}" for t, n in others.value_counts().items())
        notes.append(Problem(None, "geometry", f"Not every feature is a point ({kinds}): each "
                             "such shape is represented by a point on or inside it (its "
                             "representative point).", "Give point features to choose the "
                             "point yourself.", "warning"))
        geom = geom.representative_point()
    props = _as_text(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
    props = props.rename(columns={c: f"{c} (property)" for c in props.columns
                                  if str(c).strip().lower() in ("lat", "lon")})
    values = np.asarray(geom.array, dtype=object)
    frame = pd.concat([pd.DataFrame({"lat": shapely.get_y(values), "lon": shapely.get_x(values)}),
                       props.reset_index(drop=True)], axis=1)
    missing = np.flatnonzero(shapely.is_missing(values) | shapely.is_empty(values))
    errors = [(int(i) + 1, "", "The feature has no geometry (no coordinates).") for i in missing]
    return RawTable(frame, fmt, name, notes, from_geometry=True, row_errors=errors)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype(object)
    return out.where(out.notna(), "").astype(str)


def _crs_member(doc: dict[str, Any], name: str) -> None:
    """Refuse a GeoJSON ``crs`` member that GDAL would silently ignore (and read as WGS-84)."""
    member = doc.get("crs")
    if member is None:
        return
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    props = member.get("properties") if isinstance(member, dict) else None
    crs_name = props.get("name") if isinstance(props, dict) else None
    try:
        CRS.from_user_input(str(crs_name))
    except CRSError:
        raise fail(name, f"The GeoJSON 'crs' member {json.dumps(member)[:120]} names no "
                   "coordinate system Origin Map knows.", "Remove the crs member if the "
                   "coordinates are WGS-84 longitude/latitude, or export with EPSG:4326.",
                   "crs") from None


def read_geojson_bytes(data: bytes, name: str) -> RawTable:
    """Read a GeoJSON FeatureCollection; a ``crs`` member other than WGS-84 is honoured."""
    import geopandas as gpd

    data, encoding, notes = detect_encoding(data, name)
    if encoding not in ("utf-8", "utf-8-sig"):
        data = data.decode(encoding).encode("utf-8")
    if len(data) <= _readers.JSON_CHECK_BYTES:
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise fail(name, f"Not valid JSON: {exc.msg} at line {exc.lineno}, column "
                       f"{exc.colno}.", "Fix the JSON syntax there (a missing comma or "
                       "bracket?).") from None
        except RecursionError:
            raise fail(name, "The JSON is nested too deeply to be a GeoJSON file.",
                       "Export the layer as GeoJSON.") from None
        if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
            kind = (f"a {type(doc).__name__}" if not isinstance(doc, dict) else
                    f"an object of type {doc['type']!r}" if "type" in doc else
                    "an object without a 'type' member")
            raise fail(name, f"The JSON is not a GeoJSON Feature or FeatureCollection (it is "
                       f"{kind[:80]}).", "Export the layer as GeoJSON, or the table as CSV.")
        features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
        if not isinstance(features, list) or not features:
            raise fail(name, "The GeoJSON has no features.", "Add point features.")
        _crs_member(doc, name)
    elif not re.search(rb'"type"\s*:\s*"Feature(Collection)?"', data[:1_000_000]):
        raise fail(name, "The JSON is not a GeoJSON FeatureCollection.",
                   "Export the layer as GeoJSON, or the table as CSV.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(io.BytesIO(data), driver="GeoJSON",
                                max_features=_readers.MAX_ROWS + 1)
    except Exception as exc:  # pyogrio/GDAL errors have many types
        raise fail(name, f"The GeoJSON could not be read: {exc}",
                   "Check that every feature has a valid geometry.") from None
    if len(gdf) > _readers.MAX_ROWS:
        raise too_many_rows(name)
    return _frame_from_geo(gdf, name, notes, "geojson")


def read_gpkg_bytes(data: bytes, name: str, layer: str | None = None) -> RawTable:
    """Read one layer of a GeoPackage (the first, or ``layer``)."""
    import geopandas as gpd
    import pyogrio

    try:
        with warnings.catch_warnings():  # GDAL warns that in-memory bytes have no .gpkg suffix
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = [str(row[0]) for row in pyogrio.list_layers(io.BytesIO(data))]
    except Exception as exc:
        raise fail(name, f"Not a readable GeoPackage ({exc}).",
                   "Export the layer again as GeoPackage or GeoJSON.") from None
    if not layers:
        raise fail(name, "The GeoPackage has no layers.", "Export a point layer.")
    notes = []
    chosen = layer or layers[0]
    if chosen not in layers:
        raise fail(name, f"Layer {chosen!r} not found; the GeoPackage has {layers}.",
                   "Choose one of those layers.", "layer")
    if layer is None and len(layers) > 1:
        notes.append(Problem(None, "layer", f"The GeoPackage has {len(layers)} layers "
                             f"({', '.join(layers)}); the first, {chosen!r}, was read.",
                             "Choose another layer if needed.", "warning"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(io.BytesIO(data), layer=chosen, driver="GPKG",
                                max_features=_readers.MAX_ROWS + 1)
    except Exception as exc:
        raise fail(name, f"Layer {chosen!r} could not be read ({exc}).",
                   "Export the layer again as GeoPackage or GeoJSON.", "layer") from None
    if len(gdf) > _readers.MAX_ROWS:
        raise too_many_rows(name, f"layer {chosen!r} has")
    return _frame_from_geo(gdf, name, notes, "gpkg")
