"""The team backend: PostgreSQL through psycopg 3, a small pool of connections.

The URL is a libpq connection string (``postgresql://user:password@host:5432/dbname``, or the
key=value form); its password is never shown (:attr:`PostgresBackend.where`). Transactions run
at READ COMMITTED: a review decision is one conditional ``UPDATE`` of its dataset's row (which
locks that row, so two workers' decisions on one dataset queue, none is lost) and one
``INSERT``. Saving a dataset takes a transaction-scoped advisory lock, so the total quota is
checked by one saver at a time; so do migrations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from origin_map.store.errors import StoreUnavailable

__all__ = ["LOCK_KEY", "PostgresBackend", "safe_url"]

LOCK_KEY = 0x6F6D_5354  # "omST"
"""The advisory lock key of the store's writers that need to go one at a time."""
CONNECT_TIMEOUT_S = 10
POOL_SIZE = 4
"""Idle connections kept for the next transactions."""


def safe_url(url: str) -> str:
    """Return ``url`` without its password (for messages)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # any malformed URL: say nothing of it
        return "postgresql://…"
    host, port, db = parts.get("host", ""), parts.get("port", ""), parts.get("dbname", "")
    return f"postgresql://{parts.get('user', '')}@{host}{':' if port else ''}{port}/{db}"


class _Tx:
    """A transaction of one psycopg connection (see :class:`.schema.Cursor`)."""

    def __init__(self, cur: Any) -> None:
        self._cur = cur

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self._cur.execute(sql.replace("?", "%s"), params)

    def lock(self) -> None:
        self._cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))


class PostgresBackend:
    """Datasets in the PostgreSQL database of ``url``."""

    dialect = "postgresql"
    types: ClassVar[dict[str, str]] = {"blob": "BYTEA", "float": "DOUBLE PRECISION",
                                       "serial": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"}

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise StoreUnavailable("store.error.unavailable", where="postgresql",
                                   reason="psycopg is not installed") from None
        self.url = url
        self._lock = threading.Lock()
        self._idle: list[Any] = []

    @property
    def where(self) -> str:
        """Where the data is, for messages (no password)."""
        return safe_url(self.url)

    def _take(self) -> Any:
        """Return an idle connection of the pool, or a new one."""
        import psycopg

        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if not (conn.closed or conn.broken):
                    return conn
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as exc:
            raise StoreUnavailable("store.error.unavailable", where=self.where,
                                   reason=str(exc).strip()[:300]) from None

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[_Tx]:
        """Run a transaction: committed when the block ends, rolled back if it raises.

        Connections are pooled (at most :data:`POOL_SIZE` idle): the app runs every page in a
        new thread, and a connection per run would cost a login each time.
        """
        import psycopg

        conn = self._take()
        try:
            with conn.transaction(), conn.cursor() as cur:
                yield _Tx(cur)
        except psycopg.OperationalError as exc:  # the server went away: say so, reconnect
            raise StoreUnavailable("store.error.unavailable", where=self.where,
                                   reason=str(exc).strip()[:300]) from None
        finally:
            with self._lock:
                if len(self._idle) < POOL_SIZE and not (conn.closed or conn.broken):
                    self._idle.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    def compact(self) -> None:
        """Nothing to do: autovacuum gives deleted rows' space back."""

    def close(self) -> None:
        """Close the idle connections."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
