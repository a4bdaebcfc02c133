"""Compare hubs: stacked density tables, published figures beside the dataset's counts, sectors.

A hub (``geodata/hubs.csv``, read by :func:`load_hubs`) is a centre of ``centres.csv`` with a
radius and the figures published about it. :func:`compare_figures` puts those figures beside
what the dataset holds within the hub's radius and says, in English or Chinese, where the
dataset covers a hub too thinly for its counts to mean anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from origin_map.errors import DataValidationError, Problem, SettingsError
from origin_map.geo.geometry import Centre
from origin_map.i18n import text
from origin_map.measure.hubs import HUB_COLUMNS, validate_hubs
from origin_map.measure.stats import ALL, PlaceFilter, density_table, headline
from origin_map.places import vocab

__all__ = [
    "FIGURE_COLUMNS",
    "HUB_COLUMNS",
    "THIN_BELOW_PCT",
    "compare_density",
    "compare_figures",
    "coverage_note",
    "hub_centres",
    "load_hubs",
    "sector_composition",
]

THIN_BELOW_PCT = 50.0
"""Below this coverage (% of the published count) the dataset is called thin for a hub."""
COMPARABLE_FROM_PCT = 90.0
EXCEEDS_ABOVE_PCT = 150.0
AREA_MISMATCH = 2.0
"""A published area more than this factor away from the disc's area is mentioned in the note."""

FIGURE_COLUMNS = (
    "hub_id", "name_zh", "name_en", "city", "centre_id", "radius_m", "disc_area_km2",
    "published_firms", "dataset_firms", "coverage_firms_pct",
    "published_ai_firms", "dataset_ai_firms", "coverage_ai_firms_pct",
    "published_ai_share", "dataset_ai_share",
    "published_institutions", "dataset_institutions", "coverage_institutions_pct",
    "published_area_km2", "published_year", "source", "coverage_status", "coverage_note",
)
"""Columns of :func:`compare_figures`: ``coverage_*_pct`` = dataset / published × 100."""


def load_hubs(path: str | Path | None = None) -> pd.DataFrame:
    """Return the hubs table (``geodata/hubs.csv`` by default), validated.

    Columns :data:`HUB_COLUMNS`. ``radius_m`` is required; the published figures may be blank
    (NaN); ``published_ai_share`` is a fraction 0–1; ``published_year`` is text such as
    ``2025`` or ``2025/2026``.

    Raises
    ------
    DataValidationError
        Listing every problem with its row (1 = first row below the header), field and fix.
    """
    from origin_map.paths import geodata_dir

    path = Path(path) if path else geodata_dir() / "hubs.csv"
    if not path.is_file():
        raise DataValidationError([Problem(None, None, f"{path} not found.",
                                           "Create it with the columns "
                                           + ", ".join(HUB_COLUMNS) + ".")], source=path.name)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return validate_hubs(frame, source=path.name)


def hub_centres(hubs: pd.DataFrame, centres: Sequence[Centre]) -> dict[str, Centre | None]:
    """Return each hub's centre (by ``centre_id``), or None if it is not among ``centres``."""
    by_id = {c.id: c for c in centres}
    return {str(h.id): by_id.get(str(h.centre_id)) for h in hubs.itertuples(index=False)}


def compare_density(places: pd.DataFrame, centres: Sequence[Centre],
                    radii_m: Sequence[float], *, place_filter: PlaceFilter | None = None
                    ) -> pd.DataFrame:
    """Return the density tables of several centres stacked (same columns; ``centre_id``).

    Parameters
    ----------
    places, radii_m, place_filter
        As for :func:`origin_map.measure.stats.density_table`.
    centres
        The centres; every centre gets the same rings, so the tables compare directly.

    Returns
    -------
    pandas.DataFrame
        The centres' density tables, one after the other.

    Raises
    ------
    SettingsError
        If ``centres`` is empty or a radius is not valid.

    Examples
    --------
    >>> places = pd.DataFrame({"lat": [39.9925, 39.999, 40.01], "lon": [116.3277] * 3,
    ...                        "sector": ["large_models", "chips", "chips"]})
    >>> centres = [Centre("a", "东升", "Dongsheng", 39.992446, 116.327708),
    ...            Centre("b", "五道口", "Wudaokou", 39.991478, 116.331702)]
    >>> table = compare_density(places, centres, [1000])
    >>> table[table["sector"] == "all"][["centre_id", "count"]].to_numpy().tolist()
    [['a', 2], ['b', 2]]
    """
    if not centres:
        raise SettingsError("Choose at least one centre to compare.")
    tables = [density_table(places, c, radii_m, place_filter=place_filter) for c in centres]
    return pd.concat(tables, ignore_index=True)


def sector_composition(places: pd.DataFrame, centres: Sequence[Centre], radius_m: float, *,
                       place_filter: PlaceFilter | None = None, lang: str = "en"
                       ) -> pd.DataFrame:
    """Return places per sector within ``radius_m`` of each centre, tidy, with map colours.

    Parameters
    ----------
    places, centres, place_filter
        As for :func:`compare_density`.
    radius_m
        The radius in metres.
    lang
        Language of the labels: ``"en"`` or ``"zh"``.

    Returns
    -------
    pandas.DataFrame
        ``centre_id, sector, label`` (in ``lang``), ``colour`` (the map's sector colour),
        ``count`` and ``share`` (of the centre's places, 0–1). Every centre lists the same
        sectors (those present at any centre, in vocabulary order), zeros included.

    Raises
    ------
    SettingsError
        As :func:`compare_density`.

    Examples
    --------
    >>> places = pd.DataFrame({"lat": [39.9925, 39.999, 40.01], "lon": [116.3277] * 3,
    ...                        "sector": ["large_models", "chips", "chips"]})
    >>> centres = [Centre("a", "东升", "Dongsheng", 39.992446, 116.327708),
    ...            Centre("b", "五道口", "Wudaokou", 39.991478, 116.331702)]
    >>> sector_composition(places, centres, 1000)[["centre_id", "sector", "count", "share"]]
      centre_id        sector  count  share
    0         a  large_models      1    0.5
    1         a         chips      1    0.5
    2         b  large_models      1    0.5
    3         b         chips      1    0.5
    """
    table = compare_density(places, centres, [radius_m], place_filter=place_filter)
    table = table[table["sector"] != ALL]
    present = set(table.loc[table["count"] > 0, "sector"])
    sectors = [s for s in vocab.SECTOR_IDS if s in present] + sorted(
        present - set(vocab.SECTOR_IDS))
    full = pd.MultiIndex.from_product([[c.id for c in centres], sectors],
                                      names=["centre_id", "sector"])
    counts = (table.groupby(["centre_id", "sector"])["count"].sum()
              .reindex(full, fill_value=0).reset_index())
    totals = counts.groupby("centre_id")["count"].transform("sum")
    counts["share"] = np.where(totals > 0, counts["count"] / totals.where(totals > 0, 1), 0.0)
    counts["share"] = counts["share"].round(4)
    counts["label"] = [vocab.sector_label(s, lang) for s in counts["sector"]]
    counts["colour"] = [vocab.SECTOR_BY_ID[s].colour if s in vocab.SECTOR_BY_ID else "#c7c7c7"
                        for s in counts["sector"]]
    return counts.loc[:, ["centre_id", "sector", "label", "colour", "count", "share"]]


def coverage_note(key: str, lang: str = "en", **values: Any) -> str:
    """Return the coverage message ``compare.note.<key>`` in ``lang`` (``"en"`` or ``"zh"``).

    ``what`` (``firms`` or ``institutions``) is given in ``lang`` (``compare.what.<what>``).
    """
    if "what" in values:
        values = {**values, "what": text(f"compare.what.{values['what']}", lang)}
    return text(f"compare.note.{key}", lang, **values)


def _pct(n: float, published: float) -> float:
    return round(100.0 * n / published, 1) if published and published > 0 else math.nan


def _status(dataset: dict[str, Any], hub: Any) -> tuple[str, dict[str, Any]]:
    """Return the coverage key and its template values (firms, else AI firms, else institutions).

    A hub with a published count of AI firms only (a district's "1,100 core AI firms") is
    measured against that count, not called "no published count".
    """
    for what, pub in (("firms", hub.published_firms), ("ai_firms", hub.published_ai_firms),
                      ("institutions", hub.published_institutions)):
        if pd.notna(pub) and pub > 0:
            n = dataset[what]
            pct = _pct(n, pub)
            key = ("thin" if pct < THIN_BELOW_PCT else "partial" if pct < COMPARABLE_FROM_PCT
                   else "comparable" if pct <= EXCEEDS_ABOVE_PCT else "exceeds")
            return key, {"what": what, "pct": f"{pct:g}", "n": f"{n:,}", "published": f"{pub:,g}"}
    return "no_published", {}


def _figure_row(places: pd.DataFrame, hub: Any, centre: Centre | None,
                place_filter: PlaceFilter | None, lang: str) -> dict[str, Any]:
    disc_km2 = math.pi * hub.radius_m**2 / 1e6
    row: dict[str, Any] = {
        "hub_id": hub.id, "name_zh": hub.name_zh, "name_en": hub.name_en, "city": hub.city,
        "centre_id": hub.centre_id, "radius_m": hub.radius_m, "disc_area_km2": round(disc_km2, 4),
        **{f"published_{k}": getattr(hub, f"published_{k}")
           for k in ("firms", "ai_firms", "ai_share", "institutions", "area_km2", "year")},
        "source": hub.source,
    }
    if pd.isna(row["published_ai_share"]) and hub.published_firms > 0:
        row["published_ai_share"] = round(hub.published_ai_firms / hub.published_firms, 4)
    if centre is None:
        row.update(coverage_status="no_centre",
                   coverage_note=coverage_note("no_centre", lang, centre_id=hub.centre_id))
        return row
    h = headline(places, centre, hub.radius_m, place_filter=place_filter)
    share = h["ai_share_of_firms"]
    row.update(dataset_firms=h["firms"], dataset_ai_firms=h["ai_firms"],
               dataset_ai_share=round(share, 4) if not math.isnan(share) else math.nan,
               dataset_institutions=h["institutions"],
               coverage_firms_pct=_pct(h["firms"], hub.published_firms),
               coverage_ai_firms_pct=_pct(h["ai_firms"], hub.published_ai_firms),
               coverage_institutions_pct=_pct(h["institutions"], hub.published_institutions))
    key, values = _status({"firms": h["firms"], "ai_firms": h["ai_firms"],
                           "institutions": h["institutions"]}, hub)
    note = coverage_note(key, lang, **values)
    area = hub.published_area_km2
    if pd.notna(area) and area > 0 and not (1 / AREA_MISMATCH <= area / disc_km2 <= AREA_MISMATCH):
        note += coverage_note("area", lang, published_area=f"{area:g}",
                              disc_area=f"{disc_km2:.2f}")
    row.update(coverage_status=key, coverage_note=note)
    return row


def compare_figures(places: pd.DataFrame, hubs: pd.DataFrame, centres: Sequence[Centre], *,
                    place_filter: PlaceFilter | None = None, lang: str = "en") -> pd.DataFrame:
    """Return one row per hub: published figures beside the dataset's counts, with coverage.

    Dataset counts are those of :func:`origin_map.measure.stats.headline` within the hub's
    ``radius_m`` of its centre: firms, AI firms (firms in AI sectors), their share, and
    institutions (universities + institutes). ``coverage_status`` is a key of the catalogue
    table ``compare.note`` (:mod:`origin_map.i18n`) — ``thin`` below :data:`THIN_BELOW_PCT` %
    of the published firms (or institutions, when no firm count is published), ``partial``
    below 90 %, ``comparable`` up to 150 %, ``exceeds`` above, ``no_published``,
    ``no_centre`` (the hub's centre is not among ``centres``: no counts, no error) — and
    ``coverage_note`` its text in ``lang``, plus a remark when the published area differs
    from the disc's by more than 2×.

    Parameters
    ----------
    places, place_filter
        As for :func:`origin_map.measure.stats.density_table`.
    hubs
        The hubs (:func:`load_hubs`).
    centres
        The centres the hubs' ``centre_id`` refer to.
    lang
        Language of ``coverage_note``: ``"en"`` or ``"zh"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FIGURE_COLUMNS`, one row per hub.

    Examples
    --------
    >>> from origin_map.places.datasets import load_centres, shipped_places
    >>> hubs = load_hubs()
    >>> figures = compare_figures(shipped_places(), hubs, load_centres())
    >>> len(figures) == len(hubs), list(figures.columns) == list(FIGURE_COLUMNS)
    (True, True)
    """
    found = hub_centres(hubs, centres)
    rows = [_figure_row(places, hub, found[str(hub.id)], place_filter, lang)
            for hub in hubs.itertuples(index=False)]
    return pd.DataFrame(rows).reindex(columns=list(FIGURE_COLUMNS))
