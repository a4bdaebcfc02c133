"""What is this file? Format from magic bytes, text encoding, safe display names.

Internal helpers of :mod:`origin_map._readers` and the format readers. Nothing here opens a
file: the functions look at bytes already read.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

from .errors import DataValidationError, InputLimitError, Problem

__all__ = ["FORMATS", "MAX_UNPACKED_BYTES", "content_kind", "detect_encoding", "detect_format",
           "display_name", "fail", "looks_binary"]

FORMATS = ("csv", "excel", "geojson", "gpkg")
"""The formats of places files, as :func:`detect_format` names them."""
MAX_UNPACKED_BYTES = 2 * 1024**3
"""Largest total unpacked size of an .xlsx (a ZIP archive) that is opened."""

_OTHER_FIX = "Upload the places as CSV, Excel .xlsx, GeoJSON or GeoPackage."
_FOREIGN: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _OTHER_FIX),
    (b"\xff\xd8\xff", "a JPEG image", _OTHER_FIX),
    (b"GIF87a", "a GIF image", _OTHER_FIX),
    (b"GIF89a", "a GIF image", _OTHER_FIX),
    (b"%PDF-", "a PDF document", "Export the table from its source as CSV or .xlsx."),
    (b"\x1f\x8b", "a gzip-compressed file", "Decompress it and upload the file inside."),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "Unpack it and upload the file inside."),
    (b"Rar!\x1a\x07", "a RAR archive", "Unpack it and upload the file inside."),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "Decompress it and upload the file inside."),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file", "Decompress it and upload the file."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 (.xls) workbook or another "
     "old Office file", "Open it in Excel and save it as .xlsx or as CSV UTF-8."),
    (b"\x7fELF", "a Linux program", _OTHER_FIX),
    (b"MZ\x90\x00", "a Windows program", _OTHER_FIX),
    (b"\x00\x00\x27\x0a", "an ESRI shapefile (.shp)", "Export the layer as GeoPackage or "
     "GeoJSON (a .shp alone has no attributes)."),
)
_ZIP_KINDS = (
    ("xl/workbook.bin", "an Excel binary workbook (.xlsb)", "Save it as .xlsx or CSV UTF-8."),
    ("word/document.xml", "a Word document", _OTHER_FIX),
    ("ppt/presentation.xml", "a PowerPoint presentation", _OTHER_FIX),
    ("content.xml", "an OpenDocument file (.ods/.odt)", "Save it as .xlsx or CSV UTF-8."),
    ("doc.kml", "a KMZ (Google Earth) file", "Export the layer as GeoJSON or GeoPackage."),
)
_TEXT_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in b"\t\n\r\f\x1a")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fail(name: str, message: str, fix: str = "", fld: str | None = None) -> DataValidationError:
    """Return the error for a problem with the whole file."""
    return DataValidationError([Problem(None, fld, message, fix)], source=name)


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
        raise fail(name, "The file starts like a ZIP archive (or .xlsx) but is damaged.",
                   "Download or export it again.") from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputLimitError(f"{name}: the workbook unpacks to {unpacked / 2**20:,.0f} MB, "
                                  f"over the limit of {MAX_UNPACKED_BYTES / 2**20:,.0f} MB. "
                                  "Save the sheet as CSV, or split it.")
        return "excel"
    for member, what, fix in _ZIP_KINDS:
        if member in names:
            raise fail(name, f"This is {what}, not a table Origin Map reads.", fix)
    listed = ", ".join(sorted(names)[:5]) + (" ..." if len(names) > 5 else "")
    raise fail(name, f"This is a ZIP archive (containing {listed or 'nothing'}), not a table.",
               "Unpack it and upload the CSV, .xlsx, GeoJSON or GeoPackage inside.")


def content_kind(data: bytes, name: str) -> str:
    """Return ``gpkg``, ``excel``, ``json`` or ``text``; refuse other kinds of file by name."""
    head = data[:64]
    for magic, what, fix in _FOREIGN:
        if head.startswith(magic):
            raise fail(name, f"This is {what}, not a table Origin Map reads.", fix)
    if head.startswith(b"PAR1") and data.endswith(b"PAR1"):
        raise fail(name, "This is a Parquet file; only `origin-map stats --data` reads Parquet "
                   "(places already validated).", _OTHER_FIX)
    if head.startswith(b"SQLite format 3\x00"):
        if data[68:72] not in (b"GPKG", b"GP10", b"GP11"):
            raise fail(name, "This is an SQLite database but not a GeoPackage.",
                       "Export the layer as GeoPackage or GeoJSON.")
        return "gpkg"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, name)
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")):
        raise fail(name, "This is a web page (HTML), not a table: perhaps a login or error "
                   "page was saved instead of the file.", "Download the file again.")
    if text.startswith((b"<?xml", b"<kml", b"<gpx")):
        raise fail(name, "This is an XML document (KML, GPX, ...), not a table.",
                   "Export the layer as GeoJSON or GeoPackage, or the table as CSV.")
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
            raise fail(name, "The file starts like UTF-16 text but is not valid UTF-16.",
                       "Save it again as CSV UTF-8.") from exc
        return data, "utf-8", [Problem(None, None, "Text encoding detected: UTF-16.",
                                       severity="info")]
    if looks_binary(data):
        raise fail(name, "This is a binary file (it contains control bytes such as NUL), not "
                   "a text table.", "Export the table as CSV UTF-8, or upload the .xlsx/.gpkg "
                   "itself.")
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
            raise fail(name, f"The file is not UTF-8, and read as GBK/GB18030 only {common} of "
                       f"its first {n} non-ASCII characters would be common Chinese: it is "
                       "probably in another encoding (Big5, Latin-1/Windows-1252, Shift-JIS...).",
                       "Save it again as 'CSV UTF-8' (Excel: Save As > CSV UTF-8).")
        return data, "gb18030", [Problem(None, None, "Text encoding detected: GB18030 "
                                         "(GBK).", severity="info")]
    line = data.count(b"\n", 0, bad) + 1
    line_gb = data.count(b"\n", 0, bad_gb) + 1
    raise fail(name, f"The file is neither UTF-8 nor GBK/GB18030 text (as UTF-8 it has an "
               f"invalid byte in line {line}, as GB18030 in line {line_gb}).",
               "Save it again as 'CSV UTF-8' (Excel: Save As > CSV UTF-8).")


_SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xlsm": "excel",
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
}
_FORMAT_LABEL = {"csv": "CSV text", "excel": "an Excel workbook", "geojson": "GeoJSON",
                 "gpkg": "a GeoPackage"}


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
        notes.append(Problem(None, None, f"The file is named '{Path(name).suffix}' but its "
                             f"content is {_FORMAT_LABEL[kind]}; it was read as such.",
                             "Rename the file to match its content.", "warning"))
    return kind, notes
