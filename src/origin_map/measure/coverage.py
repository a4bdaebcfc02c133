"""Published figures beside the dataset's counts: how much of a hub the data covers.

Published figures (firms, AI firms, AI share, institutions, area, with their source and year)
live in ``geodata/hubs.csv``, one row per hub, never in page code. :func:`coverage_table` gives
one hub's figures as rows for the Overview page; :func:`coverage_markdown` writes the tables of
``geodata/README.md`` (every hub, and the dataset's own counts), which ``origin-map coverage``
prints and a test compares with the README. Both rest on
:func:`origin_map.measure.compare.compare_figures`, and both count by the status rule
(:func:`origin_map.measure.freshness.apply_status_rule`) and state the age of the current firms'
sources (:func:`origin_map.measure.freshness.freshness`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from origin_map import i18n
from origin_map.geo.geometry import Centre, distances_m
from origin_map.measure.compare import compare_figures
from origin_map.measure.freshness import apply_status_rule, freshness, freshness_line
from origin_map.measure.stats import PlaceFilter
from origin_map.places import vocab

__all__ = ["COVERAGE_COLUMNS", "coverage_caveat", "coverage_markdown", "coverage_sentence",
           "coverage_table", "dataset_counts"]

COVERAGE_COLUMNS = ("figure", "published", "dataset", "coverage", "source")
_FIGURES = ("firms", "ai_firms", "ai_share", "institutions")


def _cell(value: Any) -> Any:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else value


def coverage_table(places: pd.DataFrame, hubs: pd.DataFrame, centres: Sequence[Centre],
                   centre_id: str, *, place_filter: PlaceFilter | None = None,
                   lang: str = "en") -> pd.DataFrame | None:
    """Return the published figures of the hub centred on ``centre_id`` beside the dataset's.

    One row per figure (current firms, AI firms, AI share of firms, universities and
    institutes, all within the hub's radius): columns :data:`COVERAGE_COLUMNS`; ``published``
    and ``dataset`` as text (counts and shares share the columns), ``coverage`` dataset /
    published (0–1) for counts. None when no hub has that centre. Current firms are those of
    the status rule; ``attrs["freshness"]`` is the age of their sources within the hub's
    radius (:func:`origin_map.measure.freshness.freshness`).

    Parameters
    ----------
    places, hubs, centres, place_filter, lang
        As for :func:`origin_map.measure.compare.compare_figures`.
    centre_id
        The centre whose hub is shown.

    Returns
    -------
    pandas.DataFrame or None
        Columns :data:`COVERAGE_COLUMNS`, one row per figure; ``attrs["note"]`` says how far
        the dataset covers the published figures. None when no hub has that centre.

    Examples
    --------
    >>> from origin_map.measure.compare import load_hubs
    >>> from origin_map.places.datasets import load_centres, shipped_places
    >>> table = coverage_table(shipped_places(), load_hubs(), load_centres(), "dongsheng-building")
    >>> table.shape, list(table.columns)
    ((4, 5), ['figure', 'published', 'dataset', 'coverage', 'source'])
    """
    mine = hubs[hubs["centre_id"] == centre_id]
    if mine.empty:
        return None
    places = apply_status_rule(places)
    row = compare_figures(places, mine, centres, place_filter=place_filter, lang=lang).iloc[0]
    radius = f"{row['radius_m']:,g}"
    out = []
    for key in _FIGURES:
        pct = row.get(f"coverage_{key}_pct", math.nan)
        show = _share_text if key == "ai_share" else _md_value  # 83%, as the headline says
        out.append({"figure": i18n.text(f"coverage.{key}", lang, radius=radius),
                    "published": show(row[f"published_{key}"]),
                    "dataset": show(row.get(f"dataset_{key}", math.nan)),
                    "coverage": None if pd.isna(pct) else round(float(pct) / 100, 3),
                    "source": row["source"]})
    frame = pd.DataFrame(out, columns=list(COVERAGE_COLUMNS))
    frame.attrs["note"] = row["coverage_note"]
    centre = next((c for c in centres if c.id == centre_id), None)
    frame.attrs["freshness"] = freshness(places, centre, float(row["radius_m"]))
    return frame


def coverage_caveat(places: pd.DataFrame, hubs: pd.DataFrame, centres: Sequence[Centre],
                    centre_id: str, *, place_filter: PlaceFilter | None = None,
                    lang: str = "en") -> str:
    """Return one sentence saying how much of the published figures the dataset holds.

    For the hub centred on ``centre_id``: "Sample: 29 of 439 published firms within 1000 m
    (6.6 %) …" (firms, else institutions); without a hub or a published count, a sentence
    saying that there is nothing to compare with. Meant for reports, which travel without the
    app's explanations.
    """
    mine = hubs[hubs["centre_id"] == centre_id]
    if mine.empty:
        return i18n.text("ui16.caveat_no_hub", lang)
    row = compare_figures(places, mine, centres, place_filter=place_filter, lang=lang).iloc[0]
    for what in ("firms", "institutions"):
        published = row[f"published_{what}"]
        if pd.notna(published) and published > 0 and pd.notna(row.get(f"dataset_{what}")):
            pct = float(row[f"coverage_{what}_pct"])
            centre = next(c for c in centres if c.id == centre_id)
            age = freshness_line(freshness(places, centre, float(row["radius_m"])), lang,
                                 sample=False)
            return i18n.text(f"ui16.caveat_{what}", lang, n=int(row[f"dataset_{what}"]),
                             published=f"{published:,.0f}", radius=f"{row['radius_m']:,g}",
                             pct=f"{pct:.1f}") + i18n.text("ui16.sentence_gap", lang) + age
    return i18n.text("ui16.caveat_no_published", lang)


def coverage_sentence(note: str, lang: str = "en") -> str:
    """Return a coverage note (a clause on Compare: "thin: …") as the Overview's sentences.

    The clause starts a sentence (capitalised) and is followed by what a low coverage means
    (``overview.coverage_note``).

    Examples
    --------
    >>> coverage_sentence("thin: the dataset holds 5% of the published firms").split(".")[0]
    'Thin: the dataset holds 5% of the published firms'
    """
    note = note[:1].upper() + note[1:]
    return (note.rstrip(".。 ") + i18n.text("ui16.sentence_end", lang)
            + i18n.text("overview.coverage_note", lang))


def _share_text(value: Any) -> str:
    value = _cell(value)
    return value if value == "" else f"{float(value):.0%}"


def _md_value(value: Any) -> str:
    value = _cell(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("|", "/")


def _md_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_md_value(v) for v in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def dataset_counts(places: pd.DataFrame, centre: Centre, radius_m: float = 1000.0
                   ) -> pd.DataFrame:
    """Return the dataset's own counts: rows, and current rows within ``radius_m``, per kind.

    The last column counts current firms within the radius per sector (the figure the data
    issue tracks); a ``total`` row ends the table.
    """
    d = distances_m(places["lat"].to_numpy(), places["lon"].to_numpy(), centre.lat, centre.lon)
    current = places["status"].to_numpy() != "historic"
    near = current & (d <= radius_m)
    rows = []
    for kind in vocab.KINDS:
        is_kind = places["kind"].to_numpy() == kind
        rows.append({"kind": kind, "rows": int(is_kind.sum()),
                     f"current_within_{radius_m:g}_m": int((is_kind & near).sum())})
    frame = pd.DataFrame(rows)
    total = {"kind": "total", "rows": len(places),
             f"current_within_{radius_m:g}_m": int(near.sum())}
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def _sector_counts(places: pd.DataFrame, centre: Centre, radius_m: float) -> pd.DataFrame:
    d = distances_m(places["lat"].to_numpy(), places["lon"].to_numpy(), centre.lat, centre.lon)
    firms = places[(places["kind"] == "firm") & (places["status"] != "historic")
                   & (d <= radius_m)]
    counts = firms["sector"].value_counts()
    which = firms.groupby("sector")["id"].agg(lambda ids: ", ".join(f"`{i}`" for i in ids))
    return pd.DataFrame({"sector": list(vocab.SECTOR_IDS),
                         f"current_firms_within_{radius_m:g}_m":
                         [int(counts.get(s, 0)) for s in vocab.SECTOR_IDS],
                         "which": [which.get(s, "") for s in vocab.SECTOR_IDS]})


def coverage_markdown(places: pd.DataFrame, hubs: pd.DataFrame, centres: Sequence[Centre], *,
                      centre_id: str = "dongsheng-building") -> str:
    """Return the coverage section of ``geodata/README.md`` (markdown), made from the data."""
    places = apply_status_rule(places)
    figures = compare_figures(places, hubs, centres)
    cols = ["hub_id", "radius_m", "published_firms", "dataset_firms", "coverage_firms_pct",
            "published_ai_share", "dataset_ai_share", "published_institutions",
            "dataset_institutions", "coverage_status"]
    centre = next(c for c in centres if c.id == centre_id)
    parts = [
        "Generated by `origin-map coverage --markdown` from `places.csv`, `centres.csv` and "
        "`hubs.csv`; do not edit by hand (a test compares it with the data).",
        "", "### Published figures vs this dataset (within each hub's radius)", "",
        _md_table(figures[cols]),
        "", f"### Rows of places.csv, and current rows within 1000 m of `{centre_id}`", "",
        _md_table(dataset_counts(places, centre)),
        "", f"### Current firms within 1000 m of `{centre_id}`, by sector", "",
        _md_table(_sector_counts(places, centre, 1000.0)),
        "", f"### How old: status sources of the current firms within 1000 m of `{centre_id}`",
        "", _md_table(pd.DataFrame([vars(freshness(places, centre, 1000.0))])),
        "", "A sourced sample, not a census: dates are `status_checked`, the date of the source "
        "that puts a firm at its address (see \"Status rule\").",
    ]
    return "\n".join(parts) + "\n"
