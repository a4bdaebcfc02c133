"""Whole-process comparisons: ``origin-map stats`` vs a bare pandas+numpy script vs naive geopandas.

Each command is a fresh process, timed from start to exit (start-up and imports included), as
the median of ``repeat`` runs; peak RSS is the child's ``ru_maxrss``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from measure import measure_process, row
from synth import DONGSHENG, RADII_M, synthetic_places, write_cli_csv

RINGS_ARG = ",".join(f"{r:g}" for r in RADII_M)

BARE = f"""\
import sys
import numpy as np
import pandas as pd
f = pd.read_csv(sys.argv[1])
lat = np.radians(f["lat"].to_numpy()); lon = np.radians(f["lon"].to_numpy())
p0, l0 = np.radians({DONGSHENG.lat}), np.radians({DONGSHENG.lon})
a = np.sin((lat - p0) / 2) ** 2 + np.cos(p0) * np.cos(lat) * np.sin((lon - l0) / 2) ** 2
d = 2 * 6371008.8 * np.arcsin(np.sqrt(a))
print(np.histogram(d, bins=[0, {RINGS_ARG}])[0])
"""

NAIVE_GEOPANDAS = f"""\
import sys
import geopandas as gpd
import pandas as pd
from shapely.geometry import Point
f = pd.read_csv(sys.argv[1])
g = gpd.GeoDataFrame(f, geometry=gpd.points_from_xy(f["lon"], f["lat"]), crs="EPSG:4326")
g = g.to_crs("EPSG:32650")
c = gpd.GeoSeries([Point({DONGSHENG.lon}, {DONGSHENG.lat})], crs="EPSG:4326").to_crs("EPSG:32650")
prev = 0
for r in ({RINGS_ARG}):
    ring = gpd.GeoDataFrame(geometry=c.buffer(r), crs="EPSG:32650")
    n = len(gpd.sjoin(g, ring, predicate="within"))
    print(r, n - prev)
    prev = n
"""


def origin_map_exe() -> str:
    """Return the ``origin-map`` console script next to this interpreter."""
    exe = Path(sys.executable).with_name("origin-map")
    return str(exe) if exe.exists() else "origin-map"


def run_whole(n: int, repeat: int, tmp: Path) -> list[dict[str, Any]]:
    """Time the three whole processes on an ``n``-row CSV (id, name, kind, lat, lon)."""
    csv = write_cli_csv(synthetic_places(n), tmp / f"cli_{n}.csv")
    (tmp / "bare.py").write_text(BARE)
    (tmp / "naive_geopandas.py").write_text(NAIVE_GEOPANDAS)
    py = sys.executable
    ours = measure_process([origin_map_exe(), "stats", "--data", str(csv), "--rings", RINGS_ARG,
                            "-o", str(tmp / f"out_{n}.csv")], repeat)
    if ours.returncode:
        raise RuntimeError(f"origin-map stats failed: {ours.stderr}")
    bare = measure_process([py, str(tmp / "bare.py"), str(csv)], repeat)
    naive = measure_process([py, str(tmp / "naive_geopandas.py"), str(csv)], repeat)
    return [row(n, "cli_stats_whole_process", ours_s=ours.median_s, naive_s=naive.median_s,
                floor_s=bare.median_s, peak_rss_mb=ours.peak_rss_mb,
                naive_peak_rss_mb=naive.peak_rss_mb,
                note=f"origin-map stats --rings {RINGS_ARG} vs naive geopandas (to_crs, buffer, "
                     f"sjoin per ring); floor: bare pandas+numpy haversine script "
                     f"({bare.peak_rss_mb:,.0f} MB)")]


def run_startup(repeat: int) -> list[dict[str, Any]]:
    """Time the smallest real command (``origin-map stats`` on the shipped data) and --version.

    The floor is ``python -c 'import numpy, pandas'``: what any pandas script pays to start.
    """
    tmp = Path(tempfile.gettempdir())
    ours = measure_process([origin_map_exe(), "stats", "-o", str(tmp / "om_shipped.csv")],
                           repeat)
    version = measure_process([origin_map_exe(), "--version"], repeat)
    floor = measure_process([sys.executable, "-c", "import numpy, pandas"], repeat)
    return [row(74, "cli_stats_shipped_data", ours_s=ours.median_s, floor_s=floor.median_s,
                peak_rss_mb=ours.peak_rss_mb,
                note=f"origin-map stats on the shipped data (start-up dominated) vs python -c "
                     f"'import numpy, pandas'; origin-map --version: {version.median_s:.3f} s")]


def run_paired(n: int, pairs: int, tmp: Path) -> list[dict[str, Any]]:
    """``origin-map stats`` (lean path) against the bare script, in ``pairs`` paired runs.

    Each pair runs the two commands back to back (the order alternating), so that both meet
    the same load of a shared machine; the figure is the median of the pairs' ratios. The
    normal path (``ORIGIN_MAP_LEAN=0``) runs in each pair too, for the side-by-side figure,
    and its table must equal the lean path's byte for byte.
    """
    csv = tmp / f"cli_{n}.csv"
    if not csv.exists():
        write_cli_csv(synthetic_places(n), csv)
    (tmp / "bare.py").write_text(BARE)
    out_lean, out_normal = tmp / f"lean_{n}.csv", tmp / f"normal_{n}.csv"
    stats = [origin_map_exe(), "stats", "--data", str(csv), "--rings", RINGS_ARG, "-o"]
    # as installed: compiled modules cached (in a folder of this run, whatever
    # PYTHONDONTWRITEBYTECODE says), and one run of each command first, not counted
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    cmds: dict[str, tuple[list[str], dict[str, str]]] = {
        "lean": ([*stats, str(out_lean)], env),
        "normal": ([*stats, str(out_normal)], {**env, "ORIGIN_MAP_LEAN": "0"}),
        "bare": ([sys.executable, str(tmp / "bare.py"), str(csv)], env)}
    for cmd, cmd_env in cmds.values():
        measure_process(cmd, 1, env=cmd_env)
    runs: dict[str, list[float]] = {k: [] for k in cmds}
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    peaks: dict[str, float] = dict.fromkeys(cmds, 0.0)
    for i in range(max(1, pairs)):
        order = list(cmds) if i % 2 == 0 else list(reversed(cmds))
        for name in order:
            cmd, env = cmds[name]
            t = measure_process(cmd, 1, env=env)
            if t.returncode:
                raise RuntimeError(f"{name} failed: {t.stderr}")
            runs[name].append(t.median_s)
            cpu[name] += t.cpu_runs or []
            peaks[name] = max(peaks[name], t.peak_rss_mb)
    same = out_lean.read_bytes() == out_normal.read_bytes()
    ratio = statistics.median(a / b for a, b in zip(runs["lean"], runs["bare"], strict=True))
    normal_ratio = statistics.median(a / b for a, b in zip(runs["normal"], runs["bare"],
                                                           strict=True))
    cpu_ratio = {k: statistics.median(a / b for a, b in zip(cpu[k], cpu["bare"], strict=True))
                 for k in ("lean", "normal")}
    out = row(n, "cli_stats_lean_paired", ours_s=statistics.median(runs["lean"]),
                naive_s=statistics.median(runs["normal"]),
                floor_s=statistics.median(runs["bare"]), peak_rss_mb=peaks["lean"],
                naive_peak_rss_mb=peaks["normal"],
                note=f"origin-map stats (lean path) vs the bare pandas+numpy script, median of "
                     f"{len(runs['bare'])} paired ratios: {ratio:.2f}x; the normal path "
                     f"(ORIGIN_MAP_LEAN=0, in the 'naive' columns): {normal_ratio:.2f}x; same "
                     f"table byte for byte: {'yes' if same else 'NO'}; CPU seconds (user + "
                     f"system, all threads), medians of paired ratios: lean "
                     f"{cpu_ratio['lean']:.2f}x, normal {cpu_ratio['normal']:.2f}x; bare "
                     f"{peaks['bare']:,.0f} MB")
    out["ours_over_floor"] = ratio  # the median of the paired ratios, not of the medians
    return [out]


def main(argv: list[str] | None = None) -> int:
    """Print the paired figure alone: ``python benchmarks/wholeproc.py --n 1e6 --pairs 9``."""
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--n", type=lambda t: int(float(t)), default=1_000_000)
    ap.add_argument("--pairs", type=int, default=9)
    ns = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="origin-map-lean-") as tmp:
        (r,) = run_paired(ns.n, ns.pairs, Path(tmp))
    load = os.getloadavg()[0]
    print(f"N = {ns.n:,}, {ns.pairs} pairs, load average {load:.1f}\n"
          f"  lean   {r['ours_s']:.3f} s (median), peak {r['peak_rss_mb']:,.0f} MB\n"
          f"  normal {r['naive_s']:.3f} s (median), peak {r['naive_peak_rss_mb']:,.0f} MB\n"
          f"  bare   {r['floor_s']:.3f} s (median)\n"
          f"  {r['note']}")
    return 0 if "byte for byte: yes" in r["note"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
