"""Read raw tables from CSV, Excel, GeoJSON and GeoPackage into pandas, with clear errors.

Internal: :mod:`origin_map.datasets` validates what these functions return.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pandas as pd

from .errors import DataValidationError, InputLimitError, Problem

if TYPE_CHECKING:
    import geopandas as gpd

MAX_BYTES_DEFAULT = 200 * 1024 * 1024
"""Largest input accepted by default (200 MiB); the app's upload limit is the same."""

FORMATS = ("csv", "excel", "geojson", "gpkg")
_SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xlsm": "excel",
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
}

Source = str | Path | bytes | IO[bytes]


@dataclass
class RawTable:
    """A table as read, before validation.

    ``frame`` has one row per record; coordinates from geometries are in columns ``lon``/``lat``
    (EPSG:4326 after any CRS transformation) when the format carries geometry.
    """

    frame: pd.DataFrame
    fmt: str
    name: str
    notes: list[Problem] = field(default_factory=list)
    from_geometry: bool = False


def _fail(name: str, message: str, fix: str = "", fld: str | None = None) -> DataValidationError:
    return DataValidationError([Problem(None, fld, message, fix)], source=name)


def read_bytes(source: Source, *, max_bytes: int = MAX_BYTES_DEFAULT) -> tuple[bytes, str]:
    """Return the content and a display name of ``source`` (a path, bytes or a binary file)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise _fail(path.name, f"File not found: {path}", "Check the path.")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputLimitError(
                f"{path.name}: {size / 1e6:,.1f} MB is over the limit of "
                f"{max_bytes / 1e6:,.0f} MB. Split the file or filter it to the area of interest "
                "first."
            )
        return path.read_bytes(), path.name
    if isinstance(source, bytes):
        data, name = source, "upload"
    else:
        data = source.read(max_bytes + 1)
        name = Path(getattr(source, "name", "upload") or "upload").name
    if len(data) > max_bytes:
        raise InputLimitError(
            f"{name}: the input is over the limit of {max_bytes / 1e6:,.0f} MB. "
            "Split the file or filter it to the area of interest first."
        )
    return data, name


def sniff_format(data: bytes, name: str) -> str:
    """Return the format of ``data`` from its content, falling back to the file name's suffix."""
    head = data[:64]
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"PK\x03\x04"):
        return "excel"
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    suffix = _SUFFIXES.get(Path(name).suffix.lower())
    if stripped in (b"{", b"[") and suffix in (None, "geojson"):
        return "geojson"
    return suffix or "csv"


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM) or GB18030 (a superset of GBK/GB2312).

    Strict decoding decides: a GBK file is almost never valid UTF-8, so trying UTF-8 first and
    GB18030 second identifies the encoding rather than guessing it.
    """
    if b"\x00" in data[:8192]:
        raise _fail(
            name,
            "This is a binary file (it contains NUL bytes), not a text CSV.",
            "Export the table as CSV (UTF-8) or upload the .xlsx/.gpkg itself.",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _fail(
        name,
        "The file is neither UTF-8 nor GBK/GB18030 text.",
        "Save it again as 'CSV UTF-8' (Excel: Save As > CSV UTF-8).",
    )


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_csv_text(text: str, name: str) -> RawTable:
    """Parse CSV text (any of , ; tab | as separator) into a raw table; text stays text."""
    if not text.strip():
        raise _fail(name, "The file is empty.", "Upload a table with a header row and data rows.")
    sep = _sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text), delimiter=sep), [])
    notes: list[Problem] = []
    seen: set[str] = set()
    for col in header:
        key = col.strip().lower()
        if key in seen:
            notes.append(Problem(None, col, f"Column '{col}' appears more than once; the first "
                                 "one is used.", "Remove or rename the duplicate column.",
                                 "warning"))
        seen.add(key)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            skipinitialspace=True, na_filter=False)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise _fail(name, f"The CSV could not be parsed: {exc}",
                    "Check that every row has the same number of separators.") from None
    if len(frame.columns) == len(header):  # pandas renames duplicates 'a.1': keep the first
        frame.columns = pd.Index([h.strip() for h in header])
        frame = frame.loc[:, ~pd.Index([h.strip().lower() for h in header]).duplicated()]
    if sep != ",":
        notes.append(Problem(None, None, f"Separator detected: {sep!r}.", severity="info"))
    return RawTable(frame, "csv", name, notes)


def read_excel_bytes(data: bytes, name: str, sheet: str | int | None = None) -> RawTable:
    """Read the first sheet (or ``sheet``) of an .xlsx workbook as text."""
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise _fail(name, f"Not a readable Excel workbook ({type(exc).__name__}).",
                    "Open it in Excel and save it again as .xlsx or as CSV UTF-8.") from None
    sheets = list(book.sheet_names)
    chosen = sheets[0] if sheet is None else sheet
    if chosen not in sheets and not (isinstance(chosen, int) and 0 <= chosen < len(sheets)):
        raise _fail(name, f"Sheet {chosen!r} not found; the workbook has {sheets}.",
                    "Choose one of those sheets.")
    frame = pd.read_excel(book, sheet_name=chosen, dtype=str, keep_default_na=False,
                          na_filter=False)
    notes = []
    if len(sheets) > 1 and sheet is None:
        notes.append(Problem(None, None, f"The workbook has {len(sheets)} sheets; the first, "
                             f"{sheets[0]!r}, was read.", "Choose another sheet if needed.",
                             "warning"))
    return RawTable(frame, "excel", name, notes)


def _frame_from_geo(gdf: gpd.GeoDataFrame, name: str, notes: list[Problem], fmt: str) -> RawTable:
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        notes.append(Problem(None, "crs", f"Coordinates were in {gdf.crs.to_string()} and were "
                             "transformed to WGS-84 (EPSG:4326).", severity="warning"))
        gdf = gdf.to_crs("EPSG:4326")
    geom = gdf.geometry
    kinds = set(geom.geom_type.dropna().unique())
    if kinds - {"Point"}:
        notes.append(Problem(None, "geometry", f"Geometries of type {sorted(kinds - {'Point'})} "
                             "are represented by a point inside each shape.", severity="warning"))
        geom = geom.representative_point()
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    empty = geom.is_empty | geom.isna()
    frame["lon"] = [None if e else g.x for g, e in zip(geom, empty, strict=True)]
    frame["lat"] = [None if e else g.y for g, e in zip(geom, empty, strict=True)]
    return RawTable(frame.reset_index(drop=True), fmt, name, notes, from_geometry=True)


def read_geojson_bytes(data: bytes, name: str) -> RawTable:
    """Read a GeoJSON FeatureCollection; a ``crs`` member other than WGS-84 is honoured."""
    import geopandas as gpd

    text, _ = decode_text(data, name)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(name, f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                    "Fix the JSON syntax there (a missing comma or bracket?).") from None
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise _fail(name, "The JSON is not a GeoJSON Feature or FeatureCollection.",
                    "Export the layer as GeoJSON.")
    features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
    if not features:
        raise _fail(name, "The GeoJSON has no features.", "Add point features.")
    try:
        gdf = gpd.read_file(io.BytesIO(text.encode("utf-8")))
    except Exception as exc:  # pyogrio/GDAL errors have many types
        raise _fail(name, f"The GeoJSON could not be read: {exc}",
                    "Check that every feature has a valid geometry.") from None
    return _frame_from_geo(gdf, name, [], "geojson")


def read_gpkg_bytes(data: bytes, name: str, layer: str | None = None) -> RawTable:
    """Read one layer of a GeoPackage (the first, or ``layer``)."""
    import geopandas as gpd
    import pyogrio

    buf = io.BytesIO(data)
    try:
        with warnings.catch_warnings():  # GDAL warns that in-memory bytes have no .gpkg suffix
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = [str(row[0]) for row in pyogrio.list_layers(buf)]
    except Exception as exc:
        raise _fail(name, f"Not a readable GeoPackage ({exc}).",
                    "Export the layer again as GeoPackage or GeoJSON.") from None
    if not layers:
        raise _fail(name, "The GeoPackage has no layers.", "Export a point layer.")
    notes = []
    chosen = layer or layers[0]
    if chosen not in layers:
        raise _fail(name, f"Layer {chosen!r} not found; the GeoPackage has {layers}.",
                    "Choose one of those layers.", "layer")
    if layer is None and len(layers) > 1:
        notes.append(Problem(None, "layer", f"The GeoPackage has {len(layers)} layers "
                             f"({', '.join(layers)}); the first, {chosen!r}, was read.",
                             "Choose another layer if needed.", "warning"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gdf = gpd.read_file(io.BytesIO(data), layer=chosen)
    return _frame_from_geo(gdf, name, notes, "gpkg")


def read_raw(
    source: Source,
    *,
    fmt: str | None = None,
    name: str | None = None,
    layer: str | None = None,
    sheet: str | int | None = None,
    max_bytes: int = MAX_BYTES_DEFAULT,
) -> RawTable:
    """Read any supported input into a :class:`RawTable` (no validation yet)."""
    data, default_name = read_bytes(source, max_bytes=max_bytes)
    name = name or default_name
    if not data.strip():
        raise _fail(name, "The file is empty.", "Upload a table with a header row and data rows.")
    kind = fmt or sniff_format(data, name)
    if kind not in FORMATS:
        raise _fail(name, f"Unknown format {kind!r}.", f"Use one of {', '.join(FORMATS)}.")
    if kind == "csv":
        text, encoding = decode_text(data, name)
        raw = read_csv_text(text, name)
        if encoding != "utf-8-sig":
            raw.notes.append(Problem(None, None, f"Text encoding detected: {encoding.upper()}.",
                                     severity="info"))
        return raw
    if kind == "excel":
        return read_excel_bytes(data, name, sheet)
    if kind == "geojson":
        return read_geojson_bytes(data, name)
    return read_gpkg_bytes(data, name, layer)
