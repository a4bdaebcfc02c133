"""Load places and centres into validated GeoDataFrames (EPSG:4326).

:func:`read_places` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; any of , ; tab |), Excel,
GeoJSON or GeoPackage, recognises common column names (``lat``/``latitude``/``纬度``,
``lon``/``lng``/``经度``, ``name``/``名称``, ``sector``/``行业`` ...), checks every row and
returns the valid rows plus a table of every problem (row, field, value, problem, fix).
:func:`load_places` does the same but raises :class:`~origin_map.errors.DataValidationError`
when any row is invalid. Only coordinates are required; every other column has a default.

An upload's name is only shown, never opened (``../../etc/passwd`` is shown as ``passwd``); its
suffix only breaks ties between text formats. With ``geometry=False`` the places are a plain
DataFrame with the same columns and values: building the points is most of the loading time of
a large file, and geopandas is not imported. The declared datum is also in
``places.attrs["input_datum"]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from origin_map.errors import DataValidationError, Problem, SettingsError, fields_json, ref
from origin_map.geo.datums import convert, normalise_datum
from origin_map.geo.geometry import Centre
from origin_map.io.readers import MAX_BYTES_DEFAULT, Source, read_raw
from origin_map.paths import geodata_dir
from origin_map.places import vocab
from origin_map.places.centres import load_centres, resolve_centre
from origin_map.places.columns import coordinate_positions
from origin_map.places.coords import parse_dms
from origin_map.places.table import (
    flag_far,
    place_columns,
    places_frame,
    problems_of,
    rejected_rows,
    sorted_problems,
    usable_frame,
    valid_rows,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from origin_map.io.rawtable import RawTable

__all__ = [
    "COLUMNS",
    "FAR_WARNING_M",
    "LISTED_PROBLEMS",
    "LoadResult",
    "geodata_dir",
    "load_centres",
    "load_places",
    "parse_dms",
    "places_from_frame",
    "places_from_raw",
    "read_places",
    "resolve_centre",
    "shipped_places",
]

COLUMNS = (
    "id", "name_zh", "name_en", "kind", "sector", "status", "address", "lat", "lon",
    "position_quality", "position_note", "source", "source_datum", "source_lat", "source_lon",
    "building_id", "since", "until", "years_source", "status_source", "status_checked",
)
"""Columns of a loaded places table, in order (user columns not listed here follow them)."""

LISTED_PROBLEMS = 1000
"""At most this many problems are turned into :class:`Problem` objects by :func:`load_places`
(the problems table of :func:`read_places` keeps them all)."""
FAR_WARNING_M = 100_000.0
"""Places farther than this from the centre are flagged as probably misplaced."""

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
        ``fix``, ``severity`` (``error`` rows were left out; ``warning``/``info`` were kept),
        then the keys of the texts, ``problem_key``, ``fix_key``, ``text_fields``: pass the
        table to :func:`origin_map.errors.problems_in` for ``problem``/``fix`` in Chinese.
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
        :func:`origin_map.io.export.to_csv_bytes` for a safe download. The reasons are in English,
        in the app too: the file is the one the CLI writes, shared as it is.
        """
        errs = self.problems[(self.problems["severity"] == "error") & self.problems["row"].notna()]
        why = (errs["field"].fillna("").astype(str) + ": " + errs["problem"].astype(str)).groupby(
            errs["row"].astype("int64")).agg("; ".join)
        report = self.rejected.rename(columns={"why_left_out": "why_left_out (column)"})
        report.insert(1, "why_left_out", report["row"].map(why).fillna("").to_numpy())
        return report


def read_places(source: Source, *, datum: str = "wgs84", fmt: str | None = None,
                name: str | None = None, layer: str | None = None,
                sheet: str | int | None = None, unknown_values: str = "error",
                centre: Centre | None = None, far_m: float = FAR_WARNING_M,
                max_bytes: int = MAX_BYTES_DEFAULT, geometry: bool = True,
                rows_are: str | None = None) -> LoadResult:
    r"""Read and validate a places file, keeping the valid rows and reporting every problem.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (e.g. a Streamlit upload).
    datum
        Datum of the input coordinates: ``wgs84``, ``gcj02`` (AMap/Tencent) or ``bd09`` (Baidu);
        GCJ-02 and BD-09 are converted to WGS-84.
    fmt
        ``csv``, ``excel``, ``geojson`` or ``gpkg``; detected from content and name if omitted.
    name
        Display name for messages (default: the file name); only shown, never opened.
    layer, sheet
        GeoPackage layer or Excel sheet to read (default: the first).
    unknown_values
        ``"error"``: a kind/sector/status/quality outside the vocabulary leaves the row out;
        ``"default"``: it is set to the default (e.g. sector ``unknown``) with a warning.
    centre, far_m
        If a centre is given, places farther than ``far_m`` metres from it are flagged.
    max_bytes
        Largest input accepted (default: the upload limit, ``limits.MAX_UPLOAD_MB``).
    geometry
        ``False``: a plain DataFrame, no point geometries (faster; geopandas not imported).
    rows_are
        ``"firm"``: every row is a firm, whatever the file says (a registry export is one).

    Returns
    -------
    LoadResult
        Valid rows, every problem, the rows left out, and the declared datum.

    Raises
    ------
    DataValidationError
        When the file as a whole cannot be used (unreadable, empty, no coordinate columns).
    InputLimitError
        When the file is over ``max_bytes``, or has more rows or columns than the limits.
    SettingsError
        When ``datum`` or ``unknown_values`` is not one of the values above.

    Examples
    --------
    >>> result = read_places(b"name,lat,lon\nA,39.99,116.33\nB,95,116.33\n")
    >>> len(result.places), result.n_errors
    (1, 1)
    >>> print(result.problems.loc[0, "row"], result.problems.loc[0, "field"])
    2 lat
    """
    datum = _checked_options(datum, unknown_values)  # before the file is read
    raw = read_raw(source, fmt=fmt, name=name, layer=layer, sheet=sheet, max_bytes=max_bytes,
                   float_columns=coordinate_positions)
    return places_from_raw(raw, datum=datum, unknown_values=unknown_values, centre=centre,
                           far_m=far_m, geometry=geometry, rows_are=rows_are)


def _checked_options(datum: str, unknown_values: str) -> str:
    """Return the datum's id; raise :class:`SettingsError` for a datum or choice not known."""
    datum = normalise_datum(datum)
    if unknown_values not in ("error", "default"):
        raise SettingsError("unknown_values must be 'error' or 'default'.")
    return datum


def places_from_raw(raw: RawTable, *, datum: str = "wgs84", unknown_values: str = "error",
                    centre: Centre | None = None, far_m: float = FAR_WARNING_M,
                    geometry: bool = True, rows_are: str | None = None) -> LoadResult:
    """Check every row of a table already read; return what :func:`read_places` returns.

    ``raw`` is a :class:`~origin_map.io.rawtable.RawTable` (what the readers return; see
    :func:`places_from_frame` for a DataFrame in memory, e.g. reviewed geocoding results). The
    other parameters are those of :func:`read_places`.
    """
    datum = normalise_datum(datum)
    if rows_are not in (None, *vocab.KINDS):
        raise SettingsError(f"rows_are must be one of {', '.join(vocab.KINDS)}.")
    notes: list[Problem] = []
    frame, numbers = usable_frame(raw, rows_are=rows_are, notes=notes)
    cols = place_columns(frame, raw, numbers, datum=datum, unknown_values=unknown_values,
                         notes=notes)
    problems = problems_of(cols.parts, raw)
    valid = valid_rows(problems, numbers)
    lat, lon = convert(cols.lat, cols.lon, src=datum, dst="wgs84")
    if centre is not None:
        problems = flag_far(problems, lat, lon, valid, numbers, centre=centre, far_m=far_m)
    places = places_frame(cols, frame, valid, lat, lon, geometry=geometry, datum=datum)
    return LoadResult(places, sorted_problems(problems), rejected_rows(raw, valid, numbers),
                      raw.name, datum)


def places_from_frame(frame: pd.DataFrame, *, name: str = "table", **kwargs: Any
                      ) -> LoadResult:
    """Check the rows of a DataFrame in memory as :func:`read_places` checks a file's.

    No file is written or read: the geocoded, reviewed rows of the Data page are validated so.
    ``kwargs`` are those of :func:`places_from_raw`.
    """
    from origin_map.io.rawtable import RawTable as _Raw

    return places_from_raw(_Raw(frame.reset_index(drop=True), "table", name), **kwargs)


def load_places(source: Source, **kwargs: Any) -> gpd.GeoDataFrame | pd.DataFrame:
    r"""Read and validate a places file; raise if any row is invalid.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object.
    **kwargs
        The keyword arguments of :func:`read_places`.

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        The valid places (a plain DataFrame with ``geometry=False``), in EPSG:4326.

    Raises
    ------
    DataValidationError
        When any row is invalid: ``problems`` lists the first :data:`LISTED_PROBLEMS` errors
        (row, field, message, fix), ``n_errors`` counts them all, and ``table`` is the full
        problems table; the message spells out the first 20.

    Examples
    --------
    >>> load_places(b"name,lat,lon\nA,39.99,116.33\n", geometry=False)[["name_en", "lat"]]
      name_en    lat
    0       A  39.99
    >>> try:
    ...     load_places(b"name,lat,lon\nB,95,116.33\n")
    ... except DataValidationError as exc:
    ...     print(exc.n_errors, exc.problems[0].row, exc.problems[0].field)
    1 1 lat
    """
    result = read_places(source, **kwargs)
    if result.n_errors:
        errs = result.problems[result.problems["severity"] == "error"]
        raise DataValidationError([_listed(r) for r in errs.head(LISTED_PROBLEMS).itertuples()],
                                  source=result.name, total=len(errs), table=result.problems)
    return result.places


def _listed(r: Any) -> Problem:
    """Return a row of a problems table as a :class:`Problem`, its value in the message."""
    row = None if pd.isna(r.row) else int(r.row)
    if not r.value:
        return Problem(row, r.field or None, str(r.problem), r.fix, "error", r.problem_key,
                       r.fix_key, r.text_fields)
    fields = json.loads(r.text_fields) if r.text_fields else {}
    fields.update(problem=ref(r.problem_key, **fields) if r.problem_key else str(r.problem),
                  value=repr(r.value))
    return Problem(row, r.field or None, f"{r.problem} (value: {r.value!r})", r.fix, "error",
                   "validate.problem.with_value", r.fix_key, fields_json(fields))


def shipped_places(*, geometry: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
    """Return the curated places of the AI Origin Community (validated, WGS-84).

    Parameters
    ----------
    geometry
        ``False``: a plain DataFrame without point geometries (see :func:`read_places`).

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        The shipped ``geodata/places.csv``, columns :data:`COLUMNS` (and ``geometry``).

    Raises
    ------
    DataValidationError
        If the shipped file was edited into an invalid state.

    Examples
    --------
    >>> places = shipped_places()
    >>> places.crs.to_string(), list(places.columns[:5])
    ('EPSG:4326', ['id', 'name_zh', 'name_en', 'kind', 'sector'])
    """
    return load_places(geodata_dir() / "places.csv", datum="wgs84", geometry=geometry)
