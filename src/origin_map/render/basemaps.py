"""Background tile layers the map can use (data only; labels are in the language catalogue).

Tiles come from the internet; the map stays usable without them (the ``none`` basemap), because
everything else it needs is served by the app itself. Gaode/AMap tiles are drawn in GCJ-02, so
points and rings are shifted to GCJ-02 for display on them (never for counting).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASEMAPS", "Basemap"]


@dataclass(frozen=True)
class Basemap:
    """A background tile layer; ``gcj02`` tiles need points shifted to GCJ-02 for display.

    Its label is the catalogue text ``basemap.<id>``.
    """

    id: str
    url: str | None
    attribution: str
    gcj02: bool = False
    subdomains: str = "abc"


BASEMAPS: dict[str, Basemap] = {b.id: b for b in (
    Basemap("osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
            "contributors"),
    Basemap("positron", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            "&copy; OpenStreetMap contributors &copy; CARTO", subdomains="abcd"),
    Basemap("gaode", "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
            "&style=8&x={x}&y={y}&z={z}", "&copy; 高德地图 AutoNavi", gcj02=True,
            subdomains="1234"),
    Basemap("none", None, ""),
)}
