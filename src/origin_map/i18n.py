"""Every text a user reads, in English and Chinese, from one catalogue per language.

The catalogues are data files, ``locales/en.toml`` and ``locales/zh.toml`` (nested TOML tables
give dotted keys: ``[sidebar] radius = "…"`` is ``sidebar.radius``). One data file per language,
loaded by this one module, rather than gettext ``.po`` files: the texts are keyed by meaning, so
the two files must hold exactly the same keys (a test checks it, and that every ``{field}`` of a
text exists in both), there is no compile step, and long texts (the About page) stay readable.

:func:`text` raises :class:`MissingTextError` for a key missing from the catalogue, so a page that
asks for a text nobody wrote fails its test instead of showing a key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["DEFAULT_LANG", "LANGS", "MissingTextError", "Text", "catalogue", "names", "text"]

LANGS: tuple[str, ...] = ("en", "zh")
"""The languages of the interface, in the order of the language switch."""
DEFAULT_LANG = "en"


class MissingTextError(KeyError):
    """A text key that is not in the catalogue of a language."""


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Return the catalogue of ``lang`` as a flat mapping of dotted keys to texts."""
    if lang not in LANGS:
        raise MissingTextError(f"No catalogue for language {lang!r}; use one of {LANGS}.")
    raw = resources.files("origin_map").joinpath("locales", f"{lang}.toml").read_text("utf-8")
    return _flatten(tomllib.loads(raw))


def text(key: str, lang: str = DEFAULT_LANG, /, **fields: Any) -> str:
    """Return the text ``key`` in ``lang``, with ``{field}`` placeholders filled from ``fields``.

    An unknown ``lang`` falls back to :data:`DEFAULT_LANG`.
    """
    cat = catalogue(lang if lang in LANGS else DEFAULT_LANG)
    try:
        template = cat[key]
    except KeyError:
        raise MissingTextError(f"Text {key!r} is not in the {lang!r} catalogue.") from None
    return template.format(**fields) if fields else template


@dataclass(frozen=True)
class Text:
    """A text to show later in any language: a catalogue key and its fields."""

    key: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANG) -> str:
        """Return the text in ``lang``."""
        return text(self.key, lang, **self.fields)


def names(name_zh: Any, name_en: Any, lang: str) -> tuple[str, str]:
    """Return a place's two names, the one in ``lang`` first (missing names as "")."""
    zh = name_zh if isinstance(name_zh, str) else ""
    en = name_en if isinstance(name_en, str) else ""
    return (zh, en) if lang == "zh" else (en, zh)
