"""One geocoding run: the geocoder, the cache, rows cut or failed, and the output columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from origin_map.geo.geometry import Centre, distances_m
from origin_map.geocode._result import LEVELS, Match, level_rank
from origin_map.geocode.messages import message
from origin_map.geocode.normalise import MAX_MATCH_CHARS, address_key, normalise_address

__all__ = ["FAR_KM", "UNREACHABLE_ROWS", "Run", "output_frame"]

FAR_KM = 50.0
"""Results farther than this from the centre are flagged."""

UNREACHABLE_ROWS = 3
"""After this many rows in a row could not reach the server (every retry without an answer),
the run asks no more: an unreachable server would otherwise cost each remaining row its
retries and back-off (about 8 s a row)."""


class Run:
    """State of one run: the geocoder, the cache, the rows cut, failures."""

    def __init__(self, online: object, cache_path: str | Path | None, gazetteer: object,
                 min_level: str) -> None:
        from origin_map.geocode.cache import GeocodeCache, default_cache_path

        self.online = online
        self.gaz = gazetteer
        self.cache = GeocodeCache(cache_path or default_cache_path()) if online else None
        self.min_rank = level_rank(min_level)
        self.memo: dict[tuple[str, str], Match] = {}
        self.by_key: dict[str, Match] = {}  # offline results that the name does not change
        self.cut_rows: set[int] = set()
        self.below: set[int] = set()
        self.from_cache = self.failed = 0
        self.stopped: Match | None = None  # the answer of every later row, once asking stops
        self.unreachable = 0  # rows in a row whose requests got no answer at all
        self.row = -1

    def one(self, address: str, name: str) -> Match:
        self.row += 1
        if len(address) > MAX_MATCH_CHARS:
            self.cut_rows.add(self.row)
            address = address[:MAX_MATCH_CHARS]
        found = self._offline(address, name) if self.cache is None else self._online(
            address, name)
        if found.placed and level_rank(found.level) > self.min_rank:
            self.below.add(self.row)
            return Match(source=found.source, matched=found.matched, reasons=(
                ("below_min_level", {"level": found.level, "min_level": LEVELS[self.min_rank]}),))
        return found

    def _offline(self, address: str, name: str) -> Match:
        """Return the gazetteer's match, once per address key (and name, where it counts).

        The rows of one building (floors and rooms aside) share a result that does not depend
        on the name (:func:`~._decide.name_free`); the others are remembered with their name.
        """
        from origin_map.geocode._decide import name_free

        key = address_key(address)
        found = self.by_key.get(key)
        if found is None:
            found = self.memo.get((key, name))
        if found is None:
            found = self.gaz.match_key(key, name or None)  # type: ignore[attr-defined]
            if name_free(found):
                self.by_key[key] = found
            else:
                self.memo[(key, name)] = found
        return found

    def _online(self, address: str, name: str) -> Match:
        key = (normalise_address(address), normalise_address(name))
        found = self.memo.get(key)
        if found is None:
            found = self._lookup(key[0], address)
            self.memo[key] = found
        return found

    def _lookup(self, norm: str, address: str) -> Match:
        from origin_map.geocode.providers import (
            Provider,
            ProviderError,
            ProviderRefused,
            ProviderUnavailable,
        )

        assert isinstance(self.online, Provider)
        if not norm:
            return Match.none("empty", source=self.online.name)
        assert self.cache is not None
        cached = self.cache.get(self.online.cache_id, norm)
        if cached is not None:
            self.from_cache += 1
            return cached
        if self.stopped is not None:
            self.failed += 1
            return self.stopped
        try:
            found = self.online.lookup(address)
        except ProviderError as exc:
            self.failed += 1
            self.unreachable = self.unreachable + 1 if isinstance(exc, ProviderUnavailable) else 0
            failed = Match.none("provider_error", source=self.online.name,
                                provider=self.online.label, error=str(exc))
            if isinstance(exc, ProviderRefused):  # no later row can succeed: ask no more
                self.stopped = failed
            elif self.unreachable >= UNREACHABLE_ROWS:
                self.stopped = Match.none("unreachable", source=self.online.name,
                                          provider=self.online.label, n=UNREACHABLE_ROWS,
                                          error=str(exc))
            return failed
        self.unreachable = 0
        self.cache.put(self.online.cache_id, norm, found)
        return found

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def output_frame(frame: pd.DataFrame, results: list[Match], centre: Centre, lang: str,
            cut_rows: set[int]) -> tuple[pd.DataFrame, int]:
    """Return ``frame`` with the result columns added, and the number of far results."""
    out = frame.reset_index(drop=True).copy()
    lat = np.array([m.lat for m in results], dtype=float)
    lon = np.array([m.lon for m in results], dtype=float)
    ok = ~np.isnan(lat)
    far = np.zeros(len(lat), dtype=bool)
    dist = np.full(len(lat), np.nan)
    if ok.any():
        dist[ok] = distances_m(lat[ok], lon[ok], centre.lat, centre.lon)
        far = ok & (dist > FAR_KM * 1000)
    reasons = []
    for i, m in enumerate(results):
        parts = [m.reason_text(lang)]
        if i in cut_rows:
            parts.append(message("cut", lang, n=MAX_MATCH_CHARS))
        if far[i]:
            parts.append(message("far", lang, km=dist[i] / 1000))
        reasons.append(" ".join(p for p in parts if p))
    out["lat"], out["lon"] = lat, lon
    out["geocode_level"] = [m.level for m in results]
    out["geocode_score"] = [m.score for m in results]
    out["geocode_source"] = [m.source for m in results]
    out["geocode_match"] = [m.matched for m in results]
    out["geocode_reason"] = reasons
    return out, int(far.sum())
