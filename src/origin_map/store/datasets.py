"""The dataset store: save a list, reopen it by id, save review decisions one at a time.

:func:`open_store` returns a :class:`DatasetStore` on SQLite (default: one file in the user's
data folder, no set-up) or PostgreSQL (a ``postgresql://`` URL); :func:`store_from_env` does the
same from the environment the app is started with. There is deliberately no function that lists
datasets: whoever holds an id can open, review, export or delete that dataset, and nothing else.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from origin_map.store.errors import BadDecision, DatasetNotFound, QuotaExceeded, StoreUnavailable
from origin_map.store.ids import check_id, new_id
from origin_map.store.model import MB, DatasetInfo, Provenance, StoredDataset, StoreLimits
from origin_map.store.rows import Decision, decode_rows, encode_rows
from origin_map.store.schema import migrate

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ENV_DATA_DIR", "ENV_KEEP_DAYS", "ENV_STORE", "DatasetStore", "default_data_dir",
           "open_store", "store_from_env"]

ENV_STORE = "ORIGIN_MAP_STORE"
"""Environment: the store URL (``postgresql://…``), or empty for SQLite."""
ENV_DATA_DIR = "ORIGIN_MAP_DATA_DIR"
"""Environment: the SQLite store's folder."""
ENV_KEEP_DAYS = "ORIGIN_MAP_KEEP_DAYS"
"""Environment: days a dataset is kept after it was last opened."""
ENV_DATASET_MB, ENV_STORE_MB = "ORIGIN_MAP_DATASET_MB", "ORIGIN_MAP_STORE_MB"
"""Environment: the size quotas per dataset and in total, in MB."""
TOUCH_EVERY_S = 3600.0
"""Opening a dataset records the time at most this often (retention counts days)."""
_INFO = ("id, name, n_rows, rows_bytes, n_decisions, provenance, created_at, updated_at, "
         "opened_at")


def default_data_dir() -> Path:
    """Return ``<user data dir>/origin-map`` (``~/.local/share/origin-map`` on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("origin-map", appauthor=False))


def open_store(url: str | None = None, *, data_dir: str | Path | None = None,
               limits: StoreLimits | None = None) -> DatasetStore:
    """Return the dataset store at ``url`` (migrated to this version's schema).

    Parameters
    ----------
    url
        ``postgresql://user:password@host/db`` (or ``postgres://``) for PostgreSQL; None or
        ``""`` for the SQLite file ``datasets.sqlite`` in ``data_dir``.
    data_dir
        The SQLite store's folder (default :func:`default_data_dir`).
    limits
        Retention and quotas (default :class:`StoreLimits`).
    """
    if url and url.split(":", 1)[0] in ("postgresql", "postgres"):
        from origin_map.store.postgres import PostgresBackend

        backend: Any = PostgresBackend(url)
    else:
        from origin_map.store.sqlite import FILE_NAME, SQLiteBackend

        backend = SQLiteBackend(Path(data_dir or default_data_dir()) / FILE_NAME)
    return DatasetStore(backend, limits or StoreLimits())


def store_from_env(env: dict[str, str] | None = None) -> DatasetStore:
    """Return the store the environment names (see the ``ENV_*`` names), quotas included."""
    env = dict(os.environ) if env is None else env
    base = StoreLimits()

    def number(name: str, default: float) -> float:
        text = env.get(name, "").strip()
        try:
            value = float(text) if text else default
        except ValueError:
            value = -1.0
        if not 0 <= value < float("inf"):
            raise StoreUnavailable("store.error.unavailable", where=name,
                                   reason=f"{text[:40]!r} is not a number of days or MB")
        return value

    limits = StoreLimits(keep_days=number(ENV_KEEP_DAYS, base.keep_days),
                         dataset_bytes=int(number(ENV_DATASET_MB, base.dataset_bytes / MB) * MB),
                         total_bytes=int(number(ENV_STORE_MB, base.total_bytes / MB) * MB))
    return open_store(env.get(ENV_STORE) or None, data_dir=env.get(ENV_DATA_DIR) or None,
                      limits=limits)


def _info(row: tuple[Any, ...]) -> DatasetInfo:
    return DatasetInfo(str(row[0]), str(row[1]), int(row[2]), int(row[3]), int(row[4]),
                       Provenance.from_json(str(row[5])), float(row[6]), float(row[7]),
                       float(row[8]))


class DatasetStore:
    """Datasets in one backend (:mod:`.sqlite` or :mod:`.postgres`); see :func:`open_store`.

    ``clock`` gives the time (seconds since 1970); tests move it forward.
    """

    def __init__(self, backend: Any, limits: StoreLimits,
                 clock: Callable[[], float] = time.time) -> None:
        self.backend = backend
        self.limits = limits
        self.clock = clock
        with backend.transaction(write=True) as tx:
            migrate(tx, backend.types)

    @property
    def where(self) -> str:
        """Where the datasets are kept (a file, or a server without its password)."""
        return str(self.backend.where)

    def save(self, rows: pd.DataFrame, provenance: Provenance, *, name: str | None = None
             ) -> str:
        """Save ``rows`` as a new dataset; return its id.

        Raises
        ------
        QuotaExceeded
            If the rows are over the per-dataset quota, or the store would go over its total.
        """
        data = encode_rows(rows)
        label = str(name or provenance.file_name or "dataset")[:200]
        limit = self.limits.dataset_bytes
        if len(data) > limit:
            raise QuotaExceeded("store.error.dataset_too_big", name=label,
                                mb=len(data) / MB, limit_mb=limit / MB)
        dataset_id, now = new_id(data), self.clock()
        with self.backend.transaction(write=True) as tx:
            tx.lock()
            used = int(tx.execute("SELECT COALESCE(SUM(rows_bytes + n_decisions * ?), 0) "
                                  "FROM datasets", (self.limits.decision_bytes,)).fetchone()[0])
            if used + len(data) > self.limits.total_bytes:
                raise QuotaExceeded("store.error.store_full", name=label, used_mb=used / MB,
                                    limit_mb=self.limits.total_bytes / MB)
            tx.execute("INSERT INTO datasets (id, name, n_rows, rows_format, rows, rows_bytes, "
                       "n_decisions, provenance, created_at, updated_at, opened_at) "
                       "VALUES (?, ?, ?, 'parquet', ?, ?, 0, ?, ?, ?, ?)",
                       (dataset_id, label, len(rows), data, len(data), provenance.to_json(),
                        now, now, now))
        return dataset_id

    def info(self, dataset_id: str) -> DatasetInfo:
        """Return the record of dataset ``dataset_id`` (not counted as opening it).

        Raises
        ------
        BadDatasetId
            If ``dataset_id`` is not an id.
        DatasetNotFound
            If there is no such dataset.
        """
        checked = check_id(dataset_id)
        with self.backend.transaction() as tx:
            row = tx.execute(f"SELECT {_INFO} FROM datasets WHERE id = ?", (checked,)).fetchone()
        if row is None:
            raise self._missing(checked)
        return _info(row)

    def open(self, dataset_id: str) -> StoredDataset:
        """Return dataset ``dataset_id`` with its rows and review, and note that it was opened.

        Raises
        ------
        BadDatasetId, DatasetNotFound
            As :meth:`info`.
        """
        import pandas as pd

        checked, now = check_id(dataset_id), self.clock()
        with self.backend.transaction() as tx:
            row = tx.execute(f"SELECT {_INFO}, rows FROM datasets WHERE id = ?",
                             (checked,)).fetchone()
            if row is None:
                raise self._missing(checked)
            log = tx.execute("SELECT row_no, action, lat, lon, sector FROM decisions "
                             "WHERE dataset_id = ? ORDER BY seq", (checked,)).fetchall()
        info = _info(row)
        if now - info.opened_at > TOUCH_EVERY_S:
            with self.backend.transaction(write=True) as tx:
                tx.execute("UPDATE datasets SET opened_at = ? WHERE id = ?", (now, checked))
        decisions = pd.DataFrame(log, columns=["row", "action", "lat", "lon", "sector"])
        decisions = decisions.astype({"row": "int64", "lat": "float64", "lon": "float64"})
        return StoredDataset(info, decode_rows(bytes(row[-1])), decisions)

    def decide(self, dataset_id: str, decision: Decision) -> None:
        """Save one review decision on dataset ``dataset_id`` (committed when this returns).

        Raises
        ------
        BadDatasetId, DatasetNotFound
            As :meth:`info`.
        BadDecision
            If the decision cannot apply (unknown action, sector, row; position out of range).
        QuotaExceeded
            If the dataset has reached its size quota.
        """
        checked, d, now = check_id(dataset_id), decision.checked(), self.clock()
        lim = self.limits
        with self.backend.transaction(write=True) as tx:
            cur = tx.execute("UPDATE datasets SET n_decisions = n_decisions + 1, updated_at = ? "
                             "WHERE id = ? AND ? < n_rows AND "
                             "rows_bytes + (n_decisions + 1) * ? <= ?",
                             (now, checked, d.row, lim.decision_bytes, lim.dataset_bytes))
            if cur.rowcount != 1:
                raise self._refused(tx, checked, d)
            tx.execute("INSERT INTO decisions (dataset_id, row_no, action, lat, lon, sector, "
                       "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (checked, d.row, d.action, d.lat, d.lon, d.sector, now))

    def _refused(self, tx: Any, dataset_id: str, d: Decision) -> Exception:
        """Return why a decision was not saved: no dataset, no such row, or the quota."""
        row = tx.execute("SELECT n_rows, name FROM datasets WHERE id = ?",
                         (dataset_id,)).fetchone()
        if row is None:
            return self._missing(dataset_id)
        if d.row >= int(row[0]):
            return BadDecision("store.error.row_not_in", row=d.row, n=int(row[0]))
        return QuotaExceeded("store.error.dataset_full", name=str(row[1]),
                             limit_mb=self.limits.dataset_bytes / MB)

    def delete(self, dataset_id: str) -> None:
        """Delete dataset ``dataset_id`` and its review.

        Raises
        ------
        BadDatasetId, DatasetNotFound
            As :meth:`info`.
        """
        checked = check_id(dataset_id)
        with self.backend.transaction(write=True) as tx:
            tx.execute("DELETE FROM decisions WHERE dataset_id = ?", (checked,))
            if tx.execute("DELETE FROM datasets WHERE id = ?", (checked,)).rowcount != 1:
                raise self._missing(checked)
        self.backend.compact()

    def clean_up(self) -> int:
        """Remove the datasets not opened for ``limits.keep_days`` days; return how many."""
        before = self.clock() - self.limits.keep_days * 86400.0
        with self.backend.transaction(write=True) as tx:
            tx.execute("DELETE FROM decisions WHERE dataset_id IN "
                       "(SELECT id FROM datasets WHERE opened_at < ?)", (before,))
            removed = int(tx.execute("DELETE FROM datasets WHERE opened_at < ?",
                                     (before,)).rowcount)
        if removed:
            self.backend.compact()
        return removed

    def used_bytes(self) -> int:
        """Return the size of all datasets together, as the total quota counts it."""
        with self.backend.transaction() as tx:
            row = tx.execute("SELECT COALESCE(SUM(rows_bytes + n_decisions * ?), 0) "
                             "FROM datasets", (self.limits.decision_bytes,)).fetchone()
        return int(row[0])

    def _missing(self, dataset_id: str) -> DatasetNotFound:
        return DatasetNotFound("store.error.not_found", id=dataset_id,
                               days=f"{self.limits.keep_days:g}")

    def close(self) -> None:
        """Close this thread's connection (the store reconnects when used again)."""
        self.backend.close()
