"""Read CSV text (any of , ; tab | as separator; UTF-8, GB18030, UTF-16) into a raw table.

Two paths, same result: :func:`read_csv_bytes` parses bytes in memory; :func:`read_csv_file`
streams a large local UTF-8 file once to check it, then lets pandas parse it from disk on
several threads. Internal: :mod:`origin_map.io.readers` decides the format and calls these.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from origin_map import limits
from origin_map.errors import DataValidationError, InputLimitError, Problem
from origin_map.io.firmlist import TITLE_LOOK_ROWS, header_row
from origin_map.io.rawtable import (
    FloatColumns,
    RawTable,
    column_names,
    drop_blank_rows,
    too_many_rows,
)
from origin_map.io.sniff import (
    detect_encoding,
    detect_format,
    display_name,
    looks_binary,
    refuse,
)
from origin_map.io.sniff import sniff_delimiter as _sniff_delimiter

__all__ = ["PARSE_FROM_FILE_BYTES", "FileOrigin", "read_csv_bytes", "read_csv_file"]

PARSE_FROM_FILE_BYTES = 8 * 1024 * 1024
"""Local UTF-8 CSV files at least this large are checked while streamed and parsed by pandas
from disk (on several threads) instead of being read into memory first; same result."""


@dataclass(frozen=True)
class FileOrigin:
    """A local file and its state when it was checked (device, inode, size, mtime).

    The fast path for large CSV files checks the file while streaming it, then lets pandas parse
    it from disk; :meth:`unchanged` afterwards tells whether pandas read what was checked.
    """

    path: Path
    stamp: tuple[int, int, int, int]

    @staticmethod
    def stamp_of(st: os.stat_result) -> tuple[int, int, int, int]:
        """Return the parts of a ``stat`` result that change when the file does."""
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def unchanged(self) -> bool:
        """Return whether the file is still as it was when it was checked."""
        try:
            return self.stamp_of(self.path.stat()) == self.stamp
        except OSError:
            return False


_EOF_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


class _UnclosedQuote(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _is_text(s: pd.Series) -> bool:
    if isinstance(s.dtype, pd.StringDtype):
        return True
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=False) in ("string", "empty")


def _pandas_parse(source: Callable[[], Any], kw: dict[str, Any], floats: list[str]
                  ) -> pd.DataFrame | None:
    """Read with pandas' C parser; ``None`` if some record has more values than the header.

    The coordinate columns are read as float64 when every value is a plain number (else as
    text). Other columns are left to pandas' fast inference, and any that came out as numbers
    (an id ``007`` would become 7) are read again as text, so text is never altered.
    ``source()`` gives what to read (a new file object or a path each time).
    """
    for numeric in ([floats, []] if floats else [[]]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                frame = pd.read_csv(source(), dtype=dict.fromkeys(numeric, "float64"),
                                    na_values={c: [""] for c in numeric}, **kw)
            except pd.errors.ParserError as exc:
                m = _EOF_QUOTE.search(str(exc))
                if m:
                    raise _UnclosedQuote(int(m.group(1)) + 1 + kw["skiprows"]) from exc
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
            text = pd.read_csv(source(), usecols=again, dtype=str, na_filter=False,
                               **{**kw, "nrows": limits.MAX_ROWS + 1})
            for c in again:
                frame[c] = text[c]
        return frame
    raise AssertionError("unreachable")


def _csv_module_read(text: str, sep: str, lead: int, names: list[str], name: str) -> tuple[
        pd.DataFrame, list[tuple[int, str, str, dict[str, Any]]]]:
    """Read records one by one; a record with values beyond the header is an error row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    width, rows, errors = len(names), [], []
    for _ in range(lead + 1):
        next(reader, None)
    for i, rec in enumerate(reader, start=1):
        if i > limits.MAX_ROWS:
            raise too_many_rows(name)
        if len(rec) > width and any(v.strip() for v in rec[width:]):
            errors.append((i, sep.join(rec), "validate.problem.row_too_long",
                           {"n": len(rec), "width": width}))
        rows.append((rec + [""] * width)[:width])
    return pd.DataFrame(rows, columns=names, dtype=str), errors


def read_csv_bytes(data: bytes, name: str, float_columns: FloatColumns | None = None
                   ) -> RawTable:
    """Parse CSV bytes (any of , ; tab | as separator) into a raw table.

    Columns chosen by ``float_columns`` are parsed as numbers when every value is a plain number
    (the fast path for large files); otherwise, and for every other column, text stays text.
    """
    data, encoding, notes = detect_encoding(data, name)
    return _parse_csv(data[:65536], encoding, notes, name, float_columns,
                      lambda kw, floats: _pandas_parse(lambda: io.BytesIO(data), kw, floats),
                      lambda: data.decode(encoding))


def _parse_csv(head: bytes, encoding: str, notes: list[Problem], name: str,
               float_columns: FloatColumns | None,
               parse: Callable[[dict[str, Any], list[str]], pd.DataFrame | None],
               text: Callable[[], str]) -> RawTable:
    """Find the layout of a CSV from its first bytes, then parse it with ``parse``.

    ``parse(kw, floats)`` reads the whole file with pandas (see :func:`_pandas_parse`); when it
    returns ``None``, the file's ``text()`` is read record by record instead.
    """
    sample = codecs.getincrementaldecoder(encoding)().decode(head[:65536])
    lines = re.split(r"\r\n|\r|\n", sample)  # not splitlines(): \x85, \u2028 are not line ends
    lead = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if lead == len(lines):
        raise refuse(name, "validate.problem.empty_file", "validate.fix.upload_table")
    body = "\n".join(lines[lead:])
    sep = _sniff_delimiter(body)
    title = header_row([next(csv.reader([ln], delimiter=sep), []) for ln in
                        lines[lead:lead + TITLE_LOOK_ROWS]])
    if title:  # a title or notes above the header: skipped, and said so
        notes.append(Problem.of(None, None, "firmlist.title_rows", severity="info", n=title,
                                text=lines[lead].strip()[:60]))
        lead += title
        body = "\n".join(lines[lead:])
        sep = _sniff_delimiter(body)
    header = next(csv.reader(io.StringIO(body), delimiter=sep), [])
    columns = column_names(header, notes, name)
    pos = [f"c{i}" for i in range(len(columns))]
    floats = [pos[i] for i in (float_columns(columns) if float_columns else [])]
    kw = dict(sep=sep, header=0, names=pos, index_col=False, skiprows=lead, engine="c",
              skip_blank_lines=False, skipinitialspace=True, keep_default_na=False,
              encoding=encoding, nrows=limits.MAX_ROWS + 1)
    errors: list[tuple[int, str, str, dict[str, Any]]] = []
    try:
        frame = parse(kw, floats)
        if frame is None:
            frame, errors = _csv_module_read(text(), sep, lead, pos, name)
    except _UnclosedQuote as exc:
        raise refuse(name, "validate.problem.unclosed_quote", "validate.fix.close_quote",
                     line=exc.line) from exc
    except InputLimitError:
        raise
    except ValueError as exc:
        raise refuse(name, "validate.problem.csv_unparsable", "validate.fix.same_separators",
                     detail=str(exc)) from exc
    except csv.Error as exc:
        raise refuse(name, "validate.problem.csv_unparsable", "validate.fix.resave_spreadsheet",
                     detail=f"{exc}.") from exc
    if len(frame) > limits.MAX_ROWS:
        raise too_many_rows(name)
    frame.columns = pd.Index(columns)
    if sep != ",":
        notes.append(Problem.of(None, None, "validate.problem.separator", severity="info",
                                sep=repr(sep)))
    frame, rows = drop_blank_rows(frame, notes)
    return RawTable(frame, "csv", name, notes, rows=rows, row_errors=errors)


class _NotPlain(Exception):
    """The file needs the general path (read into memory first): internal to the fast path."""


_BLOCK = 1 << 20
_OTHER_MAGIC = (b"PAR1", b"PK\x03\x04", b"PK\x05\x06", b"SQLite format 3\x00",
                codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_csv_file(path: Path, fmt: str | None, name: str | None, max_bytes: int,
                  float_columns: FloatColumns | None) -> RawTable | None:
    """Read a large local UTF-8 CSV file without holding its bytes; ``None`` if it is not one.

    The file is streamed once in 1 MiB blocks, checked as :func:`origin_map.io.readers.read_raw`
    checks the bytes of any input (not binary, valid UTF-8, not more lines than
    :data:`origin_map.limits.MAX_ROWS`), and then parsed by pandas from disk, on several
    threads (pandas does so for large local files). The result
    equals :func:`read_csv_bytes` on the file's bytes. ``None`` (use the general path, which
    reports any problem) when the file is small, not plain UTF-8 CSV text, has records longer
    than the header, or changed while it was read.
    """
    try:
        st = path.stat()
        if not (stat.S_ISREG(st.st_mode) and PARSE_FROM_FILE_BYTES <= st.st_size <= max_bytes):
            return None
        with path.open("rb") as fh:
            head = fh.read(65536)
            label = display_name(name) if name else display_name(path.name)
            if not head[:4096].strip() or head.startswith(_OTHER_MAGIC):
                return None
            kind, notes = (fmt, []) if fmt else detect_format(head, label)
            if kind != "csv" or not _plain_utf8_text(head, fh, st.st_size):
                return None
    except (OSError, DataValidationError):
        return None  # the general path says what is wrong
    origin = FileOrigin(path.absolute(), FileOrigin.stamp_of(st))
    where = str(origin.path)

    def parse(kw: dict[str, Any], floats: list[str]) -> pd.DataFrame:
        # nrows is left out (the line count was checked) so that pandas may use threads; the
        # content decides the format: a name ending in .gz must not make pandas decompress it
        file_kw = {**{k: v for k, v in kw.items() if k != "nrows"}, "compression": None}
        try:
            frame = _pandas_parse(lambda: where, file_kw, floats)
        except (_UnclosedQuote, ValueError, OSError):  # the general path reports it
            frame = None
        if frame is None or not origin.unchanged():
            raise _NotPlain
        return frame

    def text() -> str:
        raise _NotPlain

    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        raw = _parse_csv(head, encoding, [], label, float_columns, parse, text)
    except _NotPlain:
        return None
    raw.notes[:0] = notes
    return raw


def _plain_utf8_text(head: bytes, fh: io.BufferedReader, size: int) -> bool:
    """Return whether ``head`` and the rest of ``fh`` are text that pandas may read in parallel.

    That is: not binary (as :func:`~origin_map.io.sniff.detect_encoding` judges from the start),
    valid UTF-8 throughout, ``size`` bytes in all, and at most
    :data:`~origin_map.limits.MAX_ROWS` line ends (CR or LF), so that no row limit needs to be
    passed to pandas. One 1 MiB buffer is reused.
    """
    if looks_binary(head):
        return False
    decoder: codecs.IncrementalDecoder | None = None
    buf = bytearray(_BLOCK)
    block: bytes | bytearray = head
    total = ends = 0
    while block:
        total += len(block)
        if decoder is None and not block.isascii():
            decoder = codecs.getincrementaldecoder("utf-8")()
        if decoder is not None:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return False
        codes = np.frombuffer(block, dtype=np.uint8)
        ends += int(np.count_nonzero(codes == 10))
        if b"\r" in block:
            ends += int(np.count_nonzero(codes == 13))
        if ends > limits.MAX_ROWS or total > size:
            return False
        n = fh.readinto(buf)
        block = buf if n == _BLOCK else bytes(buf[:n])
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return total == size
