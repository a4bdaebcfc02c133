"""Validation of the hubs table (``geodata/hubs.csv``); see :func:`.compare.load_hubs`."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from origin_map.errors import DataValidationError, Problem
from origin_map.geo.geometry import MAX_RADIUS_M

HUB_COLUMNS = (
    "id", "name_zh", "name_en", "city", "district", "centre_id", "radius_m", "published_firms",
    "published_ai_firms", "published_ai_share", "published_area_km2", "published_institutions",
    "published_year", "source", "note",
)
"""Columns of ``hubs.csv``, in order."""

_COUNTS = ("published_firms", "published_ai_firms", "published_institutions")
_YEAR = re.compile(r"(19|20)\d\d(\s*[/–-]\s*(19|20)\d\d)?")
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _number(text: str, row: int, field: str, problems: list[Problem], *, integer: bool = False,
            upper: float = math.inf) -> float:
    """Parse an optional non-negative number; record a problem and return NaN if it is bad."""
    if text == "":
        return math.nan
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        value = math.nan
    fix = ("Write a plain number (e.g. 400, not '400+'), or leave it blank; put qualifiers in "
           "'note'.")
    if not math.isfinite(value) or value < 0 or (integer and not value.is_integer()):
        kind = "a whole number ≥ 0" if integer else "a number ≥ 0"
        problems.append(Problem(row, field, f"{text!r} is not {kind}.", fix))
        return math.nan
    if value > upper:
        problems.append(Problem(row, field, f"{text!r} is larger than {upper:g}.",
                                "Write the share as a fraction: 0.74, not 74." if upper == 1
                                else fix))
        return math.nan
    return value


def _check_row(r: pd.Series, row: int, seen: set[str], problems: list[Problem]) -> dict:
    hub_id = r["id"].strip()
    if not _ID.fullmatch(hub_id):
        problems.append(Problem(row, "id", f"{hub_id!r} is not a lowercase slug.",
                                "Use letters, digits and hyphens, e.g. 'zhangjiang'."))
    elif hub_id in seen:
        problems.append(Problem(row, "id", f"Duplicate hub id {hub_id!r}.", "Make ids unique."))
    seen.add(hub_id)
    if not r["centre_id"].strip():
        problems.append(Problem(row, "centre_id", "Empty centre id.",
                                "Give the id of the hub's centre in centres.csv."))
    if not (r["name_en"].strip() or r["name_zh"].strip()):
        problems.append(Problem(row, "name_en", "The hub has no name.", "Fill name_en/name_zh."))
    radius = _number(r["radius_m"].strip(), row, "radius_m", problems, upper=MAX_RADIUS_M)
    if r["radius_m"].strip() == "" or radius == 0:
        problems.append(Problem(row, "radius_m", "The radius is missing or zero.",
                                "Give the radius to count within, in metres (e.g. 1000)."))
    out = {c: r[c].strip() for c in HUB_COLUMNS}
    out["id"], out["radius_m"] = hub_id, radius
    for c in _COUNTS:
        out[c] = _number(out[c], row, c, problems, integer=True)
    out["published_ai_share"] = _number(out["published_ai_share"], row, "published_ai_share",
                                        problems, upper=1.0)
    out["published_area_km2"] = _number(out["published_area_km2"], row, "published_area_km2",
                                        problems)
    if out["published_year"] and not _YEAR.fullmatch(out["published_year"]):
        problems.append(Problem(row, "published_year", f"{out['published_year']!r} is not a "
                                "year.", "Write e.g. 2025 or 2025/2026."))
    if out["published_ai_firms"] > out["published_firms"]:  # False when either is NaN
        problems.append(Problem(row, "published_ai_firms", "More AI firms than firms.",
                                "Check both figures."))
    has_figure = any(not pd.isna(out[c]) for c in (*_COUNTS, "published_ai_share"))
    if has_figure and not out["source"]:
        problems.append(Problem(row, "source", "Published figures without a source.",
                                "Name the publication and date."))
    return out


def validate_hubs(frame: pd.DataFrame, *, source: str = "hubs.csv") -> pd.DataFrame:
    """Return the hubs table typed (numbers as floats, NaN when blank), or raise listing problems.

    Raises
    ------
    DataValidationError
        One :class:`~origin_map.errors.Problem` per bad cell (row 1 = first row below header).
    """
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in HUB_COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError([Problem(None, ", ".join(missing), "Missing column(s).",
                                           "Add them (they may be empty except id, centre_id, "
                                           "radius_m).")], source=source)
    frame = frame.fillna("").astype(str)
    problems: list[Problem] = []
    seen: set[str] = set()
    rows = [_check_row(r, i, seen, problems) for i, (_, r) in enumerate(frame.iterrows(), 1)]
    if not rows:
        problems.append(Problem(None, None, "No hubs.", "Add at least one row."))
    if problems:
        raise DataValidationError(problems, source=source)
    out = pd.DataFrame(rows, columns=list(HUB_COLUMNS))
    numeric = ["radius_m", *_COUNTS, "published_ai_share", "published_area_km2"]
    out[numeric] = out[numeric].astype(np.float64)
    return out
