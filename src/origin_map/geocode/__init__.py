"""Geocoding: turn a list of names and addresses into places (WGS-84 points with a level).

The offline :class:`Gazetteer` (default) knows the buildings, compounds and places of the
shipped data; online providers (Nominatim, AMap, Baidu, Tencent) are used only when asked.
:mod:`.merge` merges such a list with the shipped places (same normalised name and building).
"""

from __future__ import annotations

from origin_map.errors import GeocodingError
from origin_map.geocode._provider import (
    ProviderError,
    ProviderRateLimited,
    ProviderRefused,
    ProviderTransientError,
    ProviderUnavailable,
)
from origin_map.geocode._result import LEVELS, Match
from origin_map.geocode.gazetteer import Gazetteer
from origin_map.geocode.messages import message
from origin_map.geocode.normalise import ParsedAddress, normalise_address, parse_address
from origin_map.geocode.table import (
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
    "GeocodingError",
    "Match",
    "ParsedAddress",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderRefused",
    "ProviderTransientError",
    "ProviderUnavailable",
    "geocode_table",
    "message",
    "normalise_address",
    "parse_address",
    "shipped_gazetteer",
    "to_places_frame",
    "unplaced_rows",
]
