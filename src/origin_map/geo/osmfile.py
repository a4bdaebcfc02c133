"""Read a local OpenStreetMap extract (``.osm`` XML, or ``.osm.pbf`` with pyosmium).

Only what a walking network needs is kept: every node's position, the tags of tagged nodes, every
way's tags and node list, and the extract's ``<bounds>`` (the box inside which the extract is
complete). Relations are not read (a campus mapped only as a multipolygon relation is not used as a
wall: said in :mod:`origin_map.geo.network`). Nothing is downloaded.

``.osm`` is parsed with the standard library (expat, which refuses entity expansion attacks in
Python ≥ 3.11 with expat ≥ 2.4); ``.osm.pbf`` (and ``.osm.bz2``/``.osm.gz``) need the optional
``osmium`` package (``pip install origin-map[osm]``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from origin_map.errors import InputLimitError, SettingsError

__all__ = ["MAX_OSM_MB", "OsmData", "read_osm"]

MAX_OSM_MB = 512
"""Extracts larger than this are refused (a city district is a few MB; clip a larger one first)."""


@dataclass
class OsmData:
    """The parts of an OpenStreetMap extract a walking network is built from.

    Attributes
    ----------
    nodes
        Node id -> (lon, lat), WGS-84 degrees.
    node_tags
        Node id -> tags, for tagged nodes only.
    ways
        (way id, tags, node ids) per way, in file order.
    bounds
        (min_lat, min_lon, max_lat, max_lon) of the extract's ``<bounds>``, or None when the file
        has none.
    source
        The file read (its name), for messages and attribution.
    """

    nodes: dict[int, tuple[float, float]] = field(default_factory=dict)
    node_tags: dict[int, dict[str, str]] = field(default_factory=dict)
    ways: list[tuple[int, dict[str, str], list[int]]] = field(default_factory=list)
    bounds: tuple[float, float, float, float] | None = None
    source: str = ""


def read_osm(path: str | Path, *, max_mb: float = MAX_OSM_MB) -> OsmData:
    """Read an OpenStreetMap extract from a local file.

    Parameters
    ----------
    path
        ``.osm`` (XML) file, or ``.osm.pbf``/``.pbf``/``.osm.bz2``/``.osm.gz`` (needs osmium).
    max_mb
        Refuse a file larger than this many MB.

    Raises
    ------
    SettingsError
        If the file is not an OSM extract, has no ways, or needs osmium and it is missing.
    InputLimitError
        If the file is over ``max_mb``.
    """
    p = Path(path)
    size_mb = p.stat().st_size / (1024 * 1024)
    if size_mb > max_mb:
        raise InputLimitError.of("validate.limit.file_too_big", name=p.name, mb=size_mb,
                                 limit_mb=max_mb)
    name = p.name.lower()
    if name.endswith((".pbf", ".osm.bz2", ".osm.gz")):
        data = _read_with_osmium(p)
    else:
        data = _read_xml(p)
    data.source = p.name
    if not data.ways:
        raise SettingsError(f"{p.name}: no OpenStreetMap ways found. Give an .osm or .osm.pbf "
                            "extract that holds the streets around the centre.")
    missing = sum(1 for _, _, refs in data.ways for r in refs if r not in data.nodes)
    if missing:
        _drop_missing_nodes(data)
    return data


def _read_xml(p: Path) -> OsmData:
    data = OsmData()
    way: tuple[int, dict[str, str], list[int]] | None = None
    tags: dict[str, str] = {}
    seen_root = False
    try:
        for event, el in ET.iterparse(p, events=("start", "end")):
            if event == "start":
                if not seen_root:
                    if el.tag != "osm":
                        raise SettingsError(f"{p.name}: not an OpenStreetMap XML file (root "
                                            f"element <{el.tag}>, expected <osm>).")
                    seen_root = True
                elif el.tag in ("node", "way", "relation"):
                    tags = {}
                    if el.tag == "way":
                        way = (int(el.get("id", "0")), tags, [])
                continue
            way = _xml_end(el, data, way, tags)
    except ET.ParseError as exc:
        raise SettingsError(f"{p.name}: not a readable OpenStreetMap XML file ({exc}). Save the "
                            "extract as .osm (XML) or .osm.pbf.") from None
    return data


def _xml_end(el: Any, data: OsmData, way: tuple[int, dict[str, str], list[int]] | None,
             tags: dict[str, str]) -> tuple[int, dict[str, str], list[int]] | None:
    """Handle the end of one XML element; return the way being read (None once it ended)."""
    tag = el.tag
    if tag == "tag":
        tags[el.get("k", "")] = el.get("v", "")
    elif tag == "nd" and way is not None:
        way[2].append(int(el.get("ref", "0")))
    elif tag == "node":
        nid = int(el.get("id", "0"))
        try:
            data.nodes[nid] = (float(el.get("lon")), float(el.get("lat")))
        except (TypeError, ValueError):
            pass  # a deleted or position-less node: nothing to place
        if tags:
            data.node_tags[nid] = dict(tags)
        el.clear()
    elif tag == "way":
        if way is not None:
            data.ways.append(way)
        el.clear()
        return None
    elif tag == "relation":
        el.clear()
    elif tag == "bounds":
        data.bounds = (float(el.get("minlat")), float(el.get("minlon")),
                       float(el.get("maxlat")), float(el.get("maxlon")))
    return way


def _read_with_osmium(p: Path) -> OsmData:
    try:
        import osmium
    except ImportError:
        raise SettingsError(f"{p.name}: reading .osm.pbf needs the osmium package: pip install "
                            "'origin-map[osm]' (or save the extract as .osm XML).") from None
    data = OsmData()

    class _Handler(osmium.SimpleHandler):
        def node(self, n: Any) -> None:
            if n.location.valid():
                data.nodes[n.id] = (n.location.lon, n.location.lat)
            if len(n.tags):
                data.node_tags[n.id] = {t.k: t.v for t in n.tags}

        def way(self, w: Any) -> None:
            data.ways.append((w.id, {t.k: t.v for t in w.tags}, [r.ref for r in w.nodes]))

    try:
        _Handler().apply_file(str(p))
        header = osmium.io.Reader(str(p), osmium.osm.osm_entity_bits.NOTHING)
        box = header.header().box()
        header.close()
    except RuntimeError as exc:
        raise SettingsError(f"{p.name}: not a readable OpenStreetMap extract ({exc}).") from None
    if box.valid():
        data.bounds = (box.bottom_left.lat, box.bottom_left.lon, box.top_right.lat,
                       box.top_right.lon)
    return data


def _drop_missing_nodes(data: OsmData) -> None:
    """Split each way where the file lacks a node (a clipped extract may cut ways at its edge).

    The pieces keep the way's id and tags; no segment joins two nodes that were not adjacent.
    """
    ways: list[tuple[int, dict[str, str], list[int]]] = []
    for wid, tags, refs in data.ways:
        run: list[int] = []
        for r in [*refs, None]:
            if r is not None and r in data.nodes:
                run.append(r)
                continue
            if len(run) >= 2:
                ways.append((wid, tags, run))
            run = []
    data.ways = ways
