"""``origin-map stats`` on a large clean CSV: the lean path (pyarrow, only the columns counted).

The normal path (:func:`origin_map.places.datasets.read_places`) reads every column of the file with
pandas, checks every row and builds the whole places table, whose problems table, rejected rows
and user columns ``stats`` never shows when every row is valid. This path reads only the
columns the density table and the filter use (``lat``, ``lon``, ``id``, ``kind``, ``sector``,
``status``, ``position_quality``, ``since``, ``until``) with pyarrow's multi-threaded CSV
reader, runs the same checks vectorised on them, and gives ``stats`` the same values (so the
same table, byte for byte).

It is optimistic: it only answers for a plain file where every check passes — local,
UTF-8 without a BOM, comma-separated, a one-line header with no duplicate or empty name, every
record as long as the header, plain numbers as coordinates within range, unique ids, values of
the vocabularies, no cell that needs stripping. At the first sign of anything else it returns
``None`` and the normal path reads the file and reports every problem as it always does (the
same errors for bad rows, by construction). Files under :data:`LEAN_MIN_BYTES` always take the
normal path: there the start-up dominates. ``ORIGIN_MAP_LEAN=0`` in the environment turns the
lean path off (the benchmark's side-by-side figure).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import mmap

    import pandas as pd
    import pyarrow as pa

    from origin_map.geo.geometry import Centre

__all__ = ["LEAN_MIN_BYTES", "lean_places"]

LEAN_MIN_BYTES = 8 * 1024 * 1024
"""Smallest CSV file read by the lean path (as ``io.delimited.PARSE_FROM_FILE_BYTES``)."""
_VOCAB = ("kind", "sector", "status", "position_quality")
_YEARS = ("since", "until")
_OTHER_MAGIC = (b"PAR1", b"PK\x03\x04", b"PK\x05\x06", b"SQLite format 3\x00", b"\xef\xbb\xbf",
                b"\xff\xfe", b"\xfe\xff")


def lean_places(args: argparse.Namespace, centre: Centre) -> pd.DataFrame | None:
    """Return the places ``stats`` counts, read by the lean path; None: use the normal path.

    The frame has the columns the density table and the filter read, with the values
    :func:`~origin_map.places.datasets.read_places` gives them (coordinates converted to WGS-84 and
    rounded to 7 decimals, vocabulary labels mapped to their ids, years as ``Int64``).
    """
    if not _eligible(args):
        return None
    try:  # pyarrow comes with pandas' string columns, but is not a declared dependency
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return None
    path = Path(args.data)
    data = _file_map(path, int(args.max_mb * 1024 * 1024))
    if data is None:
        return None
    try:
        layout = _layout(data[:65536], path.name)
        table = None if layout is None else _read(data, layout)
    finally:
        with contextlib.suppress(BufferError):  # closed when collected, if still exported
            data.close()  # the table holds its own copy of the columns read
    places = None if table is None or layout is None else _checked(table, layout, args.datum)
    if places is not None:
        from origin_map.cli._inputs import datum_note

        datum_note(args)
    return places


def _eligible(args: argparse.Namespace) -> bool:
    """Return whether the command is the plain ring table of a local file (no search/areas)."""
    return (os.environ.get("ORIGIN_MAP_LEAN", "1") != "0"
            and getattr(args, "command", "") == "stats" and args.data is not None
            and args.engine == "memory" and args.h3 is None and not args.area
            and not args.by_outline and not args.search and args.unknown_values == "error"
            and "://" not in str(args.data))


def _file_map(path: Path, max_bytes: int) -> mmap.mmap | None:
    """Map the file if it is a large plain UTF-8 text file (no BOM), else return None.

    The file is mapped, not copied: pyarrow reads the mapping. The row limit is checked on the
    records read (blank lines are refused by the reader).
    """
    import mmap

    try:
        size = path.stat().st_size
        if not (path.is_file() and LEAN_MIN_BYTES <= size <= max_bytes):
            return None
        with path.open("rb") as fh:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    if not (len(data) == size and _plain_text(data)):
        data.close()
        return None
    return data


def _plain_text(data: mmap.mmap) -> bool:
    """Return whether the bytes are UTF-8 text without a BOM, NUL or a line ended by CR alone."""
    import codecs

    import numpy as np

    head = data[:65536]
    if head.startswith(_OTHER_MAGIC) or b"\x00" in head:
        return False
    view = np.frombuffer(data, dtype=np.uint8)
    try:
        if view.max() >= 0x80:  # not ASCII: decoded once to check it is UTF-8
            try:
                codecs.utf_8_decode(data, "strict", True)
            except UnicodeDecodeError:
                return False
        if data.find(b"\r") >= 0 and np.count_nonzero(view == 13) != np.count_nonzero(
                (view[:-1] == 13) & (view[1:] == 10)):
            return False  # a line ended by CR alone
    finally:
        del view  # an exported buffer would keep the mapping from closing
    return True


class _Layout:
    """Where the counted columns are: canonical name -> position in the header."""

    def __init__(self, names: list[str], positions: dict[str, int]) -> None:
        self.names, self.positions = names, positions


def _layout(head: bytes, name: str) -> _Layout | None:
    """Return the positions of the counted columns, or None when the header is not plain.

    ``head`` is the file's first 64 KiB.
    """
    import csv
    import io
    import re

    from origin_map import limits
    from origin_map.io.delimited import _sniff_delimiter
    from origin_map.io.sniff import detect_format
    from origin_map.places.columns import canonical_columns

    text = head.decode("utf-8", errors="ignore")
    first = re.split(r"\r\n|\n", text, maxsplit=1)[0]
    if not first.strip() or '"' in first:
        return None
    from origin_map.errors import OriginMapError

    try:
        kind, notes = detect_format(head, name)
    except OriginMapError:
        return None
    if kind != "csv" or notes or _sniff_delimiter(text) != ",":
        return None
    header = next(csv.reader(io.StringIO(first)), [])
    names = [h.strip() for h in header]
    if (len(names) > limits.MAX_COLUMNS or any(not n for n in names)
            or len({n.lower() for n in names}) != len(names)):
        return None  # the normal path names and reports them
    import pandas as pd

    canon, _ = canonical_columns(pd.DataFrame(columns=names))
    wanted = ("lat", "lon", "id", *_VOCAB, *_YEARS)
    positions = {c: i for i, c in enumerate(canon.columns) if c in wanted}
    if "lat" not in positions or "lon" not in positions:
        return None
    return _Layout(names, positions)


def _read(data: mmap.mmap, layout: _Layout) -> pa.Table | None:
    """Read the counted columns with pyarrow; None when a record does not fit the header."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from origin_map import limits

    pos = [f"c{i}" for i in range(len(layout.names))]
    types = {pos[i]: (pa.float64() if c in ("lat", "lon") else
                      pa.dictionary(pa.int32(), pa.string()) if c in _VOCAB else pa.string())
             for c, i in layout.positions.items()}
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=pos, skip_rows=1, use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=",", newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=[pos[i] for i in layout.positions.values()], column_types=types,
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a record longer or shorter than the header, a blank line, a text number
    return table if table.num_rows <= limits.MAX_ROWS else None


def _checked(table: pa.Table, layout: _Layout, datum: str) -> pd.DataFrame | None:
    """Run the checks; return the places frame, or None at the first possible problem."""
    import numpy as np
    import pandas as pd

    from origin_map.geo.datums import convert

    n = table.num_rows
    if not n:
        return None
    col = {c: table.column(f"c{i}") for c, i in layout.positions.items()}
    lat, lon = _coordinates(col["lat"], col["lon"])
    if lat is None or lon is None:
        return None
    out: dict[str, Any] = {}
    if "id" in col and not _ids_unique(col["id"]):
        return None  # ids are checked, not counted: the frame leaves them out
    for c in _VOCAB:
        values = _vocab(col.get(c), c, n)
        if values is None:
            return None
        out[c] = values
    wgs_lat, wgs_lon = convert(lat, lon, src=datum, dst="wgs84")
    out["lat"], out["lon"] = np.round(wgs_lat, 7), np.round(wgs_lon, 7)
    frame = pd.DataFrame(out, copy=False)
    if any(c in col for c in _YEARS):
        years = _years(col, frame["status"])
        if years is None:
            return None
        for c, s in years.items():
            frame[c] = s
    return frame


def _coordinates(lat: pa.ChunkedArray, lon: pa.ChunkedArray) -> tuple[Any, Any]:
    """Return lat, lon as float64 arrays when every value is given and in range, else None."""
    import numpy as np

    if lat.null_count or lon.null_count:
        return None, None  # empty or 'NA'-like: the normal path reports it
    a = lat.to_numpy()
    b = lon.to_numpy()
    with np.errstate(invalid="ignore"):
        ok = bool(((a >= -90) & (a <= 90)).all() and ((b >= -180) & (b <= 180)).all())
    return (a, b) if ok else (None, None)


def _ids_unique(ids: pa.ChunkedArray) -> bool:
    """Return whether the non-empty ids are distinct and none needs stripping."""
    import pandas as pd
    import pyarrow.compute as pc

    from origin_map.places.checks import _may_need_strip, _strictly_increasing

    arr = ids.combine_chunks()
    series = pd.Series(pd.array(arr, dtype="str"), copy=False)
    if _may_need_strip(series):
        return False  # the normal path strips them first: let it
    if _strictly_increasing(series):
        return True  # sorted ids (sequential, a database export): no hashing
    given = pc.filter(arr, pc.greater(pc.binary_length(arr), 0))
    return bool(pc.count_distinct(given).as_py() == len(given))


def _vocab(values: pa.ChunkedArray | None, column: str, n: int) -> pd.Categorical | None:
    """Return a vocabulary column as ids, or None when a value is unknown or needs stripping.

    Labels in English or Chinese are mapped to their ids, an empty value to the default; a
    column missing from the file is the default everywhere. The ids come as a categorical
    (codes into the distinct ids: no text per row): the filter and the counts read values only.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from origin_map.places.checks import vocab_lookup

    mapping, default = vocab_lookup()[column]
    if values is None:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [default])
    arr = values.unify_dictionaries().combine_chunks()
    if not isinstance(arr, pa.DictionaryArray):
        return None
    ids: dict[str, int] = {}
    lookup = []
    for u in arr.dictionary.to_pylist():
        m = mapping.get(u, mapping.get(u.lower())) if u else default
        if m is None or u != u.strip():
            return None
        lookup.append(ids.setdefault(m, len(ids)))
    codes = np.asarray(lookup, dtype=np.int32)[arr.indices.to_numpy(zero_copy_only=False)]
    return pd.Categorical.from_codes(codes, list(ids))


def _years(col: dict[str, Any], status: pd.Series) -> dict[str, pd.Series] | None:
    """Return ``since``/``until`` checked by the normal path's own check, or None on an error."""
    import numpy as np
    import pandas as pd

    from origin_map.places.checks import check_tenancy

    frame = pd.DataFrame({c: pd.array(col[c], dtype="str") for c in _YEARS if c in col})
    numbers = np.arange(1, len(status) + 1)
    cols, problems = check_tenancy(frame, numbers, status)
    if (problems["severity"] == "error").any():
        return None
    return {c: cols[c] for c in _YEARS}
