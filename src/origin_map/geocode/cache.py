"""A persistent cache of online geocoding results (SQLite), keyed by provider and address.

Each result is committed as soon as it arrives, so an interrupted run keeps what it got and a
rerun asks only for the rest. Only results are stored (position, level, score, what matched,
the reason of an empty answer): never a key, never a request URL. Transient failures (timeouts,
HTTP 429) are not cached, so a rerun tries them again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from origin_map.geocode._result import Match

__all__ = ["GeocodeCache", "default_cache_path"]


def default_cache_path() -> Path:
    """Return ``<user cache dir>/origin-map/geocode.sqlite`` (e.g. ``~/.cache`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("origin-map", appauthor=False)) / "geocode.sqlite"


class GeocodeCache:
    """Results of online geocoders in an SQLite file.

    Parameters
    ----------
    path
        The database file (created with its folder when missing).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("CREATE TABLE IF NOT EXISTS geocode (provider TEXT NOT NULL, "
                         "address TEXT NOT NULL, result TEXT NOT NULL, stored REAL NOT NULL, "
                         "PRIMARY KEY (provider, address))")
        self._db.commit()

    def get(self, provider: str, address: str) -> Match | None:
        """Return the stored result for ``address`` (normalised) from ``provider``, if any."""
        row = self._db.execute("SELECT result FROM geocode WHERE provider = ? AND address = ?",
                               (provider, address)).fetchone()
        if row is None:
            return None
        d = json.loads(row[0])
        return Match(d["lat"] if d["lat"] is not None else float("nan"),
                     d["lon"] if d["lon"] is not None else float("nan"), d["level"], d["score"],
                     d["source"], d["matched"],
                     tuple((k, dict(v)) for k, v in d.get("reasons", [])))

    def put(self, provider: str, address: str, match: Match) -> None:
        """Store ``match`` for ``address`` from ``provider`` and commit at once."""
        d = {"lat": None if match.lat != match.lat else match.lat,
             "lon": None if match.lon != match.lon else match.lon, "level": match.level,
             "score": match.score, "source": match.source, "matched": match.matched,
             "reasons": [[k, v] for k, v in match.reasons]}
        self._db.execute("INSERT OR REPLACE INTO geocode VALUES (?, ?, ?, ?)",
                         (provider, address, json.dumps(d, ensure_ascii=False), time.time()))
        self._db.commit()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM geocode").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        self._db.close()
