"""What the sub-commands read and write: places, filters, outlines, an area; CSV out.

Problems of a places file are printed on stderr with their row, field and fix. Heavy modules
(pandas, the readers) are imported when a command runs, never when the parser is built.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from origin_map.geo.geometry import Centre, Rings
    from origin_map.measure.areas import Area
    from origin_map.measure.stats import PlaceFilter
    from origin_map.places.datasets import LoadResult

__all__ = ["area_for", "datum_note", "memory_places", "outlines_for", "place_filter",
           "print_problems", "read_input", "rings_and_filter", "write_bytes", "write_csv"]


_SAID = ("firmlist.registry", "firmlist.rows_are", "firmlist.title_rows",
         "sector_rules.assigned_note")
"""Notes on how the file was read that every command says on stderr."""


def read_input(args: argparse.Namespace, centre: Centre | None = None) -> LoadResult:
    """Read and check the places file of ``validate`` (``FILE``) or the others (``--data``)."""
    from origin_map.places.datasets import read_places

    sheet: str | int | None = args.sheet
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    result = read_places(args.file if args.command == "validate" else args.data,
                         datum=args.datum, unknown_values=args.unknown_values, layer=args.layer,
                         sheet=sheet, centre=centre, max_bytes=int(args.max_mb * 1024 * 1024),
                         geometry=False,  # tables and messages only: no shapes needed
                         rows_are=getattr(args, "rows_are", None))
    for note in result.problems.loc[result.problems["problem_key"].isin(_SAID), "problem"]:
        print(f"origin-map: {note}", file=sys.stderr)
    datum_note(args)
    return result


def datum_note(args: argparse.Namespace) -> None:
    """Say on stderr that WGS-84 was assumed, when ``--datum`` was not given."""
    if getattr(args, "datum_assumed", False):
        print("origin-map: assuming WGS-84 coordinates; use --datum gcj02 for AMap/Tencent/"
              "WeChat coordinates or --datum bd09 for Baidu", file=sys.stderr)


def print_problems(problems: pd.DataFrame, stream: TextIO, severities: Sequence[str]) -> None:
    """Print the problems of the given severities, one line each: where, what, the fix."""
    import pandas as pd

    for r in problems[problems["severity"].isin(severities)].itertuples():
        where = f"row {int(r.row)}" if not pd.isna(r.row) else "file"
        field = f", field '{r.field}'" if r.field else ""
        value = f" (value: {r.value!r})" if r.value else ""
        fix = f" Fix: {r.fix}" if r.fix else ""
        print(f"{r.severity}: {where}{field}: {r.problem}{value}{fix}", file=stream)


def place_filter(args: argparse.Namespace) -> PlaceFilter:
    """Return the filter of the ``--sector``, ``--kind``, ... options."""
    from origin_map.places.filters import PlaceFilter

    return PlaceFilter(sectors=args.sector, kinds=args.kind, qualities=args.quality,
                       include_historic=args.include_historic, search=args.search,
                       year=args.year or None)


def rings_and_filter(args: argparse.Namespace) -> tuple[Rings, PlaceFilter]:
    """Return the rings of ``--radius-m`` and ``--rings``, and the filter."""
    from origin_map.geo.geometry import Rings

    return Rings.parse(args.radius_m, args.rings or ""), place_filter(args)


def memory_places(args: argparse.Namespace, centre: Centre | None) -> pd.DataFrame | None:
    """Return the places to count (shipped or --data), or None after printing the problems."""
    from origin_map.places.datasets import shipped_places

    if getattr(args, "dataset", None) is not None:
        from origin_map.cli._store import dataset_places

        return dataset_places(args)
    if args.data is None:
        return shipped_places(geometry=False)  # counting needs no shapes
    result = read_input(args, centre)
    if result.n_errors and not args.skip_invalid:
        print_problems(result.problems, sys.stderr, ("error",))
        print(f"{result.n_errors} problem(s) in {result.name}; nothing written. Fix them, "
              "or use --skip-invalid to leave those rows out.", file=sys.stderr)
        return None
    if result.n_errors:
        print(f"{len(result.rejected)} invalid row(s) left out: rows "
              f"{', '.join(map(str, result.rejected['row'].head(50)))}"
              f"{' ...' if len(result.rejected) > 50 else ''}", file=sys.stderr)
    return result.places


def outlines_for(args: argparse.Namespace, places: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the outlines: --outlines (checked against these places) or the shipped ones."""
    from origin_map.measure.outlines import load_outlines

    outlines = load_outlines(args.outlines, places=places if args.outlines else None)
    if args.by_outline and outlines.empty:
        print("origin-map: no outlines found (geodata/areas.geojson or --outlines): every "
              "place is counted by its point", file=sys.stderr)
    return outlines


def area_for(args: argparse.Namespace, centre: Centre) -> Area:
    """Read ``--area``; print what was done to it (repairs, merges) on stderr."""
    from origin_map.measure.areas import read_area

    area = read_area(args.area, data_centre=centre)
    for en in area.warning_texts("en"):
        print(f"origin-map: note: {en}", file=sys.stderr)
    return area


def write_csv(frame: pd.DataFrame, path: Path | None, what: str = "") -> None:
    """Write ``frame`` as safe CSV to ``path``, or to standard output; say so on stderr."""
    from origin_map.io.export import to_csv_bytes

    write_bytes(to_csv_bytes(frame), len(frame), path, what)


def write_bytes(data: bytes, n_rows: int, path: Path | None, what: str = "") -> None:
    """Write CSV bytes of ``n_rows`` rows to ``path``, or to standard output; say so on stderr."""
    if path:
        path.write_bytes(data)
        print(f"wrote {n_rows} {what + ' ' if what else ''}rows to {path}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
