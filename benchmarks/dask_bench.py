"""The dask engine at 1e7 places: partitioned GeoParquet, LocalCluster, equality with memory.

Run by ``run.py`` in a fresh process (``run.py --dask-worker N``). Peak RSS of the client
process is measured here; each dask worker reports its own peak through ``client.run``.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from measure import measure, measure_process, row
from stages import haversine_m
from synth import DONGSHENG, RADII_M, write_partitioned_geoparquet
from wholeproc import RINGS_ARG, origin_map_exe

C = DONGSHENG


def _worker_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_dask(n: int, repeat: int, tmp: Path, n_workers: int) -> list[dict[str, Any]]:
    """Measure the dask engine (and the memory engine, for equality) on ``n`` places."""
    from origin_map.io.export import to_csv_bytes
    from origin_map.measure import engines

    folder = tmp / f"geoparquet_{n}"
    t0 = time.perf_counter()
    if not folder.exists():
        write_partitioned_geoparquet(n, folder)
    parts = len(list(folder.glob("*.parquet")))
    write_s = time.perf_counter() - t0
    rows = []

    xy = pd.read_parquet(folder, columns=["lat", "lon"])
    lat, lon = xy["lat"].to_numpy(), xy["lon"].to_numpy()
    del xy
    floor = measure(lambda: haversine_m(lat, lon), repeat)
    lat = lon = None

    t0 = time.perf_counter()
    with engines.dask_client(n_workers=n_workers) as client:
        start_s = time.perf_counter() - t0
        # warm-up (not timed): the workers import origin_map, h3, pyarrow on their first task
        engines.density_table(folder, C, RADII_M, engine="dask", scheduler=client)
        dask_d = measure(lambda: engines.density_table(folder, C, RADII_M, engine="dask",
                                                       scheduler=client), repeat)
        dask_h = measure(lambda: engines.h3_table(folder, C, resolution=9,
                                                  max_distance_m=max(RADII_M), engine="dask",
                                                  scheduler=client), repeat)
        worker_mb = max(client.run(_worker_peak_mb).values())
    mem_d = measure(lambda: engines.density_table(folder, C, RADII_M), 1)
    same_d = to_csv_bytes(mem_d.result) == to_csv_bytes(dask_d.result)
    mem_h = measure(lambda: engines.h3_table(folder, C, resolution=9,
                                             max_distance_m=max(RADII_M)), 1)
    same_h = to_csv_bytes(mem_h.result) == to_csv_bytes(dask_h.result)
    where = (f"{parts} GeoParquet parts (written in {write_s:.0f} s), LocalCluster "
             f"{n_workers} worker processes (start {start_s:.1f} s, not included), "
             f"worker peak {worker_mb:,.0f} MB")
    rows.append(row(n, "dask_density_table", ours_s=dask_d.median_s, floor_s=floor.median_s,
                    naive_s=mem_d.median_s, peak_rss_mb=dask_d.peak_rss_mb,
                    naive_peak_rss_mb=mem_d.peak_rss_mb,
                    note=f"read parquet + table; naive column = memory engine on the same "
                         f"files (1 run); identical CSV: {'yes' if same_d else 'NO'}; {where}"))
    rows.append(row(n, "dask_h3_table", ours_s=dask_h.median_s, naive_s=mem_h.median_s,
                    peak_rss_mb=dask_h.peak_rss_mb, naive_peak_rss_mb=mem_h.peak_rss_mb,
                    note=f"res 9 within {max(RADII_M):g} m; naive column = memory engine "
                         f"(1 run); identical CSV: {'yes' if same_h else 'NO'}"))
    cli = measure_process([origin_map_exe(), "stats", "--data", str(folder), "--rings",
                           RINGS_ARG, "--engine", "dask", "-o", str(tmp / "dask_out.csv")], 1)
    if cli.returncode:
        raise RuntimeError(f"origin-map stats --engine dask failed: {cli.stderr}")
    rows.append(row(n, "dask_cli_whole_process", ours_s=cli.median_s,
                    peak_rss_mb=cli.peak_rss_mb,
                    note="origin-map stats --engine dask on the GeoParquet folder, 1 run, "
                         "LocalCluster start-up included"))
    if not (same_d and same_h):
        print("dask and memory engines differ!", file=sys.stderr)
    return rows

