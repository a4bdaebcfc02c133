"""The result of geocoding one address (:class:`Match`) and the levels, finest first."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from origin_map.geocode.messages import message

__all__ = ["LEVELS", "NEW_LEVELS", "Match", "level_rank"]

LEVELS = ("building", "compound", "street_number", "street_number_interpolated", "name", "road",
          "district", "none")
"""Geocode levels from the finest to ``none`` (not placed). ``street_number_interpolated``: a
number placed along its road between two known numbers of the same side; ``name``: a row
placed by its name alone (a known building or a firm of the shipped places)."""
NEW_LEVELS = ("street_number_interpolated", "name")
"""Levels of the geocoder's second round (their labels are in the catalogue's ``geocode2``)."""


def level_rank(level: str) -> int:
    """Return the position of ``level`` in :data:`LEVELS` (0 = building)."""
    return LEVELS.index(level)


@dataclass(frozen=True)
class Match:
    """One geocoding result.

    Attributes
    ----------
    lat, lon
        WGS-84 degrees; NaN when not placed.
    level
        One of :data:`LEVELS`.
    score
        Confidence 0-1 (0 when not placed).
    source
        Where the position comes from (``gazetteer:buildings.csv``, ``amap`` …).
    matched
        What was matched, as written in the gazetteer or returned by the provider.
    reasons
        Message keys and arguments (see :mod:`.messages`): why not placed, or caveats.
    uncertainty_m
        How far the true position may be from the point, in metres, where the geocoder states
        it (an interpolated street number); NaN otherwise.
    """

    lat: float = math.nan
    lon: float = math.nan
    level: str = "none"
    score: float = 0.0
    source: str = ""
    matched: str = ""
    reasons: tuple[tuple[str, dict[str, object]], ...] = field(default_factory=tuple)
    uncertainty_m: float = math.nan

    @property
    def placed(self) -> bool:
        """Whether the result has a position."""
        return self.level != "none"

    def reason_text(self, lang: str = "en") -> str:
        """Return the reasons as one text in ``lang``."""
        return " ".join(message(k, lang, **kw) for k, kw in self.reasons)

    @staticmethod
    def none(key: str, source: str = "gazetteer", matched: str = "",
             **kwargs: object) -> Match:
        """Return an unplaced result with reason ``key``."""
        return Match(source=source, matched=matched, reasons=((key, kwargs),))
