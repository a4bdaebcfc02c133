"""Dataset ids: a content hash and a random part, URL-safe, checked by one strict pattern.

An id is 34 characters: 12 lowercase hex digits of the SHA-256 of the stored rows (the same list
saved twice shows the same start) followed by 22 URL-safe base64 characters of 16 random bytes
(128 bits from :mod:`secrets`: an id cannot be guessed, and two saves of one list get two ids).
Every id from outside (a link, the command line) goes through :func:`check_id` before any use.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from origin_map.store.errors import BadDatasetId

__all__ = ["ID_PATTERN", "check_id", "new_id"]

ID_PATTERN = re.compile(r"[0-9a-f]{12}[A-Za-z0-9_-]{22}")
"""The whole of a valid id (matched with ``fullmatch``)."""
SHOWN_CHARS = 40
"""At most this many characters of a bad id are repeated in its message."""


def new_id(content: bytes) -> str:
    """Return a new id for a dataset whose stored rows are ``content``."""
    return hashlib.sha256(content).hexdigest()[:12] + secrets.token_urlsafe(16)


def check_id(text: object) -> str:
    """Return ``text`` as a dataset id.

    Raises
    ------
    BadDatasetId
        If ``text`` is not a string of exactly the form of :data:`ID_PATTERN`; the message
        repeats at most the first :data:`SHOWN_CHARS` characters.
    """
    if isinstance(text, str) and ID_PATTERN.fullmatch(text):
        return text
    shown = str(text)[:SHOWN_CHARS] if text is not None else ""
    raise BadDatasetId("store.error.bad_id", id=shown)
