"""What the dataset store refuses, in the reader's language: one type per cause.

Each error keeps a catalogue key (``store.error.*`` in ``locales/*.toml``) and its fields:
``str(error)`` is the English text (the command line prints it), :meth:`StoreError.text` the
text in any language (the app shows it).
"""

from __future__ import annotations

from typing import Any

from origin_map.errors import OriginMapError
from origin_map.texts import fields_json, render

__all__ = ["BadDatasetId", "BadDecision", "DatasetNotFound", "QuotaExceeded", "StoreError",
           "StoreUnavailable"]


class StoreError(OriginMapError):
    """Something the dataset store could not do; the message says what and what to do."""

    def __init__(self, key: str, /, **fields: Any) -> None:
        self.key = key
        self.text_fields = fields_json(fields)
        super().__init__(render(key, self.text_fields, "en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        return render(self.key, self.text_fields, lang)


class BadDatasetId(StoreError):
    """A text that is not a dataset id (checked before any use; never reaches SQL)."""


class DatasetNotFound(StoreError):
    """A well-formed id with no dataset: deleted, removed by the clean-up, or never saved."""


class QuotaExceeded(StoreError):
    """Saving would take a dataset, or the whole store, over its size limit."""


class BadDecision(StoreError):
    """A review decision that cannot apply: unknown action, row, sector or position."""


class StoreUnavailable(StoreError):
    """The store cannot be opened or reached (a bad ``--store`` URL, a server down)."""
