"""The ``origin-map`` command line: density statistics, file validation and geocoding.

Exit codes: 0 success; 1 invalid data or settings (the message says what and how to fix it);
2 wrong usage (unknown option, missing argument).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from .areas import Area
    from .datasets import LoadResult
    from .geometry import Centre, Rings
    from .stats import PlaceFilter

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2

_EPILOG = """\
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

The density table has one row per ring x sector plus one 'all' row per ring:
  centre_id, ring_inner_m, ring_outer_m, sector, count, share (of the ring's places, 0-1),
  area_km2 (of the ring), density_per_km2, cumulative_count (within ring_outer_m).
Distances are geodesic metres on the WGS-84 ellipsoid; a place exactly on a radius is inside.
CSV output is UTF-8 with BOM; text cells that could run as spreadsheet formulas start with '.
"""


def _megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of MB")
    return value


def _add_data_options(p: argparse.ArgumentParser) -> None:
    from .limits import MAX_UPLOAD_MB  # no imports: --help and --version stay free of pandas
    from .vocab import DATUMS  # nor does this one

    p.add_argument("--datum", default=None, choices=DATUMS,
                   help="datum of the file's coordinates: wgs84 (GPS/OSM), gcj02 (AMap, "
                        "Tencent, WeChat) or bd09 (Baidu); converted to WGS-84 (default wgs84, "
                        "with a note on stderr)")
    p.add_argument("--max-mb", type=_megabytes, default=float(MAX_UPLOAD_MB), metavar="MB",
                   help=f"refuse input files larger than this (default {MAX_UPLOAD_MB}, the "
                        "app's upload limit; 1 MB = 1024*1024 bytes)")
    p.add_argument("--unknown-values", choices=["error", "default"], default="error",
                   help="a kind/sector/status outside the vocabulary is an error (default), or "
                        "is set to the default value (sector 'unknown') with a warning")
    p.add_argument("--layer", help="GeoPackage layer to read (default: the first)")
    p.add_argument("--sheet", help="Excel sheet to read (default: the first)")


def _year(text: str) -> int:
    from .settings import SETTINGS, SettingValueError

    try:
        year = SETTINGS["year"].parse(text)
    except SettingValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return year if year is not None else 0


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    """Add the filter options shared by stats, report, compare and cluster."""
    from .vocab import KINDS, POSITION_QUALITIES, SECTOR_IDS

    p.add_argument("--sector", action="append", metavar="S", choices=SECTOR_IDS,
                   help=f"count only this sector (repeatable): {', '.join(SECTOR_IDS)}")
    p.add_argument("--kind", action="append", metavar="K", choices=list(KINDS),
                   help=f"count only this kind (repeatable): {', '.join(KINDS)}")
    p.add_argument("--quality", action="append", metavar="Q", choices=list(POSITION_QUALITIES),
                   help="count only this position quality (repeatable)")
    p.add_argument("--include-historic", action="store_true",
                   help="count historic (former) tenants too; default: current places only")
    p.add_argument("--year", type=_year, metavar="YEAR",
                   help="count the places that were there in YEAR (their start year known; "
                        "see the README); default: now")
    p.add_argument("--search", metavar="TEXT", default="",
                   help="count only places whose name, address or id contains TEXT")
    p.add_argument("--skip-invalid", action="store_true",
                   help="leave out invalid rows (listed on stderr) instead of failing")


def _add_measure_options(p: argparse.ArgumentParser) -> None:
    """Add the data, centre, ring and filter options shared by ``stats`` and ``report``.

    Defaults come from the setting declarations (:data:`origin_map.settings.SETTINGS`), so
    ``origin-map stats`` with no option writes the table the app shows with its defaults.
    """
    from .settings import SETTINGS

    p.add_argument("--data", metavar="FILE",
                   help="places file (CSV, XLSX, GeoJSON, GPKG), or a .parquet file or a "
                        "folder of GeoParquet files (validated places); default: the "
                        "shipped data")
    _add_data_options(p)
    p.add_argument("--centre", "--center", metavar="ID|LAT,LON",
                   help="a centre id from geodata/centres.csv or 'LAT,LON' (WGS-84); "
                        "default: dongsheng-building")
    radius, rings = SETTINGS["radius"], SETTINGS["rings"]
    p.add_argument("--radius-m", type=float, default=radius.default, metavar="M",
                   help=f"main radius in metres (default {radius.default:g}); always one of "
                        "the rings")
    p.add_argument("--rings", metavar="M,M,...", default=rings.default,
                   help=f"more ring radii in metres (default {rings.default}; '' for none), "
                        "e.g. 500,1000,2000")
    _add_filter_options(p)


def _add_area_options(p: argparse.ArgumentParser) -> None:
    """Add --area, --by-outline and --outlines (shared by ``stats`` and ``report``)."""
    p.add_argument("--area", metavar="FILE",
                   help="count the places inside this boundary (GeoJSON or GeoPackage polygon) "
                        "instead of rings; the table has one row per sector plus 'all', with "
                        "ring_inner_m empty and ring_outer_m 'area'")
    p.add_argument("--by-outline", action="store_true",
                   help="count a place with a campus outline (geodata/areas.geojson) when its "
                        "outline comes within the radius (or touches the area), not only its "
                        "point")
    p.add_argument("--outlines", metavar="FILE",
                   help="outlines file (GeoJSON with a place_id property) instead of the "
                        "shipped geodata/areas.geojson")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``origin-map``."""
    parser = argparse.ArgumentParser(
        prog="origin-map",
        description="Measure an innovation cluster: places within metric rings of a centre.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"origin-map {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    stats = sub.add_parser(
        "stats", help="write the density table (or the H3 table) as CSV",
        description="Write the density table for a centre, rings and a filter as CSV.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_measure_options(stats)
    stats.add_argument("--h3", type=int, metavar="RES",
                       help="write the H3 hexagon table at this resolution (0-15) instead; "
                            "places within the largest ring count")
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
    _add_area_options(stats)

    report = sub.add_parser(
        "report", help="write a one-page A4 PDF report (or a PNG map)",
        description="Write a one-page A4 PDF (map, headline figures, density table, sources, "
                    "date) or, with -o FILE.png, the map alone.")
    _add_measure_options(report)
    _add_area_options(report)
    report.add_argument("--output", "-o", type=Path, default=Path("report.pdf"),
                        metavar="FILE.pdf|FILE.png", help="where to write (default report.pdf)")
    report.add_argument("--lang", choices=["en", "zh"], default="en",
                        help="language of the labels (zh needs fonts-noto-cjk)")
    report.add_argument("--title", help="title of the PDF (default: Origin Map — the centre)")
    report.add_argument("--size-px", default="1200x1200", metavar="WxH",
                        help="size of a PNG map in pixels (default 1200x1200)")

    val = sub.add_parser("validate", help="check a places file and list every problem",
                         description="Check a places file; print every problem with its row, "
                                     "field and fix (exit 1), or a one-line summary (exit 0).")
    val.add_argument("file", type=Path, metavar="FILE")
    _add_data_options(val)

    from .cli_geocode import add_geocode_parser

    add_geocode_parser(sub)
    from .cli_analysis import add_analysis_parsers

    add_analysis_parsers(sub)
    return parser


def _read(args: argparse.Namespace, centre: Centre | None = None) -> LoadResult:
    from .datasets import read_places

    sheet: str | int | None = args.sheet
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    result = read_places(args.file if args.command == "validate" else args.data,
                         datum=args.datum, unknown_values=args.unknown_values, layer=args.layer,
                         sheet=sheet, centre=centre, max_bytes=int(args.max_mb * 1024 * 1024),
                         geometry=False)  # tables and messages only: no shapes needed
    if getattr(args, "datum_assumed", False):
        print("origin-map: assuming WGS-84 coordinates; use --datum gcj02 for AMap/Tencent/"
              "WeChat coordinates or --datum bd09 for Baidu", file=sys.stderr)
    return result


def _print_problems(problems: pd.DataFrame, stream: TextIO, severities: Sequence[str]) -> None:
    import pandas as pd

    for r in problems[problems["severity"].isin(severities)].itertuples():
        where = f"row {int(r.row)}" if not pd.isna(r.row) else "file"
        field = f", field '{r.field}'" if r.field else ""
        value = f" (value: {r.value!r})" if r.value else ""
        fix = f" Fix: {r.fix}" if r.fix else ""
        print(f"{r.severity}: {where}{field}: {r.problem}{value}{fix}", file=stream)


def _cmd_validate(args: argparse.Namespace) -> int:
    from .datasets import resolve_centre

    result = _read(args, resolve_centre(None))
    if result.n_errors:
        _print_problems(result.problems, sys.stdout, ("error", "warning"))
        print(f"{result.n_errors} problem(s); {len(result.places)} of "
              f"{len(result.places) + len(result.rejected)} rows valid.", file=sys.stderr)
        return EXIT_DATA
    _print_problems(result.problems, sys.stderr, ("warning",))
    print(result.summary())
    return EXIT_OK


def _rings_and_filter(args: argparse.Namespace) -> tuple[Rings, PlaceFilter]:
    from .geometry import Rings
    from .stats import PlaceFilter

    radii = Rings.parse(args.radius_m, args.rings or "")
    flt = PlaceFilter(sectors=args.sector, kinds=args.kind, qualities=args.quality,
                      include_historic=args.include_historic, search=args.search,
                      year=args.year or None)
    return radii, flt


def _memory_places(args: argparse.Namespace, centre: Centre) -> pd.DataFrame | None:
    """Return the places to count (shipped or --data), or None after printing the problems."""
    from .datasets import shipped_places

    if args.data is None:
        return shipped_places(geometry=False)  # counting needs no shapes
    result = _read(args, centre)
    if result.n_errors and not args.skip_invalid:
        _print_problems(result.problems, sys.stderr, ("error",))
        print(f"{result.n_errors} problem(s) in {result.name}; nothing written. Fix them, "
              "or use --skip-invalid to leave those rows out.", file=sys.stderr)
        return None
    if result.n_errors:
        print(f"{len(result.rejected)} invalid row(s) left out: rows "
              f"{', '.join(map(str, result.rejected['row'].head(50)))}"
              f"{' ...' if len(result.rejected) > 50 else ''}", file=sys.stderr)
    return result.places


def _outlines(args: argparse.Namespace, places: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the outlines: --outlines (checked against these places) or the shipped ones."""
    from .outlines import load_outlines

    outlines = load_outlines(args.outlines, places=places if args.outlines else None)
    if args.by_outline and outlines.empty:
        print("origin-map: no outlines found (geodata/areas.geojson or --outlines): every "
              "place is counted by its point", file=sys.stderr)
    return outlines


def _read_area(args: argparse.Namespace, centre: Centre) -> Area:
    from .areas import read_area

    area = read_area(args.area, data_centre=centre)
    for en, _ in area.warnings:
        print(f"origin-map: note: {en}", file=sys.stderr)
    return area


def _area_table(args: argparse.Namespace, places: pd.DataFrame, centre: Centre,
                flt: PlaceFilter) -> pd.DataFrame:
    from .areas import area_density_table

    outlines = _outlines(args, places) if args.by_outline else None
    return area_density_table(places, _read_area(args, centre), place_filter=flt,
                              outlines=outlines)


def _cmd_report(args: argparse.Namespace) -> int:
    from .datasets import resolve_centre
    from .report import build_report_pdf, render_map_png

    centre = resolve_centre(args.centre)
    radii, flt = _rings_and_filter(args)
    suffix = args.output.suffix.lower()
    if suffix not in (".pdf", ".png"):
        print("origin-map: error: -o must name a .pdf or a .png file", file=sys.stderr)
        return EXIT_USAGE
    places = _memory_places(args, centre)
    if places is None:
        return EXIT_DATA
    area = _read_area(args, centre) if args.area else None
    outlines = _outlines(args, places)
    if suffix == ".png":
        size = tuple(int(v) for v in args.size_px.lower().split("x"))
        data = render_map_png(places.loc[flt.mask(places)], centre=centre,
                              radii_m=None if area else radii, area=area, outlines=outlines,
                              lang=args.lang, size_px=(size[0], size[-1]))
    else:
        data = build_report_pdf(places, centre=centre, radii_m=radii, area=area,
                                place_filter=flt, lang=args.lang, title=args.title,
                                outlines=outlines, by_outline=args.by_outline,
                                radius_m=args.radius_m)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data) / 1024:,.0f} KB)", file=sys.stderr)
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    from .datasets import resolve_centre
    from .export import to_csv_bytes
    from .outlines import outline_distances_m
    from .stats import density_table, h3_table

    centre = resolve_centre(args.centre)
    radii, flt = _rings_and_filter(args)
    source: object
    parquet = False
    if args.data is not None:
        from .engines import is_parquet

        parquet = "://" in str(args.data) or is_parquet(args.data)
        source = str(args.data) if parquet else None
    if parquet and (args.area or args.by_outline):
        print("origin-map: error: --area and --by-outline read CSV, XLSX, GeoJSON or GPKG "
              "places, not Parquet", file=sys.stderr)
        return EXIT_USAGE
    if not parquet:
        source = _memory_places(args, centre)
        if source is None:
            return EXIT_DATA
    if args.engine == "memory" and not parquet:
        places: pd.DataFrame = source
        if args.h3 is not None:
            table = h3_table(places, centre, resolution=args.h3, place_filter=flt,
                             max_distance_m=max(radii))
        elif args.area:
            table = _area_table(args, places, centre, flt)
        else:
            outlines = _outlines(args, places) if args.by_outline else None
            d = outline_distances_m(places, outlines, centre) if args.by_outline else None
            table = density_table(places, centre, radii, place_filter=flt, distance_m=d)
    else:
        from . import engines

        opts = {"place_filter": flt, "engine": args.engine, "scheduler": args.scheduler,
                "datum": args.datum if parquet else "wgs84"}
        if args.h3 is not None:
            table = engines.h3_table(source, centre, resolution=args.h3,
                                     max_distance_m=max(radii), **opts)
        else:
            table = engines.density_table(source, centre, radii, **opts)
    data = to_csv_bytes(table)
    if args.output:
        args.output.write_bytes(data)
        print(f"wrote {len(table)} rows to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from .errors import InputLimitError, OriginMapError

    parser = build_parser()
    args = parser.parse_args(argv)
    args.datum_assumed = getattr(args, "datum", None) is None
    args.datum = getattr(args, "datum", None) or "wgs84"
    if args.command == "stats" and args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    if args.command == "stats" and (args.area or args.by_outline) and (
            args.engine != "memory" or args.h3 is not None):
        parser.error("--area and --by-outline make the density table with --engine memory "
                     "(not with --h3 or --engine dask)")
    if args.command == "report" and not re.fullmatch(r"\d{3,4}(x\d{3,4})?",
                                                    args.size_px.lower()):
        parser.error(f"--size-px {args.size_px!r}: give WIDTHxHEIGHT in pixels, e.g. 1200x900")
    try:
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "geocode":
            from .cli_geocode import run_geocode

            return run_geocode(args)
        if args.command == "report":
            return _cmd_report(args)
        if args.command in ("compare", "cluster", "coverage"):
            from .cli_analysis import run_analysis

            return run_analysis(args)
        return _cmd_stats(args)
    except OriginMapError as exc:
        print(f"origin-map: error: {exc}", file=sys.stderr)
        if isinstance(exc, InputLimitError):
            print("origin-map: a larger file can be read with --max-mb if this machine has "
                  "the memory for it", file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:
        print(f"origin-map: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_DATA


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
