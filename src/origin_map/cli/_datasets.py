"""``origin-map datasets``: save a places file to the dataset store, show, export, delete one.

The other commands read a saved dataset with ``--dataset ID`` where they take ``--data FILE``
(:mod:`._store`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from origin_map.cli._inputs import print_problems, write_csv
from origin_map.cli._options import EXIT_DATA, EXIT_OK, add_data_options
from origin_map.cli._store import add_store_options, store_of

__all__ = ["add_datasets_parser"]

_EPILOG = """\
examples:
  origin-map datasets save firms.csv --datum gcj02 --name "Wudaokou firms"   # prints the id
  origin-map datasets show ID
  origin-map datasets export ID -o firms-reviewed.csv
  origin-map stats --dataset ID --radius-m 1000
  origin-map datasets delete ID
  origin-map datasets clean-up --keep-days 30      # what the server runs: remove stale datasets

An id is the only key to a dataset: there is no command listing them. Datasets not opened for
ORIGIN_MAP_KEEP_DAYS days (default 90) are removed by clean-up.
"""


def add_datasets_parser(sub: Any) -> None:
    """Register ``datasets`` and its sub-commands on the sub-parsers of ``origin-map``."""
    p = sub.add_parser("datasets", help="save places to the dataset store; show, export, "
                       "delete a saved dataset", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Save a places file as a dataset (the app opens it with "
                                   "?data=ID), show, export or delete one by its id.")
    inner = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    save = inner.add_parser("save", help="check a places file and save it; print its id")
    save.add_argument("file", type=Path, metavar="FILE")
    save.add_argument("--name", help="the dataset's name (default: the file's name)")
    save.add_argument("--skip-invalid", action="store_true",
                      help="save the valid rows and list the others on stderr, instead of "
                           "refusing a file with invalid rows")
    add_data_options(save)
    save.set_defaults(run=_cmd_save)
    for action, text, run in (("show", "print a dataset's record", _cmd_show),
                              ("export", "write a dataset's places as CSV", _cmd_export),
                              ("delete", "delete a dataset and its review", _cmd_delete)):
        q = inner.add_parser(action, help=text)
        q.add_argument("id", metavar="ID")
        if action == "export":
            q.add_argument("--output", "-o", type=Path, metavar="FILE.csv",
                           help="write here instead of standard output")
            q.add_argument("--review", action="store_true",
                           help="every row with an 'accept' column, not only accepted rows")
        q.set_defaults(run=run)
    clean = inner.add_parser("clean-up", help="remove datasets not opened for N days")
    clean.add_argument("--keep-days", type=float, metavar="N",
                       help="default: $ORIGIN_MAP_KEEP_DAYS, else 90")
    clean.set_defaults(run=_cmd_clean_up)
    for q in (save, clean, *(inner.choices[a] for a in ("show", "export", "delete"))):
        add_store_options(q)


def _cmd_save(args: argparse.Namespace) -> int:
    from origin_map.store.sources import read_for_store


    sheet: str | int | None = args.sheet
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    result, prov = read_for_store(args.file, datum=args.datum, layer=args.layer, sheet=sheet,
                                  unknown_values=args.unknown_values,
                                  max_bytes=int(args.max_mb * 1024 * 1024))
    if args.datum_assumed:
        print("origin-map: assuming WGS-84 coordinates; use --datum gcj02 for AMap/Tencent/"
              "WeChat coordinates or --datum bd09 for Baidu", file=sys.stderr)
    if result.n_errors and not args.skip_invalid:
        print_problems(result.problems, sys.stderr, ("error",))
        print(f"{result.n_errors} problem(s) in {result.name}; nothing saved. Fix them, or use "
              "--skip-invalid to leave those rows out.", file=sys.stderr)
        return EXIT_DATA
    if not len(result.places):
        print(f"origin-map: error: {result.name} has no valid row; nothing saved",
              file=sys.stderr)
        return EXIT_DATA
    store = store_of(args)
    dataset_id = store.save(result.places, prov, name=args.name)
    print(f"saved {len(result.places)} places ({len(result.rejected)} rows left out) to "
          f"{store.where}", file=sys.stderr)
    print(dataset_id)
    return EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    store = store_of(args)
    info = store.info(args.id).as_dict()
    info.update(info.pop("provenance"))
    info["size_mb"] = round(store.info(args.id).size_bytes(store.limits) / 1024 / 1024, 3)
    width = max(map(len, info))
    for key, value in info.items():
        print(f"{key:<{width}}  {value}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    opened = store_of(args).open(args.id)
    table = opened.review_table() if args.review else opened.places(geometry=False)
    write_csv(table, args.output, "place")
    return EXIT_OK


def _cmd_delete(args: argparse.Namespace) -> int:
    store_of(args).delete(args.id)
    print(f"deleted dataset {args.id}", file=sys.stderr)
    return EXIT_OK


def _cmd_clean_up(args: argparse.Namespace) -> int:
    from dataclasses import replace

    store = store_of(args)
    if args.keep_days is not None:
        store.limits = replace(store.limits, keep_days=args.keep_days)
    removed = store.clean_up()
    print(f"removed {removed} dataset(s) not opened for {store.limits.keep_days:g} days",
          file=sys.stderr)
    return EXIT_OK
