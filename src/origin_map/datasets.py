"""Load places and centres into validated GeoDataFrames (EPSG:4326).

:func:`read_places` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; any of , ; tab |), Excel,
GeoJSON or GeoPackage, recognises common column names (``lat``/``latitude``/``纬度``,
``lon``/``lng``/``经度``, ``name``/``名称``, ``sector``/``行业`` ...), checks every row and
returns the valid rows plus a table of every problem (row, field, value, problem, fix).
:func:`load_places` does the same but raises :class:`~origin_map.errors.DataValidationError`
when any row is invalid. Only coordinates are required; every other column has a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import i18n
from ._checks import (
    PROBLEM_COLUMNS,
    check_coordinates,
    check_ids,
    check_tenancy,
    check_vocab,
    far_check,
    file_problem,
    has_cjk,
    no_problems,
    parse_coordinate,
    parse_dms,
    row_errors,
    text_column,
)
from ._readers import MAX_BYTES_DEFAULT, Source, read_raw
from .datums import convert, normalise_datum
from .errors import DataValidationError, Problem, SettingsError
from .geometry import Centre

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "COLUMNS",
    "FAR_WARNING_M",
    "LISTED_PROBLEMS",
    "LoadResult",
    "geodata_dir",
    "load_centres",
    "load_places",
    "parse_dms",
    "read_places",
    "resolve_centre",
    "shipped_places",
]

COLUMNS = (
    "id", "name_zh", "name_en", "kind", "sector", "status", "address", "lat", "lon",
    "position_quality", "position_note", "source", "source_datum", "source_lat", "source_lon",
    "building_id", "since", "until", "years_source",
)
"""Columns of a loaded places table, in order (user columns not listed here follow them)."""

LISTED_PROBLEMS = 1000
"""At most this many problems are turned into :class:`Problem` objects by :func:`load_places`
(the problems table of :func:`read_places` keeps them all)."""
FAR_WARNING_M = 100_000.0
"""Places farther than this from the centre are flagged as probably misplaced."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "uid", "code", "编号", "序号", "代码"),
    "name_zh": ("name_zh", "中文名", "中文名称", "名称（中文）", "chinese_name"),
    "name_en": ("name_en", "english_name", "英文名", "英文名称", "name (english)"),
    "name": ("name", "名称", "名字", "企业名称", "公司名称", "机构名称", "title", "place"),
    "kind": ("kind", "type", "类型", "机构类型"),
    "sector": ("sector", "行业", "所属行业", "领域", "industry", "category", "类别"),
    "status": ("status", "状态"),
    "address": ("address", "地址", "详细地址", "addr"),
    "lat": ("lat", "latitude", "纬度", "lat_wgs84", "wgs84_lat", "y"),
    "lon": ("lon", "lng", "long", "longitude", "经度", "lon_wgs84", "wgs84_lon", "x"),
    "position_quality": ("position_quality", "quality", "位置精度"),
    "position_note": ("position_note", "note", "notes", "备注"),
    "source": ("source", "来源", "数据来源"),
    "source_datum": ("source_datum", "datum", "坐标系"),
    "source_lat": ("source_lat",),
    "source_lon": ("source_lon",),
    "building_id": ("building_id", "楼宇编号"),
    "since": ("since", "since_year", "起始年份"),
    "until": ("until", "until_year", "截止年份"),
    "years_source": ("years_source", "年份来源"),
}
_LOOKUP = {alias.lower(): canon for canon, aliases in _ALIASES.items() for alias in aliases}


@dataclass
class LoadResult:
    """The outcome of reading a places file.

    Attributes
    ----------
    places
        Valid rows as a GeoDataFrame in EPSG:4326 (columns :data:`COLUMNS` + user columns), or
        a plain DataFrame of the same columns when read with ``geometry=False``.
    problems
        Every problem found, one row each: ``row`` (1-based record number, the first record
        below the header is 1; empty for whole-file problems), ``field``, ``value``, ``problem``,
        ``fix``, ``severity`` (``error`` rows were left out; ``warning``/``info`` were kept).
    rejected
        The rows left out, as read, with their record number in column ``row`` (a user column
        called ``row`` is kept as ``row (column)``); see :meth:`rejected_report`.
    name
        Display name of the input.
    datum
        The datum the input coordinates were declared in (they are WGS-84 now); also in
        ``places.attrs["input_datum"]``, while the ``source_datum`` column keeps each row's own.
    """

    places: gpd.GeoDataFrame | pd.DataFrame
    problems: pd.DataFrame
    rejected: pd.DataFrame
    name: str
    datum: str

    @property
    def n_errors(self) -> int:
        """Number of error problems (rows left out or file-level errors)."""
        return int((self.problems["severity"] == "error").sum())

    def summary(self) -> str:
        """One line: how many places were loaded, left out and flagged."""
        warnings = int((self.problems["severity"] == "warning").sum())
        return (f"{self.name}: {len(self.places)} places loaded (datum {self.datum}), "
                f"{len(self.rejected)} rows left out, {warnings} warnings")

    def rejected_report(self) -> pd.DataFrame:
        """Return the rows left out, as read, each with its row number and why it was left out.

        One row per rejected record: ``row``, ``why_left_out`` (every error of that row,
        ``field: problem`` joined by ``; ``), then the record's columns as read. Pass it to
        :func:`origin_map.export.to_csv_bytes` for a safe download.
        """
        errs = self.problems[(self.problems["severity"] == "error") & self.problems["row"].notna()]
        why = (errs["field"].fillna("").astype(str) + ": " + errs["problem"].astype(str)).groupby(
            errs["row"].astype("int64")).agg("; ".join)
        report = self.rejected.rename(columns={"why_left_out": "why_left_out (column)"})
        report.insert(1, "why_left_out", report["row"].map(why).fillna("").to_numpy())
        return report


def _coordinate_positions(header: Any) -> list[int]:
    """Return the positions of the columns that :func:`_canonical_columns` makes lat and lon."""
    taken: dict[str, int] = {}
    for i, col in enumerate(header):
        canon = _LOOKUP.get(str(col).strip().lower())
        if canon and canon not in taken:
            taken[canon] = i
    return [taken[c] for c in ("lat", "lon") if c in taken]


def _canonical_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rename recognised columns to canonical names; return the frame and the renames made.

    The first column matching a canonical name's aliases gets it; any other column keeps its
    name, made unique (``lat (column 3)``) when it would clash with a canonical one.
    """
    names: list[str] = []
    taken: set[str] = set()
    used = set(_ALIASES)
    for i, col in enumerate(frame.columns):
        canon = _LOOKUP.get(str(col).strip().lower())
        if canon and canon not in taken:
            names.append(canon)
            taken.add(canon)
        elif str(col) in used:
            names.append(f"{col} (column {i + 1})")
        else:
            names.append(str(col))
        used.add(names[-1])
    notes = [f"'{a}' → {b}" for a, b in zip(frame.columns, names, strict=True) if str(a) != b]
    out = frame.set_axis(names, axis=1)
    return out, notes


def read_places(
    source: Source,
    *,
    datum: str = "wgs84",
    fmt: str | None = None,
    name: str | None = None,
    layer: str | None = None,
    sheet: str | int | None = None,
    unknown_values: str = "error",
    centre: Centre | None = None,
    far_m: float = FAR_WARNING_M,
    max_bytes: int = MAX_BYTES_DEFAULT,
    geometry: bool = True,
) -> LoadResult:
    """Read and validate a places file, keeping the valid rows and reporting every problem.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (e.g. a Streamlit upload).
    datum
        Datum of the input coordinates: ``wgs84``, ``gcj02`` (AMap/Tencent) or ``bd09`` (Baidu).
        GCJ-02 and BD-09 are converted to WGS-84.
    fmt
        ``csv``, ``excel``, ``geojson`` or ``gpkg``; detected from content and name if omitted.
    name
        Display name for messages (defaults to the file name). Only shown, never opened: an
        upload's name such as ``../../etc/passwd`` is reduced to ``passwd``; its suffix only
        breaks ties between text formats.
    layer, sheet
        GeoPackage layer or Excel sheet to read (default: the first).
    unknown_values
        ``"error"``: a kind/sector/status/quality outside the vocabulary leaves the row out;
        ``"default"``: it is set to the default (e.g. sector ``unknown``) with a warning.
    centre
        If given, places farther than ``far_m`` metres from it are flagged.
    far_m
        Distance beyond which a place is flagged as probably misplaced.
    max_bytes
        Largest input accepted (default: the app's upload limit,
        ``origin_map.limits.MAX_UPLOAD_MB``).
    geometry
        ``True`` (default): ``places`` is a GeoDataFrame with point geometries.
        ``False``: a plain DataFrame with the same columns and values and no ``geometry``
        column, for callers that only need the table, such as ``origin-map stats``: building
        the points is most of the loading time of a large file, and geopandas is not imported.
        Validation is the same.

    Returns
    -------
    LoadResult
        Valid rows, every problem, the rows left out, and the declared datum (also in
        ``places.attrs["input_datum"]``).

    Raises
    ------
    DataValidationError
        When the file as a whole cannot be used (unreadable, empty, not a table, no coordinate
        columns); the message says what it looks like and how to fix it.
    InputLimitError
        When the file is over ``max_bytes``, or has more rows or columns than the limits.
    """
    datum = normalise_datum(datum)
    if unknown_values not in ("error", "default"):
        raise SettingsError("unknown_values must be 'error' or 'default'.")
    raw = read_raw(source, fmt=fmt, name=name, layer=layer, sheet=sheet, max_bytes=max_bytes,
                   float_columns=_coordinate_positions)
    label = raw.name
    frame, _ = _canonical_columns(raw.frame)
    frame = frame.reset_index(drop=True)
    numbers = raw.numbers()
    missing = [c for c in ("lat", "lon") if c not in frame.columns]
    if missing:
        cols = [str(c) for c in raw.frame.columns]
        found = ", ".join(cols[:20]) + (f" and {len(cols) - 20} more" if len(cols) > 20 else "")
        raise DataValidationError([Problem(
            None, "/".join(missing),
            f"No {' or '.join('latitude' if c == 'lat' else 'longitude' for c in missing)} "
            f"column found (columns present: {found or 'none'}).",
            "Name the coordinate columns lat and lon (also accepted: latitude/longitude, "
            "lng, 纬度/经度); if the header is not the first row, delete the rows above it.")],
            source=label)
    if frame.empty:
        raise DataValidationError([Problem(None, None, "The file has a header but no data rows.",
                                           "Add at least one place.")], source=label)

    parts = [file_problem(p) for p in raw.notes]
    parts.append(row_errors(raw))
    lat, lon, coord_probs = check_coordinates(frame, numbers)
    parts += coord_probs
    ids = text_column(frame, "id")
    parts.append(check_ids(ids, numbers))
    out: dict[str, Any] = {}  # the columns of the places table, built once each
    consts: dict[str, Any] = {}  # buffers of columns missing from the file, one per value
    generated = (ids == "").to_numpy(dtype=bool)
    if generated.any():
        made = pd.Series(numbers, index=frame.index).map("row-{}".format).astype("str")
        clash = made.isin(ids[~generated]).to_numpy(dtype=bool)
        made[clash] = made[clash] + "-generated"
        ids = ids.where(~generated, made)
    out["id"] = ids
    out["name_zh"] = text_column(frame, "name_zh", memo=consts)
    out["name_en"] = text_column(frame, "name_en", memo=consts)
    if "name" in frame.columns:  # a single name column: Chinese names go to name_zh
        nm = text_column(frame, "name")
        cjk = has_cjk(nm).to_numpy(dtype=bool)
        for col, mask in (("name_zh", cjk), ("name_en", ~cjk)):
            if mask.any():
                fill = nm if mask.all() else nm.where(mask, "")
                out[col] = out[col].where(out[col] != "", fill) if col in frame.columns \
                    else fill
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
    out["source_lat"], out["source_lon"] = lat, lon
    if "source_lat" in frame.columns and raw.fmt != "gpkg":
        slat, _, _ = parse_coordinate(frame["source_lat"])
        slon, _, _ = parse_coordinate(frame["source_lon"]) if "source_lon" in frame.columns \
            else (lon, None, None)
        out["source_lat"] = np.where(np.isnan(slat), lat, slat)
        out["source_lon"] = np.where(np.isnan(slon), lon, slon)
    tenancy, probs = check_tenancy(frame, numbers, out["status"], consts)
    out.update(tenancy)
    parts.append(probs)

    problems = pd.concat([p for p in parts if len(p)] or [no_problems()], ignore_index=True)
    if raw.row_errors:  # a record that could not be split: its fields' problems are noise
        split = problems["row"].isin([r for r, _, _ in raw.row_errors])
        problems = problems.loc[~(split & (problems["field"] != ""))]
    bad_rows = problems.loc[problems["severity"] == "error", "row"].dropna().astype("int64")
    valid = np.ones(len(frame), dtype=bool)
    valid[np.searchsorted(numbers, bad_rows.to_numpy())] = False
    wlat, wlon = convert(lat, lon, src=datum, dst="wgs84")
    if centre is not None:
        far = far_check(wlat, wlon, valid, centre, far_m, numbers)
        if len(far):
            problems = pd.concat([problems, far], ignore_index=True)
    out["lat"], out["lon"] = np.round(wlat, 7), np.round(wlon, 7)
    for c in frame.columns:  # user columns follow the COLUMNS, as read
        if c not in _ALIASES:
            key = "geometry (column)" if c == "geometry" else str(c)
            while key in out:  # a user column already called 'geometry (column)'
                key += " (column)"
            out[key] = frame[c]
    kept = pd.DataFrame(out, index=frame.index, copy=False)
    all_valid = bool(valid.all())
    if not all_valid:
        kept = kept.loc[valid].reset_index(drop=True)
    places: pd.DataFrame = kept
    if geometry:
        import geopandas as gpd

        places = gpd.GeoDataFrame(kept, geometry=gpd.points_from_xy(kept["lon"], kept["lat"]),
                                  crs="EPSG:4326")
    places.attrs["input_datum"] = datum
    rejected = raw.frame.iloc[:0] if all_valid else raw.frame.loc[~valid]
    rejected = rejected.rename(columns={"row": "row (column)"})
    rejected.insert(0, "row", numbers[~valid])
    problems = problems.sort_values("row", kind="stable", na_position="first")
    return LoadResult(places, problems.reset_index(drop=True).loc[:, list(PROBLEM_COLUMNS)],
                      rejected.reset_index(drop=True), label, datum)


def load_places(source: Source, **kwargs: Any) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read and validate a places file; raise if any row is invalid.

    Takes the same arguments as :func:`read_places` and returns its ``places`` (a GeoDataFrame,
    or a plain DataFrame with ``geometry=False``).

    Raises
    ------
    DataValidationError
        When any row is invalid: ``problems`` lists the first :data:`LISTED_PROBLEMS` errors
        (row, field, message, fix), ``n_errors`` counts them all, and ``table`` is the full
        problems table; the message spells out the first 20.
    """
    result = read_places(source, **kwargs)
    if result.n_errors:
        errs = result.problems[result.problems["severity"] == "error"]
        raise DataValidationError(
            [Problem(None if pd.isna(r.row) else int(r.row), r.field or None,
                     f"{r.problem} (value: {r.value!r})" if r.value else str(r.problem), r.fix)
             for r in errs.head(LISTED_PROBLEMS).itertuples()],
            source=result.name, total=len(errs), table=result.problems,
        )
    return result.places


def geodata_dir() -> Path:
    """Return the folder of the shipped data (the checkout's ``geodata/`` or the installed copy)."""
    import os

    env = os.environ.get("ORIGIN_MAP_GEODATA")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve().parent
    candidates += [here / "_geodata", here.parents[1] / "geodata"]
    for c in candidates:
        if (c / "places.csv").is_file():
            return c
    raise FileNotFoundError("The shipped geodata/ folder was not found; set ORIGIN_MAP_GEODATA.")


def shipped_places(*, geometry: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
    """Return the curated places of the AI Origin Community (validated, WGS-84).

    ``geometry=False`` gives a plain DataFrame without point geometries (see
    :func:`read_places`).
    """
    return load_places(geodata_dir() / "places.csv", datum="wgs84", geometry=geometry)


def load_centres(path: str | Path | None = None) -> list[Centre]:
    """Return the centres table (the first row is the default centre).

    Parameters
    ----------
    path
        A CSV with columns ``id, name_zh, name_en, lat, lon`` (WGS-84); the shipped table if None.
    """
    path = Path(path) if path else geodata_dir() / "centres.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    centres = []
    for i, r in enumerate(frame.itertuples(index=False), start=1):
        try:
            centres.append(Centre(r.id, r.name_zh, r.name_en, float(r.lat), float(r.lon)))
        except (ValueError, SettingsError) as exc:
            raise DataValidationError([Problem(i, "lat/lon", str(exc), "Fix the centre.")],
                                      source=path.name) from exc
    if not centres:
        raise DataValidationError([Problem(None, None, "No centres.", "Add one.")], path.name)
    return centres


def resolve_centre(spec: str | None, centres: list[Centre] | None = None) -> Centre:
    """Return the centre named by ``spec``: a centre id, or ``"LAT,LON"`` in WGS-84 degrees.

    ``None`` or ``""`` gives the default (first) centre.

    Raises
    ------
    SettingsError
        If the id is unknown or the coordinates are not valid.
    """
    centres = centres if centres is not None else load_centres()
    if spec is None or not str(spec).strip():
        return centres[0]
    text = str(spec).strip()
    for c in centres:
        if c.id == text:
            return c
    parts = [p for p in re.split(r"[,\s;]+", text) if p]
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            pass
        else:
            if abs(lat) > 90 >= abs(lon):
                raise SettingsError(f"Centre {text!r}: latitude {lat} is out of range; did you "
                                    f"mean {lon},{lat} (latitude first)?")
            return Centre("custom", i18n.text("centre.custom", "zh"),
                          i18n.text("centre.custom", "en"), lat, lon)
    known = ", ".join(c.id for c in centres)
    raise SettingsError(f"Unknown centre {text!r}. Use a centre id ({known}) or "
                        "'LAT,LON' in WGS-84 decimal degrees, e.g. 39.992446,116.327708.")
