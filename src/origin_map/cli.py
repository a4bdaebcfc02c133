"""The ``origin-map`` command line: density statistics and file validation.

Exit codes: 0 success; 1 invalid data or settings (the message says what and how to fix it);
2 wrong usage (unknown option, missing argument).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__

if TYPE_CHECKING:
    import pandas as pd

    from .datasets import LoadResult
    from .geometry import Centre

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

    p.add_argument("--datum", default=None, choices=["wgs84", "gcj02", "bd09"],
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


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    """Add --sector/--kind/--quality/--include-historic/--skip-invalid (stats, compare, cluster)."""
    from .vocab import KINDS, POSITION_QUALITIES, SECTOR_IDS

    p.add_argument("--sector", action="append", metavar="S", choices=SECTOR_IDS,
                   help=f"count only this sector (repeatable): {', '.join(SECTOR_IDS)}")
    p.add_argument("--kind", action="append", metavar="K", choices=list(KINDS),
                   help=f"count only this kind (repeatable): {', '.join(KINDS)}")
    p.add_argument("--quality", action="append", metavar="Q", choices=list(POSITION_QUALITIES),
                   help="count only this position quality (repeatable)")
    p.add_argument("--include-historic", action="store_true",
                   help="count historic (former) tenants too; default: current places only")
    p.add_argument("--skip-invalid", action="store_true",
                   help="leave out invalid rows (listed on stderr) instead of failing")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``origin-map``."""
    from .cli_analysis import add_analysis_parsers

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
    stats.add_argument("--data", metavar="FILE",
                       help="places file (CSV, XLSX, GeoJSON, GPKG), or a .parquet file or a "
                            "folder of GeoParquet files (validated places); default: the "
                            "shipped data")
    _add_data_options(stats)
    stats.add_argument("--centre", "--center", metavar="ID|LAT,LON",
                       help="a centre id from geodata/centres.csv or 'LAT,LON' (WGS-84); "
                            "default: dongsheng-building")
    stats.add_argument("--radius-m", type=float, default=1000.0, metavar="M",
                       help="main radius in metres (default 1000); always one of the rings")
    stats.add_argument("--rings", metavar="M,M,...",
                       help="more ring radii in metres, e.g. 500,1000,2000")
    _add_filter_options(stats)
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

    val = sub.add_parser("validate", help="check a places file and list every problem",
                         description="Check a places file; print every problem with its row, "
                                     "field and fix (exit 1), or a one-line summary (exit 0).")
    val.add_argument("file", type=Path, metavar="FILE")
    _add_data_options(val)
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


def _read_valid(args: argparse.Namespace, centre: Centre) -> pd.DataFrame | None:
    """Read ``--data``; None (problems printed) if rows are invalid without --skip-invalid."""
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


def _cmd_stats(args: argparse.Namespace) -> int:
    from .datasets import resolve_centre, shipped_places
    from .export import to_csv_bytes
    from .geometry import parse_radii_text, ring_radii
    from .stats import PlaceFilter, density_table, h3_table

    centre = resolve_centre(args.centre)
    radii = ring_radii(args.radius_m, parse_radii_text(args.rings) if args.rings else None)
    flt = PlaceFilter(sectors=args.sector, kinds=args.kind, qualities=args.quality,
                      include_historic=args.include_historic)
    source: object
    parquet = False
    if args.data is None:
        source = shipped_places(geometry=False)  # counting needs no shapes
    else:
        from .engines import is_parquet

        parquet = "://" in str(args.data) or is_parquet(args.data)
        source = str(args.data) if parquet else None
    if source is None:
        source = _read_valid(args, centre)
        if source is None:
            return EXIT_DATA
    if args.engine == "memory" and not parquet:
        places: pd.DataFrame = source
        if args.h3 is not None:
            table = h3_table(places, centre, resolution=args.h3, place_filter=flt,
                             max_distance_m=max(radii))
        else:
            table = density_table(places, centre, radii, place_filter=flt)
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
    args.datum_assumed = args.datum is None
    args.datum = args.datum or "wgs84"
    if args.command == "stats" and args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    try:
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command in ("compare", "cluster"):
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
