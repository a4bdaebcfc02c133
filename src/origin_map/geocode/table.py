"""Geocode a whole table: every row and column kept, position and level columns added.

:func:`geocode_table` adds ``lat``, ``lon`` (WGS-84; empty when not placed),
``geocode_level``, ``geocode_score``, ``geocode_source``, ``geocode_match`` and
``geocode_reason``. Input columns that the places loader would take for coordinates (``lat``,
``纬度``, ``x`` …) or that clash with these names are kept as ``<name> (input)``. The result
loads with :func:`origin_map.places.datasets.read_places`: placed rows are places, unplaced rows are
reported as rows with an empty latitude (``origin-map stats --skip-invalid`` leaves them out;
:func:`to_places_frame` keeps only the accepted rows).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from origin_map.errors import DataValidationError, Problem, SettingsError
from origin_map.geo.geometry import Centre
from origin_map.geocode._result import LEVELS, Match
from origin_map.geocode._run import FAR_KM, Run, output_frame
from origin_map.geocode.messages import level_label, message
from origin_map.i18n import text
from origin_map.places.columns import COLUMN_ALIASES, column_for
from origin_map.places.table import Recognised, recognise

if TYPE_CHECKING:
    from origin_map.geocode._provider import Provider

__all__ = ["ADDRESS_ALIASES", "OUTPUT_COLUMNS", "GeocodeResult", "GeocodeSummary",
           "geocode_table", "shipped_gazetteer", "to_places_frame",
           "unplaced_rows"]

ADDRESS_ALIASES = COLUMN_ALIASES["address"]
"""Accepted names of the address column (the places reader's: :mod:`origin_map.places.columns`)."""
NAME_ALIASES = (*COLUMN_ALIASES["name"], *COLUMN_ALIASES["name_zh"],
                *COLUMN_ALIASES["name_en"])
OUTPUT_COLUMNS = ("lat", "lon", "geocode_level", "geocode_score", "geocode_source",
                  "geocode_match", "geocode_reason")
Progress = Callable[[int, int], None]
"""``progress(done, total)``, called while geocoding."""


@dataclass
class GeocodeSummary:
    """Counts of one geocoding run."""

    total: int
    by_level: dict[str, int]
    from_cache: int = 0
    requests: int = 0
    failed: int = 0
    far: int = 0
    cut: int = 0
    provider: str = "gazetteer"

    @property
    def placed(self) -> int:
        """Rows with a position."""
        return self.total - self.by_level.get("none", 0)

    def lines(self, lang: str = "en") -> list[str]:
        """Return the summary as short lines in ``lang``."""
        levels = ", ".join(f"{level_label(k, lang)} {v}" for k, v in self.by_level.items()
                           if v and k != "none")
        out = [message("summary_placed", lang, n=self.placed, total=self.total)
               + (f" ({levels})" if levels else ""),
               message("summary_unplaced", lang, n=self.by_level.get("none", 0))]
        if self.provider != "gazetteer":
            out.append(message("summary_cache", lang, n=self.from_cache, requests=self.requests))
        if self.failed:
            out.append(message("summary_failed", lang, n=self.failed))
        if self.far:
            out.append(message("summary_far", lang, n=self.far, km=FAR_KM))
        return out


@dataclass
class GeocodeResult:
    """The geocoded table and its summary."""

    frame: pd.DataFrame
    summary: GeocodeSummary
    address_column: str
    name_column: str | None = None
    notes: list[str] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    """The recognised columns (canonical column, header), as the places reader takes them."""
    kind: str | None = None
    """``firm`` when every row was made a firm (a registry export, or ``rows_are``)."""

    def unplaced(self) -> pd.DataFrame:
        """Return the rows not placed, with their reason (see :func:`unplaced_rows`)."""
        return unplaced_rows(self.frame)


def _address_column(frame: pd.DataFrame, given: str | None) -> str:
    if given is not None:
        if given not in frame.columns:
            cols = ", ".join(map(str, frame.columns))
            raise DataValidationError([Problem(None, given, f"There is no column {given!r}.",
                                               f"Use one of: {cols}.")])
        return given
    col = column_for(frame.columns, "address")  # the column the places reader takes
    if col is None:
        found = ", ".join(map(str, list(frame.columns)[:30])) or "none"
        raise DataValidationError([Problem(
            None, "address", f"No address column found (columns present: {found}).",
            f"Name the address column one of: {', '.join(ADDRESS_ALIASES)}; or give its name "
            "(--address-column).")])
    return col


def _protect_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Rename input columns the places loader would read as coordinates, or ours."""
    from origin_map.places.columns import canonical_name

    taken = {str(c) for c in frame.columns}
    renames = {}
    for c in frame.columns:
        low = str(c).strip().lower()
        if canonical_name(low) in ("lat", "lon", "source_lat", "source_lon", "source_datum") \
                or low in OUTPUT_COLUMNS:
            new = f"{c} (input)"
            while new in taken:
                new += " (input)"
            renames[c] = new
            taken.add(new)
    return frame.rename(columns=renames) if renames else frame


@functools.lru_cache(maxsize=4)
def _gazetteer_for(folder: str, stamp: tuple[float, ...]) -> object:
    from origin_map.geocode.gazetteer import Gazetteer

    return Gazetteer.from_geodata(folder)


def shipped_gazetteer(folder: str | Path | None = None) -> object:
    """Return the gazetteer of the shipped geodata (cached until its files change)."""
    from origin_map.paths import geodata_dir

    base = Path(folder) if folder is not None else geodata_dir()
    stamp = tuple((base / f"{n}.csv").stat().st_mtime if (base / f"{n}.csv").exists() else 0.0
                  for n in ("buildings", "centres", "places"))
    return _gazetteer_for(str(base), stamp)


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def geocode_table(frame: pd.DataFrame, *, provider: object = "gazetteer", key: str | None = None,
                  url: str | None = None, cache_path: str | Path | None = None,
                  centre: Centre | None = None, progress: Progress | None = None,
                  address_column: str | None = None, name_column: str | None = None,
                  min_level: str = "district", lang: str = "en",
                  gazetteer: object = None, rows_are: str | None = None) -> GeocodeResult:
    """Geocode every row of ``frame``; keep all rows and columns, add the result columns.

    Parameters
    ----------
    frame
        The table (e.g. ``origin_map.io.readers.read_raw(path).frame``).
    provider, key, url, cache_path
        ``"gazetteer"`` (offline, default), ``"nominatim"``, ``"amap"``, ``"baidu"``,
        ``"tencent"`` or a :class:`~origin_map.geocode.providers.Provider`; a keyed provider's
        key (else its environment variable); another server URL; the SQLite cache of online
        results (default: the user's cache folder).
    centre, progress
        Results farther than :data:`FAR_KM` from ``centre`` are flagged (default: the first
        centre); ``progress(done, total)`` is called while geocoding.
    address_column, name_column
        Column names; found by their usual names when omitted. A table with a name column
        and no address column is placed by name (offline gazetteer; ``address_column`` "").
    min_level
        Results coarser than this level are not placed (default ``district``: keep all).
    lang, gazetteer, rows_are
        Language of the reasons (``en``, ``zh``); a :class:`~.gazetteer.Gazetteer` to use;
        ``"firm"``: every row is a firm (in ``kind``), as a registry export's rows are.

    Returns
    -------
    GeocodeResult
        ``frame``: every row and column of the input, then ``lat``/``lon`` (WGS-84, empty when
        unplaced) and the ``geocode_*`` columns; ``summary``, the columns used, the kind.

    Raises
    ------
    DataValidationError, SettingsError
        No address or name column (the message names the columns found); an unknown provider
        or level, a keyed provider without its key (before any request).

    Examples
    --------
    >>> rows = pd.DataFrame({"address": ["北京市海淀区中关村东路8号东升大厦",
    ...                                  "上海市浦东新区世纪大道1号"]})
    >>> out = geocode_table(rows).frame
    >>> out["geocode_level"].tolist(), round(float(out.loc[0, "lat"]), 3)
    (['building', 'none'], 39.992)
    """
    if min_level not in LEVELS:
        raise SettingsError(f"Unknown level {min_level!r}; use one of {', '.join(LEVELS)}.")
    online = _online_provider(provider, key, url)
    addr_col, name_col = _columns_used(frame, online, address_column, name_column)
    run = Run(online, cache_path, gazetteer or shipped_gazetteer() if not online else None,
              min_level)
    results = _geocode_rows(run, frame, addr_col, name_col, progress)
    out, far = _output(frame, results, run, centre, lang, names_only=not addr_col)
    found, kind = _kind_of_rows(frame, out, rows_are)
    return GeocodeResult(out, _summary(len(frame), results, run, online, far), addr_col,
                         name_col, columns=found.columns, kind=kind)


def _columns_used(frame: pd.DataFrame, online: Provider | None, address_column: str | None,
                  name_column: str | None) -> tuple[str, str | None]:
    """Return the address column ("" for a list of names only) and the name column (or None).

    A table with a name column and no address column is placed by name, offline only.
    """
    name_col = name_column if name_column in frame.columns else next(
        (c for c in (column_for(frame.columns, k) for k in ("name", "name_zh", "name_en")) if c),
        None)
    names_only = (address_column is None and name_col is not None and online is None
                  and column_for(frame.columns, "address") is None)
    return ("" if names_only else _address_column(frame, address_column)), name_col


def _output(frame: pd.DataFrame, results: list[Match], run: Run, centre: Centre | None,
            lang: str, *, names_only: bool) -> tuple[pd.DataFrame, int]:
    """Return the input with the result columns, and the number of results far from the centre.

    In a list of names only, the reason of each name not placed ends with the fix: an address.
    """
    from origin_map.places.datasets import resolve_centre

    out, far = output_frame(_protect_columns(frame), results, centre or resolve_centre(None),
                            lang, run.cut_rows)
    if names_only:
        unplaced = out["lat"].isna()
        fix, gap = text("names18.add_address", lang), text("ui16.sentence_gap", lang)
        out.loc[unplaced, "geocode_reason"] = [f"{r}{gap}{fix}" if r else fix
                                               for r in out.loc[unplaced, "geocode_reason"]]
    return out, far


def _kind_of_rows(frame: pd.DataFrame, out: pd.DataFrame, rows_are: str | None
                  ) -> tuple[Recognised, str | None]:
    """Write ``rows_are`` (or ``firm`` for a registry export) in the kind column of ``out``.

    The column is the one the places reader takes for kind, else a new ``kind``; return what
    the header says and the kind written (None: nothing written).
    """
    found = recognise(frame)
    own = column_for(frame.columns, "kind")
    kind = rows_are or ("firm" if found.registry and own is None else None)
    if kind is not None:
        out[own or "kind"] = kind
    return found, kind


def _online_provider(provider: object, key: str | None, url: str | None) -> Provider | None:
    """Return the online provider asked for, or None for the offline gazetteer."""
    from origin_map.geocode.providers import Provider, make_provider

    if isinstance(provider, Provider):
        return provider
    return None if provider == "gazetteer" else make_provider(str(provider), key=key, url=url)


def _geocode_rows(run: Run, frame: pd.DataFrame, addr_col: str, name_col: str | None,
                  progress: Progress | None) -> list[Match]:
    """Return the match of every row, in order; report progress every 25 rows; close the run."""
    addresses = frame[addr_col].map(_cell_text).tolist() if addr_col else [""] * len(frame)
    names = frame[name_col].map(_cell_text).tolist() if name_col else [""] * len(frame)
    results: list[Match] = []
    try:
        for i, (addr, nm) in enumerate(zip(addresses, names, strict=True)):
            results.append(run.one(addr, nm))
            if progress is not None and (i % 25 == 24 or i == len(addresses) - 1):
                progress(i + 1, len(addresses))
    finally:
        run.close()
    return results


def _summary(total: int, results: list[Match], run: Run, online: Provider | None,
             far: int) -> GeocodeSummary:
    """Return the counts of the run: rows per level, cache, requests, failures, flags."""
    by_level = Counter(m.level if j not in run.below else "none" for j, m in enumerate(results))
    return GeocodeSummary(total, {lv: by_level.get(lv, 0) for lv in LEVELS},
                          run.from_cache, online.requests if online else 0, run.failed, far,
                          len(run.cut_rows), online.name if online else "gazetteer")


def unplaced_rows(geocoded: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of a geocoded table that have no position (to fix and geocode again)."""
    return geocoded.loc[geocoded["lat"].isna() | geocoded["lon"].isna()].copy()


def to_places_frame(geocoded: pd.DataFrame, accepted: object = None) -> pd.DataFrame:
    """Return the accepted, placed rows of a reviewed table as places for ``read_places``.

    Parameters
    ----------
    geocoded
        The output of :func:`geocode_table` (possibly edited: fixed ``lat``/``lon``, rows
        dropped).
    accepted
        Boolean mask (array or Series aligned by position) of the rows to keep; default: every
        row with a position. Rows without a valid position are left out even when accepted.

    Returns
    -------
    pandas.DataFrame
        The accepted rows with numeric ``lat``/``lon``, ``position_quality`` ``estimated``
        (unless the table has its own) and a ``position_note`` saying how it was geocoded.
    """
    lat = pd.to_numeric(geocoded["lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(geocoded["lon"], errors="coerce").to_numpy(dtype=float)
    mask = np.ones(len(geocoded), dtype=bool) if accepted is None else np.array(
        accepted, dtype=bool)
    mask &= ~np.isnan(lat) & ~np.isnan(lon)
    out = geocoded.loc[mask].copy()
    out["lat"], out["lon"] = lat[mask], lon[mask]
    if "position_quality" not in out.columns:
        out["position_quality"] = "estimated"
    if "position_note" not in out.columns:
        out["position_note"] = [f"geocoded ({lv}, {src}): {mt}" for lv, src, mt in zip(
            out["geocode_level"], out["geocode_source"], out["geocode_match"], strict=True)]
    return out.reset_index(drop=True)
