"""Known points of the gazetteer (:class:`Feature`, :class:`Compound`) and their distances.

Shared by :mod:`.gazetteer` (which builds them) and :mod:`._decide` (which matches against
them), so that neither imports the other at load time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["AGREE_M", "NUMBER_REACH_M", "Compound", "Feature", "centroid", "distance_m",
           "reach_m", "spread_m"]

AGREE_M = 150.0
"""Known points closer than this to each other count as one place (a compound or a building
name shared by several rows)."""

NUMBER_REACH_M = 200.0
"""A street number is placed at the mean of its known buildings when every one of them lies
within this distance of the mean (成府路35号: 华清嘉园 block 7 and 东源大厦, 247 m apart, are each
124 m from their mean); farther apart, the number is ambiguous and not placed."""


@dataclass(frozen=True)
class Feature:
    """A known point: a building, a compound point or a campus representative point."""

    fid: str
    name: str
    kind: str  # "building", "compound" or "campus"
    lat: float
    lon: float
    source: str
    road: str = ""
    numbers: tuple[str, ...] = ()
    compound: str = ""
    building_no: str = ""


@dataclass
class Compound:
    """A named compound (院, park, campus) and what is known of it."""

    name: str
    point: Feature | None = None
    buildings: list[Feature] = field(default_factory=list)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the distance in metres between two (lat, lon) points (equirectangular, < 1 km)."""
    k = math.pi / 180.0
    x = (b[1] - a[1]) * k * math.cos((a[0] + b[0]) * k / 2)
    return 6_371_008.8 * math.hypot(x, (b[0] - a[0]) * k)


def spread_m(features: Iterable[Feature]) -> float:
    """Return the largest distance between two of ``features`` (0 for one)."""
    pts = [(f.lat, f.lon) for f in features]
    return max((distance_m(a, b) for i, a in enumerate(pts) for b in pts[i + 1:]), default=0.0)


def reach_m(features: list[Feature]) -> float:
    """Return the largest distance from the mean of ``features`` to one of them."""
    mean = centroid(features)
    return max(distance_m(mean, (f.lat, f.lon)) for f in features)


def centroid(features: list[Feature]) -> tuple[float, float]:
    """Return the mean (lat, lon) of ``features``."""
    return (sum(f.lat for f in features) / len(features),
            sum(f.lon for f in features) / len(features))
