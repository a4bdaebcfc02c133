"""Messages of the geocoder in English and Chinese (reasons, summary lines, level names).

The texts are the catalogue's tables ``geocode`` and ``geocode.level``, and ``geocode2`` and
``geocode2.level`` for those of the second round (:mod:`origin_map.i18n`);
:func:`message` renders one in a language. The app shows them in the user's language, the CLI
in English.
"""

from __future__ import annotations

from origin_map.i18n import LANGS, catalogue, text

__all__ = ["level_label", "message"]

_LEVEL_FIELDS = ("level", "min_level")
"""Fields holding a position level id (``street_number``), shown by its name in the language."""


def _table(key: str, lang: str) -> str:
    """Return the catalogue table of ``key``: ``geocode``, or ``geocode2`` (the second round)."""
    cat = catalogue(lang if lang in LANGS else "en")
    return "geocode" if f"geocode.{key}" in cat else "geocode2"


def level_label(level: str, lang: str = "en") -> str:
    """Return the name of position level ``level`` (``street_number``…) in ``lang``."""
    return text(f"{_table(f'level.{level}', lang)}.level.{level}", lang)


def message(key: str, lang: str = "en", /, **kwargs: object) -> str:
    """Return message ``geocode.<key>`` (or ``geocode2.<key>``) in ``lang`` with ``kwargs``."""
    for name in _LEVEL_FIELDS:
        if name in kwargs:
            kwargs[name] = level_label(str(kwargs[name]), lang)
    return text(f"{_table(key, lang)}.{key}", lang, **kwargs)
