"""Score the offline geocoder on an evaluation table, by address style.

The table (``tests/data/geocode_eval.csv``) has one row per address written one way: the
``address`` (or only a ``name``), the sourced truth (``expected_lat``, ``expected_lon``; empty
when the building is not located), ``elsewhere`` (1: the row must not be placed: another city or
district, a road the gazetteer does not know, a name too generic to identify a place), the
``style`` of the writing (traditional, english-directional, pinyin, …) and ``leave_out``: ids
(``|``-separated) taken out of the gazetteer for that row, so that a known position can test
what the geocoder does without it (a street number between its neighbours, a block of a
compound, a building of a campus).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from origin_map.geocode.gazetteer import Gazetteer

__all__ = ["FINE_LEVELS", "WITHIN_M", "by_style", "gazetteer_without", "score_rows"]

WITHIN_M = 200.0
"""A placed row counts as right when it is within this distance of its truth."""
FINE_LEVELS = ("building", "compound", "street_number", "street_number_interpolated")
"""Levels that a row which must stay unplaced may never get (the false matches)."""


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    path = folder / f"{name}.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@lru_cache(maxsize=32)
def gazetteer_without(leave_out: str = "", folder: str | None = None) -> Gazetteer:
    """Return the shipped gazetteer without the ids in ``leave_out`` (``|``-separated)."""
    from origin_map.places.datasets import geodata_dir

    base = Path(folder) if folder is not None else geodata_dir()
    if not leave_out:
        return Gazetteer.from_geodata(base)
    drop = set(leave_out.split("|"))
    frames = {}
    for name in ("buildings", "centres", "places"):
        frame = _read(base, name)
        frames[name] = frame if frame is None else frame.loc[~frame["id"].isin(drop)]
    outlines = None
    if (base / "areas.geojson").is_file():
        from origin_map.io.shapes import read_shapes

        outlines = read_shapes(base / "areas.geojson")[0]
    return Gazetteer.from_frames(**frames, outlines=outlines)


def score_rows(ev: pd.DataFrame,
               gazetteer: Callable[[str], Gazetteer] = gazetteer_without) -> pd.DataFrame:
    """Return ``ev`` with the geocoder's ``level``, ``match`` and ``error_m`` per row.

    ``gazetteer(leave_out)`` gives the gazetteer of a row (default: the shipped one without
    the row's ``leave_out`` ids).
    """
    from origin_map.geo.geometry import distances_m

    out = ev.copy()
    for col in ("name", "style", "leave_out"):
        if col not in out.columns:
            out[col] = ""
    found = [gazetteer(str(lo)).match(a, n or None)
             for a, n, lo in zip(out["address"], out["name"], out["leave_out"], strict=True)]
    out["level"] = [m.level for m in found]
    out["match"] = found
    lat = np.array([m.lat for m in found], dtype=float)
    lon = np.array([m.lon for m in found], dtype=float)
    exp_lat = pd.to_numeric(out["expected_lat"], errors="coerce").to_numpy(dtype=float)
    exp_lon = pd.to_numeric(out["expected_lon"], errors="coerce").to_numpy(dtype=float)
    err = np.full(len(out), np.nan)
    ok = ~np.isnan(lat) & ~np.isnan(exp_lat)
    for i in np.flatnonzero(ok):
        err[i] = distances_m(lat[i:i + 1], lon[i:i + 1], exp_lat[i], exp_lon[i])[0]
    out["error_m"] = err
    return out


def by_style(scored: pd.DataFrame) -> pd.DataFrame:
    """Return the figures of each address style.

    Rows with a truth and how many are within 200 m of it; rows that must stay unplaced and
    how many were placed (at all, and at a fine level: the false matches).
    """
    rows = []
    for style, grp in scored.groupby("style", sort=True):
        truth = grp[(grp["elsewhere"].astype(str) == "0") & (grp["expected_lat"] != "")]
        away = grp[grp["elsewhere"].astype(str) == "1"]
        rows.append({
            "style": style,
            "with_truth": len(truth),
            "within_200m": int((truth["error_m"] <= WITHIN_M).sum()),
            "share": (truth["error_m"] <= WITHIN_M).mean() if len(truth) else np.nan,
            "must_stay_unplaced": len(away),
            "placed": int((away["level"] != "none").sum()),
            "placed_fine": int(away["level"].isin(FINE_LEVELS).sum()),
        })
    return pd.DataFrame(rows)
