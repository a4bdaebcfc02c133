"""Published figures beside the dataset's counts: how much of a hub the data covers.

Published figures (firms, AI firms, AI share, institutions, area, with their source and year)
live in ``geodata/hubs.csv``, one row per hub, never in page code. :func:`coverage_table` puts
them beside what the dataset counts within the hub's radius; the Overview page, ``origin-map
coverage`` and the tables in ``geodata/README.md`` are all made by it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from . import i18n
from .geometry import Centre
from .stats import PlaceFilter, headline

__all__ = ["COVERAGE_COLUMNS", "THIN_BELOW", "coverage_table", "hub_for_centre", "read_hubs"]

COVERAGE_COLUMNS = ("figure", "published", "dataset", "coverage", "source")
THIN_BELOW = 0.25
"""Below this share of a published count, the dataset is called thin for that figure."""


def read_hubs(path: str | Path | None = None) -> pd.DataFrame:
    """Return ``geodata/hubs.csv`` (or ``path``) as a table; empty if the file is absent."""
    from .datasets import geodata_dir

    path = Path(path) if path else geodata_dir() / "hubs.csv"
    if not path.is_file():
        return pd.DataFrame(columns=["id", "centre_id"])
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def hub_for_centre(hubs: pd.DataFrame, centre_id: str) -> dict[str, Any] | None:
    """Return the hub whose centre is ``centre_id`` (a dict of its row), or None."""
    rows = hubs[hubs["centre_id"] == centre_id]
    return None if rows.empty else rows.iloc[0].to_dict()


def _number(value: Any) -> float:
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return math.nan


def coverage_table(places: pd.DataFrame, hub: dict[str, Any], centre: Centre, *,
                   radius_m: float | None = None, place_filter: PlaceFilter | None = None,
                   lang: str = "en") -> pd.DataFrame:
    """Return published figures beside the dataset's counts within the hub's radius.

    Columns :data:`COVERAGE_COLUMNS`: ``figure`` (its label in ``lang``), ``published`` (as
    published, blank when the hub has no such figure), ``dataset`` (counted in the data:
    current firms, AI firms, AI share of firms, universities and institutes within the radius),
    ``coverage`` (dataset / published, 0–1, for counts) and the published figure's ``source``.
    """
    radius = radius_m if radius_m is not None else (_number(hub.get("radius_m")) or 1000.0)
    if math.isnan(radius):
        radius = 1000.0
    h = headline(places, centre, radius, place_filter=place_filter or PlaceFilter())
    share = h["ai_share_of_firms"]
    rows = [
        ("firms", hub.get("published_firms", ""), h["firms"]),
        ("ai_firms", hub.get("published_ai_firms", ""), h["ai_firms"]),
        ("ai_share", hub.get("published_ai_share", ""), None if math.isnan(share)
         else round(share, 3)),
        ("institutions", hub.get("published_institutions", ""), h["institutions"]),
    ]
    out = []
    for key, published, counted in rows:
        pub = _number(published)
        cover = (counted / pub if key != "ai_share" and counted is not None and pub > 0
                 else math.nan)
        out.append({"figure": i18n.text(f"coverage.{key}", lang, radius=f"{radius:g}"),
                    "published": str(published), "dataset": counted,
                    "coverage": None if math.isnan(cover) else round(cover, 3),
                    "source": hub.get("source", "")})
    return pd.DataFrame(out, columns=list(COVERAGE_COLUMNS))
