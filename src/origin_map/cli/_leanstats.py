"""``origin-map stats`` on a large clean CSV, counted without pandas when nothing needs it.

The lean path reads and checks the counted columns (:func:`origin_map.cli._lean.lean_columns`,
pyarrow and numpy); this module counts them and writes the table. Without ``since``/``until``
columns and without ``--year``, nothing of pandas is needed: the filter runs on the
vocabulary codes, the rings and the counts on numpy arrays, and the table's rows are written
by :func:`origin_map.io.csvrows.rows_csv_bytes` — the bytes the normal path writes, since both
build the rows with :func:`origin_map.measure.rings.density_rows`. Years are checked by the
normal path's own check, which is pandas: with them the columns become a places frame and
:func:`origin_map.measure.stats.density_table` counts it. A file the lean path declines (any
possible problem) is read by the normal path, which reports it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from origin_map.cli._lean import eligible, lean_columns, lean_frame

if TYPE_CHECKING:
    from origin_map.cli._lean import LeanColumns
    from origin_map.geo.geometry import Centre, Rings
    from origin_map.places.filters import PlaceFilter

__all__ = ["lean_stats"]


def lean_stats(args: argparse.Namespace) -> int | None:
    """Write the density table of ``stats`` by the lean path; None: the normal path runs.

    The centre, the rings and the filter are resolved first, as the normal path does (the same
    errors for bad options, raised in the same order).
    """
    if not eligible(args):
        return None
    from origin_map.cli._inputs import datum_note, rings_and_filter, write_bytes, write_csv
    from origin_map.cli._options import EXIT_OK
    from origin_map.places.centres import resolve_centre

    centre = resolve_centre(args.centre)
    radii, flt = rings_and_filter(args)
    cols = lean_columns(args)
    if cols is None:
        return None
    note = _sectors_by_rule(cols)
    if cols.years or flt.year is not None:
        table = _frame_table(cols, centre, radii, flt)
        if table is None:
            return None  # a year with an error: the normal path reports it
        _say(note)
        datum_note(args)
        write_csv(table, args.output)
        return EXIT_OK
    from origin_map.io.csvrows import rows_csv_bytes
    from origin_map.measure.rings import DENSITY_COLUMNS

    rows = _rows(cols, centre, radii, flt)
    _say(note)
    datum_note(args)
    write_bytes(rows_csv_bytes(rows, DENSITY_COLUMNS), len(rows), args.output)
    return EXIT_OK


def _say(note: str | None) -> None:
    """Print a note on how the file was read, as the normal path does (``read_input``)."""
    if note:
        import sys

        print(f"origin-map: {note}", file=sys.stderr)


def _sectors_by_rule(cols: LeanColumns) -> str | None:
    """Give rows without a sector the sector of a keyword rule on their name, as the normal path.

    Returns the note the normal path prints when some row got one, else None. The rules search
    the names in one pass first (every rule as an alternative): a name none matches is done.
    """
    if not cols.needs_sector.any():
        return None
    import numpy as np

    from origin_map.errors import Problem
    from origin_map.places.sector_rules import rule_sectors

    texts = _name_texts(cols)
    if texts is None:
        return None
    sector, _ = rule_sectors({"name": texts}, np.flatnonzero(cols.needs_sector), len(cols))
    hit = np.flatnonzero(sector != "")
    if not hit.size:
        return None
    codes, ids = cols.vocab["sector"]
    new, inverse = np.unique(sector[hit].astype(str), return_inverse=True)
    index = {s: i for i, s in enumerate(ids)}
    for s in new:
        index.setdefault(str(s), len(index))
    codes = codes.copy()
    codes[hit] = np.array([index[str(s)] for s in new], dtype=codes.dtype)[inverse]
    cols.vocab["sector"] = (codes, list(index))
    return Problem.of(None, None, "sector_rules.assigned_note", severity="info",
                      n=str(hit.size), total=str(len(cols))).message


def _name_texts(cols: LeanColumns) -> Any:
    """Return the name texts the rules search: the name columns joined by a newline, or None."""
    from origin_map.places.sector_rules import DEFAULT_FIELDS

    present = [cols.names[c] for c in DEFAULT_FIELDS["name"] if c in cols.names]
    if len(present) < 2:
        return present[0] if present else None
    import pyarrow.compute as pc

    return pc.utf8_trim(pc.binary_join_element_wise(*present, "\n"), characters="\n")


def _rows(cols: LeanColumns, centre: Centre, radii: Rings, flt: PlaceFilter
          ) -> list[dict[str, Any]]:
    """Return the density table's rows: the places passing ``flt``, counted per ring × sector."""
    import numpy as np

    from origin_map.geo.geometry import assign_rings, distances_m, normalise_radii
    from origin_map.measure.rings import code_counts, density_rows

    rings = normalise_radii(radii)
    codes, ids = cols.vocab["sector"]
    keep = flt.mask(cols)
    codes = codes.astype(np.int64)
    codes[~keep] = -1  # not counted
    ring = assign_rings(distances_m(cols.lat, cols.lon, centre.lat, centre.lon), rings)
    counts, seen = code_counts(ring, codes, len(ids), len(rings) + 1)
    present = [s for s, x in zip(ids, seen, strict=True) if x]
    return density_rows(present, counts, centre, rings, flt.sectors)


def _frame_table(cols: LeanColumns, centre: Centre, radii: Rings, flt: PlaceFilter) -> Any:
    """Return the density table of the columns as a places frame (pandas), or None."""
    from origin_map.measure.stats import density_table

    frame = lean_frame(cols)
    return None if frame is None else density_table(frame, centre, radii, place_filter=flt)
