"""Read raw tables from CSV, Excel, GeoJSON and GeoPackage into pandas, with clear errors.

Internal: :mod:`origin_map.datasets` validates what these functions return.

The format is decided by the content (magic bytes), not by the name: a name only breaks ties
between text formats and is shown in messages. Names given with data (an upload's file name) are
never opened; only a ``str``/``Path`` source is a path. Files that are something else (an image,
an archive, an old ``.xls``, an HTML page) are refused with a message naming what they look like.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from ._sniff import content_kind, detect_encoding, display_name, fail
from .errors import InputLimitError, Problem

__all__ = [
    "FORMATS",
    "MAX_BYTES_DEFAULT",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UPLOAD_MB",
    "RawTable",
    "column_names",
    "drop_blank_rows",
    "read_bytes",
    "read_csv_bytes",
    "read_raw",
    "sniff_format",
    "too_many_rows",
]

MAX_UPLOAD_MB = 200
"""Largest input in MB (1 MB = 1024 × 1024 bytes, as Streamlit counts them).

``.streamlit/config.toml``'s ``server.maxUploadSize`` must equal it (a test checks); the command
line uses it as the default of ``--max-mb``.
"""
MAX_BYTES_DEFAULT = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = 2_000_000
"""Largest number of data rows read from one file."""
MAX_COLUMNS = 1_000
"""Largest number of columns read from one file."""
JSON_CHECK_BYTES = 64 * 1024 * 1024
"""GeoJSON up to this size is parsed in Python first, for precise messages about its structure."""

FORMATS = ("csv", "excel", "geojson", "gpkg")
_SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xlsm": "excel",
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
}
_FORMAT_LABEL = {"csv": "CSV text", "excel": "an Excel workbook", "geojson": "GeoJSON",
                 "gpkg": "a GeoPackage"}

Source = str | Path | bytes | IO[bytes]
FloatColumns = Callable[[Sequence[str]], Sequence[int]]
"""Given a header, the positions of the columns to parse as numbers (the coordinates)."""


@dataclass
class RawTable:
    """A table as read, before validation.

    ``frame`` has one row per record; coordinates from geometries are in columns ``lon``/``lat``
    (EPSG:4326 after any CRS transformation) when the format carries geometry. ``rows`` gives
    each frame row's record number (1 = the first record below the header; empty rows that were
    skipped keep their numbers); ``row_errors`` lists (row number, value, message) of records
    that could not be split into the header's columns.
    """

    frame: pd.DataFrame
    fmt: str
    name: str
    notes: list[Problem] = field(default_factory=list)
    from_geometry: bool = False
    rows: np.ndarray | None = None
    row_errors: list[tuple[int, str, str]] = field(default_factory=list)

    def numbers(self) -> np.ndarray:
        """Return the record number of each row of :attr:`frame`."""
        if self.rows is None:
            return np.arange(1, len(self.frame) + 1)
        return self.rows


def _too_big(label: str, size: float | None, max_bytes: int) -> InputLimitError:
    what = f"the file is {size / 2**20:,.1f} MB" if size else "the input is larger"
    return InputLimitError(f"{label}: {what}, over the limit of {max_bytes / 2**20:,.0f} MB. "
                           "Split the file, or filter it to the area of interest, first.")


def too_many_rows(label: str, what: str = "the file has") -> InputLimitError:
    """Return the error for input with more than :data:`MAX_ROWS` rows."""
    return InputLimitError(f"{label}: {what} more than {MAX_ROWS:,} rows, over the row limit. "
                           "Split it, or filter it to the area of interest, first.")


def read_bytes(source: Source, *, max_bytes: int = MAX_BYTES_DEFAULT) -> tuple[bytes, str]:
    """Return the content and a display name of ``source`` (a path, bytes or a binary file)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = display_name(path.name)
        if path.is_dir():
            raise fail(label, f"{path} is a folder, not a file.",
                       "Give the path of a places file (CSV, XLSX, GeoJSON or GeoPackage).")
        if not path.exists():
            raise fail(label, f"File not found: {path}", "Check the path.")
        if not path.is_file():
            raise fail(label, f"{path} is not a regular file (a device or a pipe?).",
                       "Give the path of a places file.")
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_big(label, size, max_bytes)
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise fail(label, f"Cannot read {path}: {exc.strerror or exc}.",
                       "Check that the file exists and that you may read it.") from None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), "upload"
    else:
        chunk = source.read(max_bytes + 1)
        data = chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
        label = display_name(getattr(source, "name", None) or "upload")
    if len(data) > max_bytes:
        raise _too_big(label, None, max_bytes)
    return data, label


def sniff_format(data: bytes, name: str) -> str:
    """Return the format of ``data`` from its content, the file name breaking ties."""
    return _sniff(data, name)[0]


def _sniff(data: bytes, name: str) -> tuple[str, list[Problem]]:
    kind = content_kind(data, name)
    suffix = _SUFFIXES.get(Path(name).suffix.lower())
    if kind == "text":
        kind = "csv"
    elif kind == "json":
        brace = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
        kind = "geojson" if brace or suffix != "csv" else "csv"
    notes = []
    if suffix and suffix != kind:
        notes.append(Problem(None, None, f"The file is named '{Path(name).suffix}' but its "
                             f"content is {_FORMAT_LABEL[kind]}; it was read as such.",
                             "Rename the file to match its content.", "warning"))
    return kind, notes


def _sniff_delimiter(sample: str) -> str:
    # csv.Sniffer is quadratic in the length of a line full of quotes: give it 8 KiB at most.
    lines = re.split(r"\r\n|\r|\n", sample[:8192])[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",;\t|"} if lines else {}
        best = max(counts, key=lambda d: counts[d], default=",")
        return best if counts.get(best) else ","


def column_names(header: Sequence[str], notes: list[Problem], label: str) -> list[str]:
    """Strip header names, name empty ones and keep duplicates under a new name (nothing lost)."""
    if len(header) > MAX_COLUMNS:
        raise InputLimitError(f"{label}: the header has {len(header):,} columns, over the "
                              f"limit of {MAX_COLUMNS:,}. Keep the columns you need.")
    names: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(header):
        col = str(raw).strip() or f"column {i + 1}"
        if col.lower() in seen:
            new = f"{col} (column {i + 1})"
            notes.append(Problem(None, col, f"Column '{col}' appears more than once; the first "
                                 f"one is used, this one is kept as '{new}'.",
                                 "Remove or rename the duplicate column.", "warning"))
            col = new
        seen.add(col.lower())
        names.append(col)
    return names


_EOF_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


class _UnclosedQuote(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _is_text(s: pd.Series) -> bool:
    if isinstance(s.dtype, pd.StringDtype):
        return True
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=False) in ("string", "empty")


def _pandas_read(data: bytes, kw: dict[str, Any], floats: list[str]) -> pd.DataFrame | None:
    """Read with pandas' C parser; ``None`` if some record has more values than the header.

    The coordinate columns are read as float64 when every value is a plain number (else as
    text). Other columns are left to pandas' fast inference, and any that came out as numbers
    (an id ``007`` would become 7) are read again as text, so text is never altered.
    """
    for numeric in ([floats, []] if floats else [[]]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                frame = pd.read_csv(io.BytesIO(data), dtype=dict.fromkeys(numeric, "float64"),
                                    na_values={c: [""] for c in numeric}, **kw)
            except pd.errors.ParserError as exc:
                m = _EOF_QUOTE.search(str(exc))
                if m:
                    raise _UnclosedQuote(int(m.group(1)) + 1 + kw["skiprows"]) from None
                return None
            except ValueError:
                if numeric:
                    continue  # a coordinate is not a plain number: read it as text
                raise
        if any("Length of header" in str(w.message) for w in caught):
            return None
        again = [c for c in frame.columns if not _is_text(frame[c]) and not (
            c in floats and str(frame[c].dtype) in ("float64", "int64"))]
        if again:
            text = pd.read_csv(io.BytesIO(data), usecols=again, dtype=str, na_filter=False,
                               **kw)
            for c in again:
                frame[c] = text[c]
        return frame
    raise AssertionError("unreachable")


def _csv_module_read(text: str, sep: str, lead: int, names: list[str], name: str) -> tuple[
        pd.DataFrame, list[tuple[int, str, str]]]:
    """Read records one by one; a record with values beyond the header is an error row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    width, rows, errors = len(names), [], []
    for _ in range(lead + 1):
        next(reader, None)
    for i, rec in enumerate(reader, start=1):
        if i > MAX_ROWS:
            raise too_many_rows(name)
        if len(rec) > width and any(v.strip() for v in rec[width:]):
            errors.append((i, sep.join(rec), f"The row has {len(rec)} values but the header "
                           f"has {width} columns (a separator inside an unquoted value?)."))
        rows.append((rec + [""] * width)[:width])
    return pd.DataFrame(rows, columns=names, dtype=str), errors


def read_csv_bytes(data: bytes, name: str, float_columns: FloatColumns | None = None
                   ) -> RawTable:
    """Parse CSV bytes (any of , ; tab | as separator) into a raw table.

    Columns chosen by ``float_columns`` are parsed as numbers when every value is a plain number
    (the fast path for large files); otherwise, and for every other column, text stays text.
    """
    data, encoding, notes = detect_encoding(data, name)
    sample = codecs.getincrementaldecoder(encoding)().decode(data[:65536])
    lines = re.split(r"\r\n|\r|\n", sample)  # not splitlines(): \x85, \u2028 are not line ends
    lead = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if lead == len(lines):
        raise fail(name, "The file is empty.", "Upload a table with a header row and data rows.")
    body = "\n".join(lines[lead:])
    sep = _sniff_delimiter(body)
    header = next(csv.reader(io.StringIO(body), delimiter=sep), [])
    columns = column_names(header, notes, name)
    pos = [f"c{i}" for i in range(len(columns))]
    floats = [pos[i] for i in (float_columns(columns) if float_columns else [])]
    kw = dict(sep=sep, header=0, names=pos, index_col=False, skiprows=lead, engine="c",
              skip_blank_lines=False, skipinitialspace=True, keep_default_na=False,
              encoding=encoding, nrows=MAX_ROWS + 1)
    errors: list[tuple[int, str, str]] = []
    try:
        frame = _pandas_read(data, kw, floats)
        if frame is None:
            frame, errors = _csv_module_read(data.decode(encoding), sep, lead, pos, name)
    except _UnclosedQuote as exc:
        raise fail(name, f"A quote (\") opened in line {exc.line} is never closed, so the rest "
                   "of the file would be one value.", "Close the quote, or write a quote inside "
                   "a value twice (\"\").") from None
    except InputLimitError:
        raise
    except ValueError as exc:
        raise fail(name, f"The CSV could not be parsed: {exc}",
                   "Check that every row has the same number of separators.") from None
    except csv.Error as exc:
        raise fail(name, f"The CSV could not be parsed: {exc}.",
                   "Save it again as CSV UTF-8 from a spreadsheet.") from None
    if len(frame) > MAX_ROWS:
        raise too_many_rows(name)
    frame.columns = pd.Index(columns)
    if sep != ",":
        notes.append(Problem(None, None, f"Separator detected: {sep!r}.", severity="info"))
    frame, rows = drop_blank_rows(frame, notes)
    return RawTable(frame, "csv", name, notes, rows=rows, row_errors=errors)


def drop_blank_rows(frame: pd.DataFrame, notes: list[Problem]) -> tuple[pd.DataFrame,
                                                                          np.ndarray]:
    """Drop rows with no value at all, keeping every other row's record number."""
    blank = np.ones(len(frame), dtype=bool)
    floats_first = sorted(frame.columns, key=lambda c: not pd.api.types.is_float_dtype(
        frame[c].dtype))
    for col in floats_first:
        if not blank.any():
            break
        s = frame[col]
        empty = s.isna() if pd.api.types.is_float_dtype(s.dtype) else s.astype(str).str.strip(
            ) == ""
        blank &= np.asarray(empty, dtype=bool)
    numbers = np.arange(1, len(frame) + 1)
    if not blank.any():
        return frame, numbers
    last = np.flatnonzero(~blank).max(initial=-1)
    inner = np.flatnonzero(blank[: last + 1]) + 1
    if len(inner):
        shown = ", ".join(map(str, inner[:10])) + (" ..." if len(inner) > 10 else "")
        notes.append(Problem(None, None, f"{len(inner)} empty row(s) ignored (rows {shown}).",
                             severity="info"))
    return frame.loc[~blank].reset_index(drop=True), numbers[~blank]


def read_raw(
    source: Source,
    *,
    fmt: str | None = None,
    name: str | None = None,
    layer: str | None = None,
    sheet: str | int | None = None,
    max_bytes: int = MAX_BYTES_DEFAULT,
    float_columns: FloatColumns | None = None,
) -> RawTable:
    """Read any supported input into a :class:`RawTable` (no validation yet).

    ``name`` is for display only (it may come from a browser); it is never opened.
    """
    data, default_name = read_bytes(source, max_bytes=max_bytes)
    name = display_name(name) if name else default_name
    if not data[:4096].strip() and not data.strip():
        raise fail(name, "The file is empty.", "Upload a table with a header row and data rows.")
    if fmt is not None and fmt not in FORMATS:
        raise fail(name, f"Unknown format {fmt!r}.", f"Use one of {', '.join(FORMATS)}.")
    kind, notes = (fmt, []) if fmt else _sniff(data, name)
    from ._formats import read_excel_bytes, read_geojson_bytes, read_gpkg_bytes

    if kind == "csv":
        raw = read_csv_bytes(data, name, float_columns)
    elif kind == "excel":
        raw = read_excel_bytes(data, name, sheet)
    elif kind == "geojson":
        raw = read_geojson_bytes(data, name)
    else:
        raw = read_gpkg_bytes(data, name, layer)
    raw.notes[:0] = notes
    return raw
