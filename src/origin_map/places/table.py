"""Build the places table from a raw table: one column at a time, each with its problems.

The steps of :func:`origin_map.places.datasets.read_places`, in order: :func:`usable_frame`
(canonical
column names; coordinate columns and rows present), :func:`place_columns` (every column of the
places table and the problems found making it), :func:`problems_of` and :func:`valid_rows`, then
:func:`places_frame` (WGS-84 coordinates, user columns, points) and :func:`rejected_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from origin_map.errors import DataValidationError, Problem, ref
from origin_map.io.firmlist import firm_values
from origin_map.places import vocab
from origin_map.places.checks import (
    ALL_PROBLEM_COLUMNS,
    check_ids,
    check_status_checked,
    check_tenancy,
    check_vocab,
    file_problem,
    has_cjk,
    no_problems,
    row_errors,
    text_column,
    vocab_lookup,
)
from origin_map.places.columns import (
    COLUMN_ALIASES,
    KEPT_COLUMNS,
    canonical_columns,
    recognised_columns,
)
from origin_map.places.coords import check_coordinates, far_check, parse_coordinate

if TYPE_CHECKING:
    from origin_map.geo.geometry import Centre
    from origin_map.io.rawtable import RawTable

__all__ = ["Columns", "Recognised", "flag_far", "place_columns", "places_frame", "problems_of",
           "recognise", "recognised_frame", "rejected_rows", "sorted_problems", "usable_frame",
           "valid_rows"]


@dataclass
class Columns:
    """The columns of the places table as built, and the problems found building them."""

    values: dict[str, Any]
    """Column name -> values, in the order of the table; ``lat``/``lon`` are set at the end."""
    parts: list[pd.DataFrame]
    """Problems tables, one per check."""
    lat: np.ndarray
    lon: np.ndarray
    """Coordinates as read (NaN where invalid), in the input datum."""


def usable_frame(raw: RawTable, *, rows_are: str | None = None, notes: list[Problem] | None = None
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the frame with canonical column names and each row's record number.

    Registry values are read (:func:`origin_map.io.firmlist.firm_values`); ``rows_are="firm"``
    makes every row a firm. Notes on the columns are appended to ``notes``.

    Raises
    ------
    DataValidationError
        When there is no latitude or longitude column, or no data row.
    """
    frame, notes = recognised_frame(raw.frame, rows_are=rows_are, notes=notes)
    frame = frame.reset_index(drop=True)
    missing = [c for c in ("lat", "lon") if c not in frame.columns]
    if missing:
        cols = [str(c) for c in raw.frame.columns]
        found: Any = ", ".join(cols[:20]) or ref("validate.what.no_columns")
        if len(cols) > 20:
            found = ref("validate.what.columns_and_more", cols=found, n=len(cols) - 20)
        what = ("validate.what.lat_or_lon" if len(missing) == 2 else
                "validate.what.latitude" if missing == ["lat"] else "validate.what.longitude")
        raise DataValidationError([Problem.of(
            None, "/".join(missing), "validate.problem.no_coordinate_column",
            "validate.fix.name_coordinate_columns", missing=ref(what), found=found)],
            source=raw.name)
    if frame.empty:
        raise DataValidationError([Problem.of(None, None, "validate.problem.header_only",
                                              "validate.fix.add_place")], source=raw.name)
    return frame, raw.numbers()


def recognised_frame(table: pd.DataFrame, *, rows_are: str | None = None,
                     notes: list[Problem] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Return the table with canonical column names and registry values read, and notes.

    A column named like ``sector``, ``kind`` or ``status`` of which fewer than half the values
    are in the list keeps its own name, with a warning: a file is never refused for it.
    ``rows_are="firm"``: every row is a firm (``kind``), whatever the file says.
    """
    notes = [] if notes is None else notes
    sources = dict(recognised_columns(table.columns))
    frame, _ = canonical_columns(table)
    as_read = frame.get("status")
    for col in ("kind", "sector", "status"):  # status once its registry words are read
        if col == "status":
            firms = firm_values(frame, sources)
            frame = firms.frame
            notes += firms.notes
        if col in frame.columns and sources.get(col, col).strip().lower() != col:
            frame = _keep_if_not_vocab(frame, col, sources[col], notes, as_read)
    if rows_are is not None:
        frame["kind"] = rows_are
        notes.append(Problem.of(None, "kind", "firmlist.rows_are", severity="info",
                                kind=rows_are))
    return _sectors_by_rule(frame, notes), notes


def _sectors_by_rule(frame: pd.DataFrame, notes: list[Problem]) -> pd.DataFrame:
    """Give rows without a sector one by keyword rule (name, scope, industry), said in a note.

    ``sector_rule`` says which rule on which field; a file whose every row has a sector, or
    whose rows no rule matches, is returned as it is (no ``sector_rule`` column).
    """
    from origin_map.places.sector_rules import RULE_COLUMN, assign_sectors

    if "sector" in frame.columns and not frame["sector"].astype("string").fillna("").str.strip(
            ).str.lower().isin(["", vocab.DEFAULT_SECTOR]).any():
        return frame
    assigned = assign_sectors(frame)
    n = int((assigned[RULE_COLUMN] != "").sum())
    if n == 0:
        return frame
    notes.append(Problem.of(None, None, "sector_rules.assigned_note", severity="info",
                            n=str(n), total=str(len(frame))))
    return assigned


@dataclass(frozen=True)
class Recognised:
    """What a table's header says: the recognised columns, and whether it lists firms."""

    columns: list[tuple[str, str]]
    """(canonical column, header name), e.g. ``("name", "企业名称")``."""
    registry: bool
    """A registry or company-database export: every row is a firm."""


def recognise(table: pd.DataFrame) -> Recognised:
    """Return the recognised columns of ``table`` and whether it is a registry export."""
    sources = dict(recognised_columns(table.columns))
    frame, _ = canonical_columns(table)
    return Recognised(list(sources.items()), firm_values(frame, sources).registry)


def _keep_if_not_vocab(frame: pd.DataFrame, col: str, header: str, notes: list[Problem],
                       as_read: pd.Series | None = None) -> pd.DataFrame:
    """Give column ``col`` back its own name ``header`` if under half its values are in the list.

    A column named like ``sector`` (``行业``, ``category`` …), ``kind`` (``type``) or
    ``status`` that holds other things (industries, company types) is kept as it is, with a
    warning, and the column takes its default: a file is never refused for it. ``as_read``:
    the status column before its registry words were read.
    """
    mapping, default = vocab_lookup()[col]
    values = text_column(frame, col)
    given = values[values != ""]
    if not len(given) or given.str.lower().isin(list(mapping)).sum() * 2 >= len(given):
        return frame
    notes.append(Problem.of(None, header, "firmlist.column_kept", "firmlist.column_kept_fix",
                            severity="warning", col=header, what=col, default=default,
                            example=str(given.iloc[0])[:40]))
    frame = frame.rename(columns={col: header})
    if col == "status" and as_read is not None:
        frame[header] = as_read  # as written, not as read for the status
    return frame


def place_columns(frame: pd.DataFrame, raw: RawTable, numbers: np.ndarray, *, datum: str,
                  unknown_values: str, notes: list[Problem] | None = None) -> Columns:
    """Return every column of the places table, checked, with the problems found."""
    parts = [file_problem(p) for p in [*raw.notes, *(notes or [])]]
    parts.append(row_errors(raw))
    lat, lon, coord_probs = check_coordinates(frame, numbers)
    parts += coord_probs
    consts: dict[str, Any] = {}  # buffers of columns missing from the file, one per value
    out: dict[str, Any] = {"id": _ids(frame, numbers, parts), **_names(frame, consts)}
    for col in ("kind", "sector", "status"):
        out[col], probs = check_vocab(frame, col, unknown_values, numbers, consts)
        parts.append(probs)
    out["address"] = text_column(frame, "address", memo=consts)
    out["lat"] = out["lon"] = None  # placeholders keeping the order; set once converted
    out["position_quality"], probs = check_vocab(frame, "position_quality", unknown_values,
                                                  numbers, consts)
    parts.append(probs)
    out["position_note"] = text_column(frame, "position_note", memo=consts)
    out["source"] = text_column(frame, "source", "", consts)
    sd = text_column(frame, "source_datum", datum, consts)
    out["source_datum"] = sd.where(sd != "", datum) if "source_datum" in frame.columns else sd
    out["source_lat"], out["source_lon"] = _source_coordinates(frame, raw.fmt, lat, lon)
    tenancy, probs = check_tenancy(frame, numbers, out["status"], consts)
    out.update(tenancy)
    parts.append(probs)
    out["status_source"] = text_column(frame, "status_source", memo=consts)
    out["status_checked"], probs = check_status_checked(frame, numbers, out, consts)
    parts.append(probs)
    return Columns(out, parts, lat, lon)


def _ids(frame: pd.DataFrame, numbers: np.ndarray, parts: list[pd.DataFrame]) -> pd.Series:
    """Return the ids, checked; an empty id becomes ``row-<n>`` (``-generated`` if taken)."""
    ids = text_column(frame, "id")
    parts.append(check_ids(ids, numbers))
    generated = (ids == "").to_numpy(dtype=bool)
    if generated.any():
        made = pd.Series(numbers, index=frame.index).map("row-{}".format).astype("str")
        clash = made.isin(ids[~generated]).to_numpy(dtype=bool)
        made[clash] = made[clash] + "-generated"
        ids = ids.where(~generated, made)
    return ids


def _names(frame: pd.DataFrame, consts: dict[str, Any]) -> dict[str, pd.Series]:
    """Return ``name_zh`` and ``name_en``; a single name column goes by script (Chinese: zh)."""
    out = {"name_zh": text_column(frame, "name_zh", memo=consts),
           "name_en": text_column(frame, "name_en", memo=consts)}
    if "name" in frame.columns:
        nm = text_column(frame, "name")
        cjk = has_cjk(nm).to_numpy(dtype=bool)
        for col, mask in (("name_zh", cjk), ("name_en", ~cjk)):
            if mask.any():
                fill = nm if mask.all() else nm.where(mask, "")
                out[col] = out[col].where(out[col] != "", fill) if col in frame.columns \
                    else fill
    return out


def _source_coordinates(frame: pd.DataFrame, fmt: str, lat: np.ndarray, lon: np.ndarray
                        ) -> tuple[Any, Any]:
    """Return ``source_lat``/``source_lon``: the file's own where given, else the coordinates."""
    if "source_lat" not in frame.columns or fmt == "gpkg":
        return lat, lon
    slat, _, _ = parse_coordinate(frame["source_lat"])
    slon, _, _ = parse_coordinate(frame["source_lon"]) if "source_lon" in frame.columns \
        else (lon, None, None)
    return np.where(np.isnan(slat), lat, slat), np.where(np.isnan(slon), lon, slon)


def problems_of(parts: list[pd.DataFrame], raw: RawTable) -> pd.DataFrame:
    """Return the problems as one table; a record that could not be split keeps only that."""
    problems = pd.concat([p for p in parts if len(p)] or [no_problems()], ignore_index=True)
    if raw.row_errors:  # a record that could not be split: its fields' problems are noise
        split = problems["row"].isin([r for r, *_ in raw.row_errors])
        problems = problems.loc[~(split & (problems["field"] != ""))]
    return problems


def valid_rows(problems: pd.DataFrame, numbers: np.ndarray) -> np.ndarray:
    """Return which rows have no error."""
    bad_rows = problems.loc[problems["severity"] == "error", "row"].dropna().astype("int64")
    valid = np.ones(len(numbers), dtype=bool)
    valid[np.searchsorted(numbers, bad_rows.to_numpy())] = False
    return valid


def flag_far(problems: pd.DataFrame, lat: np.ndarray, lon: np.ndarray, valid: np.ndarray,
             numbers: np.ndarray, *, centre: Centre, far_m: float) -> pd.DataFrame:
    """Return ``problems`` with a warning for each valid place farther than ``far_m``."""
    far = far_check(lat, lon, valid, centre, far_m, numbers)
    return pd.concat([problems, far], ignore_index=True) if len(far) else problems


def places_frame(cols: Columns, frame: pd.DataFrame, valid: np.ndarray, lat: np.ndarray,
                 lon: np.ndarray, *, geometry: bool, datum: str) -> pd.DataFrame:
    """Return the valid rows: WGS-84 ``lat``/``lon``, user columns after ours, points."""
    out = cols.values
    out["lat"], out["lon"] = np.round(lat, 7), np.round(lon, 7)
    for c in frame.columns:  # user columns follow the COLUMNS, as read
        if c not in COLUMN_ALIASES or c in KEPT_COLUMNS:
            key = "geometry (column)" if c == "geometry" else str(c)
            while key in out:  # a user column already called 'geometry (column)'
                key += " (column)"
            out[key] = frame[c]
    kept = pd.DataFrame(out, index=frame.index, copy=False)
    if not valid.all():
        kept = kept.loc[valid].reset_index(drop=True)
    places: pd.DataFrame = kept
    if geometry:
        import geopandas as gpd

        places = gpd.GeoDataFrame(kept, geometry=gpd.points_from_xy(kept["lon"], kept["lat"]),
                                  crs="EPSG:4326")
    places.attrs["input_datum"] = datum
    return places


def rejected_rows(raw: RawTable, valid: np.ndarray, numbers: np.ndarray) -> pd.DataFrame:
    """Return the rows left out, as read, with their record number first (column ``row``)."""
    rejected = raw.frame.iloc[:0] if valid.all() else raw.frame.loc[~valid]
    rejected = rejected.rename(columns={"row": "row (column)"})
    rejected.insert(0, "row", numbers[~valid])
    return rejected.reset_index(drop=True)


def sorted_problems(problems: pd.DataFrame) -> pd.DataFrame:
    """Return the problems by row (whole-file problems first), columns as documented.

    The public columns come first; the keys of their texts follow (``ALL_PROBLEM_COLUMNS``).
    """
    problems = problems.sort_values("row", kind="stable", na_position="first")
    return problems.reset_index(drop=True).loc[:, list(ALL_PROBLEM_COLUMNS)]
