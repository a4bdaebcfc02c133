"""The store's tables, written once for SQLite and PostgreSQL, and their migrations.

Both backends hold the same tables and columns; only three column types are spelled per
dialect (``{blob}``, ``{float}``, ``{serial}``). :data:`MIGRATIONS` lists every change, each
with its version; :func:`migrate` applies the missing ones in one transaction, under the
backend's lock, and records each in ``schema_version`` (several workers starting at once apply
each migration once). Every statement here is constant text: values always travel as
parameters (``?``, turned into ``%s`` for PostgreSQL), never inside SQL.

Tables
------
``datasets``
    One row per dataset: ``id``, ``name``, ``n_rows``, ``rows_format`` (``parquet``), ``rows``
    (the Parquet document, :mod:`.rows`), ``rows_bytes``, ``n_decisions``, ``provenance`` (JSON:
    file name, reader, datum, geocoder, provider), ``created_at``, ``updated_at``,
    ``opened_at`` (seconds since 1970, UTC).
``decisions``
    The review log, one row per saved decision: ``seq`` (saving order), ``dataset_id``,
    ``row_no`` (0-based row of the stored rows), ``action``, ``lat``, ``lon``, ``sector``,
    ``decided_at``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Cursor", "migrate"]

MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, (
        "CREATE TABLE datasets (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "n_rows BIGINT NOT NULL, rows_format TEXT NOT NULL, rows {blob} NOT NULL, "
        "rows_bytes BIGINT NOT NULL, n_decisions BIGINT NOT NULL DEFAULT 0, "
        "provenance TEXT NOT NULL, created_at {float} NOT NULL, updated_at {float} NOT NULL, "
        "opened_at {float} NOT NULL)",
        "CREATE INDEX datasets_opened_at ON datasets (opened_at)",
        "CREATE TABLE decisions (seq {serial}, dataset_id TEXT NOT NULL "
        "REFERENCES datasets (id) ON DELETE CASCADE, row_no BIGINT NOT NULL, "
        "action TEXT NOT NULL, lat {float}, lon {float}, sector TEXT, "
        "decided_at {float} NOT NULL)",
        "CREATE INDEX decisions_dataset ON decisions (dataset_id, seq)",
    )),
)
"""(version, statements) in order; a new migration is appended, never edited."""
SCHEMA_VERSION = MIGRATIONS[-1][0]
"""The version this code writes and reads."""
_VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                  "applied_at {float} NOT NULL)")


class Cursor(Protocol):
    """What a transaction of a backend offers: ``execute`` with ``?`` parameters."""

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """Run one statement; return a DB-API cursor (``fetchone``, ``rowcount`` ...)."""

    def lock(self) -> None:
        """Hold the store-wide write lock until the transaction ends."""


def migrate(cur: Cursor, types: Mapping[str, str]) -> list[int]:
    """Apply the missing migrations inside the caller's (locked) transaction.

    Returns
    -------
    list of int
        The versions applied now (empty when the schema was up to date).

    Raises
    ------
    RuntimeError
        If the store was written by a newer version of Origin Map.
    """
    cur.lock()
    cur.execute(_VERSION_TABLE.format(**types))
    row = cur.execute("SELECT MAX(version) FROM schema_version").fetchone()
    current = int(row[0]) if row and row[0] is not None else 0
    if current > SCHEMA_VERSION:
        raise RuntimeError(f"the dataset store has schema version {current}; this Origin Map "
                           f"reads up to {SCHEMA_VERSION}: upgrade Origin Map")
    applied = []
    for version, statements in MIGRATIONS:
        if version <= current:
            continue
        for sql in statements:
            cur.execute(sql.format(**types))
        cur.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, time.time()))
        applied.append(version)
    return applied
