"""Time ``cluster_table`` (KD-tree pair counts) against a naive O(n²) numpy version, same run.

SYNTHETIC data only: n points drawn uniformly in the 1 km disc around Dongsheng Building
(fixed seed), turned into places. Both versions analyse the same projected points with the same
99 CSR simulations (same random numbers), no merging (at 1e4 points in 3.1 km², merging within
10 m would join most points), translation edge correction, L at 50…500 m, ten decay rings.

The naive version builds the full distance matrix of each pattern (in row blocks of 1,000 to
bound memory), takes row minima for nearest neighbours and sums exact translation weights per
distance. At 1e4 points it is timed on 10 of the 100 patterns and scaled ×10 (each pattern costs
the same); the line says so.

    .venv/bin/python benchmarks/cluster_bench.py                 # n = 100, 1000, 10000
    .venv/bin/python benchmarks/cluster_bench.py --sizes 100,1000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from origin_map.geo.geometry import Centre, project_local
from origin_map.measure import pointstats as ps
from origin_map.measure.cluster import cluster_table

CENTRE = Centre("dongsheng-building", "东升大厦", "Dongsheng Building", 39.992446, 116.327708)
R_M = 1000.0
DIST = np.arange(50.0, 501.0, 50.0)
N_SIM = 99
SEED = 0
BLOCK = 1000


def synthetic_places(n: int, seed: int = 20240605):
    """Return ``n`` SYNTHETIC places uniform in the disc (geodesic forward from the centre)."""
    import pandas as pd
    from pyproj import Geod

    rng = np.random.default_rng(seed)
    r = (R_M - 0.5) * np.sqrt(rng.random(n))
    az = 360.0 * rng.random(n)
    lon, lat, _ = Geod(ellps="WGS84").fwd(np.full(n, CENTRE.lon), np.full(n, CENTRE.lat), az, r)
    return pd.DataFrame({"id": [f"synthetic-{i:07d}" for i in range(n)], "lat": lat, "lon": lon,
                         "kind": "firm", "sector": "large_models", "status": "current",
                         "position_quality": "estimated"})


def naive_pattern(xy: np.ndarray) -> tuple[float, np.ndarray]:
    """Return mean NN distance and L(d) − d from the full pairwise distance matrix."""
    n = len(xy)
    nn = np.empty(n)
    sums = np.zeros(len(DIST))
    for start in range(0, n, BLOCK):
        blk = xy[start:start + BLOCK]
        d = np.hypot(blk[:, None, 0] - xy[None, :, 0], blk[:, None, 1] - xy[None, :, 1])
        d[np.arange(len(blk)), np.arange(start, start + len(blk))] = np.inf
        nn[start:start + len(blk)] = d.min(axis=1)
        w = ps.translation_weight(np.minimum(d, 2 * R_M), R_M)
        for k, dist in enumerate(DIST):
            sums[k] += w[d <= dist].sum()
    lvals = np.sqrt(np.pi * R_M**2 * sums / (n * (n - 1)) / np.pi)
    return float(nn.mean()), lvals - DIST


def naive_table(places, n_patterns: int = N_SIM + 1) -> dict[str, np.ndarray]:
    """The whole analysis the naive way: observed pattern + CSR simulations (same seed)."""
    x, y = project_local(places["lat"].to_numpy(), places["lon"].to_numpy(), CENTRE.lat,
                         CENTRE.lon)
    xy = np.column_stack([x, y])
    nn_obs, l_obs = naive_pattern(xy)
    rng = np.random.default_rng(SEED)
    sims = [naive_pattern(ps.uniform_disc(rng, len(xy), R_M)) for _ in range(n_patterns - 1)]
    l_sims = np.array([s[1] for s in sims]).reshape(-1, len(DIST))
    rho = np.hypot(x, y)
    rings = np.histogram(rho, bins=np.linspace(0, R_M, 11))[0]
    return {"nn": np.array([nn_obs]), "L": l_obs, "lo": l_sims.min(axis=0),
            "hi": l_sims.max(axis=0), "rings": rings}


def timed(fn, repeat: int) -> tuple[float, object]:
    runs, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), result


def bench(n: int, repeat: int, naive_full_max: int) -> None:
    places = synthetic_places(n)
    ours_s, table = timed(lambda: cluster_table(places, CENTRE, merge=False, n_sim=N_SIM,
                                                seed=SEED), repeat)
    row = table.set_index("statistic")["value"]  # type: ignore[union-attr]
    full = n <= naive_full_max
    patterns = N_SIM + 1 if full else 10
    naive_s, naive = timed(lambda: naive_table(places, patterns), 1 if not full else repeat)
    naive_s *= (N_SIM + 1) / patterns
    ours_l = np.array([row[f"L_minus_d_{d:g}m"] for d in DIST], dtype=float)
    diff_l = float(np.abs(ours_l - naive["L"]).max())  # type: ignore[index]
    diff_nn = abs(float(row["nni_observed_m"]) - float(naive["nn"][0]))  # type: ignore[index]
    envelope = ""
    if full:
        ours_hi = np.array([row[f"L_hi_{d:g}m"] for d in DIST], dtype=float)
        envelope = f", envelope hi max |diff| {np.abs(ours_hi - naive['hi']).max():.3f} m"  # type: ignore[index]
    note = "" if full else f" (naive timed on {patterns} of {N_SIM + 1} patterns, scaled)"
    print(f"n={n:>6}: cluster_table {ours_s:8.3f} s (median of {repeat}) | naive O(n²) "
          f"{naive_s:8.2f} s{note} | naive/ours {naive_s / ours_s:6.1f}x | check: L max |diff| "
          f"{diff_l:.3f} m, NN mean |diff| {diff_nn:.3f} m{envelope}", flush=True)


def main() -> None:
    """Run the benchmark and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--naive-full-max", type=int, default=2000,
                        help="largest n for which the naive version runs all 100 patterns")
    args = parser.parse_args()
    print(f"SYNTHETIC uniform points in a {R_M:g} m disc; {N_SIM} CSR simulations; "
          f"translation correction; no merging; 2-core noisy machine: read the ratios.")
    for n in (int(float(s)) for s in args.sizes.split(",")):
        bench(n, args.repeat if n < 10000 else max(1, min(args.repeat, 3)), args.naive_full_max)


if __name__ == "__main__":
    main()
