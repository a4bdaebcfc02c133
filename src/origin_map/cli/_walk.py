"""``origin-map walk``: walking times on an OpenStreetMap network, isochrones, a band table."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from origin_map.cli._inputs import memory_places, place_filter, write_csv
from origin_map.cli._options import EXIT_DATA, EXIT_OK, add_data_options, add_filter_options

if TYPE_CHECKING:
    from origin_map.measure.walk import WalkResult

__all__ = ["add_walk_parser"]

EPILOG = """\
examples:
  origin-map walk -o walk.csv                       # shipped 2017 extract, 5/10/15 minutes
  origin-map walk --osm beijing.osm.pbf --minutes 5,10,15,20 --speed-kmh 4.5 -o walk.csv
  origin-map walk --isochrones walk.geojson --places-out places_walk.csv

The table has the ring table's columns with walking-time bands instead of metre rings:
  centre_id, band_inner_min, band_outer_min (a band holds walking times in (inner, outer]),
  sector, count, share, area_km2 (of the band's isochrone ring), density_per_km2,
  cumulative_count. A place's walk: a straight walk (at most --reach-m, never through a wall) to
  the nearest point of a way, then the network. Walls and fences, and campus outlines (unless
  --no-campus-walls), are crossed only at an entrance. Places where the extract has no map have
  the status outside_network (never 'not reachable') and are in no band; stderr says what share
  of the 1.5 km disc the network covers.
"""


def add_walk_parser(sub: Any) -> None:
    """Register ``walk`` on the sub-parsers of ``origin-map``."""
    p = sub.add_parser(
        "walk", help="walking-time table and isochrones on an OpenStreetMap network",
        description="Measure walking times from the centre along the ways of a local "
                    "OpenStreetMap extract (no download); write the density table by walking "
                    "time, and optionally the isochrones and each place's walk.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--osm", type=Path, metavar="EXTRACT",
                   help="OpenStreetMap extract: .osm (XML) or .osm.pbf (needs origin-map[osm]); "
                        "default: the shipped 2017 extract geodata/walk_network.osm")
    p.add_argument("--minutes", default="5,10,15", metavar="M,M,...",
                   help="walking-time band limits in minutes (default 5,10,15)")
    p.add_argument("--speed-kmh", type=float, default=4.8, metavar="KMH",
                   help="walking speed in km/h (default 4.8 = 80 m a minute)")
    p.add_argument("--reach-m", type=float, default=100.0, metavar="M",
                   help="longest straight walk between a place and a way (default 100)")
    p.add_argument("--no-campus-walls", action="store_true",
                   help="do not treat university/college outlines as walls (barrier=wall and "
                        "fence ways still are)")
    p.add_argument("--data", metavar="FILE",
                   help="places file (CSV, XLSX, GeoJSON, GPKG); default: the shipped data")
    add_data_options(p)
    p.add_argument("--centre", "--center", metavar="ID|LAT,LON",
                   help="a centre id from geodata/centres.csv or 'LAT,LON' (WGS-84); "
                        "default: dongsheng-building")
    add_filter_options(p)
    p.add_argument("--output", "-o", type=Path, metavar="FILE.csv",
                   help="write the band table here instead of standard output")
    p.add_argument("--isochrones", type=Path, metavar="FILE.geojson",
                   help="write the isochrone polygons and the covered area (WGS-84 GeoJSON)")
    p.add_argument("--places-out", type=Path, metavar="FILE.csv",
                   help="write every place with its walk (walk_m, walk_min, walk_status, ...)")
    p.set_defaults(run=_cmd_walk)


def _cmd_walk(args: argparse.Namespace) -> int:
    from origin_map.geo.network import build_walk_network
    from origin_map.measure.walk import parse_minutes, walk_analysis
    from origin_map.places.datasets import geodata_dir, resolve_centre

    centre = resolve_centre(args.centre)
    minutes = parse_minutes(args.minutes)  # a bad value fails before the extract is read
    flt = place_filter(args)
    places = memory_places(args, centre)
    if places is None:
        return EXIT_DATA
    osm = args.osm or geodata_dir() / "walk_network.osm"
    net = build_walk_network(osm, centre, campus_walls=not args.no_campus_walls)
    result = walk_analysis(places, net, minutes=minutes, speed_kmh=args.speed_kmh,
                           place_filter=flt, reach_m=args.reach_m)
    _print_notes(net, result, flt.mask(places))
    write_csv(result.table, args.output)
    if args.isochrones:
        args.isochrones.write_text(isochrones_geojson(result, net.source), encoding="utf-8")
        print(f"wrote {len(result.isochrones)} isochrones and the covered area to "
              f"{args.isochrones}", file=sys.stderr)
    if args.places_out:
        write_csv(_place_columns(result), args.places_out, "place")
    return EXIT_OK


def _print_notes(net: Any, result: WalkResult, counted: Any) -> None:
    """Print the network summary and the coverage note on stderr (English catalogue texts).

    The note counts the places the filter keeps that lie within the coverage disc.
    """
    from origin_map.i18n import text

    s, cov = net.stats, result.coverage
    near = counted & (result.places["crow_m"] <= cov.radius_m).to_numpy()
    status = result.places["walk_status"][near]
    print("origin-map: " + text(
        "walk.network_summary", "en", ways=int(s["walkable_ways"]), km=s["km"],
        source=net.source, walls=int(s["walls"]), cut=int(s["wall_crossings_cut"]),
        gates=int(s["wall_crossings_at_gates"]), blocked=int(s["nodes_blocked"])),
        file=sys.stderr)
    print("origin-map: note: " + text(
        "walk.coverage_note", "en", share=cov.share, radius_km=cov.radius_m / 1000,
        bounds_share=cov.bounds_share, near=int(near.sum()),
        outside=int((status == "outside_network").sum()),
        unconnected=int((status == "not_connected").sum()),
        outside_label="outside_network", unconnected_label="not_connected"),  # the CSV's ids
        file=sys.stderr)


def isochrones_geojson(result: WalkResult, source: str) -> str:
    """Return the isochrones and the covered area as one GeoJSON FeatureCollection (WGS-84)."""
    from shapely.geometry import mapping

    licence = "© OpenStreetMap contributors, ODbL 1.0"
    features = [{"type": "Feature", "geometry": mapping(r.geometry),
                 "properties": {"layer": "isochrone", "minutes": float(r.minutes),
                                "walk_m": float(r.walk_m), "speed_kmh": float(r.speed_kmh),
                                "area_km2": float(r.area_km2), "source": source,
                                "licence": licence}}
                for r in result.isochrones.itertuples()]
    cov = result.coverage
    features.append({"type": "Feature", "geometry": mapping(cov.area),
                     "properties": {"layer": "covered_area", "radius_m": cov.radius_m,
                                    "reach_m": cov.reach_m, "share": cov.share,
                                    "covered_km2": cov.covered_km2, "source": source,
                                    "licence": licence}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _place_columns(result: WalkResult) -> Any:
    """Return the places with their walk: identity columns first, then the walk's."""
    p = result.places.assign(centre_id=result.centre.id)
    first = [c for c in ("id", "name_zh", "name_en", "kind", "sector", "status", "lat", "lon")
             if c in p.columns]
    return p[[*first, "centre_id", "crow_m", "walk_m", "walk_min", "access_m", "walk_status",
              "band_outer_min"]]
