"""Speed of merging a user's list with the shipped places (``merge_places``) against a naive
pairwise loop, same run.

    PYTHONPATH=src .venv/bin/python benchmarks/merge_bench.py [--rows 10000] [--runs 5]

Input: the shipped places (``geodata/places.csv``) and a SYNTHETIC user list (fixed seed) of
``--rows`` rows: 5 % are shipped firms again (a registry spelling: 北京…科技有限公司, some in
traditional characters) at their building, 1 % the same names 300–900 m away (another office),
the rest made-up names ``SYNTHETIC 示例<i>科技（北京）有限公司`` at random points within 2 km of
Dongsheng Building. No synthetic row describes a real firm.

Ours: ``merge_places(shipped, user)``: each row's name keys once (memoised by its names), a
dict from key to shipped rows, the building test only on the pairs of one key. Naive: the first
version one writes, a loop over every (user row, shipped row) pair that normalises both names
and compares them, then the building test: U × S name normalisations, so it is timed on the
``--naive-rows`` user rows and scaled to all rows (linear: each user row costs the same
S comparisons). Also a pairwise loop on keys computed once per row (the pairing alone, without
the index). All give the same pairs (checked on the sample and on all rows). Medians of
``--runs`` runs, the two alternating (ours, pairwise, ours, ...); wall time and CPU time
(``time.process_time``), load average printed (2 noisy cores: read the CPU ratios). The
per-pair sample is half the first rows (shipped firms again), half the last (new names).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import numpy as np
import pandas as pd

from origin_map.geocode import merge as M
from origin_map.places.datasets import shipped_places

TRADITIONAL = str.maketrans("华长东网络语书国开发术云数", "華長東網絡語書國開發術雲數")


def synthetic(shipped: pd.DataFrame, n: int, seed: int = 11) -> pd.DataFrame:
    """Return ``n`` SYNTHETIC user rows (see the module docstring)."""
    rng = np.random.default_rng(seed)
    firms = shipped.loc[shipped["kind"] == "firm"].reset_index(drop=True)
    n_dup, n_far = n // 20, n // 100
    rows = []
    for i in range(n_dup):
        f = firms.iloc[i % len(firms)]
        core = str(f["name_zh"]).split("（")[0]
        name = f"北京{core}科技有限公司"
        rows.append((f"syn-dup-{i}", name.translate(TRADITIONAL) if i % 3 == 0 else name,
                     float(f["lat"]), float(f["lon"]), str(f["building_id"])))
    for i in range(n_far):
        f = firms.iloc[i % len(firms)]
        d, a = rng.uniform(300, 900), rng.uniform(0, 2 * np.pi)
        rows.append((f"syn-far-{i}", str(f["name_zh"]), float(f["lat"]) + d * np.sin(a) / 111_195,
                     float(f["lon"]) + d * np.cos(a) / 85_200, ""))
    centre_lat, centre_lon = 39.992446, 116.327708
    for i in range(n - n_dup - n_far):
        d, a = 2000 * np.sqrt(rng.uniform()), rng.uniform(0, 2 * np.pi)
        rows.append((f"syn-{i}", f"SYNTHETIC 示例{i}科技（北京）有限公司",
                     centre_lat + d * np.sin(a) / 111_195, centre_lon + d * np.cos(a) / 85_200,
                     ""))
    frame = pd.DataFrame(rows, columns=["id", "name_zh", "lat", "lon", "building_id"])
    frame["name_en"] = ""
    return frame


def naive(shipped: pd.DataFrame, user: pd.DataFrame, tolerance_m: float = M.SAME_BUILDING_M
          ) -> tuple[Any, Any]:
    """Every user row against every shipped row (same keys and building test as ours)."""
    s_keys, u_keys = M._keys_of(shipped), M._keys_of(user)
    s_bid, u_bid = M._building_ids(shipped), M._building_ids(user)
    s_pt = list(zip(shipped["lat"].astype(float), shipped["lon"].astype(float), strict=True))
    u_pt = list(zip(user["lat"].astype(float), user["lon"].astype(float), strict=True))
    same, apart = [], []
    for u in range(len(user)):
        for s in range(len(shipped)):
            if not (u_keys[u] & s_keys[s]):
                continue
            d = M.distance_m(u_pt[u], s_pt[s])
            one = u_bid[u] == s_bid[s] if u_bid[u] and s_bid[s] else d <= tolerance_m
            (same.append((u, s)) if one else apart.append((u, s, d)))
    return same, apart


def naive_per_pair(shipped: pd.DataFrame, user: pd.DataFrame,
                   tolerance_m: float = M.SAME_BUILDING_M) -> tuple[Any, Any]:
    """Every (user row, shipped row) pair: normalise both names, compare, test the building."""
    s_names, u_names = M._names_of(shipped), M._names_of(user)
    s_bid, u_bid = M._building_ids(shipped), M._building_ids(user)
    same, apart = [], []
    for u in range(len(user)):
        for s in range(len(shipped)):
            if not (M.name_keys(u_names[u]) & M.name_keys(s_names[s])):
                continue
            d = M.distance_m((float(user["lat"].iloc[u]), float(user["lon"].iloc[u])),
                             (float(shipped["lat"].iloc[s]), float(shipped["lon"].iloc[s])))
            one = u_bid[u] == s_bid[s] if u_bid[u] and s_bid[s] else d <= tolerance_m
            (same.append((u, s)) if one else apart.append((u, s, d)))
    return same, apart


def ours_pairs(shipped: pd.DataFrame, user: pd.DataFrame) -> tuple[Any, Any]:
    """The pairs ``merge_places`` decides on (for the equality check)."""
    pairs = M._candidate_pairs(shipped, user)
    return M._split_pairs(pairs, shipped, user, M._building_ids(user), M.SAME_BUILDING_M)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--naive-rows", type=int, default=60)
    args = ap.parse_args()
    shipped = shipped_places()
    user = synthetic(shipped, args.rows)
    _, summary = M.merge_places(shipped, user)  # warm: t2s table, pypinyin, geopandas
    if ours_pairs(shipped, user) != naive(shipped, user):
        raise SystemExit("merge_places and the pairwise loop disagree")
    sample = pd.concat([user.iloc[:args.naive_rows // 2], user.iloc[-(args.naive_rows // 2):]])
    sample = sample.reset_index(drop=True)
    if ours_pairs(shipped, sample) != naive_per_pair(shipped, sample):
        raise SystemExit("merge_places and the per-pair loop disagree")
    w0, c0 = time.perf_counter(), time.process_time()
    naive_per_pair(shipped, sample)
    scale = len(user) / len(sample)
    per_pair = ((time.perf_counter() - w0) * scale, (time.process_time() - c0) * scale)
    walls: dict[str, list[float]] = {"ours": [], "naive": []}
    cpus: dict[str, list[float]] = {"ours": [], "naive": []}
    for _ in range(args.runs):
        for name, fn in (("ours", lambda: M.merge_places(shipped, user)),
                         ("naive", lambda: naive(shipped, user))):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            walls[name].append(time.perf_counter() - w0)
            cpus[name].append(time.process_time() - c0)
    med = {k: (statistics.median(walls[k]), statistics.median(cpus[k])) for k in walls}
    n = len(user)
    print(f"{n:,} SYNTHETIC user rows × {len(shipped)} shipped places; medians of {args.runs} "
          f"alternating runs; load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'':34}{'wall s':>9}{'cpu s':>9}{'rows/s (wall)':>15}")
    print(f"{'merge_places (whole merge)':34}{med['ours'][0]:>9.3f}{med['ours'][1]:>9.3f}"
          f"{n / med['ours'][0]:>15,.0f}")
    print(f"{'pairwise loop on keys (pairs only)':34}{med['naive'][0]:>9.3f}{med['naive'][1]:>9.3f}"
          f"{n / med['naive'][0]:>15,.0f}")
    print(f"{'naive per-pair loop (scaled)':34}{per_pair[0]:>9.1f}{per_pair[1]:>9.1f}"
          f"{n / per_pair[0]:>15,.0f}   (timed on {len(sample)} rows × {scale:.0f})")
    print(f"ratio per-pair / ours: wall {per_pair[0] / med['ours'][0]:.0f}x, "
          f"cpu {per_pair[1] / med['ours'][1]:.0f}x; pairwise on keys / ours: wall "
          f"{med['naive'][0] / med['ours'][0]:.1f}x, cpu {med['naive'][1] / med['ours'][1]:.1f}x")
    print("counts:", summary.counts())


if __name__ == "__main__":
    main()
