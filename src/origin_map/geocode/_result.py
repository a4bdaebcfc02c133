"""The result of geocoding one address (:class:`Match`) and the levels, finest first."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from origin_map.geocode.messages import message

__all__ = ["LEVELS", "Match", "level_rank"]

LEVELS = ("building", "compound", "street_number", "road", "district", "none")
"""Geocode levels from the finest to ``none`` (not placed)."""


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
    """

    lat: float = math.nan
    lon: float = math.nan
    level: str = "none"
    score: float = 0.0
    source: str = ""
    matched: str = ""
    reasons: tuple[tuple[str, dict[str, object]], ...] = field(default_factory=tuple)

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
