"""``origin-map stats`` on a large clean CSV: the lean path (pyarrow, only the columns counted).

The normal path (:func:`origin_map.places.datasets.read_places`) reads every column of the file with
pandas, checks every row and builds the whole places table, whose problems table, rejected rows
and user columns ``stats`` never shows when every row is valid. This path reads only the
columns the density table, the filter and the sector rules use (``lat``, ``lon``, ``id``,
``kind``, ``sector``, ``status``, ``position_quality``, ``since``, ``until`` and the names) with
pyarrow's CSV reader (on one thread: on a machine of two cores shared with other work its
threads cost more CPU than they save), runs the same checks vectorised on them with numpy,
and gives ``stats`` the same values (so the same table, byte for byte). pandas is not
imported unless the file has years to check (:mod:`origin_map.cli._leanstats`).

It is optimistic: it only answers for a plain file where every check passes — local,
UTF-8 without a BOM, comma-separated, a one-line header with no duplicate or empty name and no
registry column (scope, industry, capital, dates of a registry, a credit code: the normal path
reads those into kinds, statuses and years), every record as long as the header, plain
numbers as coordinates within range, unique ids, values of the vocabularies, no cell that
needs stripping. At the first sign of anything else it returns ``None`` and the normal path
reads the file and reports every problem as it always does (the same errors for bad rows, by
construction). Files under :data:`LEAN_MIN_BYTES` always take the normal path: there the
start-up dominates. ``ORIGIN_MAP_LEAN=0`` in the environment turns the lean path off (the
benchmark's side-by-side figure).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import mmap

    import numpy as np
    import pandas as pd
    import pyarrow as pa

__all__ = ["LEAN_MIN_BYTES", "LeanColumns", "eligible", "lean_columns", "lean_frame"]

LEAN_MIN_BYTES = 8 * 1024 * 1024
"""Smallest CSV file read by the lean path (as ``io.delimited.PARSE_FROM_FILE_BYTES``)."""
_VOCAB = ("kind", "sector", "status", "position_quality")
_YEARS = ("since", "until")
_NAMES = ("name", "name_zh", "name_en")
_PLAIN = {"id", *_NAMES, *_VOCAB, *_YEARS, "lat", "lon", "address", "position_note", "source",
          "building_id", "years_source", "status_source", "status_checked"}
"""The recognised columns of a file the lean path reads. Any other (registry columns, whose
values the normal path reads into kind, status and years; a per-row datum) takes the normal
path."""
_CREDIT_CODE = ("信用代码", "credit code", "uscc")
_OTHER_MAGIC = (b"PAR1", b"PK\x03\x04", b"PK\x05\x06", b"SQLite format 3\x00", b"\xef\xbb\xbf",
                b"\xff\xfe", b"\xfe\xff")


class LeanColumns:
    """The counted columns of a file that passed every check, without pandas.

    ``lat``, ``lon``: WGS-84 degrees rounded to 7 decimals (as the normal path gives them);
    ``vocab``: for each vocabulary column, each row's code into the ids (``int32``) and the
    ids; ``years``: the ``since``/``until`` texts as read (checked by :func:`lean_frame`);
    ``names``: the name columns as read; ``needs_sector``: the rows whose sector is missing,
    blank or ``unknown`` (a keyword rule may give them one).
    Enough of a frame for :meth:`~origin_map.places.filters.PlaceFilter.mask`: ``len``,
    ``columns`` and, per vocabulary column, ``isin``.
    """

    def __init__(self, lat: np.ndarray, lon: np.ndarray,
                 vocab: dict[str, tuple[np.ndarray, list[str]]],
                 years: dict[str, pa.ChunkedArray], names: dict[str, pa.ChunkedArray],
                 needs_sector: np.ndarray) -> None:
        self.lat, self.lon, self.vocab, self.years = lat, lon, vocab, years
        self.names, self.needs_sector = names, needs_sector
        self.columns = ("lat", "lon", *vocab)

    def __len__(self) -> int:
        return len(self.lat)

    def __getitem__(self, column: str) -> _Codes:
        return _Codes(*self.vocab[column])


class _Codes:
    """A vocabulary column as codes into its ids: what ``PlaceFilter.mask`` asks of a column."""

    def __init__(self, codes: np.ndarray, ids: list[str]) -> None:
        self.codes, self.ids = codes, ids

    def isin(self, values: tuple[str, ...]) -> _Codes:
        import numpy as np

        lookup = np.array([i in values for i in self.ids] or [False])
        return _Codes(lookup[self.codes], [])

    def to_numpy(self, dtype: Any = None) -> np.ndarray:
        return self.codes if dtype is None else self.codes.astype(dtype, copy=False)


def lean_columns(args: argparse.Namespace) -> LeanColumns | None:
    """Return the counted columns read by the lean path; None: the normal path reads the file.

    Neither pandas nor pyarrow.compute is imported for a file whose ids are sorted.
    """
    if not eligible(args):
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
    return None if table is None or layout is None else _checked(table, layout, args.datum)


def lean_frame(cols: LeanColumns) -> pd.DataFrame | None:
    """Return the places frame of the columns (pandas), or None when a year has an error.

    The frame has the values :func:`~origin_map.places.datasets.read_places` gives them
    (vocabulary ids as categoricals, years as ``Int64``).
    """
    import pandas as pd

    frame = pd.DataFrame({**{c: pd.Categorical.from_codes(codes, ids)
                             for c, (codes, ids) in cols.vocab.items()},
                          "lat": cols.lat, "lon": cols.lon}, copy=False)
    if cols.years:
        years = _years(cols.years, frame["status"])
        if years is None:
            return None
        for c, s in years.items():
            frame[c] = s
    return frame


def eligible(args: argparse.Namespace) -> bool:
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
    from origin_map.io.sniff import detect_format, sniff_delimiter
    from origin_map.places.columns import _assigned

    text = head.decode("utf-8", errors="ignore")
    first = re.split(r"\r\n|\n", text, maxsplit=1)[0]
    if not first.strip() or '"' in first:
        return None
    from origin_map.errors import OriginMapError

    try:
        kind, notes = detect_format(head, name)
    except OriginMapError:
        return None
    if kind != "csv" or notes or sniff_delimiter(text) != ",":
        return None
    header = next(csv.reader(io.StringIO(first)), [])
    names = [h.strip() for h in header]
    if (len(names) > limits.MAX_COLUMNS or any(not n for n in names)
            or len({n.lower() for n in names}) != len(names)):
        return None  # the normal path names and reports them
    positions = _assigned(names)
    if "lat" not in positions or "lon" not in positions or set(positions) - _PLAIN:
        return None
    if "id" in positions and any(w in names[positions["id"]].lower() for w in _CREDIT_CODE):
        return None  # a registry export: the normal path reads it as a list of firms
    counted = ("lat", "lon", "id", *_VOCAB, *_YEARS, *_NAMES)
    positions = {c: i for c, i in positions.items() if c in counted}
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
            read_options=pacsv.ReadOptions(column_names=pos, skip_rows=1, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=",", newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=[pos[i] for i in layout.positions.values()], column_types=types,
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a record longer or shorter than the header, a blank line, a text number
    return table if table.num_rows <= limits.MAX_ROWS else None


def _checked(table: pa.Table, layout: _Layout, datum: str) -> LeanColumns | None:
    """Run the checks; return the columns, or None at the first possible problem."""
    import numpy as np

    from origin_map.geo.datums import convert

    n = table.num_rows
    if not n:
        return None
    col = {c: table.column(f"c{i}") for c, i in layout.positions.items()}
    lat, lon = _coordinates(col["lat"], col["lon"])
    if lat is None or lon is None:
        return None
    if "id" in col and not _ids_unique(col["id"]):
        return None  # ids are checked, not counted: the columns leave them out
    vocab: dict[str, tuple[np.ndarray, list[str]]] = {}
    for c in _VOCAB:
        values = _vocab(col.get(c), c, n)
        if values is None:
            return None
        vocab[c] = values
    wgs_lat, wgs_lon = convert(lat, lon, src=datum, dst="wgs84")
    return LeanColumns(np.round(wgs_lat, 7), np.round(wgs_lon, 7), vocab,
                       {c: col[c] for c in _YEARS if c in col},
                       {c: col[c] for c in _NAMES if c in col}, _needs_sector(col.get("sector"), n))


def _needs_sector(values: pa.ChunkedArray | None, n: int) -> np.ndarray:
    """Return which rows have no sector: the column missing, or a blank or ``unknown`` value."""
    import numpy as np

    from origin_map.places.arrowtext import numbers
    from origin_map.places.vocab import DEFAULT_SECTOR

    if values is None:
        return np.ones(n, dtype=bool)
    arr = values.unify_dictionaries().combine_chunks()
    lookup = np.array([u.lower() in ("", DEFAULT_SECTOR) for u in arr.dictionary.to_pylist()]
                      or [False])
    return lookup[numbers(arr.indices)]


def _coordinates(lat: pa.ChunkedArray, lon: pa.ChunkedArray) -> tuple[Any, Any]:
    """Return lat, lon as float64 arrays when every value is given and in range, else None."""
    import numpy as np

    if lat.null_count or lon.null_count:
        return None, None  # empty or 'NA'-like: the normal path reports it
    from origin_map.places.arrowtext import numbers  # pyarrow's to_numpy imports pandas

    a, b = numbers(lat), numbers(lon)
    with np.errstate(invalid="ignore"):
        ok = bool(((a >= -90) & (a <= 90)).all() and ((b >= -180) & (b <= 180)).all())
    return (a, b) if ok else (None, None)


def _ids_unique(ids: pa.ChunkedArray) -> bool:
    """Return whether the non-empty ids are distinct and none needs stripping."""
    from origin_map.places.arrowtext import may_need_strip, numbers, strictly_increasing

    arr = ids.combine_chunks()
    if may_need_strip(arr):
        return False  # the normal path strips them first: let it
    if strictly_increasing(arr):
        return True  # sorted ids (sequential, a database export): no hashing
    import numpy as np
    import pyarrow.compute as pc

    empty = int(np.count_nonzero(numbers(pc.binary_length(arr)) == 0))  # never repeated
    distinct = pc.count_distinct(arr).as_py() - (1 if empty else 0)  # (pc.filter imports pandas)
    return bool(distinct == len(arr) - empty)


def _vocab(values: pa.ChunkedArray | None, column: str, n: int
           ) -> tuple[np.ndarray, list[str]] | None:
    """Return a vocabulary column as codes into its ids; None: a value unknown or padded.

    Labels in English or Chinese are mapped to their ids, an empty value to the default; a
    column missing from the file is the default everywhere. The codes point into the distinct
    ids (no text per row): the filter and the counts read codes only.
    """
    import numpy as np
    import pyarrow as pa

    from origin_map.places.arrowtext import numbers
    from origin_map.places.vocab import vocab_lookup

    mapping, default = vocab_lookup()[column]
    if values is None:
        return np.zeros(n, dtype=np.int32), [default]
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
    codes = np.asarray(lookup, dtype=np.int32)[numbers(arr.indices)]
    return codes, list(ids)


def _years(years: dict[str, pa.ChunkedArray], status: pd.Series
           ) -> dict[str, pd.Series] | None:
    """Return ``since``/``until`` checked by the normal path's own check, or None on an error."""
    import numpy as np
    import pandas as pd

    from origin_map.io.firmlist import _year_text
    from origin_map.places.checks import check_tenancy

    frame = pd.DataFrame({c: _year_text(pd.Series(pd.array(a, dtype="str")))  # as firm_values
                          for c, a in years.items()})
    numbers = np.arange(1, len(status) + 1)
    cols, problems = check_tenancy(frame, numbers, status)
    if (problems["severity"] == "error").any():
        return None
    return {c: cols[c] for c in _YEARS}
