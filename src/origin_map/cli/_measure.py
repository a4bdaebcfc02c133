"""``origin-map stats``, ``report`` and ``validate``: density tables, the A4 report, checks."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from origin_map.cli._inputs import (
    area_for,
    memory_places,
    outlines_for,
    print_problems,
    read_input,
    rings_and_filter,
    write_csv,
)
from origin_map.cli._leanstats import lean_stats
from origin_map.cli._options import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_USAGE,
    add_area_options,
    add_data_options,
    add_measure_options,
    add_setting_option,
    lang_choices,
)

if TYPE_CHECKING:
    import pandas as pd

    from origin_map.geo.geometry import Centre, Rings
    from origin_map.measure.stats import PlaceFilter

__all__ = ["EPILOG", "add_measure_parsers"]

EPILOG = """\
examples:
  origin-map stats                                  # shipped data, Dongsheng Building, 1 km
  origin-map stats --rings 500,1000,2000 --output density.csv
  origin-map stats --sector large_models --sector ai_infrastructure --kind firm
  origin-map stats --data firms.csv --datum gcj02 --centre 39.9925,116.3277
  origin-map stats --h3 9 --radius-m 2000           # H3 hexagon table instead
  origin-map stats --data places/ --engine dask      # partitioned GeoParquet on a dask cluster
  origin-map stats --data s3://b/places/ --engine dask --scheduler tcp://host:8786
  origin-map validate firms.csv --datum bd09
  origin-map geocode firms.csv -o firms_geocoded.csv  # add lat/lon from addresses (offline)
  origin-map stats --area block.geojson             # places inside a boundary, per sector
  origin-map stats --by-outline                     # campuses count when their outline is near
  origin-map report -o report.pdf --rings 500,2000 --lang zh   # one A4 page: map and tables
  origin-map report -o map.png --area block.geojson --size-px 1600x1200
  origin-map compare --figures hubs-figures.csv   # hubs of geodata/hubs.csv side by side
  origin-map cluster --radius-m 1000 --seed 0      # Clark-Evans, Ripley's L, distance decay
  origin-map app --port 8501                        # the Streamlit app on http://127.0.0.1:8501

The density table has one row per ring x sector plus one 'all' row per ring:
  centre_id, ring_inner_m, ring_outer_m, sector, count, share (of the ring's places, 0-1),
  area_km2 (of the ring), density_per_km2, cumulative_count (within ring_outer_m).
Distances are geodesic metres on the WGS-84 ellipsoid; a place exactly on a radius is inside.
CSV output is UTF-8 with BOM; text cells that could run as spreadsheet formulas start with '.
"""


def add_measure_parsers(sub: Any) -> None:
    """Register ``stats``, ``report`` and ``validate`` on the sub-parsers of ``origin-map``."""
    _add_stats_parser(sub)
    _add_report_parser(sub)
    val = sub.add_parser("validate", help="check a places file and list every problem",
                         description="Check a places file; print every problem with its row, "
                                     "field and fix (exit 1), or a one-line summary (exit 0).")
    val.add_argument("file", type=Path, metavar="FILE")
    add_data_options(val)
    val.set_defaults(run=_cmd_validate)


def _add_stats_parser(sub: Any) -> None:
    stats = sub.add_parser(
        "stats", help="write the density table (or the H3 table) as CSV",
        description="Write the density table for a centre, rings and a filter as CSV.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_measure_options(stats)
    add_setting_option(stats, "h3res", "write the H3 hexagon table at this resolution "
                       "({bounds}) instead; places within the largest ring count",
                       metavar="RES", default=None, dest="h3")
    stats.add_argument("--output", "-o", type=Path, metavar="FILE.csv",
                       help="write here instead of standard output")
    stats.add_argument("--engine", choices=["memory", "dask"], default="memory",
                       help="memory (default): compute in this process; dask: on a dask "
                            "cluster with dask-geopandas (same tables, for tens of millions of "
                            "places; needs origin-map[dask])")
    stats.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --engine dask: a running dask scheduler, e.g. "
                            "tcp://host:8786 (the data must be readable by its workers at the "
                            "same path or URL); default: a LocalCluster on this machine")
    add_area_options(stats)
    stats.set_defaults(run=_cmd_stats, check=_check_stats)


def _add_report_parser(sub: Any) -> None:
    report = sub.add_parser(
        "report", help="write a one-page A4 PDF report (or a PNG map)",
        description="Write a one-page A4 PDF (map, headline figures, density table, sources, "
                    "date) or, with -o FILE.png, the map alone.")
    add_measure_options(report)
    add_area_options(report)
    report.add_argument("--output", "-o", type=Path, default=Path("report.pdf"),
                        metavar="FILE.pdf|FILE.png", help="where to write (default report.pdf)")
    report.add_argument("--lang", choices=lang_choices(), default="en",
                        help="language of the labels (zh needs fonts-noto-cjk)")
    report.add_argument("--title", help="title of the PDF (default: Origin Map — the centre)")
    report.add_argument("--size-px", default="1200x1200", metavar="WxH",
                        help="size of a PNG map in pixels (default 1200x1200)")
    report.set_defaults(run=_cmd_report, check=_check_report)


def _check_stats(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    if (args.area or args.by_outline) and (args.engine != "memory" or args.h3 is not None):
        parser.error("--area and --by-outline make the density table with --engine memory "
                     "(not with --h3 or --engine dask)")


def _check_report(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not re.fullmatch(r"\d{3,4}(x\d{3,4})?", args.size_px.lower()):
        parser.error(f"--size-px {args.size_px!r}: give WIDTHxHEIGHT in pixels, e.g. 1200x900")


def _cmd_validate(args: argparse.Namespace) -> int:
    from origin_map.places.datasets import resolve_centre

    result = read_input(args, resolve_centre(None))
    if result.n_errors:
        print_problems(result.problems, sys.stdout, ("error", "warning"))
        print(f"{result.n_errors} problem(s); {len(result.places)} of "
              f"{len(result.places) + len(result.rejected)} rows valid.", file=sys.stderr)
        return EXIT_DATA
    print_problems(result.problems, sys.stderr, ("warning",))
    print(result.summary())
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from origin_map.places.datasets import resolve_centre
    from origin_map.render.report import build_report_pdf, render_map_png

    centre = resolve_centre(args.centre)
    radii, flt = rings_and_filter(args)
    suffix = args.output.suffix.lower()
    if suffix not in (".pdf", ".png"):
        print("origin-map: error: -o must name a .pdf or a .png file", file=sys.stderr)
        return EXIT_USAGE
    places = memory_places(args, centre)
    if places is None:
        return EXIT_DATA
    area = area_for(args, centre) if args.area else None
    outlines = outlines_for(args, places)
    if suffix == ".png":
        size = tuple(int(v) for v in args.size_px.lower().split("x"))
        data = render_map_png(places.loc[flt.mask(places)], centre=centre,
                              radii_m=None if area else radii, area=area, outlines=outlines,
                              lang=args.lang, size_px=(size[0], size[-1]))
    else:
        data = build_report_pdf(places, centre=centre, radii_m=radii, area=area,
                                place_filter=flt, lang=args.lang, title=args.title,
                                outlines=outlines, by_outline=args.by_outline,
                                radius_m=args.radius_m,
                                data_kind=_data_kind(args, places),
                                data_name=Path(args.data).name if args.data else "")
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data) / 1024:,.0f} KB)", file=sys.stderr)
    return EXIT_OK


def _data_kind(args: argparse.Namespace, places: Any) -> str:
    """Return what the report says its data is: shipped, uploaded, or merged (origin-map merge)."""
    from origin_map.geocode.merge import is_merged

    if not args.data:
        return "shipped"
    return "merged" if is_merged(places) else "uploaded"


def _cmd_stats(args: argparse.Namespace) -> int:
    lean = lean_stats(args)  # a large clean CSV: counted without the places table (or pandas)
    if lean is not None:
        return lean
    from origin_map.places.datasets import resolve_centre

    centre = resolve_centre(args.centre)
    radii, flt = rings_and_filter(args)
    parquet = _parquet_source(args)
    if parquet is not None and (args.area or args.by_outline):
        print("origin-map: error: --area and --by-outline read CSV, XLSX, GeoJSON or GPKG "
              "places, not Parquet", file=sys.stderr)
        return EXIT_USAGE
    source = parquet if parquet is not None else memory_places(args, centre)
    if source is None:
        return EXIT_DATA
    if args.engine == "memory" and parquet is None:
        table = _memory_table(args, source, centre, radii, flt)
    else:
        table = _engine_table(args, source, centre, radii, flt, parquet=parquet is not None)
    write_csv(table, args.output)
    return EXIT_OK


def _parquet_source(args: argparse.Namespace) -> str | None:
    """Return ``--data`` when it is a Parquet file, a folder of them or a URL, else None."""
    if args.data is None:
        return None
    from origin_map.measure.engines import is_parquet

    return str(args.data) if "://" in str(args.data) or is_parquet(args.data) else None


def _memory_table(args: argparse.Namespace, places: pd.DataFrame, centre: Centre, radii: Rings,
                  flt: PlaceFilter) -> pd.DataFrame:
    """Return the H3, area or ring density table computed in this process."""
    from origin_map.measure.outlines import outline_distances_m
    from origin_map.measure.stats import density_table, h3_table

    if args.h3 is not None:
        return h3_table(places, centre, resolution=args.h3, place_filter=flt,
                        max_distance_m=max(radii))
    outlines = outlines_for(args, places) if args.by_outline else None
    if args.area:
        from origin_map.measure.areas import area_density_table

        return area_density_table(places, area_for(args, centre), place_filter=flt,
                                  outlines=outlines)
    d = outline_distances_m(places, outlines, centre) if args.by_outline else None
    return density_table(places, centre, radii, place_filter=flt, distance_m=d)


def _engine_table(args: argparse.Namespace, source: Any, centre: Centre, radii: Rings,
                  flt: PlaceFilter, *, parquet: bool) -> pd.DataFrame:
    """Return the H3 or ring table from :mod:`origin_map.measure.engines` (dask, Parquet)."""
    from origin_map.measure import engines

    opts = {"place_filter": flt, "engine": args.engine, "scheduler": args.scheduler,
            "datum": args.datum if parquet else "wgs84"}
    if args.h3 is not None:
        return engines.h3_table(source, centre, resolution=args.h3, max_distance_m=max(radii),
                                **opts)
    return engines.density_table(source, centre, radii, **opts)
