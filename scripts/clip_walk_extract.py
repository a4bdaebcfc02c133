"""Clip an OpenStreetMap extract to what a walking network needs, around a centre.

    .venv/bin/python scripts/clip_walk_extract.py SOURCE.osm geodata/walk_network.osm \
        --centre 39.992446,116.327708 --half-side-m 1600 --source "..."

Keeps, whole, every way that meets the new box (the source's ``<bounds>`` intersected with a
square of ``--half-side-m`` around the centre): the ways a walker may use (``highway`` values of
:data:`origin_map.geo.network.WALK_HIGHWAYS`, whatever their access tags: the rules are applied
when the network is built), walls and fences (``barrier`` values of ``WALL_BARRIERS``) and campus
outlines (``amenity=university|college``), with all their nodes and the nodes' tags (gates,
entrances, bollards). The new ``<bounds>`` is that box: the source is complete there, because
every way meeting it is in the source. Editing metadata (user, uid, changeset) is dropped; ids,
versions and timestamps are kept. The result is © OpenStreetMap contributors, ODbL 1.0.
"""

from __future__ import annotations

import argparse
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr

from shapely import LineString, Point, box

from origin_map.geo.network import CAMPUS_AMENITIES, WALK_HIGHWAYS, WALL_BARRIERS

_KEEP_ATTRS = ("id", "version", "timestamp")


def _wanted(tags: dict[str, str]) -> bool:
    return (tags.get("highway") in WALK_HIGHWAYS or tags.get("barrier") in WALL_BARRIERS
            or tags.get("amenity") in CAMPUS_AMENITIES)


def clip(source: Path, out: Path, lat: float, lon: float, half_m: float, note: str) -> None:
    """Write the clipped extract (module docstring)."""
    root = ET.parse(source).getroot()
    b = root.find("bounds")
    dlat = half_m / 111_320.0
    dlon = half_m / (111_320.0 * math.cos(math.radians(lat)))
    s, w, n, e = lat - dlat, lon - dlon, lat + dlat, lon + dlon
    if b is not None:
        s, w = max(s, float(b.get("minlat"))), max(w, float(b.get("minlon")))
        n, e = min(n, float(b.get("maxlat"))), min(e, float(b.get("maxlon")))
    area = box(w, s, e, n)
    nodes = {el.get("id"): el for el in root.iter("node")}
    ways = []
    for way in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in way.iter("tag")}
        refs = [nd.get("ref") for nd in way.iter("nd") if nd.get("ref") in nodes]
        if not _wanted(tags) or not refs:
            continue
        pts = [(float(nodes[r].get("lon")), float(nodes[r].get("lat"))) for r in refs]
        geom = LineString(pts) if len(pts) > 1 else Point(pts[0])
        if geom.intersects(area):
            ways.append(way)
    used = sorted({nd.get("ref") for way in ways for nd in way.iter("nd")} & nodes.keys(),
                  key=int)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<osm version="0.6" generator="origin-map scripts/clip_walk_extract.py" '
             'copyright="OpenStreetMap and contributors" '
             'attribution="http://www.openstreetmap.org/copyright" '
             'license="http://opendatacommons.org/licenses/odbl/1-0/">',
             f"<!-- {note} -->",
             f' <bounds minlat="{s:.7f}" minlon="{w:.7f}" maxlat="{n:.7f}" maxlon="{e:.7f}"/>']
    for nid in used:
        lines.extend(_element(nodes[nid], ("lat", "lon")))
    for way in sorted(ways, key=lambda el: int(el.get("id"))):
        lines.extend(_element(way, ()))
    lines.append("</osm>")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(used)} nodes, {len(ways)} ways, bounds {s:.5f},{w:.5f},"
          f"{n:.5f},{e:.5f}")


def _element(el: ET.Element, extra: tuple[str, ...]) -> list[str]:
    attrs = " ".join(f"{k}={quoteattr(el.get(k))}" for k in (*_KEEP_ATTRS, *extra)
                     if el.get(k) is not None)
    children = [f'  <nd ref="{nd.get("ref")}"/>' for nd in el.iter("nd")]
    children += [f"  <tag k={quoteattr(t.get('k'))} v={quoteattr(t.get('v'))}/>"
                 for t in el.iter("tag")]
    if not children:
        return [f" <{el.tag} {attrs}/>"]
    return [f" <{el.tag} {attrs}>", *children, f" </{el.tag}>"]


def main() -> None:
    """Parse the command line and clip."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("source", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--centre", default="39.992446,116.327708", help="LAT,LON (WGS-84)")
    p.add_argument("--half-side-m", type=float, default=1600.0)
    p.add_argument("--source", dest="note", default="", help="provenance written in a comment")
    a = p.parse_args()
    lat, lon = (float(v) for v in a.centre.split(","))
    clip(a.source, a.out, lat, lon, a.half_side_m, a.note.replace("--", "-"))


if __name__ == "__main__":
    main()
