"""The team backend: PostgreSQL through psycopg 3, one connection per thread.

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
        self._local = threading.local()

    @property
    def where(self) -> str:
        """Where the data is, for messages (no password)."""
        return safe_url(self.url)

    def _conn(self) -> Any:
        import psycopg

        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            try:
                conn = psycopg.connect(self.url, autocommit=True,
                                       connect_timeout=CONNECT_TIMEOUT_S)
            except psycopg.Error as exc:
                raise StoreUnavailable("store.error.unavailable", where=self.where,
                                       reason=str(exc).strip()[:300]) from None
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[_Tx]:
        """Run a transaction: committed when the block ends, rolled back if it raises."""
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:
            yield _Tx(cur)

    def compact(self) -> None:
        """Nothing to do: autovacuum gives deleted rows' space back."""

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
