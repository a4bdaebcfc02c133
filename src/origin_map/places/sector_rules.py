r"""Sector by rule: a transparent keyword table assigns sectors to rows that have none.

The rules are data, ``geodata/sector_rules.csv`` (documented in ``geodata/README.md`` and
``docs/sector_rules.md``): each row is a regular expression, the field it is tested on
(``name``, ``scope`` = 经营范围, ``industry`` = 所属行业/国标行业), the sector it gives, a priority
and a note in English and Chinese. A row gets the sector of the matching rule with the highest
priority (a tie goes to the rule listed first), and ``sector_rule`` says which rule on which
field (``"name-chips:name"``), so every assigned sector can be traced and changed. Rows with a
sector keep it; rows no rule matches stay ``unknown``.

Patterns are Python regular expressions (:mod:`re`), searched anywhere in the text, without
regard to case, with ASCII word boundaries: ``\b`` sees a Chinese character as a non-letter, so
``\bAI\b`` matches "AI原点社区" and "Zhipu AI" but not "RealAI" or "Shanghai". A pattern of
plain keywords is written ``芯片|集成电路|半导体``.

:func:`assign_sectors` is the one entry point; :func:`load_rules` reads and checks a table.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from origin_map import i18n
from origin_map.errors import DataValidationError, Problem
from origin_map.paths import geodata_dir
from origin_map.places import vocab
from origin_map.places.arrowtext import int_array, numbers, text_array

if TYPE_CHECKING:  # pandas is imported where a frame is read: the lean stats path has none
    import pandas as pd

try:  # pyarrow's RE2 runs a rule on a whole column in C++; without it, re does it row by row
    import pyarrow as _pa
    import pyarrow.compute as _pc
except ImportError:  # pragma: no cover - pyarrow ships with pandas' recommended installs
    _pa = _pc = None

__all__ = ["COLUMNS", "DEFAULT_FIELDS", "FIELDS", "RULE_COLUMN", "SectorRule", "assign_sectors",
           "default_rules", "load_rules", "rule_counts", "rule_note", "rule_sectors"]

FIELDS: tuple[str, ...] = ("name", "scope", "industry")
"""What a rule can be tested on: the firm's name, its business scope (经营范围), its industry."""
COLUMNS: tuple[str, ...] = ("rule_id", "pattern", "field", "sector", "priority", "note",
                            "note_zh")
"""The columns of a rule table, in this order."""
RULE_COLUMN = "sector_rule"
"""The column :func:`assign_sectors` adds: ``"<rule_id>:<field>"``, or ``""``."""
DEFAULT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "name": ("name", "name_zh", "name_en"), "scope": ("scope",), "industry": ("industry",)}
"""The frame columns each field reads by default (all present ones, joined by a newline)."""
FLAGS = re.IGNORECASE | re.ASCII
"""How :mod:`re` compiles a pattern; the fast path runs it in RE2 (pyarrow) without case."""
_RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class SectorRule:
    """One row of the rule table, its pattern compiled.

    Parameters
    ----------
    rule_id
        Stable lowercase id (``name-chips``), unique in the table.
    pattern
        The regular expression as written in the table.
    field
        One of :data:`FIELDS`.
    sector
        A sector id of :mod:`origin_map.places.vocab`.
    priority
        Higher wins when several rules match a row.
    note, note_zh
        What the rule means, in English and Chinese (shown to the user).
    regex
        ``pattern`` compiled with :data:`FLAGS`.
    """

    rule_id: str
    pattern: str
    field: str
    sector: str
    priority: int
    note: str
    note_zh: str
    regex: re.Pattern[str]


def _problem(row: int | None, field: str | None, key: str, **fields: str) -> Problem:
    return Problem.of(row, field, f"sector_rules.{key}", f"sector_rules.fix_{key}", **fields)


def _check_row(n: int, rec: Mapping[str, str], seen: set[str]) -> list[Problem]:
    """Return the problems of table row ``n`` (1 = the first row under the header)."""
    out = [_problem(n, c, "empty", column=c) for c in COLUMNS[:5] if not rec[c].strip()]
    if out:
        return out
    rid, field, sector, prio = (rec[c].strip() for c in ("rule_id", "field", "sector", "priority"))
    if not _RULE_ID.fullmatch(rid):
        out.append(_problem(n, "rule_id", "bad_id", value=rid))
    elif rid in seen:
        out.append(_problem(n, "rule_id", "duplicate_id", value=rid))
    seen.add(rid)
    if field not in FIELDS:
        out.append(_problem(n, "field", "bad_field", value=field, allowed=", ".join(FIELDS)))
    if sector not in vocab.SECTOR_IDS or sector == vocab.DEFAULT_SECTOR:
        allowed = ", ".join(s for s in vocab.SECTOR_IDS if s != vocab.DEFAULT_SECTOR)
        out.append(_problem(n, "sector", "bad_sector", value=sector, allowed=allowed))
    if not re.fullmatch(r"-?\d+", prio):
        out.append(_problem(n, "priority", "bad_priority", value=prio))
    error = _pattern_error(rec["pattern"])
    if error:
        out.append(_problem(n, "pattern", "bad_pattern", value=rec["pattern"], error=error))
    elif re.compile(rec["pattern"], FLAGS).search(""):
        out.append(_problem(n, "pattern", "matches_empty", value=rec["pattern"]))
    return out


def _pattern_error(pattern: str) -> str:
    """Return why ``pattern`` is not a regular expression both :mod:`re` and RE2 run, or ``""``.

    Lookarounds and back-references are Python-only: RE2 (the fast path) refuses them.
    """
    try:
        re.compile(pattern, FLAGS)
    except re.error as exc:
        return str(exc)
    if _pc is not None:
        try:
            _pc.match_substring_regex(text_array([""]), pattern)
        except _pa.ArrowInvalid as exc:
            return str(exc)
    return ""


def _rule(rec: Mapping[str, str]) -> SectorRule:
    return SectorRule(rec["rule_id"].strip(), rec["pattern"], rec["field"].strip(),
                      rec["sector"].strip(), int(rec["priority"]), rec["note"].strip(),
                      rec["note_zh"].strip(), re.compile(rec["pattern"], FLAGS))


def load_rules(path: str | Path | None = None) -> tuple[SectorRule, ...]:
    """Read and check a rule table; return its rules, highest priority first.

    Parameters
    ----------
    path
        A CSV file (UTF-8, one header row, the columns :data:`COLUMNS`); by default the shipped
        ``geodata/sector_rules.csv``.

    Returns
    -------
    tuple of SectorRule
        Sorted by priority, highest first; rules of equal priority keep their table order.

    Raises
    ------
    DataValidationError
        Listing every bad row: its number (1 = the first row under the header), the field, what
        is wrong and how to fix it (an unknown sector, field or column, a pattern that is not a
        regular expression or that matches an empty text, a priority that is not a whole
        number, an empty or repeated rule id).
    """
    path = Path(path) if path is not None else geodata_dir() / "sector_rules.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        table = list(reader)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DataValidationError([_problem(None, c, "missing_column", column=c)
                                   for c in missing], source=path.name)
    problems: list[Problem] = []
    seen: set[str] = set()
    records = [{c: rec[c] or "" for c in COLUMNS} for rec in table]  # a short row: ""
    for n, rec in enumerate(records, start=1):
        problems += _check_row(n, rec, seen)
    if problems:
        raise DataValidationError(problems, source=path.name)
    rules = [_rule(rec) for rec in records]
    return tuple(sorted(rules, key=lambda r: -r.priority))


@cache
def default_rules() -> tuple[SectorRule, ...]:
    """Return the shipped rules (read once per process)."""
    return load_rules()


def _field_texts(frame: pd.DataFrame, columns: str | Sequence[str]) -> pd.Series | None:
    """Return one text per row for a field (its columns joined by a newline), or ``None``."""
    cols = [columns] if isinstance(columns, str) else list(columns)
    present = [c for c in cols if c in frame.columns]
    if not present:
        return None
    texts = frame[present[0]].astype("string").fillna("")
    for c in present[1:]:
        texts = texts.str.cat(frame[c].astype("string").fillna(""), sep="\n")
    return texts.str.strip("\n") if len(present) > 1 else texts


def _needs_sector(frame: pd.DataFrame) -> np.ndarray:
    """Return a mask of the rows whose sector is missing, blank or ``unknown``."""
    if "sector" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    s = frame["sector"].astype("string").fillna("").str.strip().str.lower()
    return s.isin(["", vocab.DEFAULT_SECTOR]).to_numpy(dtype=bool)


@dataclass(frozen=True)
class _Texts:
    """A field's texts, each distinct text once: ``codes[row]`` indexes ``uniques``."""

    codes: np.ndarray
    uniques: np.ndarray
    arrow: object | None
    filled: np.ndarray

    @classmethod
    def of(cls, texts: Any) -> _Texts:
        """Return a field's texts: a pandas Series (factorised) or a pyarrow text array."""
        if _pa is not None and isinstance(texts, (_pa.Array, _pa.ChunkedArray)):
            return cls.of_rows(texts)
        import pandas as pd

        codes, uniq = pd.factorize(texts)
        uniques = np.asarray(uniq, dtype=object) if _pa is None else np.empty(0, dtype=object)
        arrow = _pa.array(uniq, type=_pa.string()) if _pa is not None else None
        empty = np.flatnonzero(np.asarray(uniq == "", dtype=bool))
        filled = codes != empty[0] if empty.size else np.ones(len(codes), dtype=bool)
        return cls(codes, uniques, arrow, filled)

    @classmethod
    def of_rows(cls, texts: Any) -> _Texts:
        """Return a pyarrow text array's texts as they are, one per row (not factorised).

        Building the distinct texts of a million names costs more than searching them all.
        """
        arr = texts.combine_chunks() if isinstance(texts, _pa.ChunkedArray) else texts
        arr = arr.fill_null("") if arr.null_count else arr
        filled = numbers(_pc.binary_length(arr)) > 0
        return cls(np.arange(len(arr)), np.empty(0, dtype=object), arr, filled)


def _any_rule(rules: Sequence[SectorRule], field: _Texts) -> np.ndarray | None:
    """Return which of ``field``'s distinct texts some rule finds a match in (one search).

    The rules' patterns are joined as alternatives: a text none of them matches is never
    tested rule by rule. None when the joined pattern does not compile.
    """
    if not rules:
        return None
    pattern = "|".join(f"(?:{r.pattern})" for r in rules)
    try:
        joined = SectorRule("any", pattern, "", "", 0, "", "", re.compile(pattern, FLAGS))
        return _search(joined, field, None)
    except (re.error, ValueError):  # pyarrow's ArrowInvalid is a ValueError
        return None


def _search(rule: SectorRule, field: _Texts, which: np.ndarray | None) -> np.ndarray:
    """Return whether the rule's pattern is found in ``field.uniques[which]`` (None: in all).

    With pyarrow the pattern runs in RE2 over the whole array at once; without it, :mod:`re`
    runs it text by text (the same result: patterns are in the subset both accept).
    """
    if field.arrow is not None:
        texts = field.arrow if which is None else field.arrow.take(  # type: ignore[attr-defined]
            int_array(which))
        found = _pc.match_substring_regex(texts, rule.pattern, ignore_case=True)
        return np.asarray(numbers(found), dtype=bool)
    search = rule.regex.search
    texts = field.uniques if which is None else field.uniques[which]
    return np.fromiter((search(t) is not None for t in texts), dtype=bool, count=len(texts))


def _matches(rule: SectorRule, field: _Texts, rows: np.ndarray) -> np.ndarray:
    """Return the subset of ``rows`` (indices) whose text the rule matches (each text once)."""
    which = np.unique(field.codes[rows])
    hit = np.zeros(int(field.codes.max()) + 1, dtype=bool)
    hit[which[_search(rule, field, which)]] = True
    return rows[hit[field.codes[rows]]]


def _first_matches(rules: Sequence[SectorRule], texts: Mapping[str, Any],
                   open_rows: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's sector and ``rule:field`` label from the first rule that matches it.

    Rules are tried in order on the rows no earlier rule matched; a row with an empty text for
    a field is never tested on it.
    """
    sector = np.full(n, "", dtype=object)
    label = np.full(n, "", dtype=object)
    fields = {f: _Texts.of(t) for f, t in texts.items() if t is not None}
    for f, texts_of_f in fields.items():  # only texts some rule of the field matches are tried
        hits = _any_rule([r for r in rules if r.field == f], texts_of_f)
        if hits is not None:
            fields[f] = replace(texts_of_f, filled=texts_of_f.filled & hits[texts_of_f.codes])
    for rule in rules:
        field = fields.get(rule.field)
        if field is None or open_rows.size == 0:
            continue
        rows = open_rows[field.filled[open_rows]]
        if rows.size == 0:
            continue
        hit = _matches(rule, field, rows)
        if hit.size:
            sector[hit] = rule.sector
            label[hit] = f"{rule.rule_id}:{rule.field}"
            open_rows = np.setdiff1d(open_rows, hit, assume_unique=True)
    return sector, label


def rule_sectors(texts: Mapping[str, Any], rows: np.ndarray, n: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Return the sector and ``rule:field`` label the shipped rules give rows ``rows`` of ``n``.

    ``texts`` maps a field (:data:`FIELDS`) to one text per row, a pandas Series or a pyarrow
    text array (searched row by row, not factorised). Rows no rule matches, and rows not in
    ``rows``, get ``""``. :func:`assign_sectors` does this on a frame; the command line's lean
    ``stats`` path on the columns it read.
    """
    return _first_matches(default_rules(), texts, rows, n)


def _field_columns(fields: Mapping[str, str | Sequence[str]] | None
                   ) -> dict[str, str | Sequence[str]]:
    merged: dict[str, str | Sequence[str]] = dict(DEFAULT_FIELDS)
    for key, cols in (fields or {}).items():
        if key not in FIELDS:
            raise ValueError(i18n.text("sector_rules.bad_fields_key", "en", value=key,
                                       allowed=", ".join(FIELDS)))
        merged[key] = cols
    return merged


def assign_sectors(frame: pd.DataFrame, *, fields: Mapping[str, str | Sequence[str]] | None = None,
                   rules: Sequence[SectorRule] | None = None) -> pd.DataFrame:
    """Return a copy of ``frame`` with sectors assigned by rule where the sector is unknown.

    Parameters
    ----------
    frame
        Any table of places or firms (a DataFrame or GeoDataFrame; its index is kept).
    fields
        Which columns each rule field reads, e.g. ``{"name": "企业名称", "scope": "经营范围",
        "industry": "所属行业"}``; a field not given keeps :data:`DEFAULT_FIELDS` (``name`` reads
        ``name``, ``name_zh`` and ``name_en``; ``scope`` reads ``scope``; ``industry`` reads
        ``industry``). Several columns for one field are joined by a newline; a field whose
        columns are all absent is not used.
    rules
        The rules (:func:`load_rules`), tried highest priority first, a tie in the order
        given; by default the shipped table.

    Returns
    -------
    DataFrame
        The same rows and columns. ``sector`` (added if absent) is filled only where it was
        missing, blank or ``unknown``: with the sector of the first rule that matches (rules in
        priority order), else ``unknown``. A row that had a sector keeps it. ``sector_rule``
        (added if absent) is ``"<rule_id>:<field>"`` for each row assigned here, and keeps its
        earlier value (or ``""``) on the other rows.

    Raises
    ------
    ValueError
        ``fields`` names a field other than ``name``, ``scope`` or ``industry``.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"企业名称": ["某某人工智能科技有限公司", "某某餐饮管理有限公司"]})
    >>> assign_sectors(firms, fields={"name": "企业名称"})[["sector", "sector_rule"]]
                sector         sector_rule
    0  ai_applications        name-ai:name
    1         services  name-catering:name
    """
    import pandas as pd

    columns = _field_columns(fields)
    rules = default_rules() if rules is None else tuple(sorted(rules, key=lambda r: -r.priority))
    out = frame.copy()
    texts = {f: _field_texts(out, columns[f]) for f in FIELDS}
    need = _needs_sector(out)
    sector, label = _first_matches(rules, texts, np.flatnonzero(need), len(out))
    old = out["sector"].astype(object).to_numpy() if "sector" in out.columns \
        else np.full(len(out), vocab.DEFAULT_SECTOR, dtype=object)
    new_sector = np.where(need, np.where(sector != "", sector, vocab.DEFAULT_SECTOR), old)
    old_label = out[RULE_COLUMN].astype("string").fillna("").to_numpy(dtype=object) \
        if RULE_COLUMN in out.columns else np.full(len(out), "", dtype=object)
    # plain text columns, typed as pandas types text (``str`` from pandas 3, object before)
    out["sector"] = pd.Series(list(new_sector), index=out.index)
    out[RULE_COLUMN] = pd.Series(list(np.where(label != "", label, old_label)), index=out.index)
    return out


def rule_counts(frame: pd.DataFrame) -> pd.Series:
    """Return how many rows each rule assigned (``sector_rule`` values), most first.

    The Overview's caveat uses ``rule_counts(frame).sum()``: the number of sectors that came
    from rules rather than from the data.
    """
    import pandas as pd

    if RULE_COLUMN not in frame.columns:
        return pd.Series(dtype="int64", name=RULE_COLUMN)
    labels = frame[RULE_COLUMN].astype("string").fillna("")
    return labels[labels != ""].value_counts().astype("int64").rename(RULE_COLUMN)


def rule_note(label: str, lang: str = "en", rules: Sequence[SectorRule] | None = None) -> str:
    """Return a reader's explanation of a ``sector_rule`` value in ``lang``.

    ``"name-chips:name"`` gives, in English, "Rule name-chips, on the name: Name says chips,
    …". An empty or unknown label gives the catalogue's "not assigned by a rule" text.
    """
    rule_id, _, field = label.partition(":")
    by_id = {r.rule_id: r for r in (default_rules() if rules is None else rules)}
    rule = by_id.get(rule_id)
    if rule is None or field not in FIELDS:
        return i18n.text("sector_rules.not_by_rule", lang)
    note = rule.note_zh if lang == "zh" and rule.note_zh else rule.note
    return i18n.text("sector_rules.explain", lang, rule=rule_id,
                     field=i18n.text(f"sector_rules.field.{field}", lang), note=note)
