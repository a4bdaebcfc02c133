"""A dataset's rows as bytes and back, and its review decisions applied to them.

Rows are stored as ONE Parquet document (zstd-compressed, columnar, typed): data only, never
markup or code (no pickle), and read back with the same columns, dtypes and values, 3 to 4 times
faster than reading the same rows from CSV (``benchmarks/store_bench.py``). The rows never
change after saving; the review is a log of :class:`Decision` records, one per click, each on one
row by its 0-based position in the stored rows. For each row the latest ``accept``/``drop``, the
latest ``position`` and the latest ``sector`` apply, so two people reviewing different aspects
of one row at once both keep their work.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from origin_map.places import vocab
from origin_map.store.errors import BadDecision

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ACTIONS", "FIXED_NOTE", "Decision", "decisions_between", "decode_rows", "encode_rows",
           "placed", "reviewed"]

ACTIONS = ("accept", "drop", "position", "sector")
"""What a review decision does to a row: keep it, leave it out, move it, change its sector."""
FIXED_NOTE = "position set by hand in review (WGS-84)"
"""The ``position_note`` of a place whose position a reviewer typed or fixed."""


@dataclass(frozen=True)
class Decision:
    """One review decision on one row.

    Attributes
    ----------
    row
        The row's 0-based position in the stored rows.
    action
        One of :data:`ACTIONS`.
    lat, lon
        ``position``: the new WGS-84 position; both None takes the fix back.
    sector
        ``sector``: the new sector id (:data:`origin_map.places.vocab.SECTOR_IDS`).
    """

    row: int
    action: str
    lat: float | None = None
    lon: float | None = None
    sector: str | None = None

    def checked(self) -> Decision:
        """Return the decision if it can apply to some row; else raise :class:`BadDecision`."""
        if self.action not in ACTIONS:
            raise BadDecision("store.error.bad_action", action=str(self.action)[:40],
                              actions=", ".join(ACTIONS))
        if isinstance(self.row, bool) or not isinstance(self.row, int) or self.row < 0:
            raise BadDecision("store.error.bad_row", row=str(self.row)[:40])
        if self.action == "sector" and self.sector not in vocab.SECTOR_IDS:
            raise BadDecision("store.error.bad_sector", sector=str(self.sector)[:40],
                              sectors=", ".join(vocab.SECTOR_IDS))
        if self.action == "position" and (self.lat is not None or self.lon is not None):
            lat, lon = _finite(self.lat), _finite(self.lon)
            if not (abs(lat) <= 90 and abs(lon) <= 180):
                raise BadDecision("store.error.bad_position", lat=str(self.lat)[:40],
                                  lon=str(self.lon)[:40])
            return Decision(self.row, "position", lat, lon)
        return Decision(self.row, self.action, sector=self.sector if
                        self.action == "sector" else None)


def _finite(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def encode_rows(rows: pd.DataFrame) -> bytes:
    """Return ``rows`` (no geometry column) as one Parquet document.

    A column of mixed Python objects that Parquet cannot type is stored as text.
    """
    import pyarrow as pa

    frame = rows.drop(columns="geometry", errors="ignore")
    frame = frame.reset_index(drop=True)
    frame.attrs = {}
    try:
        return _parquet(frame)
    except (pa.ArrowException, TypeError, ValueError):
        mixed = [c for c in frame.columns if frame[c].dtype == object]
        return _parquet(frame.astype(dict.fromkeys(mixed, "str")))


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, engine="pyarrow", compression="zstd", index=False)
    return buf.getvalue()


def decode_rows(data: bytes) -> pd.DataFrame:
    """Return the rows stored by :func:`encode_rows`."""
    import pandas as pd

    frame = pd.read_parquet(io.BytesIO(data), engine="pyarrow")
    frame.attrs = {}
    return frame


def _latest(decisions: pd.DataFrame, actions: tuple[str, ...]) -> pd.DataFrame:
    """Return the last decision of ``actions`` per row (``decisions`` is in saving order)."""
    chosen = decisions.loc[decisions["action"].isin(actions)]
    return chosen.drop_duplicates(subset="row", keep="last")


def _set(out: pd.DataFrame, column: str, at: Any, values: Any) -> None:
    """Set ``column`` at the row positions ``at`` (in place; other rows unchanged)."""
    out.iloc[at, out.columns.get_loc(column)] = values


def reviewed(rows: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Return ``rows`` with the review applied: ``accept`` (bool), positions and sectors.

    ``accept`` starts from the rows' own ``accept`` column if they have one (a geocoding review:
    rows with a position), else True. A fixed position replaces ``lat``/``lon``; if the rows have
    ``position_quality``/``position_note``, they become ``estimated`` and :data:`FIXED_NOTE`.
    ``decisions`` has columns ``row, action, lat, lon, sector`` in saving order.
    """
    import numpy as np

    out = rows.copy(deep=False)  # copy-on-write: ``rows`` is never changed
    accept = np.array(out["accept"].fillna(False), dtype=bool) if "accept" in out else \
        np.ones(len(out), dtype=bool)
    decisions = decisions.loc[decisions["row"] < len(out)]
    if len(decisions):
        keep = _latest(decisions, ("accept", "drop"))
        accept[keep["row"].to_numpy(dtype=np.int64)] = (keep["action"] == "accept").to_numpy()
        moved = _latest(decisions, ("position",))
        moved = moved.loc[moved["lat"].notna() & moved["lon"].notna()]
        if len(moved):
            _move(out, moved)
        sectors = _latest(decisions, ("sector",))
        if len(sectors) and "sector" in out:
            _set(out, "sector", sectors["row"].to_numpy(dtype=np.int64),
                 sectors["sector"].to_numpy())
    out["accept"] = accept
    return out


def _move(out: pd.DataFrame, moved: pd.DataFrame) -> None:
    """Set the fixed positions of ``moved`` (rows whose latest fix has a position)."""
    import numpy as np

    at = moved["row"].to_numpy(dtype=np.int64)
    for c in ("lat", "lon"):
        out[c] = out[c].astype("float64")
        _set(out, c, at, moved[c].to_numpy(dtype=float))
    if "position_quality" in out:
        _set(out, "position_quality", at, "estimated")
    if "position_note" in out:
        _set(out, "position_note", at, FIXED_NOTE)


def placed(rows: pd.DataFrame, decisions: pd.DataFrame, *, geometry: bool = True,
           datum: str = "wgs84") -> pd.DataFrame:
    """Return the accepted rows with the review applied, as places (points when ``geometry``).

    The ``accept`` column is not kept; ``attrs["input_datum"]`` is ``datum``.
    """
    if not len(decisions) and "accept" not in rows:
        out, keep = rows, None  # nothing to apply
    else:
        table = reviewed(rows, decisions)
        keep = table["accept"].to_numpy(dtype=bool)
        out = table.drop(columns="accept")
    if keep is not None and not keep.all():
        out = out.loc[keep].reset_index(drop=True)
    if geometry:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(out["lon"], out["lat"]),
                               crs="EPSG:4326")
    out.attrs["input_datum"] = datum
    return out


def decisions_between(before: pd.DataFrame, after: pd.DataFrame) -> list[Decision]:
    """Return the decisions that turn review table ``before`` into ``after``, row by row.

    Both have the same rows in the same order (a review table as edited: ``accept``, ``lat``,
    ``lon``, and ``sector`` if present). A changed ``accept`` gives ``accept``/``drop``; a
    changed position with both coordinates gives ``position`` (both emptied: the fix taken
    back; one of the two emptied: nothing yet); a changed sector gives ``sector``.
    """
    import numpy as np

    out: list[Decision] = []
    was_ok = np.array(before["accept"].fillna(False), dtype=bool)
    now_ok = np.array(after["accept"].fillna(False), dtype=bool)
    for row in np.flatnonzero(was_ok != now_ok):
        out.append(Decision(int(row), "accept" if now_ok[row] else "drop"))
    old = before[["lat", "lon"]].apply(_numbers).to_numpy(dtype=float)
    new = after[["lat", "lon"]].apply(_numbers).to_numpy(dtype=float)
    moved = ~((old == new) | (np.isnan(old) & np.isnan(new))).all(axis=1)
    for row in np.flatnonzero(moved):
        lat, lon = new[row]
        if not (np.isnan(lat) or np.isnan(lon)):
            out.append(Decision(int(row), "position", float(lat), float(lon)))
        elif np.isnan(lat) and np.isnan(lon):
            out.append(Decision(int(row), "position"))
    if "sector" in before and "sector" in after:
        changed = _texts(before["sector"]) != _texts(after["sector"])
        out += [Decision(int(r), "sector", sector=str(after["sector"].iloc[r]))
                for r in np.flatnonzero(changed)]
    return sorted(out, key=lambda d: d.row)


def _numbers(column: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(column, errors="coerce").astype("float64")


def _texts(column: pd.Series) -> Any:
    return column.astype(object).where(column.notna(), "").astype(str).to_numpy()
