"""``origin-map geocode``: add WGS-84 positions to a table of names and addresses.

Registered in :mod:`origin_map.cli` by :func:`add_geocode_parser`; runs :func:`run_geocode`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from origin_map.cli._options import add_rows_are_option

__all__ = ["add_geocode_parser", "run_geocode"]

_LEVELS = ("building", "compound", "street_number", "street_number_interpolated", "name", "road",
           "district")  # geocode.LEVELS

_EPILOG = """\
examples:
  origin-map geocode firms.csv -o firms_geocoded.csv          # offline gazetteer, no network
  origin-map stats --data firms_geocoded.csv --skip-invalid   # unplaced rows have no lat/lon
  origin-map geocode firms.xlsx -o out.csv --unplaced todo.csv
  ORIGIN_MAP_AMAP_KEY=... origin-map geocode firms.csv --provider amap -o out.csv
  origin-map geocode firms.csv --provider nominatim --url http://localhost:8080 -o out.csv

Added columns: lat, lon (WGS-84, empty when not placed), geocode_level (building, compound,
street_number, street_number_interpolated, name, road, district, none), geocode_score (0-1),
geocode_source, geocode_match,
geocode_reason. Every input row and column is kept. Keys: --key or ORIGIN_MAP_AMAP_KEY,
ORIGIN_MAP_BAIDU_KEY, ORIGIN_MAP_TENCENT_KEY; never logged or written anywhere.
"""


def add_geocode_parser(sub: Any) -> None:
    """Add the ``geocode`` sub-command to the sub-parsers ``sub`` of ``origin-map``."""
    from origin_map.limits import MAX_UPLOAD_MB  # no pandas: --help stays fast

    p = sub.add_parser(
        "geocode", help="add positions to a table of names and addresses",
        description="Geocode the address column of a table (CSV, XLSX, ...) and write it back "
                    "with lat, lon and the geocode_* columns.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--output", "-o", type=Path, metavar="OUT.csv",
                   help="write here instead of standard output (CSV, UTF-8 with BOM)")
    p.add_argument("--provider", default="gazetteer",
                   choices=["gazetteer", "nominatim", "amap", "baidu", "tencent"],
                   help="gazetteer (default): offline, the shipped buildings and places; the "
                        "others are online services")
    p.add_argument("--key", help="key of amap/baidu/tencent (better: the environment variable)")
    p.add_argument("--url", help="another server, e.g. a self-hosted Nominatim")
    p.add_argument("--cache", type=Path, metavar="PATH",
                   help="SQLite cache of online results (default: the user cache folder)")
    p.add_argument("--centre", "--center", metavar="ID|LAT,LON",
                   help="results farther than 50 km from it are flagged (default: "
                        "dongsheng-building)")
    p.add_argument("--address-column", metavar="NAME", help="the address column (default: "
                   "address, 地址, 注册地址, 办公地址, 详细地址 ...)")
    p.add_argument("--name-column", metavar="NAME", help="the name column (default: name, "
                   "名称, 企业名称 ...)")
    p.add_argument("--min-level", choices=list(_LEVELS), default="district",
                   help="leave results coarser than this without a position (default: keep all)")
    p.add_argument("--unplaced", type=Path, metavar="FILE.csv",
                   help="also write the unplaced rows, with their reason, here")
    p.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    p.add_argument("--max-mb", type=float, default=float(MAX_UPLOAD_MB), metavar="MB",
                   help=f"refuse input files larger than this (default {MAX_UPLOAD_MB})")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_rows_are_option(p)
    p.set_defaults(run=run_geocode)


def _progress_bar(total: int, enabled: bool) -> tuple[Any, Any]:
    if not enabled:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="row", file=sys.stderr, leave=False)

    def update(done: int, _total: int) -> None:
        bar.update(done - bar.n)

    return bar, update


def _say_recognised(result: Any, rows_are: str | None) -> None:
    """Say on stderr which columns were recognised and whether every row is a firm."""
    from origin_map.i18n import text

    if result.columns:
        mapping = ", ".join(f"{c} ← {h}" for c, h in result.columns)
        print(f"origin-map: {text('firmlist.recognised', mapping=mapping)}", file=sys.stderr)
    if rows_are:
        print(f"origin-map: {text('firmlist.rows_are', kind=rows_are)}", file=sys.stderr)
    elif result.kind == "firm":
        print(f"origin-map: {text('firmlist.registry')}", file=sys.stderr)


def run_geocode(args: argparse.Namespace) -> int:
    """Run ``origin-map geocode``; return the exit code (errors raise OriginMapError)."""
    from origin_map.geocode.providers import resolve_key
    from origin_map.geocode.table import geocode_table, unplaced_rows
    from origin_map.i18n import text
    from origin_map.io.export import to_csv_bytes
    from origin_map.io.readers import read_raw
    from origin_map.places.datasets import resolve_centre

    if args.provider != "gazetteer":
        args.key = resolve_key(args.provider, args.key)  # a missing key fails before reading
    centre = resolve_centre(args.centre)
    sheet: str | int | None = args.sheet
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    raw = read_raw(args.file, sheet=sheet, max_bytes=int(args.max_mb * 1024 * 1024))
    for note in raw.notes:
        if note.severity != "info":
            print(f"origin-map: {note.message}", file=sys.stderr)
    online = args.provider != "gazetteer"
    bar, update = _progress_bar(len(raw.frame), not args.no_progress and sys.stderr.isatty()
                                and (online or len(raw.frame) > 5000))
    try:
        result = geocode_table(raw.frame, provider=args.provider, key=args.key, url=args.url,
                               cache_path=args.cache, centre=centre, progress=update,
                               address_column=args.address_column,
                               name_column=args.name_column, min_level=args.min_level,
                               rows_are=args.rows_are)
    finally:
        if bar is not None:
            bar.close()
    data = to_csv_bytes(result.frame)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    unplaced = unplaced_rows(result.frame)
    if args.unplaced:
        args.unplaced.write_bytes(to_csv_bytes(unplaced))
    name_note = f", names from '{result.name_column}'" if result.name_column else ""
    source = (f"addresses from '{result.address_column}'" if result.address_column
              else text("names18.by_name"))
    print(f"origin-map: geocoded {raw.name} ({source}"
          f"{name_note}, provider {result.summary.provider})", file=sys.stderr)
    for line in result.summary.lines():
        print(f"  {line}", file=sys.stderr)
    _say_recognised(result, args.rows_are)
    if len(unplaced) and args.output:
        print(f"origin-map: {len(unplaced)} unplaced row(s) have no lat/lon; "
              f"`origin-map stats --data {args.output} --skip-invalid` leaves them out"
              + (f"; they are also in {args.unplaced}" if args.unplaced else ""),
              file=sys.stderr)
    return 0
