"""``origin-map history``: places present each year within the radius (or area), by sector."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from origin_map.cli._inputs import area_for, memory_places, place_filter, write_csv
from origin_map.cli._options import EXIT_DATA, EXIT_OK, add_measure_options, add_output_option

__all__ = ["add_history_parser"]

_EPILOG = """\
examples:
  origin-map history -o history.csv                    # shipped data, Dongsheng Building, 1 km
  origin-map history --data firms.xlsx --radius-m 2000  # a registry export: 成立日期/注销日期
  origin-map history --area block.geojson --sector large_models --first 2010

Output: centre_id, radius_m ('area' with --area), year, sector, count: the places present in
that year (start year known and not after it; not past their end year, or current). The
Overview's history chart shows the same table; places without a start year are not counted
(their number is said on stderr). --year and --include-historic do not apply: every year is
counted, historic tenants in the years they were there.
"""


def add_history_parser(sub: Any) -> None:
    """Register ``history`` on the sub-parsers of ``origin-map``."""
    p = sub.add_parser("history", help="write the places present each year, by sector (CSV)",
                       description="Write the places within the radius (or area) present in "
                                   "each year, by sector.", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_measure_options(p)
    p.add_argument("--area", metavar="FILE", help="count inside this boundary instead")
    p.add_argument("--first", type=int, metavar="YEAR",
                   help="first year (default: the earliest known start year)")
    p.add_argument("--last", type=int, metavar="YEAR", help="last year (default: this year)")
    add_output_option(p)
    p.set_defaults(run=_cmd_history)


def _cmd_history(args: argparse.Namespace) -> int:
    from origin_map.measure.history import history_table
    from origin_map.places.datasets import resolve_centre

    centre = resolve_centre(args.centre)
    places = memory_places(args, centre)
    if places is None:
        return EXIT_DATA
    area = area_for(args, centre) if args.area else None
    table = history_table(places, centre, args.radius_m, place_filter=place_filter(args),
                          area=area, first=args.first, last=args.last)
    write_csv(table, Path(args.output) if args.output else None)
    print(f"origin-map: {table.attrs['counted']} places counted; "
          f"{table.attrs['no_start_year']} without a start year are not", file=sys.stderr)
    return EXIT_OK
