"""Texts made from catalogue keys and fields: one value, or one column of a problems table.

Internal helpers of :mod:`origin_map.errors` and :mod:`origin_map.places.checks`. Fields are kept as
one JSON object per text (``text_fields``); a field value may itself be a text,
``{"key": ..., "fields": {...}}`` (:func:`ref`), rendered in the language of the whole. A column
is rendered once per distinct key and fields, and a template that uses no field of a row is
rendered once for all its rows.
"""

from __future__ import annotations

import json
import math
import string
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from origin_map import i18n

if TYPE_CHECKING:
    import numpy as np

    Column = Sequence[str] | np.ndarray
    """A column of texts: a list, or an object array."""

__all__ = ["fields_json", "ref", "render", "render_column", "texts_of_rows"]


def ref(key: str, /, **fields: Any) -> dict[str, Any]:
    """Return a nested text for a field value: ``key`` rendered in the language of the whole."""
    return {"key": key, "fields": fields} if fields else {"key": key}


def _encode(value: Any) -> str:
    """Return ``value`` as JSON (floats and ints without the general encoder: they are many)."""
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def fields_json(fields: Mapping[str, Any] | None) -> str:
    """Return ``fields`` as the JSON text kept in ``text_fields`` (``""`` for none)."""
    return _encode(dict(fields)) if fields else ""


def render(key: str, fields: str | Mapping[str, Any] | None, lang: str) -> str:
    """Return the text ``key`` in ``lang`` with ``fields`` (JSON text or a mapping) filled in."""
    values = (json.loads(fields) if fields else {}) if isinstance(fields, str) else \
        dict(fields or {})
    filled = {name: render(v["key"], v.get("fields"), lang) if isinstance(v, dict) else v
              for name, v in values.items()}
    return i18n.text(key, lang, **filled)


@cache
def _names(key: str, lang: str) -> frozenset[str]:
    """Return the names of the fields the text ``key`` uses in ``lang``."""
    template = i18n.catalogue(lang if lang in i18n.LANGS else i18n.DEFAULT_LANG)[key]
    return frozenset(name.split(".")[0].split("[")[0]
                     for _, name, _, _ in string.Formatter().parse(template) if name)


def _render_or_none(key: str, fields: str | Mapping[str, Any] | None, lang: str) -> str | None:
    try:
        return render(key, fields, lang)
    except (KeyError, ValueError, IndexError):  # a key or field this catalogue does not have
        return None


def _render_many(key: str, fields: Sequence[str], lang: str) -> list[str | None]:
    """Return the text ``key`` with each of ``fields`` (JSON texts), parsed in one call."""
    joined = "[" + ",".join(f or "{}" for f in fields) + "]"
    try:
        parsed = json.loads(joined)
    except ValueError:
        return [_render_or_none(key, f, lang) for f in fields]
    template = i18n.text(key, lang)
    nested = '"key":' in joined  # some value may be a text: look at each
    out: list[str | None] = []
    for values in parsed:
        if not values or (nested and any(isinstance(v, dict) for v in values.values())):
            out.append(_render_or_none(key, values, lang))
            continue
        try:
            out.append(template.format(**values))
        except (KeyError, ValueError, IndexError):
            out.append(None)
    return out


def render_column(keys: Sequence[str], fields: Sequence[str], lang: str,
                  fallback: Sequence[str] | None = None) -> np.ndarray:
    """Return the text of each row's key and fields (JSON text) in ``lang``.

    An empty key gives ``""``, or that row's ``fallback`` text when given (so does a key missing
    from the catalogue, which only a table made by another version can hold).
    """
    import numpy as np
    import pandas as pd

    n = len(keys)
    out = np.full(n, None, dtype=object)
    key_codes, key_values = pd.factorize(pd.Series(keys, dtype=object).fillna(""))
    all_fields = pd.Series(fields, dtype=object).fillna("")
    for i, key in enumerate(key_values):
        rows = np.flatnonzero(key_codes == i)
        if not key:
            continue
        try:
            needs_fields = bool(_names(key, lang))
        except KeyError:
            continue
        if not needs_fields:
            out[rows] = _render_or_none(key, None, lang)
            continue
        codes, uniques = pd.factorize(all_fields.iloc[rows])
        texts = np.array([*_render_many(key, list(uniques), lang), None], dtype=object)
        out[rows] = texts[codes]
    missing = np.flatnonzero(pd.isna(out))
    if len(missing):
        out[missing] = "" if fallback is None else np.asarray(fallback, dtype=object)[missing]
    return out


def texts_of_rows(keys: str | Sequence[str], fix_key: str, fields: Mapping[str, Any],
                  row_fields: Mapping[str, Sequence[Any]], n: int
                  ) -> tuple[Column, Column, Column]:
    """Return the English problem and fix texts and the ``text_fields`` of ``n`` rows.

    ``keys`` is one key for all rows or one per row; ``fields`` are the same for all rows and
    ``row_fields`` (name -> one value per row, plain values, not texts) differ. Each distinct
    combination is rendered once, from the values themselves (no JSON is parsed).
    """
    if n == 0:
        return [], [], []
    if isinstance(keys, str) and not row_fields:
        same = fields_json(fields)
        return ([render(keys, same, "en")] * n, [render(fix_key, same, "en") if fix_key else ""]
                * n, [same] * n)
    import numpy as np
    import pandas as pd

    key_list = [keys] * n if isinstance(keys, str) else list(keys)
    key_codes, key_values = pd.factorize(pd.Series(key_list, dtype=object))
    codes, values = {}, {}
    combined = key_codes.astype(np.int64)
    for name, column in row_fields.items():
        arr = np.asarray(column)
        codes[name], uniques = pd.factorize(arr if arr.dtype.kind in "iuf" else
                                            np.asarray(column, dtype=object))
        values[name] = uniques.tolist()  # Python numbers: their JSON is their repr
        combined = combined * len(values[name]) + codes[name]
    flds: Any = np.full(n, "{", dtype=object)  # the JSON of each row, made by columns
    for i, name in enumerate(sorted({*fields, *row_fields})):
        head = ("," if i else "") + _encode(name) + ":"
        if name in row_fields:
            encoded = np.array([_encode(v) for v in values[name]], dtype=object)
            flds = flds + head + encoded[codes[name]]
        else:
            flds = flds + (head + _encode(fields[name]))
    flds = flds + "}" if fields or row_fields else np.full(n, "", dtype=object)
    _, firsts, combo = np.unique(combined, return_index=True, return_inverse=True)
    names = list(codes)
    fix_varies = bool(fix_key) and bool(_names(fix_key, "en") & set(row_fields))
    plain = {k: render(v["key"], v.get("fields"), "en") if isinstance(v, dict) else v
             for k, v in fields.items()}  # nested texts made once; row values are plain
    templates = [i18n.text(k, "en") for k in key_values]
    fix_template = i18n.text(fix_key, "en") if fix_varies else ""
    problem, fix = [], []
    for first in firsts.tolist():
        row = plain.copy()
        for k in names:
            row[k] = values[k][codes[k][first]]
        template = templates[key_codes[first]]
        problem.append(template.format(**row) if row else template)
        if fix_varies:
            fix.append(fix_template.format(**row))
    fixes: Any = np.asarray(fix, dtype=object)[combo] if fix_varies else \
        [render(fix_key, fields, "en") if fix_key else ""] * n
    return np.asarray(problem, dtype=object)[combo], fixes, flds
