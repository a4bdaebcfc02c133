"""The embedded backend: one SQLite file in WAL mode, one connection per thread.

WAL lets readers go on while one writer writes; every write transaction starts with
``BEGIN IMMEDIATE`` (it takes the write lock at once, so two processes never deadlock
upgrading a read lock), and waits up to :data:`BUSY_TIMEOUT_S` for it. ``synchronous=NORMAL``:
a commit survives the app or server process crashing; the last commits before a power cut may
be lost, never the file's consistency (SQLite's WAL guarantee). The folder is created private
to its user (mode 700); deleted datasets' pages are given back to the file system.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from origin_map.store.errors import StoreUnavailable

__all__ = ["BUSY_TIMEOUT_S", "FILE_NAME", "SQLiteBackend"]

FILE_NAME = "datasets.sqlite"
"""The store's file in its data folder."""
BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another process's write to end."""


class _Tx:
    """A transaction of one SQLite connection (see :class:`.schema.Cursor`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def lock(self) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` holds the only write lock already."""


class SQLiteBackend:
    """Datasets in the SQLite file ``path`` (created with its folder when missing)."""

    dialect = "sqlite"
    types: ClassVar[dict[str, str]] = {"blob": "BLOB", "float": "REAL",
                                       "serial": "INTEGER PRIMARY KEY AUTOINCREMENT"}

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreUnavailable("store.error.unavailable", where=str(self.path),
                                   reason=exc.strerror or str(exc)) from None
        self._local = threading.local()

    @property
    def where(self) -> str:
        """Where the data is, for messages."""
        return str(self.path)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
                conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # new files only
                conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.Error as exc:
                raise StoreUnavailable("store.error.unavailable", where=str(self.path),
                                       reason=str(exc)) from None
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[_Tx]:
        """Run a transaction: committed when the block ends, rolled back if it raises."""
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield _Tx(conn)
            except BaseException:
                conn.rollback()
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # locked too long, disk full, file gone
            if conn.in_transaction:
                conn.rollback()
            raise StoreUnavailable("store.error.unavailable", where=str(self.path),
                                   reason=str(exc)) from None

    def compact(self) -> None:
        """Give the pages of deleted datasets back to the file system."""
        self._conn().execute("PRAGMA incremental_vacuum")

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
