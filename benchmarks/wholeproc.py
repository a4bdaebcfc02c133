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


PAIRED = ("lean", "normal", "bare")
"""The commands of a paired round: ours (lean path), the normal path, the bare script."""


def run_paired(n: int, pairs: int, tmp: Path) -> list[dict[str, Any]]:
    """``origin-map stats`` (lean path) against the bare script, in ``pairs`` paired rounds.

    Each round runs the commands back to back, the order reversed every other round (lean,
    normal, bare; bare, normal, lean; ...), so that they meet the same load of a shared
    machine; at least 7 rounds. The figures are medians of the rounds' ratios, of wall time
    and of CPU time (user + system of the child, all its threads, from ``os.wait4``), which a
    loaded machine disturbs less. The normal path (``ORIGIN_MAP_LEAN=0``: the full places
    table) runs in each round as the second baseline; its table must equal the lean path's
    byte for byte. The load average is read before and after.
    """
    csv = tmp / f"cli_{n}.csv"
    if not csv.exists():
        write_cli_csv(synthetic_places(n), csv)
    (tmp / "bare.py").write_text(BARE)
    outs = {k: tmp / f"{k}_{n}.csv" for k in PAIRED[:2]}
    stats = [origin_map_exe(), "stats", "--data", str(csv), "--rings", RINGS_ARG, "-o"]
    # as installed: compiled modules cached (in a folder of this run, whatever
    # PYTHONDONTWRITEBYTECODE says), and one run of each command first, not counted
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    cmds: dict[str, tuple[list[str], dict[str, str]]] = {
        "lean": ([*stats, str(outs["lean"])], env),
        "normal": ([*stats, str(outs["normal"])], {**env, "ORIGIN_MAP_LEAN": "0"}),
        "bare": ([sys.executable, str(tmp / "bare.py"), str(csv)], env)}
    for cmd, cmd_env in cmds.values():
        measure_process(cmd, 1, env=cmd_env)
    load_before = os.getloadavg()
    wall: dict[str, list[float]] = {k: [] for k in cmds}
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    peaks: dict[str, float] = dict.fromkeys(cmds, 0.0)
    for i in range(max(7, pairs)):
        for name in (PAIRED if i % 2 == 0 else PAIRED[::-1]):
            cmd, cmd_env = cmds[name]
            t = measure_process(cmd, 1, env=cmd_env)
            if t.returncode:
                raise RuntimeError(f"{name} failed: {t.stderr}")
            wall[name].append(t.median_s)
            cpu[name] += t.cpu_runs or []
            peaks[name] = max(peaks[name], t.peak_rss_mb)
    fig = _paired_figures(wall, cpu)
    fig.update(rounds=len(wall["bare"]), load_before=load_before, load_after=os.getloadavg(),
               same=outs["lean"].read_bytes() == outs["normal"].read_bytes(), peaks=peaks,
               wall=wall, cpu=cpu)
    out = row(n, "cli_stats_lean_paired", ours_s=statistics.median(wall["lean"]),
              naive_s=statistics.median(wall["normal"]),
              floor_s=statistics.median(wall["bare"]), peak_rss_mb=peaks["lean"],
              naive_peak_rss_mb=peaks["normal"], note=_paired_note(fig))
    out["ours_over_floor"] = fig["wall_ratio"]["lean"]  # median of the paired ratios
    out["ours_over_naive"] = fig["wall_ratio"]["lean_over_normal"]
    out["paired"] = fig  # for the printed table and the results file (not a CSV column)
    return [out]


def _paired_figures(wall: dict[str, list[float]], cpu: dict[str, list[float]]
                    ) -> dict[str, Any]:
    """Return the medians of the rounds' ratios (lean / bare, normal / bare, lean / normal)."""
    def med(xs: dict[str, list[float]], a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(xs[a], xs[b], strict=True))

    fig: dict[str, Any] = {}
    for kind, xs in (("wall", wall), ("cpu", cpu)):
        fig[f"{kind}_ratio"] = {"lean": med(xs, "lean", "bare"),
                                "normal": med(xs, "normal", "bare"),
                                "lean_over_normal": med(xs, "lean", "normal")}
        fig[f"{kind}_median"] = {k: statistics.median(v) for k, v in xs.items()}
    return fig


def _paired_note(fig: dict[str, Any]) -> str:
    w, c = fig["wall_ratio"], fig["cpu_ratio"]
    return (f"origin-map stats (lean path) vs the bare pandas+numpy script, medians of "
            f"{fig['rounds']} paired ratios: wall {w['lean']:.2f}x, CPU {c['lean']:.2f}x; the "
            f"normal path (ORIGIN_MAP_LEAN=0, the 'naive' columns): wall {w['normal']:.2f}x, "
            f"CPU {c['normal']:.2f}x; same table byte for byte: "
            f"{'yes' if fig['same'] else 'NO'}; peak RSS bare {fig['peaks']['bare']:,.0f} MB; "
            f"load average {fig['load_before'][0]:.1f} -> {fig['load_after'][0]:.1f}")


def paired_report(n: int, fig: dict[str, Any]) -> str:
    """Return the paired run as a Markdown table (printed, and kept in ``results/``)."""
    w, c, p = fig["wall_ratio"], fig["cpu_ratio"], fig["peaks"]
    wm, cm = fig["wall_median"], fig["cpu_median"]
    lb, la = fig["load_before"], fig["load_after"]
    lines = [
        f"N = {n:,} rows, {fig['rounds']} paired rounds (order reversed every other round), "
        f"load average (1/5/15 min) {lb[0]:.1f}/{lb[1]:.1f}/{lb[2]:.1f} before, "
        f"{la[0]:.1f}/{la[1]:.1f}/{la[2]:.1f} after, {os.cpu_count()} cores",
        "",
        "| command | wall s (median) | CPU s (median) | wall / bare | CPU / bare | peak RSS |",
        "|---|---|---|---|---|---|",
        f"| `origin-map stats` (lean path) | {wm['lean']:.2f} | {cm['lean']:.2f} | "
        f"**{w['lean']:.2f}×** | **{c['lean']:.2f}×** | {p['lean']:,.0f} MB |",
        f"| `origin-map stats`, normal path (`ORIGIN_MAP_LEAN=0`) | {wm['normal']:.2f} | "
        f"{cm['normal']:.2f} | {w['normal']:.2f}× | {c['normal']:.2f}× | {p['normal']:,.0f} MB |",
        f"| bare pandas+numpy script (the floor) | {wm['bare']:.2f} | {cm['bare']:.2f} | 1 | 1 "
        f"| {p['bare']:,.0f} MB |",
        "",
        f"lean / normal path: wall {w['lean_over_normal']:.2f}×, CPU "
        f"{c['lean_over_normal']:.2f}× (medians of paired ratios); same table byte for byte: "
        f"{'yes' if fig['same'] else 'NO'}.",
        "",
        "Rounds (wall s / CPU s): " + "; ".join(
            f"lean {a:.2f}/{b:.2f} normal {x:.2f}/{y:.2f} bare {u:.2f}/{v:.2f}"
            for a, b, x, y, u, v in zip(fig["wall"]["lean"], fig["cpu"]["lean"],
                                        fig["wall"]["normal"], fig["cpu"]["normal"],
                                        fig["wall"]["bare"], fig["cpu"]["bare"], strict=True)),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the paired figure alone: ``python benchmarks/wholeproc.py --n 1e6 --pairs 9``.

    The table is also written to ``benchmarks/results/stats-lean-latest.md``.
    """
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--n", type=lambda t: int(float(t)), default=1_000_000)
    ap.add_argument("--pairs", type=int, default=9, help="paired rounds (at least 7)")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parent / "results" / "stats-lean-latest.md")
    ns = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="origin-map-lean-") as tmp:
        (r,) = run_paired(ns.n, ns.pairs, Path(tmp))
    text = paired_report(ns.n, r["paired"])
    print(text)
    ns.out.parent.mkdir(parents=True, exist_ok=True)
    ns.out.write_text("# `origin-map stats` on 1e6 rows: lean path, normal path, bare script\n\n"
                      "`python benchmarks/wholeproc.py --n 1e6 --pairs "
                      f"{r['paired']['rounds']}`\n\n{text}")
    return 0 if r["paired"]["same"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
