"""The ring density table from counts, without pandas: its rows and the counts per ring × code.

:mod:`origin_map.measure.stats` builds its DataFrame from these rows; the command line's lean
``stats`` path writes them directly (:func:`origin_map.io.csvrows.rows_csv_bytes`), so that a
large file is counted without importing pandas. Both give the same table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from origin_map.geo.geometry import normalise_radii
from origin_map.places import vocab

if TYPE_CHECKING:
    from origin_map.geo.geometry import Centre

__all__ = ["ALL", "DENSITY_COLUMNS", "code_counts", "density_rows", "radius_value",
           "sector_order"]

DENSITY_COLUMNS = (
    "centre_id", "ring_inner_m", "ring_outer_m", "sector", "count", "share", "area_km2",
    "density_per_km2", "cumulative_count",
)
ALL = "all"


def radius_value(r: float) -> float | int:
    """Return a radius as an int when it is a whole number of metres, else as a float."""
    return int(r) if float(r).is_integer() else float(r)


def sector_order(present: Iterable[str], chosen: tuple[str, ...] | None) -> list[str]:
    """Return the sectors listed: ``chosen`` in vocabulary order, or those ``present``."""
    if chosen is not None:
        return [s for s in vocab.SECTOR_IDS if s in chosen]
    seen = set(present)
    return [s for s in vocab.SECTOR_IDS if s in seen] + sorted(seen - set(vocab.SECTOR_IDS))


def code_counts(ring: np.ndarray, codes: np.ndarray, n_codes: int, n_rows: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Count places per ring and code; return the counts of the codes seen and which those are.

    ``ring`` is each place's ring (``n_rows - 1``: outside every ring), ``codes`` its code
    (0 to ``n_codes - 1``; negative: not counted). Returns the ``int64`` counts of shape
    ``(n_rows, k)`` and the boolean mask of the ``k`` codes with a place.
    """
    flat = ring * n_codes + codes
    if len(codes) and codes.min() < 0:
        flat = flat[codes >= 0]
    counts = np.bincount(flat, minlength=n_rows * n_codes)[: n_rows * n_codes].astype(np.int64)
    counts = counts.reshape(n_rows, n_codes)
    seen = counts.sum(axis=0) > 0
    return counts[:, seen], seen


def density_rows(present: Sequence[str], counts: np.ndarray, centre: Centre,
                 radii_m: Sequence[float], chosen: tuple[str, ...] | None = None
                 ) -> list[dict[str, Any]]:
    """Return the rows of the density table (see :func:`~origin_map.measure.stats.density_table`).

    ``present`` and ``counts`` are as :func:`~origin_map.measure.stats.ring_sector_counts`
    returns them; ``chosen`` is the filter's sectors (listed even when absent), or None.
    """
    radii = normalise_radii(radii_m)
    sectors = sector_order(present, chosen)
    n_s, n_r = len(sectors), len(radii)
    col = {s: j for j, s in enumerate(present)}
    counts_by_sector = np.zeros((n_r, n_s), dtype=np.int64)
    for k, s in enumerate(sectors):
        if s in col:
            counts_by_sector[:, k] = counts[:n_r, col[s]]
    counts = counts_by_sector
    totals = counts.sum(axis=1)
    cum = counts.cumsum(axis=0)
    inner = np.array((0.0, *radii[:-1]))
    outer = np.array(radii)
    area = math.pi * (outer**2 - inner**2) / 1e6
    rows: list[dict[str, Any]] = []
    for i in range(n_r):
        base = {"centre_id": centre.id, "ring_inner_m": radius_value(inner[i]),
                "ring_outer_m": radius_value(outer[i])}
        for j, s in enumerate([*sectors, ALL]):
            c = int(counts[i, j]) if j < n_s else int(totals[i])
            cc = int(cum[i, j]) if j < n_s else int(totals[: i + 1].sum())
            rows.append({**base, "sector": s, "count": c,
                         "share": round(c / totals[i], 4) if totals[i] else 0.0,
                         "area_km2": round(float(area[i]), 6),
                         "density_per_km2": round(c / float(area[i]), 3),
                         "cumulative_count": cc})
    return rows
