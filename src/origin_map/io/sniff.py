"""What is this file? Format from magic bytes, text encoding, safe display names.

Internal helpers of :mod:`origin_map.io.readers` and the format readers. Nothing here opens a
file: the functions look at bytes already read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from origin_map.errors import DataValidationError, InputLimitError, Problem, ref

__all__ = ["FORMATS", "MAX_UNPACKED_BYTES", "content_kind", "detect_encoding", "detect_format",
           "display_name", "fail", "looks_binary", "refuse", "sniff_delimiter"]

FORMATS = ("csv", "excel", "geojson", "gpkg")
"""The formats of places files, as :func:`detect_format` names them."""
MAX_UNPACKED_BYTES = 2 * 1024**3
"""Largest total unpacked size of an .xlsx (a ZIP archive) that is opened."""

_OTHER_FIX = "validate.fix.upload_other"
_UNPACK = "validate.fix.unpack_inside"
_FOREIGN: tuple[tuple[bytes, str, str], ...] = (  # magic bytes, what it is, the fix (keys)
    (b"\x89PNG\r\n\x1a\n", "validate.what.png_image", _OTHER_FIX),
    (b"\xff\xd8\xff", "validate.what.jpeg_image", _OTHER_FIX),
    (b"GIF87a", "validate.what.gif_image", _OTHER_FIX),
    (b"GIF89a", "validate.what.gif_image", _OTHER_FIX),
    (b"%PDF-", "validate.what.pdf_document", "validate.fix.export_from_source"),
    (b"\x1f\x8b", "validate.what.gzip_file", "validate.fix.decompress_inside"),
    (b"7z\xbc\xaf\x27\x1c", "validate.what.sevenzip_archive", _UNPACK),
    (b"Rar!\x1a\x07", "validate.what.rar_archive", _UNPACK),
    (b"\xfd7zXZ\x00", "validate.what.xz_file", "validate.fix.decompress_inside"),
    (b"\x28\xb5\x2f\xfd", "validate.what.zstd_file", "validate.fix.decompress"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "validate.what.old_office", "validate.fix.resave_old"),
    (b"\x7fELF", "validate.what.linux_program", _OTHER_FIX),
    (b"MZ\x90\x00", "validate.what.windows_program", _OTHER_FIX),
    (b"\x00\x00\x27\x0a", "validate.what.shapefile", "validate.fix.export_shapefile"),
)
_ZIP_KINDS = (  # a member only that kind of archive has, what it is, the fix (keys)
    ("xl/workbook.bin", "validate.what.xlsb_workbook", "validate.fix.save_xlsx_or_csv"),
    ("word/document.xml", "validate.what.word_document", _OTHER_FIX),
    ("ppt/presentation.xml", "validate.what.powerpoint", _OTHER_FIX),
    ("content.xml", "validate.what.opendocument", "validate.fix.save_xlsx_or_csv"),
    ("doc.kml", "validate.what.kmz_file", "validate.fix.export_geo_layer"),
)
_TEXT_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in b"\t\n\r\f\x1a")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fail(name: str, message: str, fix: str = "", fld: str | None = None) -> DataValidationError:
    """Return the error for a problem with the whole file (texts in English only)."""
    return DataValidationError([Problem(None, fld, message, fix)], source=name)


def refuse(name: str, key: str, fix_key: str = "", fld: str | None = None, /,
           **fields: Any) -> DataValidationError:
    """Return the error for a problem with the whole file, from catalogue keys and fields."""
    return DataValidationError([Problem.of(None, fld, key, fix_key, **fields)], source=name)


def display_name(name: object) -> str:
    """Return a name safe to show: the last path part, printable characters, at most 120."""
    base = re.split(r"[\\/]", str(name))[-1]
    base = "".join(ch for ch in base if ch.isprintable())[:120].strip()
    return base if base.strip(".") else "upload"


def _zip_kind(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse(name, "validate.problem.zip_damaged", "validate.fix.download_again") from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputLimitError.of("validate.limit.unpacked_too_big", name=name,
                                     mb=unpacked / 2**20, limit_mb=MAX_UNPACKED_BYTES / 2**20)
        return "excel"
    for member, what, fix in _ZIP_KINDS:
        if member in names:
            raise refuse(name, "validate.problem.other_kind", fix, what=ref(what))
    listed = ", ".join(sorted(names)[:5]) + (" ..." if len(names) > 5 else "")
    raise refuse(name, "validate.problem.zip_archive", "validate.fix.unpack_table",
                 listed=listed or ref("validate.what.nothing"))


def content_kind(data: bytes, name: str) -> str:
    """Return ``gpkg``, ``excel``, ``json`` or ``text``; refuse other kinds of file by name."""
    head = data[:64]
    for magic, what, fix in _FOREIGN:
        if head.startswith(magic):
            raise refuse(name, "validate.problem.other_kind", fix, what=ref(what))
    if head.startswith(b"PAR1") and data.endswith(b"PAR1"):
        raise refuse(name, "validate.problem.parquet", _OTHER_FIX)
    if head.startswith(b"SQLite format 3\x00"):
        if data[68:72] not in (b"GPKG", b"GP10", b"GP11"):
            raise refuse(name, "validate.problem.sqlite_not_gpkg", "validate.fix.export_gpkg")
        return "gpkg"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, name)
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")):
        raise refuse(name, "validate.problem.html_page", "validate.fix.download_file_again")
    if text.startswith((b"<?xml", b"<kml", b"<gpx")):
        raise refuse(name, "validate.problem.xml_document", "validate.fix.export_geo_or_csv")
    return "json" if text[:1] in (b"{", b"[") else "text"


def _first_invalid(data: bytes, encoding: str) -> int | None:
    """Return the offset of the first byte that is not valid ``encoding``, or ``None``.

    Decodes in 1 MiB steps and keeps nothing, so a large file is never held as one string.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    step = 1 << 20
    for start in range(0, len(data), step):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(data[start:start + step], final=start + step >= len(data))
        except UnicodeDecodeError as exc:
            return max(0, start - pending + exc.start)
    return None


def _gb2312_share(data: bytes) -> tuple[int, int]:
    """Return (non-ASCII characters, of which in GB2312) in the first 256 KiB as GB18030."""
    sample = codecs.getincrementaldecoder("gb18030")().decode(data[:262144])
    chars = "".join(_NON_ASCII.findall(sample))
    return len(chars), len(chars.encode("gb2312", errors="ignore")) // 2


def looks_binary(data: bytes) -> bool:
    """Return whether the first 8 KiB hold NUL or more than 5 % other control bytes."""
    head = data[:8192]
    return b"\x00" in head or len(head.translate(None, _TEXT_BYTES)) > len(head) // 20


def detect_encoding(data: bytes, name: str) -> tuple[bytes, str, list[Problem]]:
    """Identify the text encoding: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Strict decoding decides, not a guess: a GBK/GB18030 file is almost never valid UTF-8, and a
    file that is valid GB18030 only by accident (Latin-1, Big5, Shift-JIS ...) decodes to mostly
    rare characters, which is checked. UTF-16 is returned re-encoded as UTF-8.

    Returns
    -------
    tuple
        The (possibly re-encoded) bytes, the codec name for them, and info notes.
    """
    info: list[Problem] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise refuse(name, "validate.problem.utf16_invalid",
                         "validate.fix.save_csv_utf8") from exc
        return data, "utf-8", [Problem.of(None, None, "validate.problem.encoding_utf16",
                                          severity="info")]
    if looks_binary(data):
        raise refuse(name, "validate.problem.binary", "validate.fix.export_csv_or_upload")
    if data.startswith(codecs.BOM_UTF8):
        bad = _first_invalid(data, "utf-8-sig")
        if bad is None:
            return data, "utf-8-sig", info
    elif data.isascii() or (bad := _first_invalid(data, "utf-8")) is None:
        return data, "utf-8", info
    bad_gb = _first_invalid(data, "gb18030")
    if bad_gb is None:
        n, common = _gb2312_share(data)
        if n >= 8 and common < 0.7 * n:
            raise refuse(name, "validate.problem.other_encoding", "validate.fix.resave_utf8",
                         common=common, n=n)
        return data, "gb18030", [Problem.of(None, None, "validate.problem.encoding_gb18030",
                                            severity="info")]
    line = data.count(b"\n", 0, bad) + 1
    line_gb = data.count(b"\n", 0, bad_gb) + 1
    raise refuse(name, "validate.problem.bad_encoding", "validate.fix.resave_utf8", line=line,
                 line_gb=line_gb)


_SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xlsm": "excel",
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
}
_FORMAT_LABEL = {"csv": "validate.what.csv_text", "excel": "validate.what.excel_workbook",
                 "geojson": "validate.what.geojson_data", "gpkg": "validate.what.geopackage"}


def detect_format(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """Return the format of ``data`` (one of :data:`FORMATS`) decided by its content.

    The name's suffix only breaks the tie between JSON and CSV text; a suffix that says another
    format than the content gives a warning (returned with the format).
    """
    kind = content_kind(data, name)
    suffix = _SUFFIXES.get(Path(name).suffix.lower())
    if kind == "text":
        kind = "csv"
    elif kind == "json":
        brace = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
        kind = "geojson" if brace or suffix != "csv" else "csv"
    notes = []
    if suffix and suffix != kind:
        notes.append(Problem.of(None, None, "validate.problem.named_otherwise",
                                "validate.fix.rename_file", severity="warning",
                                suffix=Path(name).suffix, kind=ref(_FORMAT_LABEL[kind])))
    return kind, notes


def sniff_delimiter(sample: str) -> str:
    """Return the delimiter of a text sample: comma, semicolon, tab or bar (comma if unsure)."""
    # csv.Sniffer is quadratic in the length of a line full of quotes: give it 8 KiB at most.
    lines = re.split(r"\r\n|\r|\n", sample[:8192])[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",;\t|"} if lines else {}
        best = max(counts, key=lambda d: counts[d], default=",")
        return best if counts.get(best) else ","
