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

from . import vocab
from ._readers import MAX_BYTES_DEFAULT, Source, read_raw
from .datums import convert, normalise_datum
from .errors import DataValidationError, Problem, SettingsError
from .geometry import Centre, distances_m

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "COLUMNS",
    "FAR_WARNING_M",
    "LoadResult",
    "geodata_dir",
    "load_centres",
    "load_places",
    "read_places",
    "resolve_centre",
    "shipped_places",
]

COLUMNS = (
    "id", "name_zh", "name_en", "kind", "sector", "status", "address", "lat", "lon",
    "position_quality", "position_note", "source", "source_datum", "source_lat", "source_lon",
)
"""Columns of a loaded places table, in order (user columns not listed here follow them)."""

PROBLEM_COLUMNS = ("row", "field", "value", "problem", "fix", "severity")
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
}
_VOCABS: dict[str, tuple[dict[str, str], str]] = {}


def _vocab_lookup() -> dict[str, tuple[dict[str, str], str]]:
    """Map each controlled column to {accepted spelling: id} and its default."""
    if not _VOCABS:
        sectors = {s.id: s.id for s in vocab.SECTORS}
        sectors |= {s.en.lower(): s.id for s in vocab.SECTORS}
        sectors |= {s.zh: s.id for s in vocab.SECTORS}
        kinds = {k: k for k in vocab.KINDS} | {en.lower(): k for k, (en, _) in vocab.KINDS.items()}
        kinds |= {zh: k for k, (_, zh) in vocab.KINDS.items()}
        _VOCABS.update(
            sector=(sectors, vocab.DEFAULT_SECTOR),
            kind=(kinds, vocab.DEFAULT_KIND),
            status=({s: s for s in vocab.STATUSES}, vocab.DEFAULT_STATUS),
            position_quality=({q: q for q in vocab.POSITION_QUALITIES},
                              vocab.DEFAULT_POSITION_QUALITY),
        )
    return _VOCABS


@dataclass
class LoadResult:
    """The outcome of reading a places file.

    Attributes
    ----------
    places
        Valid rows as a GeoDataFrame in EPSG:4326 (columns :data:`COLUMNS` + user columns).
    problems
        Every problem found, one row each: ``row`` (1-based record number, the first record
        below the header is 1; empty for whole-file problems), ``field``, ``value``, ``problem``,
        ``fix``, ``severity`` (``error`` rows were left out; ``warning``/``info`` were kept).
    rejected
        The rows left out, as read, with their record number in column ``row``.
    name
        Display name of the input.
    datum
        The datum the input coordinates were declared in (they are WGS-84 now).
    """

    places: gpd.GeoDataFrame
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


def _problems(rows: np.ndarray, fld: str, values: Any, message: Any, fix: str,
              severity: str = "error") -> pd.DataFrame:
    n = len(rows)
    return pd.DataFrame({
        "row": np.asarray(rows, dtype="int64") + 1,
        "field": [fld] * n,
        "value": pd.Series(values, dtype=object).astype(str).str.slice(0, 80).to_numpy()
        if n else [],
        "problem": pd.Series(message, index=range(n), dtype=object).to_numpy() if n else [],
        "fix": [fix] * n,
        "severity": [severity] * n,
    })


def _file_problem(p: Problem) -> pd.DataFrame:
    return pd.DataFrame([{"row": pd.NA, "field": p.field, "value": "", "problem": p.message,
                          "fix": p.fix, "severity": p.severity}])


def _canonical_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rename recognised columns to canonical names; return the frame and the renames made."""
    lookup = {alias.lower(): canon for canon, aliases in _ALIASES.items() for alias in aliases}
    renames: dict[str, str] = {}
    taken: set[str] = set()
    for col in frame.columns:
        canon = lookup.get(str(col).strip().lower())
        if canon and canon not in taken:
            renames[col] = canon
            taken.add(canon)
    notes = [f"'{a}' → {b}" for a, b in renames.items() if str(a) != b]
    out = frame.rename(columns=renames)
    extra = [c for c in out.columns if c in taken or c not in lookup.values()]
    return out.loc[:, extra], notes


_DMS = re.compile(
    r"^\s*([NSEW北南东西])?\s*([+-]?\d+(?:\.\d+)?)\s*(?:°|度|d|:|\s)\s*"
    r"(?:(\d+(?:\.\d+)?)\s*(?:'|′|分|m|:|\s)\s*)?"
    r"(?:(\d+(?:\.\d+)?)\s*(?:\"|″|''|秒|s)?\s*)?([NSEW北南东西])?\s*$",
    re.IGNORECASE,
)


def parse_dms(text: str) -> float | None:
    """Parse a degrees-minutes-seconds coordinate such as ``39°59'32.8"N``; ``None`` if not DMS."""
    m = _DMS.match(text)
    if not m or not (m.group(3) or m.group(1) or m.group(5) or "°" in text or "度" in text):
        return None
    hemi = (m.group(1) or m.group(5) or "").upper()
    deg, minutes, seconds = float(m.group(2)), float(m.group(3) or 0), float(m.group(4) or 0)
    if minutes >= 60 or seconds >= 60:
        return None
    value = abs(deg) + minutes / 60 + seconds / 3600
    negative = deg < 0 or hemi in ("S", "W", "南", "西")
    return -value if negative else value


def _parse_coordinate(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (values, blank mask, unparseable mask) for a column of coordinate text."""
    if pd.api.types.is_numeric_dtype(text.dtype):
        values = text.to_numpy(dtype=np.float64, na_value=np.nan)
        blank = np.isnan(values)
        return values, blank, np.zeros(len(values), dtype=bool)
    s = text.astype(str).str.strip()
    values = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan).copy()
    blank = (s == "").to_numpy() | s.str.lower().isin(["nan", "null", "none", "na"]).to_numpy()
    todo = np.flatnonzero(np.isnan(values) & ~blank)
    bad = np.zeros(len(values), dtype=bool)
    for i in todo:
        raw = s.iat[i]
        if re.fullmatch(r"[+-]?\d+,\d+", raw):  # decimal comma
            values[i] = float(raw.replace(",", "."))
            continue
        parsed = parse_dms(raw)
        if parsed is None:
            bad[i] = True
        else:
            values[i] = parsed
    return values, blank, bad


def _text(frame: pd.DataFrame, col: str, default: str = "") -> pd.Series:
    if col not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=object)
    return frame[col].astype(str).str.strip().replace({"nan": "", "None": ""}).astype(object)


def _has_cjk(s: pd.Series) -> pd.Series:
    return s.str.contains(r"[\u3400-\u9fff]", regex=True, na=False)


def _check_coordinates(frame: pd.DataFrame, centre: Centre | None) -> tuple[
        np.ndarray, np.ndarray, list[pd.DataFrame]]:
    lat, lat_blank, lat_bad = _parse_coordinate(frame["lat"])
    lon, lon_blank, lon_bad = _parse_coordinate(frame["lon"])
    out = []
    fix_num = "Write decimal degrees (e.g. 39.992446) or degrees-minutes-seconds (39°59'32.8\"N)."
    for name, blank, bad, raw in (("lat", lat_blank, lat_bad, frame["lat"]),
                                  ("lon", lon_blank, lon_bad, frame["lon"])):
        rows = np.flatnonzero(blank)
        label = "latitude" if name == "lat" else "longitude"
        out.append(_problems(rows, name, raw.to_numpy()[rows], f"The {label} is empty.",
                             "Fill in the coordinate or remove the row."))
        rows = np.flatnonzero(bad)
        out.append(_problems(rows, name, raw.to_numpy()[rows],
                             f"The {label} is not a number.", fix_num))
    known = ~(lat_blank | lat_bad | lon_blank | lon_bad)
    lat_ok = (lat >= -90) & (lat <= 90)
    lon_ok = (lon >= -180) & (lon <= 180)
    swapped = known & ~(lat_ok & lon_ok) & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    rows = np.flatnonzero(swapped)
    out.append(_problems(rows, "lat", [f"{a}, {b}" for a, b in zip(lat[rows], lon[rows],
                                                                    strict=True)],
                         "Latitude and longitude look swapped (latitude must be within ±90°).",
                         "Swap the lat and lon values (or the column headers)."))
    for name, ok, limit in (("lat", lat_ok, 90), ("lon", lon_ok, 180)):
        rows = np.flatnonzero(known & ~ok & ~swapped)
        vals = (lat if name == "lat" else lon)[rows]
        out.append(_problems(rows, name, vals, f"Out of range: must be between -{limit} and "
                             f"{limit} degrees.", "Check the value; it may be in another unit "
                             "or projection (e.g. metres)."))
    return lat, lon, out


def _far_check(lat: np.ndarray, lon: np.ndarray, valid: np.ndarray, centre: Centre,
               far_m: float) -> pd.DataFrame:
    d = np.full(len(lat), np.nan)
    d[valid] = distances_m(lat[valid], lon[valid], centre.lat, centre.lon)
    far = valid & (d > far_m)
    rows = np.flatnonzero(far)
    if not len(rows):
        return _problems(rows, "lat", [], "", "")
    dswap = distances_m(lon[rows], lat[rows], centre.lat, centre.lon)
    msgs = [
        f"{km:,.0f} km from the centre"
        + ("; swapped, it would be near it: latitude and longitude look swapped." if ds < far_m
           else ": probably misplaced; it is outside every ring and not counted in them.")
        for km, ds in zip(d[rows] / 1000, dswap, strict=True)
    ]
    vals = [f"{a:.6f}, {b:.6f}" for a, b in zip(lat[rows], lon[rows], strict=True)]
    return _problems(rows, "lat", vals, msgs, "Check the coordinates and the datum.", "warning")


def _check_ids(ids: pd.Series) -> pd.DataFrame:
    dup = ids.duplicated(keep="first") & (ids != "")
    rows = np.flatnonzero(dup.to_numpy())
    if not len(rows):
        return _problems(rows, "id", [], "", "")
    first = ids[~ids.duplicated(keep="first")]
    first_row = pd.Series(np.arange(len(ids))[first.index] + 1, index=first.to_numpy())
    msgs = [f"Duplicate id: already used by row {first_row[v]}." for v in ids.iloc[rows]]
    return _problems(rows, "id", ids.iloc[rows].to_numpy(), msgs,
                     "Make ids unique, or drop the id column to have ids generated.")


def _check_vocab(frame: pd.DataFrame, col: str, unknown_values: str) -> tuple[pd.Series,
                                                                               pd.DataFrame]:
    mapping, default = _vocab_lookup()[col]
    raw = _text(frame, col)
    key = raw.where(raw.map(lambda v: v in mapping), raw.str.lower())
    mapped = key.map(mapping)
    blank = raw == ""
    unknown = mapped.isna() & ~blank
    rows = np.flatnonzero(unknown.to_numpy())
    allowed = ", ".join(dict.fromkeys(mapping.values()))
    if unknown_values == "default":
        probs = _problems(rows, col, raw.iloc[rows].to_numpy(),
                          f"Unknown {col}; set to '{default}'.", f"Allowed: {allowed}.", "warning")
    else:
        probs = _problems(rows, col, raw.iloc[rows].to_numpy(), f"Unknown {col}.",
                          f"Use one of: {allowed}; or load with unknown values set to "
                          f"'{default}'.")
    return mapped.fillna(default).astype(object), probs


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
        Display name for messages (defaults to the file name).
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
        Largest input accepted.

    Returns
    -------
    LoadResult

    Raises
    ------
    DataValidationError
        When the file as a whole cannot be used (unreadable, empty, no coordinate columns).
    """
    import geopandas as gpd

    datum = normalise_datum(datum)
    if unknown_values not in ("error", "default"):
        raise SettingsError("unknown_values must be 'error' or 'default'.")
    raw = read_raw(source, fmt=fmt, name=name, layer=layer, sheet=sheet, max_bytes=max_bytes)
    label = raw.name
    frame, _ = _canonical_columns(raw.frame)
    frame = frame.reset_index(drop=True)
    missing = [c for c in ("lat", "lon") if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, raw.frame.columns)) or "none"
        raise DataValidationError([Problem(
            None, "/".join(missing),
            f"No {' or '.join('latitude' if c == 'lat' else 'longitude' for c in missing)} "
            f"column found (columns present: {found}).",
            "Name the coordinate columns lat and lon (also accepted: latitude/longitude, "
            "lng, 纬度/经度).")], source=label)
    if frame.empty:
        raise DataValidationError([Problem(None, None, "The file has a header but no data rows.",
                                           "Add at least one place.")], source=label)

    parts = [_file_problem(p) for p in raw.notes]
    lat, lon, coord_probs = _check_coordinates(frame, centre)
    parts += coord_probs
    ids = _text(frame, "id")
    parts.append(_check_ids(ids))
    out = pd.DataFrame(index=frame.index)
    generated = ids == ""
    out["id"] = ids.where(~generated, "row-" + (frame.index + 1).astype(str))
    if "name" in frame.columns:
        nm = _text(frame, "name")
        cjk = _has_cjk(nm)
        zh, en = _text(frame, "name_zh"), _text(frame, "name_en")
        out["name_zh"] = zh.where(zh != "", nm.where(cjk, ""))
        out["name_en"] = en.where(en != "", nm.where(~cjk, ""))
    else:
        out["name_zh"], out["name_en"] = _text(frame, "name_zh"), _text(frame, "name_en")
    for col in ("kind", "sector", "status"):
        out[col], probs = _check_vocab(frame, col, unknown_values)
        parts.append(probs)
    out["address"] = _text(frame, "address")
    out["position_quality"], probs = _check_vocab(frame, "position_quality", unknown_values)
    parts.append(probs)
    out["position_note"] = _text(frame, "position_note")
    out["source"] = _text(frame, "source", "")
    sd = _text(frame, "source_datum")
    out["source_datum"] = sd.where(sd != "", datum)
    out["source_lat"], out["source_lon"] = lat, lon
    if "source_lat" in frame.columns and raw.fmt != "gpkg":
        slat, _, _ = _parse_coordinate(frame["source_lat"])
        slon, _, _ = _parse_coordinate(frame["source_lon"]) if "source_lon" in frame.columns \
            else (lon, None, None)
        out["source_lat"] = np.where(np.isnan(slat), lat, slat)
        out["source_lon"] = np.where(np.isnan(slon), lon, slon)

    problems = pd.concat([p for p in parts if len(p)] or [_problems(np.array([]), "", [], "",
                                                                      "")], ignore_index=True)
    bad_rows = problems.loc[problems["severity"] == "error", "row"].dropna().astype(int) - 1
    valid = np.ones(len(frame), dtype=bool)
    valid[bad_rows.to_numpy()] = False
    wlat, wlon = convert(lat, lon, src=datum, dst="wgs84")
    if centre is not None:
        far = _far_check(wlat, wlon, valid, centre, far_m)
        if len(far):
            problems = pd.concat([problems, far], ignore_index=True)
    out["lat"], out["lon"] = np.round(wlat, 7), np.round(wlon, 7)
    extras = [c for c in frame.columns if c not in _ALIASES]
    for c in extras:
        out[str(c)] = frame[c]
    ordered = [*COLUMNS, *[str(c) for c in extras if str(c) not in COLUMNS]]
    kept = out.loc[valid, ordered].reset_index(drop=True)
    places = gpd.GeoDataFrame(kept, geometry=gpd.points_from_xy(kept["lon"], kept["lat"]),
                              crs="EPSG:4326")
    rejected = raw.frame.loc[~valid].copy()
    rejected.insert(0, "row", np.flatnonzero(~valid) + 1)
    problems = problems.sort_values("row", kind="stable", na_position="first")
    return LoadResult(places, problems.reset_index(drop=True).loc[:, list(PROBLEM_COLUMNS)],
                      rejected.reset_index(drop=True), label, datum)


def load_places(source: Source, **kwargs: Any) -> gpd.GeoDataFrame:
    """Read and validate a places file; raise if any row is invalid.

    Takes the same arguments as :func:`read_places`.

    Raises
    ------
    DataValidationError
        Listing every problem (row, field, message, fix) when any row is invalid.
    """
    result = read_places(source, **kwargs)
    if result.n_errors:
        errs = result.problems[result.problems["severity"] == "error"]
        raise DataValidationError(
            [Problem(None if pd.isna(r.row) else int(r.row), r.field or None,
                     f"{r.problem} (value: {r.value!r})" if r.value else str(r.problem), r.fix)
             for r in errs.itertuples()],
            source=result.name,
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


def shipped_places() -> gpd.GeoDataFrame:
    """Return the curated places of the AI Origin Community (validated, WGS-84)."""
    return load_places(geodata_dir() / "places.csv", datum="wgs84")


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
                                      source=path.name) from None
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
            return Centre("custom", "自定义中心", "Custom centre", lat, lon)
    known = ", ".join(c.id for c in centres)
    raise SettingsError(f"Unknown centre {text!r}. Use a centre id ({known}) or "
                        "'LAT,LON' in WGS-84 decimal degrees, e.g. 39.992446,116.327708.")
