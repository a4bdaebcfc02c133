"""Controlled vocabularies: sectors, kinds, position qualities, statuses, datums.

This module is the one place where these lists are defined; the dataset README, the loader, the
statistics and the app all read them from here. Their labels, in every language, are in the
language catalogue (:mod:`origin_map.i18n`): ``sector.<id>``, ``kind.<id>``, ``quality.<id>``,
``status.<id>``, ``datum.<id>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from origin_map import i18n


@dataclass(frozen=True)
class Sector:
    """A sector of the controlled vocabulary.

    Parameters
    ----------
    id
        Stable identifier used in data files and CSV exports (label: ``sector.<id>``).
    ai
        Whether places in this sector count as AI-related (for the AI share).
    colour
        Hex colour used on the map and in charts.
    """

    id: str
    ai: bool
    colour: str


SECTORS: tuple[Sector, ...] = (
    Sector("large_models", True, "#d62728"),
    Sector("chips", True, "#8c564b"),
    Sector("ai_infrastructure", True, "#ff7f0e"),
    Sector("ai_applications", True, "#e377c2"),
    Sector("embodied_ai", True, "#9467bd"),
    Sector("ai_hardware", True, "#bcbd22"),
    Sector("ai_research", True, "#1f77b4"),
    Sector("research", False, "#17becf"),
    Sector("platforms", False, "#2ca02c"),
    Sector("incubation", False, "#393b79"),
    Sector("other_tech", False, "#7f7f7f"),
    Sector("services", False, "#aec7e8"),
    Sector("public", False, "#8c6d31"),
    Sector("unknown", False, "#c7c7c7"),
)
SECTOR_BY_ID: dict[str, Sector] = {s.id: s for s in SECTORS}
SECTOR_IDS: tuple[str, ...] = tuple(s.id for s in SECTORS)
AI_SECTORS: frozenset[str] = frozenset(s.id for s in SECTORS if s.ai)
DEFAULT_SECTOR = "unknown"

KINDS: tuple[str, ...] = ("university", "institute", "firm", "incubator", "park", "landmark",
                          "other")
DEFAULT_KIND = "other"

POSITION_QUALITIES: tuple[str, ...] = ("surveyed", "poi", "estimated", "unknown")
"""Position qualities, best first (descriptions: ``quality.<id>.help`` in the catalogue)."""
DEFAULT_POSITION_QUALITY = "unknown"

STATUSES: tuple[str, ...] = ("current", "historic")
"""``historic``: a former tenant or earlier office; never counted as a current resident."""
DEFAULT_STATUS = "current"
CURRENT_FROM_YEAR = 2023
"""The status rule: a firm is ``current`` only when a source dated this year or later
(``status_checked``) puts it at its address; an older date makes it historic."""

DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")
"""WGS-84 (GPS, OpenStreetMap), GCJ-02 (AMap/Gaode, Tencent, WeChat), BD-09 (Baidu)."""


_DATUM_NAMES = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}


def datum_name(datum: str) -> str:
    """Return the datum's usual name (``WGS-84``, ``GCJ-02``, ``BD-09``); others pass through."""
    return _DATUM_NAMES.get(datum, datum)


def _label(group: str, value: str, lang: str) -> str:
    try:
        return i18n.text(f"{group}.{value}", lang)
    except i18n.MissingTextError:
        return value


def sector_label(sector_id: str, lang: str = "en") -> str:
    """Return the label of a sector in ``lang`` (``"en"`` or ``"zh"``); unknown ids pass through."""
    return _label("sector", sector_id, lang)


def kind_label(kind: str, lang: str = "en") -> str:
    """Return the label of a kind in ``lang``; unknown kinds pass through."""
    return _label("kind", kind, lang)


def quality_label(quality: str, lang: str = "en") -> str:
    """Return the label of a position quality in ``lang``; unknown values pass through."""
    return _label("quality", quality, lang)


def status_label(status: str, lang: str = "en") -> str:
    """Return the label of a status in ``lang``; unknown values pass through."""
    return _label("status", status, lang)


def datum_label(datum: str, lang: str = "en") -> str:
    """Return the label of a datum in ``lang``; unknown values pass through."""
    return _label("datum", datum, lang)


_VOCABS: dict[str, tuple[dict[str, str], str]] = {}


def vocab_lookup() -> dict[str, tuple[dict[str, str], str]]:
    """Map each controlled column to {accepted spelling: id} and its default.

    Labels in English and Chinese are accepted, in lower case (a value is looked up as it is,
    then lower-cased).
    """
    if not _VOCABS:
        def spellings(ids: tuple[str, ...], label: Callable[[str, str], str]
                      ) -> dict[str, str]:
            out = {i: i for i in ids}
            for lang in i18n.LANGS:
                out |= {label(i, lang).lower(): i for i in ids}
            return out

        sectors = spellings(SECTOR_IDS, sector_label)
        kinds = spellings(KINDS, kind_label)
        _VOCABS.update(
            sector=(sectors, DEFAULT_SECTOR),
            kind=(kinds, DEFAULT_KIND),
            status=({s: s for s in STATUSES}, DEFAULT_STATUS),
            position_quality=({q: q for q in POSITION_QUALITIES},
                              DEFAULT_POSITION_QUALITY),
        )
    return _VOCABS
