"""The error :mod:`origin_map.measure.areas` raises, and its warnings, in English and Chinese.

The texts are the catalogue's table ``area`` (:mod:`origin_map.i18n`).
"""

from __future__ import annotations

from typing import Any

from origin_map.errors import DataValidationError, Problem
from origin_map.i18n import Text

__all__ = ["AreaError", "warning"]


class AreaError(DataValidationError):
    """An area that cannot be measured; the message says why and what to do.

    Parameters
    ----------
    key
        Which message: a key of the catalogue table ``area`` (``area.<key>``).
    source
        A short name of the input, for the message.
    **values
        Values for the message's placeholders.
    """

    def __init__(self, key: str, source: str | None = None, **values: Any) -> None:
        self.key = key
        self.message_text = warning(key, **values)
        super().__init__([Problem(None, "geometry", self.message_text.render("en"))],
                         source=source)

    def text(self, lang: str = "en") -> str:
        """Return the message alone, in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.message_text.render(lang)


def warning(key: str, **values: Any) -> Text:
    """Return the text ``area.<key>`` with ``values``, to render in any language."""
    return Text(f"area.{key}", values)
