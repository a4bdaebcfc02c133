"""Density statistics for a centre, rings and a filter, as tidy DataFrames with units in names.

* :func:`density_table`: one row per ring × sector plus one ``all`` row per ring, with counts,
  shares, ring areas (km²), densities (places per km²) and cumulative counts.
* :func:`h3_table`: counts and densities per H3 hexagon.
* :func:`headline`: the figures the Overview shows (places inside the radius by kind and sector,
  AI share of firms).

Every count uses metric distances from :func:`origin_map.geometry.distances_m`; polygons never
take part in counting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from . import vocab
from .errors import SettingsError
from .geometry import Centre, assign_rings, distances_m, normalise_radii

__all__ = [
    "DENSITY_COLUMNS",
    "H3_COLUMNS",
    "PlaceFilter",
    "density_from_counts",
    "density_table",
    "h3_cell_counts",
    "h3_from_counts",
    "h3_table",
    "headline",
    "present_in",
    "ring_sector_counts",
    "unknown_years",
    "with_distances",
]

DENSITY_COLUMNS = (
    "centre_id", "ring_inner_m", "ring_outer_m", "sector", "count", "share", "area_km2",
    "density_per_km2", "cumulative_count",
)
H3_COLUMNS = (
    "centre_id", "h3_cell", "resolution", "cell_lat", "cell_lon", "distance_m", "count",
    "ai_count", "area_km2", "density_per_km2",
)
ALL = "all"


def _check_values(values: Iterable[str] | None, allowed: Iterable[str], what: str
                  ) -> tuple[str, ...] | None:
    if values is None:
        return None
    vals = tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    allowed_t = tuple(allowed)
    bad = [v for v in vals if v not in allowed_t]
    if bad:
        raise SettingsError(f"Unknown {what} {', '.join(map(repr, bad))}. "
                            f"Use one of: {', '.join(allowed_t)}.")
    return vals


@dataclass(frozen=True)
class PlaceFilter:
    """Which places to count.

    Parameters
    ----------
    sectors, kinds, qualities
        Allowed values; ``None`` means all. Values are checked against the vocabularies.
    include_historic
        Count historic (former) tenants too; by default only ``current`` places count.
    search
        Case-insensitive text that must occur in a name (Chinese or English), address or id.
    year
        Show the community as it was in this year instead of now: a place counts when its
        ``since`` year is known and not after ``year``, and ``year`` is not after its
        ``until`` year — or, without an ``until``, when it is current (a historic place with
        no known end counts in its ``since`` year only). Places without a known ``since`` do
        not count in a past year (:func:`unknown_years` counts them). ``include_historic`` does
        not apply: the year decides. None (default): now, by ``status``.
    """

    sectors: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    qualities: tuple[str, ...] | None = None
    include_historic: bool = False
    search: str = ""
    year: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sectors",
                           _check_values(self.sectors, vocab.SECTOR_IDS, "sector"))
        object.__setattr__(self, "kinds", _check_values(self.kinds, vocab.KINDS, "kind"))
        object.__setattr__(self, "qualities", _check_values(
            self.qualities, vocab.POSITION_QUALITIES, "position quality"))
        object.__setattr__(self, "search", str(self.search or "").strip()[:200])
        if self.year is not None and not (isinstance(self.year, int) and 1000 <= self.year
                                          <= 9999):
            raise SettingsError(f"Year {self.year!r} is not a four-digit year.")

    def mask(self, places: pd.DataFrame) -> np.ndarray:
        """Return a boolean array selecting the places that pass the filter."""
        keep = np.ones(len(places), dtype=bool)
        for col, allowed in (("sector", self.sectors), ("kind", self.kinds),
                             ("position_quality", self.qualities)):
            if allowed is not None:
                keep &= places[col].isin(allowed).to_numpy(dtype=bool)
        if self.year is not None:
            keep &= present_in(places, self.year)
        elif not self.include_historic and "status" in places.columns:
            # isin is a hash lookup: several times faster than != on object columns
            keep &= ~places["status"].isin(("historic",)).to_numpy(dtype=bool)
        if self.search:
            needle = self.search.lower()
            hit = np.zeros(len(places), dtype=bool)
            for col in ("name_zh", "name_en", "address", "id"):
                if col in places.columns:
                    hit |= places[col].astype(str).str.lower().str.contains(
                        needle, regex=False).to_numpy(dtype=bool)
            keep &= hit
        return keep

    def apply(self, places: pd.DataFrame) -> pd.DataFrame:
        """Return the places that pass the filter (same type as the input)."""
        return places.loc[self.mask(places)]


def _year_column(places: pd.DataFrame, column: str) -> np.ndarray:
    if column not in places.columns:
        return np.full(len(places), np.nan)
    return pd.to_numeric(places[column], errors="coerce").to_numpy(dtype=float)


def present_in(places: pd.DataFrame, year: int) -> np.ndarray:
    """Return a boolean array: which places were there in ``year`` (see :class:`PlaceFilter`)."""
    since = _year_column(places, "since")
    until = _year_column(places, "until")
    current = (places["status"].to_numpy() != "historic") if "status" in places.columns \
        else np.ones(len(places), dtype=bool)
    end = np.where(np.isnan(until), np.where(current, np.inf, since), until)
    with np.errstate(invalid="ignore"):
        return (since <= year) & (year <= end)


def unknown_years(places: pd.DataFrame) -> int:
    """Return how many places have no known ``since`` year (they never count in a past year)."""
    return int(np.isnan(_year_column(places, "since")).sum())


def _radius_value(r: float) -> float | int:
    return int(r) if float(r).is_integer() else float(r)


def with_distances(places: pd.DataFrame, centre: Centre, radii_m: Sequence[float]
                   ) -> pd.DataFrame:
    """Return a copy of ``places`` with ``distance_m`` (metres, 0.1 m) and ``ring_outer_m``.

    ``ring_outer_m`` is the radius of the ring the place falls in (NaN when outside all rings).
    """
    radii = normalise_radii(radii_m)
    out = places.copy()
    d = distances_m(out["lat"].to_numpy(), out["lon"].to_numpy(), centre.lat, centre.lon)
    ring = assign_rings(d, radii)
    outer = np.append(np.asarray(radii, dtype=float), np.nan)
    out["distance_m"] = np.round(d, 1)
    out["ring_outer_m"] = outer[ring]
    return out


def _sector_order(present: Iterable[str], chosen: tuple[str, ...] | None) -> list[str]:
    if chosen is not None:
        return [s for s in vocab.SECTOR_IDS if s in chosen]
    seen = set(present)
    return [s for s in vocab.SECTOR_IDS if s in seen] + sorted(seen - set(vocab.SECTOR_IDS))


def density_table(
    places: pd.DataFrame,
    centre: Centre,
    radii_m: Sequence[float] = (1000,),
    *,
    place_filter: PlaceFilter | None = None,
    distance_m: Any = None,
) -> pd.DataFrame:
    """Return the density table: one row per ring × sector, then one ``all`` row per ring.

    Parameters
    ----------
    places
        Places with ``lat``, ``lon`` (WGS-84) and ``sector`` columns (plus those the filter uses).
    centre
        The centre of the rings.
    radii_m
        Ring radii in metres (sorted and de-duplicated); ring ``i`` spans
        ``(radii[i-1], radii[i]]``, the first ring starts at the centre.
    place_filter
        Which places count (default: current places of every sector and kind).
    distance_m
        Optional distances in metres from the centre, one per row of ``places``, used instead
        of the point distances: e.g. :func:`origin_map.outlines.outline_distances_m` to count
        places by their outline. NaN or inf means outside every ring.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DENSITY_COLUMNS`: ``count`` places in the ring, ``share`` of the ring's
        places (0–1), ``area_km2`` of the ring (exact annulus area), ``density_per_km2`` =
        count / area, ``cumulative_count`` = places of that sector within ``ring_outer_m``.
        Sectors listed are the filter's, or those present among the filtered places.
    """
    radii = normalise_radii(radii_m)
    flt = place_filter or PlaceFilter()
    if distance_m is not None:
        present, counts = ring_sector_counts(
            None, None, places["sector"].to_numpy(), centre, radii, flt.mask(places),
            distance_m=_given_distances(distance_m, places))
        return density_from_counts(present, counts, centre, radii, flt.sectors)
    lat, lon, sector, keep = _selected(places, flt, "sector", lazy=True)
    present, counts = ring_sector_counts(lat, lon, sector, centre, radii, keep)
    return density_from_counts(present, counts, centre, radii, flt.sectors)


def _selected(places: pd.DataFrame, flt: PlaceFilter, column: str, *, lazy: bool = False
              ) -> tuple[np.ndarray, np.ndarray, Any, np.ndarray | None]:
    """Return ``lat``, ``lon``, one more column and a mask, for the places passing ``flt``.

    Only these columns are taken. With ``lazy`` and most places passing, the arrays are not
    subset: the mask is returned instead (subsetting costs more than computing a few extra
    distances); otherwise the arrays hold the passing places only and the mask is None.
    """
    keep = flt.mask(places)
    lat = places["lat"].to_numpy(dtype=np.float64)
    lon = places["lon"].to_numpy(dtype=np.float64)
    col = places[column]
    # object columns factorize fastest as numpy arrays, categorical/arrow ones as themselves
    values = col.to_numpy() if col.dtype == object else col.array
    if keep.all():
        return lat, lon, values, None
    if lazy and keep.mean() >= 0.5:
        return lat, lon, values, keep
    return lat[keep], lon[keep], values[keep], None


def _given_distances(distance_m: Any, places: pd.DataFrame) -> np.ndarray:
    """Return precomputed distances as float64, checked to have one value per place."""
    d = np.asarray(distance_m, dtype=np.float64).reshape(-1)
    if len(d) != len(places):
        raise SettingsError(f"{len(d)} distances were given for {len(places)} places; give one "
                            "distance in metres per place.")
    return d


def ring_sector_counts(lat: np.ndarray | None, lon: np.ndarray | None, sector: Any,
                       centre: Centre, radii_m: Sequence[float], keep: np.ndarray | None = None,
                       *, distance_m: np.ndarray | None = None
                       ) -> tuple[list[str], np.ndarray]:
    """Count places per ring and sector: the mergeable part of :func:`density_table`.

    Parameters
    ----------
    lat, lon
        WGS-84 degrees of the places.
    sector
        Their sectors (any array-like; missing values are not counted).
    centre, radii_m
        The centre and the ring radii in metres.
    keep
        Which places count (default: all).
    distance_m
        Distances from the centre in metres, used instead of computing them from ``lat`` and
        ``lon`` (which may then be None).

    Returns
    -------
    present : list of str
        The sectors of the places that count.
    counts : numpy.ndarray
        ``int64`` array of shape ``(len(radii) + 1, len(present))``: row ``i`` is ring ``i``, the
        last row counts the places outside every ring. Counts of several chunks of places add up
        to the counts of all of them (the dask engine relies on this).
    """
    radii = normalise_radii(radii_m)
    codes, uniques = pd.factorize(sector)
    codes = np.asarray(codes, dtype=np.int64)
    if keep is not None:
        codes[~keep] = -1
    if distance_m is None:
        if lat is None or lon is None:
            raise SettingsError("Give the places' lat and lon, or their distance_m.")
        distance_m = distances_m(lat, lon, centre.lat, centre.lon)
    ring = assign_rings(distance_m, radii)
    n_u, n_rows = len(uniques), len(radii) + 1
    flat = ring * n_u + codes
    if len(codes) and codes.min() < 0:
        flat = flat[codes >= 0]
    counts = np.bincount(flat, minlength=n_rows * n_u)[: n_rows * n_u].astype(np.int64)
    counts = counts.reshape(n_rows, n_u)
    seen = counts.sum(axis=0) > 0
    return [str(u) for u, x in zip(uniques, seen, strict=True) if x], counts[:, seen]


def density_from_counts(present: Sequence[str], counts: np.ndarray, centre: Centre,
                        radii_m: Sequence[float], chosen: tuple[str, ...] | None = None
                        ) -> pd.DataFrame:
    """Build the density table from :func:`ring_sector_counts` (or its sum over chunks).

    ``chosen`` is the filter's sectors (listed even when absent), or None for those present.
    """
    radii = normalise_radii(radii_m)
    sectors = _sector_order(present, chosen)
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
        base = {"centre_id": centre.id, "ring_inner_m": _radius_value(inner[i]),
                "ring_outer_m": _radius_value(outer[i])}
        for j, s in enumerate([*sectors, ALL]):
            c = int(counts[i, j]) if j < n_s else int(totals[i])
            cc = int(cum[i, j]) if j < n_s else int(totals[: i + 1].sum())
            rows.append({**base, "sector": s, "count": c,
                         "share": round(c / totals[i], 4) if totals[i] else 0.0,
                         "area_km2": round(float(area[i]), 6),
                         "density_per_km2": round(c / float(area[i]), 3),
                         "cumulative_count": cc})
    return pd.DataFrame(rows, columns=list(DENSITY_COLUMNS))


def h3_table(
    places: pd.DataFrame,
    centre: Centre,
    *,
    resolution: int = 9,
    place_filter: PlaceFilter | None = None,
    max_distance_m: float | None = None,
) -> pd.DataFrame:
    """Return counts and densities per H3 hexagon of the filtered places.

    Parameters
    ----------
    resolution
        H3 resolution 0–15 (9: cells of ~0.075 km² in Beijing, edge ~170 m; 10: ~0.011 km²).
    max_distance_m
        Only places within this distance of the centre count (all places if None).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`H3_COLUMNS`, one row per non-empty cell, most populous first:
        ``cell_lat``/``cell_lon`` the cell centre (WGS-84), ``distance_m`` from the centre to it,
        ``ai_count`` places in AI sectors, ``area_km2`` the cell's area, ``density_per_km2``.
    """
    _check_resolution(resolution)
    flt = place_filter or PlaceFilter()
    lat, lon, sector, _ = _selected(places, flt, "sector")
    cells, counts, ai_counts = h3_cell_counts(lat, lon, sector, centre, resolution,
                                              max_distance_m)
    return h3_from_counts(cells, counts, ai_counts, centre, resolution)


def _check_resolution(resolution: int) -> None:
    if not (isinstance(resolution, int) and 0 <= resolution <= 15):
        raise SettingsError(f"H3 resolution must be an integer 0–15, not {resolution!r}.")


def h3_cell_counts(lat: np.ndarray, lon: np.ndarray, sector: Any, centre: Centre,
                   resolution: int, max_distance_m: float | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count places and AI places per H3 cell: the mergeable part of :func:`h3_table`.

    Returns
    -------
    cells, counts, ai_counts : numpy.ndarray
        The non-empty cells (``uint64`` H3 indexes, in no particular order) and their counts
        (``int64``). Counts of several chunks, summed per cell, equal those of all places.
    """
    import h3

    _check_resolution(resolution)
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    ai = pd.Series(sector).isin(vocab.AI_SECTORS).to_numpy(dtype=bool)
    if max_distance_m is not None:
        near = distances_m(lat, lon, centre.lat, centre.lon) <= float(max_distance_m)
        lat, lon, ai = lat[near], lon[near], ai[near]
    to_cell = h3.api.basic_int.latlng_to_cell
    raw = np.fromiter(map(to_cell, lat.tolist(), lon.tolist(), repeat(resolution)),
                      dtype=np.uint64, count=len(lat))
    codes, cells = pd.factorize(raw)  # a hash table: faster than np.unique's sort
    counts = np.bincount(codes, minlength=len(cells)).astype(np.int64)
    ai_counts = np.bincount(codes[ai], minlength=len(cells)).astype(np.int64)
    return np.asarray(cells, dtype=np.uint64), counts, ai_counts


def h3_from_counts(cells: np.ndarray, counts: np.ndarray, ai_counts: np.ndarray,
                   centre: Centre, resolution: int) -> pd.DataFrame:
    """Build the H3 table from :func:`h3_cell_counts` (or its sum per cell over chunks)."""
    import h3

    if len(cells) == 0:
        return pd.DataFrame(columns=list(H3_COLUMNS))
    counts = np.asarray(counts, dtype=np.int64)
    names = [h3.int_to_str(int(c)) for c in cells]
    centres = np.array([h3.cell_to_latlng(c) for c in names], dtype=float).reshape(-1, 2)
    areas = np.array([h3.cell_area(c, unit="km^2") for c in names])
    out = pd.DataFrame({
        "centre_id": centre.id, "h3_cell": names, "resolution": resolution,
        "cell_lat": np.round(centres[:, 0], 6), "cell_lon": np.round(centres[:, 1], 6),
        "distance_m": np.round(distances_m(centres[:, 0], centres[:, 1], centre.lat,
                                           centre.lon), 1),
        "count": counts, "ai_count": np.asarray(ai_counts, dtype=np.int64),
        "area_km2": np.round(areas, 6), "density_per_km2": np.round(counts / areas, 3),
    })
    return out.sort_values(["count", "h3_cell"], ascending=[False, True],
                           ignore_index=True).loc[:, list(H3_COLUMNS)]


def headline(
    places: pd.DataFrame,
    centre: Centre,
    radius_m: float = 1000,
    *,
    place_filter: PlaceFilter | None = None,
    distance_m: Any = None,
) -> dict[str, Any]:
    """Return the headline figures for places within ``radius_m`` of the centre.

    ``distance_m`` optionally gives the distances (metres, one per place) to use instead of the
    point distances, as in :func:`density_table`.

    Returns
    -------
    dict
        ``inside`` (count), ``by_kind`` and ``by_sector`` (dicts of counts, in vocabulary order),
        ``firms``, ``ai_firms``, ``ai_share_of_firms`` (0–1, NaN without firms),
        ``institutions`` (universities + institutes), ``radius_m``.
    """
    (radius,) = normalise_radii([radius_m])
    flt = place_filter or PlaceFilter()
    keep = np.flatnonzero(flt.mask(places))
    lat = places["lat"].to_numpy(dtype=np.float64)[keep]
    lon = places["lon"].to_numpy(dtype=np.float64)[keep]
    d = (distances_m(lat, lon, centre.lat, centre.lon) if distance_m is None
         else _given_distances(distance_m, places)[keep])
    inside = places[["kind", "sector"]].iloc[keep[d <= radius]]
    by_kind = inside["kind"].value_counts()
    by_sector = inside["sector"].value_counts()
    firms = inside[inside["kind"] == "firm"]
    ai_firms = int(firms["sector"].isin(vocab.AI_SECTORS).sum())
    return {
        "radius_m": _radius_value(radius),
        "inside": len(inside),
        "by_kind": {k: int(by_kind[k]) for k in vocab.KINDS if k in by_kind},
        "by_sector": {s: int(by_sector[s]) for s in _sector_order(by_sector.index, None)},
        "firms": len(firms),
        "ai_firms": ai_firms,
        "ai_share_of_firms": ai_firms / len(firms) if len(firms) else float("nan"),
        "institutions": int(by_kind.get("university", 0) + by_kind.get("institute", 0)),
    }
