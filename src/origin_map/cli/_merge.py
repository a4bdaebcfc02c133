"""``origin-map merge``: the user's list merged with the shipped places, as one places table.

The same merge as the Data page's "Merge with the shipped data"
(:func:`origin_map.geocode.merge.merge_places`): the written table is read by every command with
``--data merged.csv``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from origin_map.cli._inputs import memory_places, write_csv
from origin_map.cli._options import EXIT_DATA, EXIT_OK, EXIT_USAGE, add_data_options

__all__ = ["add_merge_parser"]

_EPILOG = """\
examples:
  origin-map geocode export.xlsx -o placed.csv
  origin-map merge placed.csv -o merged.csv --pairs same-name-other-building.csv
  origin-map stats --data merged.csv
  origin-map merge --dataset ID -o merged.csv      # a list saved by the app, review applied

A row of the file is the same place as a shipped row when both have the same name (normalised:
traditional/simplified, full/half width, case, spaces, region and legal form such as 有限公司 or
Co., Ltd. removed; shipped aliases and names in brackets count) and the same building (the same
gazetteer building id where both have one, else at most --tolerance-m metres apart). Then the
file's row is kept and the shipped row left out; the output says where each row came from
(origin: user/shipped) and which shipped rows a user row replaced (replaces). The same name in
another building is not merged (a firm with two offices): --pairs lists those pairs. A user id
that is also a shipped id is written as user-ID. The counts are printed on stderr.
"""


def add_merge_parser(sub: Any) -> None:
    """Register ``merge`` on the sub-parsers of ``origin-map``."""
    p = sub.add_parser("merge", help="merge a places file with the shipped places (CSV)",
                       description="Write the shipped places merged with a places file: one "
                                   "row per place, the file's row where both have it.",
                       epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", nargs="?", metavar="FILE",
                   help="places file (CSV, XLSX, GeoJSON, GPKG), e.g. geocoded rows")
    from origin_map.cli._store import add_dataset_options

    add_dataset_options(p)
    add_data_options(p)
    p.add_argument("--output", "-o", type=Path, metavar="FILE.csv",
                   help="write here instead of standard output")
    p.add_argument("--tolerance-m", type=float, default=None, metavar="M",
                   help="rows without a common building id are one building when at most this "
                        "many metres apart (default 40)")
    p.add_argument("--pairs", type=Path, metavar="FILE.csv",
                   help="also write the pairs of one name in two buildings (not merged) here")
    p.add_argument("--skip-invalid", action="store_true",
                   help="leave out invalid rows of the file (listed on stderr) instead of failing")
    p.set_defaults(run=_cmd_merge)


def _cmd_merge(args: argparse.Namespace) -> int:
    from origin_map.geocode.merge import SAME_BUILDING_M, merge_places
    from origin_map.places.datasets import shipped_places

    if args.data is None and args.dataset is None:
        print("origin-map: error: give the places FILE to merge, or --dataset ID",
              file=sys.stderr)
        return EXIT_USAGE
    tolerance = SAME_BUILDING_M if args.tolerance_m is None else args.tolerance_m
    if not 0 <= tolerance <= 1000:
        print("origin-map: error: --tolerance-m must be between 0 and 1000 metres",
              file=sys.stderr)
        return EXIT_USAGE
    user = memory_places(args, None)
    if user is None:
        return EXIT_DATA
    merged, summary = merge_places(shipped_places(geometry=False), user, tolerance_m=tolerance)
    write_csv(merged, args.output, "place")
    for line in summary.lines("en"):
        print(f"origin-map: {line}", file=sys.stderr)
    if args.pairs is not None:
        write_csv(summary.other_building, args.pairs, "pair")
    return EXIT_OK
