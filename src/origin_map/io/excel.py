"""Read an Excel workbook (.xlsx) into a raw table: every cell as text, as written.

Internal: called by :func:`origin_map.io.readers.read_raw`. A formula is its text, never
evaluated; a number its shortest decimal form.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pandas as pd

from origin_map import limits
from origin_map.errors import Problem
from origin_map.io.firmlist import TITLE_LOOK_ROWS, header_row
from origin_map.io.rawtable import RawTable, column_names, drop_blank_rows, too_many_rows
from origin_map.io.sniff import refuse

__all__ = ["read_excel_bytes"]


def _cell_text(value: Any) -> str:
    """Return a cell value as text: numbers in shortest form, formulas as their text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(getattr(value, "text", value))  # ArrayFormula and friends: their formula text


def _sheet_rows(sheet: Any, name: str) -> Iterator[tuple[Any, ...]]:
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as exc:  # broken or hostile XML inside the workbook
        raise refuse(name, "validate.problem.excel_unreadable", "validate.fix.resave_excel",
                     detail=type(exc).__name__) from exc


def read_excel_bytes(data: bytes, name: str, sheet: str | int | None = None) -> RawTable:
    """Read the first sheet (or ``sheet``: a name, or a 0-based index) of an .xlsx workbook.

    Every cell is read as text as written: a formula such as ``=HYPERLINK(...)`` is its formula
    text (never evaluated), a number its shortest decimal form.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise refuse(name, "validate.problem.excel_unreadable", "validate.fix.resave_excel",
                     detail=type(exc).__name__) from exc
    sheets = list(book.sheetnames)
    if sheet is None:
        chosen = sheets[0]
    elif str(sheet) in sheets:
        chosen = str(sheet)
    elif isinstance(sheet, int) and 0 <= sheet < len(sheets):
        chosen = sheets[sheet]
    else:
        book.close()
        raise refuse(name, "validate.problem.sheet_not_found", "validate.fix.choose_sheet",
                     "sheet", sheet=repr(sheet), sheets=str(sheets))
    notes = []
    if len(sheets) > 1 and sheet is None:
        notes.append(Problem.of(None, "sheet", "validate.problem.many_sheets",
                                "validate.fix.other_sheet", severity="warning", n=len(sheets),
                                sheet=repr(chosen)))
    header: list[str] = []
    rows: list[list[str]] = []
    try:
        for rec in _sheet_rows(book[chosen], name):
            cells = [_cell_text(v) for v in rec]
            while cells and not cells[-1]:  # sheets often claim thousands of empty columns
                cells.pop()
            if not header:  # empty rows above the header are skipped
                header = cells
            elif len(rows) >= limits.MAX_ROWS:
                raise too_many_rows(name, sheet=chosen)
            else:
                rows.append(cells)
    finally:
        book.close()
    if not header:
        raise refuse(name, "validate.problem.sheet_empty", "validate.fix.sheet_with_places",
                     "sheet", sheet=repr(chosen))
    title = header_row([header, *rows[:TITLE_LOOK_ROWS - 1]])
    if title:  # a title or notes above the header: skipped, and said so
        notes.append(Problem.of(None, None, "firmlist.title_rows", severity="info", n=title,
                                text=" ".join(header)[:60]))
        header, rows = rows[title - 1], rows[title:]
    width = max([len(header), *map(len, rows)])
    columns = column_names(header + [""] * (width - len(header)), notes, name)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=columns, dtype=str)
    frame, numbers = drop_blank_rows(frame, notes)
    return RawTable(frame, "excel", name, notes, rows=numbers)
