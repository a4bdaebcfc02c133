"""A street number placed along its road between two known numbers of the same side.

Chinese street numbers run odd on one side of a road and even on the other. A number that the
gazetteer does not know (成府路31号) lies between the nearest known numbers below and above it on
its side (29 and 35): it is placed on the straight line between their points, at the fraction
its number gives (31 is a third of the way from 29 to 35), with level
``street_number_interpolated`` and a stated uncertainty: the distance to the farther of the two
known points (the building may stand anywhere between them). Never a building match; never
beyond the known numbers (no extrapolation); not when the two known points are more than
:data:`MAX_GAP_M` apart or their numbers more than :data:`MAX_NUMBER_SPAN` apart (numbers are
not spaced evenly: 中关村东路 8 and 18 are 630 m apart, 18 and 66 only 440 m).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from origin_map.geocode._features import NUMBER_REACH_M, centroid, distance_m, reach_m
from origin_map.geocode._result import Match

if TYPE_CHECKING:
    from origin_map.geocode.gazetteer import Gazetteer

__all__ = ["MAX_GAP_M", "MAX_NUMBER_SPAN", "SCORE", "interpolate", "number_anchors"]

MAX_GAP_M = 400.0
"""Two known numbers farther apart than this are not interpolated between: the uncertainty
would pass 200 m wherever the number is placed."""
MAX_NUMBER_SPAN = 30
"""Two known numbers more than this apart (29 and 61) are not interpolated between."""
SCORE = 0.4
"""Score of an interpolated number: below a known street number (0.55–0.7)."""


def number_anchors(gaz: Gazetteer, road: str) -> dict[int, tuple[float, float]]:
    """Return the known whole numbers of ``road`` and their points (cached on ``gaz``).

    A number's point is the mean of its known buildings when each is within
    :data:`~._features.NUMBER_REACH_M` of it (as for a ``street_number`` match); ranges
    (``27-29``), 甲/乙 numbers and campus points are not anchors.
    """
    cache: dict[str, dict[int, tuple[float, float]]] = gaz.__dict__.setdefault(
        "_anchors", {})
    if road not in cache:
        out: dict[int, tuple[float, float]] = {}
        for (r, num), feats in gaz.by_number.items():
            if r == road and num.isdigit() and feats and reach_m(feats) <= NUMBER_REACH_M:
                out[int(num)] = centroid(feats)
        cache[road] = out
    return cache[road]


def interpolate(gaz: Gazetteer, road: str, number: str) -> Match | None:
    """Return ``road`` ``number`` placed between its known neighbours, or a refusal.

    Returns None when the number is not a whole number (a range, ``27-29``); an unplaced
    :class:`Match` with the reason when it cannot be interpolated.
    """
    if not number.isdigit():
        return None
    n = int(number)
    side = {k: v for k, v in number_anchors(gaz, road).items() if k % 2 == n % 2}
    lower = max((k for k in side if k < n), default=None)
    upper = min((k for k in side if k > n), default=None)
    if lower is None or upper is None:
        known = ", ".join(str(k) for k in sorted(side)) or "–"
        return Match.none("number_outside", road=road, number=number, known=known)
    a, b = side[lower], side[upper]
    gap = distance_m(a, b)
    if gap > MAX_GAP_M or upper - lower > MAX_NUMBER_SPAN:
        return Match.none("number_gap", road=road, number=number, low=lower, high=upper,
                          gap=gap)
    f = (n - lower) / (upper - lower)
    lat, lon = (round(a[i] + f * (b[i] - a[i]), 7) for i in (0, 1))
    uncertainty = round(max(f, 1 - f) * gap / 10) * 10
    return Match(lat, lon, "street_number_interpolated", SCORE, "gazetteer:buildings.csv",
                 f"{road}{n}号 ≈ {road}{lower}号 → {upper}号 ({f:.0%})",
                 (("interpolated", {"road": road, "number": n, "low": lower, "high": upper,
                                    "gap": gap, "uncertainty": uncertainty}),),
                 uncertainty_m=float(uncertainty))
