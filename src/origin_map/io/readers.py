"""Read raw tables from CSV, Excel, GeoJSON and GeoPackage into pandas, with clear errors.

Internal: :mod:`origin_map.places.datasets` validates what these functions return.

The format is decided by the content (magic bytes, :func:`origin_map.io.sniff.detect_format`), not
by the name: a name only breaks ties between text formats and is shown in messages. Names given
with data (an upload's file name) are never opened; only a ``str``/``Path`` source is a path.
Files that are something else (an image, an archive, an old ``.xls``, an HTML page) are refused
with a message naming what they look like. :func:`read_raw` hands the bytes to the reader of
their format: :mod:`origin_map.io.delimited`, :mod:`origin_map.io.excel`,
:mod:`origin_map.io.geojson` or
:mod:`origin_map.io.gpkg`; they share :mod:`origin_map.io.rawtable`.
"""

from __future__ import annotations

from pathlib import Path

from origin_map.errors import InputLimitError
from origin_map.io.delimited import read_csv_bytes, read_csv_file
from origin_map.io.excel import read_excel_bytes
from origin_map.io.geojson import read_geojson_bytes
from origin_map.io.gpkg import read_gpkg_bytes
from origin_map.io.rawtable import FloatColumns, RawTable, Source
from origin_map.io.sniff import FORMATS, detect_format, display_name, refuse
from origin_map.limits import MAX_BYTES_DEFAULT, MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_MB

__all__ = [
    "FORMATS",
    "MAX_BYTES_DEFAULT",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UPLOAD_MB",
    "FloatColumns",
    "RawTable",
    "Source",
    "read_bytes",
    "read_raw",
]


def _too_big(label: str, size: float | None, max_bytes: int) -> InputLimitError:
    if size:
        return InputLimitError.of("validate.limit.file_too_big", name=label, mb=size / 2**20,
                                  limit_mb=max_bytes / 2**20)
    return InputLimitError.of("validate.limit.input_too_big", name=label,
                              limit_mb=max_bytes / 2**20)


def read_bytes(source: Source, *, max_bytes: int = MAX_BYTES_DEFAULT) -> tuple[bytes, str]:
    """Return the content and a display name of ``source`` (a path, bytes or a binary file)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = display_name(path.name)
        if path.is_dir():
            raise refuse(label, "validate.problem.folder", "validate.fix.places_file_formats",
                         path=str(path))
        if not path.exists():
            raise refuse(label, "validate.problem.not_found", "validate.fix.check_path",
                         path=str(path))
        if not path.is_file():
            raise refuse(label, "validate.problem.not_regular", "validate.fix.places_file",
                         path=str(path))
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_big(label, size, max_bytes)
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise refuse(label, "validate.problem.cannot_read", "validate.fix.check_readable",
                         path=str(path), detail=str(exc.strerror or exc)) from exc
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), "upload"
    else:
        chunk = source.read(max_bytes + 1)
        data = chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
        label = display_name(getattr(source, "name", None) or "upload")
    if len(data) > max_bytes:
        raise _too_big(label, None, max_bytes)
    return data, label


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
    if isinstance(source, (str, Path)) and fmt in (None, "csv"):
        raw = read_csv_file(Path(source), fmt, name, max_bytes, float_columns)
        if raw is not None:
            return raw
    data, default_name = read_bytes(source, max_bytes=max_bytes)
    name = display_name(name) if name else default_name
    if not data[:4096].strip() and not data.strip():
        raise refuse(name, "validate.problem.empty_file", "validate.fix.upload_table")
    if fmt is not None and fmt not in FORMATS:
        raise refuse(name, "validate.problem.unknown_format", "validate.fix.use_format",
                     fmt=repr(fmt), formats=", ".join(FORMATS))
    kind, notes = (fmt, []) if fmt else detect_format(data, name)
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
