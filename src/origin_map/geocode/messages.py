"""Messages of the geocoder in English and Chinese (reasons, summary lines, level names).

The texts are the catalogue's tables ``geocode`` and ``geocode.level`` (:mod:`origin_map.i18n`);
:func:`message` renders one in a language. The app shows them in the user's language, the CLI
in English.
"""

from __future__ import annotations

from origin_map.i18n import text

__all__ = ["level_label", "message"]

_LEVEL_FIELDS = ("level", "min_level")
"""Fields holding a position level id (``street_number``), shown by its name in the language."""


def level_label(level: str, lang: str = "en") -> str:
    """Return the name of position level ``level`` (``street_number``…) in ``lang``."""
    return text(f"geocode.level.{level}", lang)


def message(key: str, lang: str = "en", /, **kwargs: object) -> str:
    """Return message ``geocode.<key>`` in ``lang`` (``"en"`` or ``"zh"``) with ``kwargs``."""
    for name in _LEVEL_FIELDS:
        if name in kwargs:
            kwargs[name] = level_label(str(kwargs[name]), lang)
    return text(f"geocode.{key}", lang, **kwargs)
