"""Background tile layers the map can use (data only; labels are in the language catalogue).

Tiles come from the internet; the map stays usable without them (the ``none`` basemap), because
everything else it needs is served by the app itself. The URL, attribution, subdomains and
maximum zoom of a provider that xyzservices knows (OpenStreetMap, CARTO) are xyzservices' own
(the leaflet-providers catalogue, kept up to date there); Gaode/AMap, which it does not list, is
described here. Gaode tiles are drawn in GCJ-02, so points and rings are shifted to GCJ-02 for
display on them (never for counting).

CARTO has asked for a key since August 2026 (xyzservices 2026.9 says so): set
``ORIGIN_MAP_CARTO_KEY`` to send one; without it the ``positron`` tiles are stamped "API key
required". The key is part of the tile URL, so the browser sees it (as CARTO's basemap keys
intend). Without a key ``positron`` is not offered in the app's basemap choice
(:func:`offered_basemaps`); a link asking for it says which key is missing.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import cached_property

__all__ = ["BASEMAPS", "CARTO_KEY_ENV", "Basemap", "Tiles", "missing_key", "offered_basemaps",
           "xyz_tiles"]

CARTO_KEY_ENV = "ORIGIN_MAP_CARTO_KEY"
"""Environment variable holding a CARTO basemaps key (sent with the ``positron`` tiles)."""


@dataclass(frozen=True)
class Tiles:
    """A tile source: URL template, HTML attribution, subdomains (``{s}``) and maximum zoom."""

    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 19


def xyz_tiles(name: str, **fields: str) -> Tiles:
    """Return the tiles of xyzservices' provider ``name`` (e.g. ``"OpenStreetMap.Mapnik"``).

    ``fields`` fill the provider's placeholders (e.g. ``apikey``). The scale placeholder
    ``{r}`` and the subdomain ``{s}`` are kept for Leaflet to fill.
    """
    from xyzservices import providers

    tiles = providers.query_name(name)
    with warnings.catch_warnings():  # CARTO without a key: see the module's docstring
        warnings.simplefilter("ignore", UserWarning)
        url = tiles.build_url(scale_factor="{r}", fill_subdomain=False, **fields)
    return Tiles(url, tiles.html_attribution, str(tiles.get("subdomains", "abc")),
                 int(tiles.get("max_zoom", 19)))


def _carto_fields() -> dict[str, str]:
    key = os.environ.get(CARTO_KEY_ENV, "").strip()
    return {"apikey": key} if key else {}


@dataclass(frozen=True)
class Basemap:
    """A background tile layer; ``gcj02`` tiles need points shifted to GCJ-02 for display.

    ``source`` is a name in xyzservices' catalogue (read when the tiles are first needed, so
    that reading the settings does not import it), the :class:`Tiles` themselves, or ``None``
    (no tiles). Its label is the catalogue text ``basemap.<id>``. ``key_env`` names the
    environment variable that must hold the provider's key for its tiles to draw: without one
    the basemap is not offered.
    """

    id: str
    source: str | Tiles | None
    gcj02: bool = False
    key_env: str | None = None

    @property
    def offered(self) -> bool:
        """Whether the app offers this basemap (its key, if it needs one, is set)."""
        return not self.key_env or bool(os.environ.get(self.key_env, "").strip())

    @cached_property
    def tiles(self) -> Tiles | None:
        """The tile source, or ``None`` for a map without tiles."""
        if isinstance(self.source, str):
            fields = _carto_fields() if self.source.startswith("CartoDB.") else {}
            return xyz_tiles(self.source, **fields)
        return self.source

    @property
    def url(self) -> str | None:
        """The URL template of the tiles (``None``: no tiles)."""
        return self.tiles.url if self.tiles else None

    @property
    def attribution(self) -> str:
        """The tiles' attribution (HTML)."""
        return self.tiles.attribution if self.tiles else ""

    @property
    def subdomains(self) -> str:
        """The letters or digits that fill ``{s}`` in :attr:`url`."""
        return self.tiles.subdomains if self.tiles else "abc"

    @property
    def max_zoom(self) -> int:
        """The deepest zoom the server draws (Leaflet enlarges its tiles beyond it)."""
        return self.tiles.max_zoom if self.tiles else 19


GAODE = Tiles("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
              "&style=8&x={x}&y={y}&z={z}", "&copy; 高德地图 AutoNavi", subdomains="1234")
"""AMap's road map tiles (GCJ-02); xyzservices does not list them."""

BASEMAPS: dict[str, Basemap] = {b.id: b for b in (
    Basemap("osm", "OpenStreetMap.Mapnik"),
    Basemap("positron", "CartoDB.Positron", key_env=CARTO_KEY_ENV),
    Basemap("gaode", GAODE, gcj02=True),
    Basemap("none", None),
)}


def offered_basemaps() -> tuple[str, ...]:
    """Return the ids of the basemaps to offer: all but those whose key is not set."""
    return tuple(k for k, b in BASEMAPS.items() if b.offered)


def missing_key(basemap: str) -> str | None:
    """Return the environment variable a known basemap lacks to be offered, or None."""
    base = BASEMAPS.get(basemap)
    return base.key_env if base is not None and not base.offered else None
