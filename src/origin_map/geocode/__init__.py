"""Geocoding: turn a list of names and addresses into places (WGS-84 points with a level).

The offline :class:`Gazetteer` (default) knows the buildings, compounds and places of the
shipped data; online providers (Nominatim, AMap, Baidu, Tencent) are used only when asked.
"""

from __future__ import annotations

from ._result import LEVELS, Match
from .gazetteer import Gazetteer
from .messages import message
from .normalise import ParsedAddress, normalise_address, parse_address
from .table import (
    ADDRESS_ALIASES,
    OUTPUT_COLUMNS,
    GeocodeResult,
    GeocodeSummary,
    geocode_table,
    shipped_gazetteer,
    to_places_frame,
    unplaced_rows,
)

__all__ = [
    "ADDRESS_ALIASES",
    "LEVELS",
    "OUTPUT_COLUMNS",
    "Gazetteer",
    "GeocodeResult",
    "GeocodeSummary",
    "Match",
    "ParsedAddress",
    "geocode_table",
    "message",
    "normalise_address",
    "parse_address",
    "shipped_gazetteer",
    "to_places_frame",
    "unplaced_rows",
]
