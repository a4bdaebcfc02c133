"""What the store keeps about a dataset besides its rows, and its limits.

:class:`Provenance` says where the rows came from, :class:`DatasetInfo` is one dataset's
record (no rows), :class:`StoredDataset` an opened dataset, :class:`StoreLimits` the
retention and the size quotas.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from origin_map.store.rows import placed, reviewed

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DatasetInfo", "Provenance", "StoreLimits", "StoredDataset"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Provenance:
    """Where a dataset's rows came from.

    Attributes
    ----------
    file_name
        The name of the file read (as the user's browser or command line gave it).
    reader
        The reader used: ``csv``, ``excel``, ``geojson``, ``gpkg`` (or ``parquet``).
    datum
        The datum the file's coordinates were declared in (the rows are WGS-84).
    geocoder
        ``""`` when the file had coordinates; else how positions were found (``geocode``).
    provider
        The geocoding provider (``gazetteer``, ``nominatim``, ``amap`` ...); never a key.
    """

    file_name: str = ""
    reader: str = ""
    datum: str = "wgs84"
    geocoder: str = ""
    provider: str = ""

    def to_json(self) -> str:
        """Return the provenance as JSON text (each value at most 200 characters)."""
        return json.dumps({k: str(v)[:200] for k, v in asdict(self).items()},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Provenance:
        """Return the provenance of :meth:`to_json` (unknown keys are ignored)."""
        data = json.loads(text) if text else {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in data.items() if k in known})


@dataclass(frozen=True)
class StoreLimits:
    """How long datasets are kept and how large they may be.

    Attributes
    ----------
    keep_days
        A dataset not opened for this many days is removed by :meth:`DatasetStore.clean_up`.
    dataset_bytes
        Largest size of one dataset: its stored rows plus :attr:`decision_bytes` per decision.
    total_bytes
        Largest size of all datasets together (checked when a dataset is saved).
    decision_bytes
        What one saved review decision counts for in the quotas.
    """

    keep_days: float = 90.0
    dataset_bytes: int = 64 * MB
    total_bytes: int = 4096 * MB
    decision_bytes: int = 100


@dataclass(frozen=True)
class DatasetInfo:
    """One dataset's record, without its rows (times: seconds since 1970, UTC)."""

    id: str
    name: str
    n_rows: int
    rows_bytes: int
    n_decisions: int
    provenance: Provenance
    created_at: float
    updated_at: float
    opened_at: float

    def size_bytes(self, limits: StoreLimits) -> int:
        """Return the dataset's size as the quotas count it."""
        return self.rows_bytes + self.n_decisions * limits.decision_bytes

    def as_dict(self) -> dict[str, Any]:
        """Return the record as plain values, the times as ISO 8601 UTC texts."""
        out = asdict(self)
        for key in ("created_at", "updated_at", "opened_at"):
            out[key] = dt.datetime.fromtimestamp(out[key], dt.UTC).isoformat(timespec="seconds")
        return out


@dataclass(frozen=True)
class StoredDataset:
    """An opened dataset: its record, its rows as saved and its review log."""

    info: DatasetInfo
    rows: pd.DataFrame
    decisions: pd.DataFrame
    """Columns ``row, action, lat, lon, sector``, in saving order."""

    def places(self, *, geometry: bool = True) -> pd.DataFrame:
        """Return the accepted rows with the review applied (see :func:`.rows.placed`)."""
        return placed(self.rows, self.decisions, geometry=geometry,
                      datum=self.info.provenance.datum)

    def review_table(self) -> pd.DataFrame:
        """Return every row with the review applied and ``accept`` (see :func:`.rows.reviewed`)."""
        return reviewed(self.rows, self.decisions)
