"""The table every reader returns, and the helpers the format readers share.

Bottom of the readers: imported by :mod:`origin_map.io.delimited`, :mod:`origin_map.io.excel`,
:mod:`origin_map.io.geojson`, :mod:`origin_map.io.gpkg` and :mod:`origin_map.io.readers`; it imports
none of them. Limits are looked up in :mod:`origin_map.limits` when used (a test may lower them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from origin_map import limits
from origin_map.errors import InputLimitError, Problem, ref

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["FloatColumns", "RawTable", "Source", "as_text", "column_names", "drop_blank_rows",
           "frame_from_geo", "too_many_rows"]

Source = str | Path | bytes | IO[bytes]
"""A path, the file's bytes, or a binary file object (e.g. a Streamlit upload)."""
FloatColumns = Callable[[Sequence[str]], Sequence[int]]
"""Given a header, the positions of the columns to parse as numbers (the coordinates)."""


@dataclass
class RawTable:
    """A table as read, before validation.

    ``frame`` has one row per record; coordinates from geometries are in columns ``lon``/``lat``
    (EPSG:4326 after any CRS transformation) when the format carries geometry. ``rows`` gives
    each frame row's record number (1 = the first record below the header; empty rows that were
    skipped keep their numbers); ``row_errors`` lists (row number, value, text key, fields) of
    records that could not be split into the header's columns (see :class:`~origin_map.errors.
    Problem` for keys and fields).
    """

    frame: pd.DataFrame
    fmt: str
    name: str
    notes: list[Problem] = field(default_factory=list)
    from_geometry: bool = False
    rows: np.ndarray | None = None
    row_errors: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)

    def numbers(self) -> np.ndarray:
        """Return the record number of each row of :attr:`frame`."""
        if self.rows is None:
            return np.arange(1, len(self.frame) + 1)
        return self.rows


def too_many_rows(label: str, *, sheet: str | None = None, layer: str | None = None
                  ) -> InputLimitError:
    """Return the error for input with more than :data:`origin_map.limits.MAX_ROWS` rows.

    ``sheet`` or ``layer`` names the part of the file that was read.
    """
    what = (ref("validate.what.sheet_has", sheet=repr(sheet)) if sheet is not None else
            ref("validate.what.layer_has", layer=repr(layer)) if layer is not None else
            ref("validate.what.file_has"))
    return InputLimitError.of("validate.limit.too_many_rows", name=label, what=what,
                              max_rows=limits.MAX_ROWS)


def column_names(header: Sequence[str], notes: list[Problem], label: str) -> list[str]:
    """Strip header names, name empty ones and keep duplicates under a new name (nothing lost)."""
    if len(header) > limits.MAX_COLUMNS:
        raise InputLimitError.of("validate.limit.too_many_columns", name=label, n=len(header),
                                 limit=limits.MAX_COLUMNS)
    names: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(header):
        col = str(raw).strip() or f"column {i + 1}"
        if col.lower() in seen:
            new = f"{col} (column {i + 1})"
            notes.append(Problem.of(None, col, "validate.problem.duplicate_column",
                                    "validate.fix.duplicate_column", severity="warning",
                                    col=col, new=new))
            col = new
        seen.add(col.lower())
        names.append(col)
    return names



def drop_blank_rows(frame: pd.DataFrame, notes: list[Problem]) -> tuple[pd.DataFrame,
                                                                          np.ndarray]:
    """Drop rows with no value at all, keeping every other row's record number."""
    blank = np.ones(len(frame), dtype=bool)
    floats_first = sorted(frame.columns, key=lambda c: not pd.api.types.is_float_dtype(
        frame[c].dtype))
    for col in floats_first:
        if not blank.any():
            break
        s = frame[col]
        empty = s.isna() if pd.api.types.is_float_dtype(s.dtype) else s.astype(str).str.strip(
            ) == ""
        blank &= np.asarray(empty, dtype=bool)
    numbers = np.arange(1, len(frame) + 1)
    if not blank.any():
        return frame, numbers
    last = np.flatnonzero(~blank).max(initial=-1)
    inner = np.flatnonzero(blank[: last + 1]) + 1
    if len(inner):
        shown = ", ".join(map(str, inner[:10])) + (" ..." if len(inner) > 10 else "")
        notes.append(Problem.of(None, None, "validate.problem.empty_rows", severity="info",
                                n=len(inner), rows=shown))
    return frame.loc[~blank].reset_index(drop=True), numbers[~blank]


def frame_from_geo(gdf: gpd.GeoDataFrame | pd.DataFrame, name: str, notes: list[Problem],
                    fmt: str) -> RawTable:
    """Return features as rows: a point's ``lat``/``lon`` (WGS-84), then properties as text.

    A feature without a geometry is a row error; a non-point shape gives its representative
    point, with a warning.
    """
    import geopandas as gpd
    import shapely

    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.active_geometry_name is None:
        return RawTable(as_text(pd.DataFrame(gdf)), fmt, name, notes)  # a table without shapes
    crs = gdf.crs
    if crs is not None and not crs.equals("EPSG:4326", ignore_axis_order=True):
        notes.append(Problem.of(None, "crs", "validate.problem.crs_transformed",
                                severity="warning", crs=crs.to_string()))
        gdf = gdf.to_crs("EPSG:4326")
    geom = gdf.geometry
    types = geom.geom_type.dropna()
    others = types[types != "Point"]
    if len(others):
        kinds = ", ".join(f"{n} {t}" for t, n in others.value_counts().items())
        notes.append(Problem.of(None, "geometry", "validate.problem.not_points",
                                "validate.fix.point_features", severity="warning", kinds=kinds))
        geom = geom.representative_point()
    props = as_text(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
    props = props.rename(columns={c: f"{c} (property)" for c in props.columns
                                  if str(c).strip().lower() in ("lat", "lon")})
    values = np.asarray(geom.array, dtype=object)
    frame = pd.concat([pd.DataFrame({"lat": shapely.get_y(values), "lon": shapely.get_x(values)}),
                       props.reset_index(drop=True)], axis=1)
    missing = np.flatnonzero(shapely.is_missing(values) | shapely.is_empty(values))
    errors: list[tuple[int, str, str, dict[str, Any]]] = [
        (int(i) + 1, "", "validate.problem.no_geometry", {}) for i in missing]
    return RawTable(frame, fmt, name, notes, from_geometry=True, row_errors=errors)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every value as text (missing values as ``""``)."""
    out = frame.astype(object)
    return out.where(out.notna(), "").astype(str)
