"""The ``origin-map`` command line: density statistics, reports, validation, geocoding, the app.

Exit codes: 0 success; 1 invalid data or settings (the message says what and how to fix it);
2 wrong usage (unknown option, missing argument).

Each sub-command lives in a module of this package, which registers its parser with a ``run``
function (and, where options depend on each other, a ``check``): :mod:`._measure` (``stats``,
``report``, ``validate``), :mod:`._geocode`, :mod:`._merge`, :mod:`._analysis` (``compare``,
``cluster``, ``coverage``), :mod:`._app` and :mod:`._walk`. They share :mod:`._options`
(argparse only: ``--help`` never imports pandas) and :mod:`._inputs` (reading places, writing
CSV).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from origin_map import __version__
from origin_map.cli._analysis import add_analysis_parsers
from origin_map.cli._app import add_app_parser
from origin_map.cli._datasets import add_datasets_parser
from origin_map.cli._geocode import add_geocode_parser
from origin_map.cli._history import add_history_parser
from origin_map.cli._measure import EPILOG, add_measure_parsers
from origin_map.cli._merge import add_merge_parser
from origin_map.cli._options import EXIT_DATA, EXIT_OK, EXIT_USAGE, SettingRefused
from origin_map.cli._walk import add_walk_parser

__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``origin-map``."""
    parser = argparse.ArgumentParser(
        prog="origin-map",
        description="Measure an innovation cluster: places within metric rings of a centre.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"origin-map {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_measure_parsers(sub)
    add_geocode_parser(sub)
    add_merge_parser(sub)
    add_analysis_parsers(sub)
    add_history_parser(sub)
    add_app_parser(sub)
    add_walk_parser(sub)
    add_datasets_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from origin_map.errors import InputLimitError, OriginMapError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SettingRefused as exc:  # a value the app refuses too: the app's message
        print(f"origin-map: error: {exc}", file=sys.stderr)
        return EXIT_DATA
    args.datum_assumed = getattr(args, "datum", None) is None
    args.datum = getattr(args, "datum", None) or "wgs84"
    if getattr(args, "check", None) is not None:
        args.check(parser, args)
    try:
        return int(args.run(args))
    except OriginMapError as exc:
        print(f"origin-map: error: {exc}", file=sys.stderr)
        if isinstance(exc, InputLimitError):
            print("origin-map: a larger file can be read with --max-mb if this machine has "
                  "the memory for it", file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:
        print(f"origin-map: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_DATA
