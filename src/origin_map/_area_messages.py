"""The error :mod:`origin_map.areas` raises, and its warnings, in English and Chinese.

The texts are the catalogue's table ``area`` (:mod:`origin_map.i18n`).
"""

from __future__ import annotations

from typing import Any

from .errors import DataValidationError, Problem
from .i18n import text

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
        self.en, self.zh = warning(key, **values)
        super().__init__([Problem(None, "geometry", self.en)], source=source)

    def text(self, lang: str = "en") -> str:
        """Return the message alone, in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.zh if lang == "zh" else self.en


def warning(key: str, **values: Any) -> tuple[str, str]:
    """Return the (English, Chinese) texts of ``area.<key>`` with ``values`` filled in."""
    return text(f"area.{key}", "en", **values), text(f"area.{key}", "zh", **values)
