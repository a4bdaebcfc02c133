"""Where the density and H3 tables are computed: in memory (default) or on a dask cluster.

* ``memory``: :func:`origin_map.measure.stats.density_table` /
:func:`~origin_map.measure.stats.h3_table` on a
  (Geo)DataFrame held by this process. Fastest up to a few million places.
* ``dask``: the same tables computed with dask-geopandas on a ``dask.distributed`` cluster, for
  tens of millions of places or more. Each partition of a (partitioned) GeoParquet dataset is
  reduced on a worker to small integer count tables (places per ring × sector, or per H3 cell);
  only those travel to the client, are summed, and go through the very code that builds the
  in-memory tables. Counts are integers, so the tables are identical to the ``memory`` engine's
  (byte for byte as CSV), whatever the partitioning.

The cluster is a :class:`distributed.LocalCluster` on this machine by default, or any running
scheduler given by its address (``tcp://host:8786``). With a remote cluster, the data must be
readable by the workers at the same path or URL (shared storage, or an object store such as
``s3://bucket/places/`` with ``s3fs`` installed on every worker).

Parquet input is taken as validated places (as :func:`origin_map.places.datasets.read_places`
returns
them, e.g. written by :func:`write_geoparquet`): WGS-84 ``lat``/``lon`` columns (or point
geometries), ``sector`` and the columns the filter uses. Rows whose coordinates are missing or out
of range are not counted. dask, distributed and dask-geopandas are imported only when used
(``pip install 'origin-map[dask]'``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from origin_map.errors import SettingsError
from origin_map.geo.datums import convert, normalise_datum
from origin_map.geo.geometry import Centre, normalise_radii
from origin_map.measure import stats
from origin_map.measure.hexagons import check_resolution
from origin_map.places import vocab
from origin_map.places.filters import PlaceFilter, selected

__all__ = [
    "ENGINES",
    "dask_client",
    "density_table",
    "h3_table",
    "is_parquet",
    "read_parquet_places",
    "write_geoparquet",
]

ENGINES = ("memory", "dask")
_DEFAULTS = {"sector": vocab.DEFAULT_SECTOR, "kind": vocab.DEFAULT_KIND,
             "status": vocab.DEFAULT_STATUS,
             "position_quality": vocab.DEFAULT_POSITION_QUALITY}
_SEARCH_COLUMNS = ("name_zh", "name_en", "address", "id")


def is_parquet(path: str | Path) -> bool:
    """Return whether ``path`` names a Parquet file or a folder of Parquet files."""
    p = Path(path)
    if p.suffix.lower() in (".parquet", ".geoparquet", ".pq"):
        return True
    return p.is_dir() and any(p.glob("*.parquet"))


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise SettingsError(f"Unknown engine {engine!r}; use one of {', '.join(ENGINES)}.")


def _needed_columns(flt: PlaceFilter) -> list[str]:
    cols = ["lat", "lon", "sector"]
    if flt.kinds is not None:
        cols.append("kind")
    if flt.qualities is not None:
        cols.append("position_quality")
    if not flt.include_historic:
        cols.append("status")
    if flt.search:
        cols += list(_SEARCH_COLUMNS)
    return cols


def _prepare(part: pd.DataFrame, datum: str = "wgs84") -> pd.DataFrame:
    """Give one chunk of places WGS-84 ``lat``/``lon`` and every vocabulary column."""
    part = pd.DataFrame(part)  # a plain frame: the geometry is not needed once lat/lon exist
    if "lat" not in part.columns or "lon" not in part.columns:
        geom = part["geometry"].array
        part = part.assign(lat=geom.y, lon=geom.x)
    lat = part["lat"].to_numpy(dtype=np.float64)
    lon = part["lon"].to_numpy(dtype=np.float64)
    if datum != "wgs84":
        lat, lon = convert(lat, lon, src=datum, dst="wgs84")
    bad = ~((np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0))  # also NaN
    if bad.any() or datum != "wgs84":
        lat, lon = np.where(bad, np.nan, lat), np.where(bad, np.nan, lon)
        part = part.assign(lat=lat, lon=lon)
    missing = {c: v for c, v in _DEFAULTS.items() if c not in part.columns}
    missing |= {c: "" for c in _SEARCH_COLUMNS if c not in part.columns}
    return part.assign(**missing) if missing else part


def _parquet_columns(path: str | Path) -> set[str]:
    """Return the column names of a Parquet file or dataset (a folder, or a URL)."""
    import pyarrow.dataset as ds

    return set(ds.dataset(str(path), format="parquet").schema.names)


def read_parquet_places(path: str | Path, *, columns: Sequence[str] | None = None,
                        datum: str = "wgs84") -> pd.DataFrame:
    """Read places from a Parquet file or a folder of (Geo)Parquet files into memory.

    Parameters
    ----------
    path
        A ``.parquet`` file or a folder of them (e.g. written by :func:`write_geoparquet`).
    columns
        Columns to read (all if None); ``lat``/``lon`` are taken from the geometry if absent.
    datum
        Datum of the coordinates (converted to WGS-84).
    """
    names = _parquet_columns(path)
    has_xy = {"lat", "lon"} <= names
    want = None if columns is None else [c for c in columns if c in names]
    if has_xy:
        frame = pd.read_parquet(path, columns=want)
    else:
        import geopandas as gpd

        frame = gpd.read_parquet(path, columns=None if want is None else [*want, "geometry"])
        if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
            frame = frame.to_crs("EPSG:4326")
    return _prepare(frame, normalise_datum(datum))


def write_geoparquet(places: pd.DataFrame, path: str | Path, *, npartitions: int = 8) -> Path:
    """Write places as a folder of GeoParquet files (one per partition), EPSG:4326 points.

    Returns the folder. Plain DataFrames get point geometries from ``lon``/``lat``.
    """
    import dask_geopandas
    import geopandas as gpd

    gdf = places if isinstance(places, gpd.GeoDataFrame) else gpd.GeoDataFrame(
        places, geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs="EPSG:4326")
    dask_geopandas.from_geopandas(gdf, npartitions=max(1, npartitions)).to_parquet(str(path))
    return Path(path)


@contextmanager
def dask_client(scheduler: Any = None, *, n_workers: int | None = None,
                processes: bool = True) -> Iterator[Any]:
    """Yield a :class:`distributed.Client`; a cluster started here is closed afterwards.

    Parameters
    ----------
    scheduler
        ``None`` for a LocalCluster on this machine; a scheduler address
        (``"tcp://host:8786"``) to use a running cluster; or a ``Client`` to use as is.
    n_workers
        Workers of the LocalCluster (default: the number of CPUs, one thread each).
    processes
        Whether LocalCluster workers are processes (True) or threads of this process.
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler:
        with Client(str(scheduler)) as client:
            yield client
        return
    workers = n_workers or os.cpu_count() or 1
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def _require_dask() -> None:
    try:
        import dask_geopandas  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise SettingsError(f"The dask engine needs dask, distributed and dask-geopandas "
                            f"({exc.name} is missing): pip install 'origin-map[dask]'."
                            ) from None


def _run_chunks(client: Any, source: Any, func: Any, args: tuple[Any, ...], datum: str,
                columns: list[str], meta: pd.DataFrame, npartitions: int | None
                ) -> pd.DataFrame:
    """Apply ``func(chunk, *args, datum)`` to every chunk of ``source`` on the cluster.

    Parquet is read by the workers with dask-geopandas (only ``columns``); a dask frame is
    mapped partition by partition; an in-memory frame is split and scattered to the workers.
    Returns the chunks' results, concatenated.
    """
    import dask.dataframe as dd

    if isinstance(source, (str, Path)):
        import dask_geopandas

        names = _parquet_columns(source)
        want = [c for c in columns if c in names]
        if not {"lat", "lon"} <= names:
            want.append("geometry")
        source = dask_geopandas.read_parquet(str(source), columns=want)
        crs = getattr(source, "crs", None)
        if crs is not None and not crs.equals("EPSG:4326"):
            source = source.to_crs("EPSG:4326")
    else:
        datum = "wgs84"  # frames hold loaded places: WGS-84 already
    if isinstance(source, dd.DataFrame):
        mapped = source.map_partitions(func, *args, datum, meta=meta)
        return pd.DataFrame(client.compute(mapped).result())
    frame = source[[c for c in columns if c in source.columns]]
    n = npartitions or 2 * len(client.scheduler_info().get("workers", {})) or 2
    bounds = np.linspace(0, len(frame), max(1, min(n, len(frame))) + 1).astype(int)
    # hash=False: identical chunks scattered by two calls must not share (and lose) one key
    futures = client.scatter([frame.iloc[i:j] for i, j in pairwise(bounds)], hash=False)
    results = client.gather(client.map(func, futures, *[[a] * len(futures) for a in args],
                                       [datum] * len(futures), pure=False))
    return pd.concat(results, ignore_index=True) if results else meta


def _density_part(part: pd.DataFrame, centre: Centre, radii: tuple[float, ...],
                  flt: PlaceFilter, datum: str) -> pd.DataFrame:
    frame = _prepare(part, datum)
    lat, lon, sector, keep = selected(frame, flt, "sector", lazy=True)
    present, counts = stats.ring_sector_counts(lat, lon, sector, centre, radii, keep)
    out = pd.DataFrame(counts.T, columns=[f"ring_{i}" for i in range(len(radii) + 1)])
    out.insert(0, "sector", pd.array(present, dtype=object))
    return out


def _h3_part(part: pd.DataFrame, centre: Centre, resolution: int, flt: PlaceFilter,
             max_distance_m: float | None, datum: str) -> pd.DataFrame:
    frame = _prepare(part, datum)
    lat, lon, sector, _ = selected(frame, flt, "sector")
    cells, counts, ai_counts = stats.h3_cell_counts(lat, lon, sector, centre, resolution,
                                                    max_distance_m)
    return pd.DataFrame({"cell": cells, "count": counts, "ai_count": ai_counts})


def density_table(source: Any, centre: Centre, radii_m: Sequence[float] = (1000,), *,
                  place_filter: PlaceFilter | None = None, engine: str = "memory",
                  scheduler: Any = None, datum: str = "wgs84",
                  npartitions: int | None = None) -> pd.DataFrame:
    """Return :func:`origin_map.measure.stats.density_table`, computed by ``engine``.

    Parameters
    ----------
    source
        A (Geo)DataFrame of places, a dask (Geo)DataFrame, or the path of a Parquet file or
        of a folder of (Geo)Parquet files.
    centre, radii_m, place_filter
        As for :func:`origin_map.measure.stats.density_table`.
    engine
        ``"memory"`` (default) or ``"dask"``.
    scheduler
        For ``dask``: a scheduler address, a ``distributed.Client``, or None for a LocalCluster.
    datum
        Datum of Parquet coordinates (in-memory frames are taken as WGS-84 places).
    npartitions
        For ``dask`` with an in-memory frame: partitions to split it into.
    """
    _check_engine(engine)
    radii = normalise_radii(radii_m)
    flt = place_filter or PlaceFilter()
    datum = normalise_datum(datum)
    if engine == "memory":
        places = (read_parquet_places(source, columns=_needed_columns(flt), datum=datum)
                  if isinstance(source, (str, Path)) else source)
        return stats.density_table(places, centre, radii, place_filter=flt)
    _require_dask()
    meta = pd.DataFrame({"sector": pd.Series(dtype=object),
                         **{f"ring_{i}": pd.Series(dtype=np.int64)
                            for i in range(len(radii) + 1)}})
    with dask_client(scheduler) as client:
        chunks = _run_chunks(client, source, _density_part, (centre, radii, flt), datum,
                             _needed_columns(flt), meta, npartitions)
    summed = chunks.groupby("sector", sort=False).sum()
    counts = summed.to_numpy(dtype=np.int64).T.reshape(len(radii) + 1, len(summed))
    return stats.density_from_counts([str(s) for s in summed.index], counts, centre, radii,
                                     flt.sectors)


def h3_table(source: Any, centre: Centre, *, resolution: int = 9,
             place_filter: PlaceFilter | None = None, max_distance_m: float | None = None,
             engine: str = "memory", scheduler: Any = None, datum: str = "wgs84",
             npartitions: int | None = None) -> pd.DataFrame:
    """Return :func:`origin_map.measure.stats.h3_table`, computed by ``engine``.

    Takes the arguments of :func:`density_table` for the source and the engine, and those of
    :func:`origin_map.measure.stats.h3_table` for the table.
    """
    _check_engine(engine)
    check_resolution(resolution)
    flt = place_filter or PlaceFilter()
    datum = normalise_datum(datum)
    if engine == "memory":
        places = (read_parquet_places(source, columns=_needed_columns(flt), datum=datum)
                  if isinstance(source, (str, Path)) else source)
        return stats.h3_table(places, centre, resolution=resolution, place_filter=flt,
                              max_distance_m=max_distance_m)
    _require_dask()
    meta = pd.DataFrame({"cell": pd.Series(dtype=np.uint64),
                         "count": pd.Series(dtype=np.int64),
                         "ai_count": pd.Series(dtype=np.int64)})
    with dask_client(scheduler) as client:
        chunks = _run_chunks(client, source, _h3_part,
                             (centre, resolution, flt, max_distance_m), datum,
                             _needed_columns(flt), meta, npartitions)
    summed = chunks.groupby("cell", sort=False)[["count", "ai_count"]].sum()
    return stats.h3_from_counts(summed.index.to_numpy(dtype=np.uint64),
                                summed["count"].to_numpy(dtype=np.int64),
                                summed["ai_count"].to_numpy(dtype=np.int64), centre,
                                resolution)
