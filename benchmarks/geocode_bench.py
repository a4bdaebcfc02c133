"""Speed (and accuracy) of the offline geocoder against a naive fuzzy matcher, same run.

    PYTHONPATH=src .venv/bin/python benchmarks/geocode_bench.py [--runs 5] [--rows 5000]

Inputs: the addresses (and names) of tests/data/geocode_eval.csv, each address made unique by
an appended room number (so no per-run memo helps), repeated to ``--rows``. Ours:
``Gazetteer.match`` per address, and ``geocode_table`` on the whole table. Naive:
``rapidfuzz.process.extractOne`` of the raw address (or name) against every gazetteer name and
address (no normalisation, no structured keys), the best one taken when it scores >= 60.
Medians of ``--runs`` runs (2 noisy cores: read the ratios). Accuracy on the evaluation set is
printed for both, and ours by address style (origin_map.geocode.evaluate: rows with a
``leave_out`` are geocoded without those gazetteer entries).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from origin_map.geo.geometry import distances_m
from origin_map.geocode import Gazetteer, geocode_table
from origin_map.geocode.evaluate import by_style, gazetteer_without, score_rows

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "geocode_eval.csv"


def naive_matcher(gaz: Gazetteer):
    """Return a function address -> (lat, lon) or None: fuzzy over every name, no parsing."""
    names, points = [], []
    for feat in gaz.features:
        for text in {feat.name, f"{feat.road}{feat.numbers[0]}号" if feat.numbers else ""}:
            if text:
                names.append(text)
                points.append((feat.lat, feat.lon))
    for alias, entries in gaz.aliases.items():
        names.append(alias)
        points.append((entries[0][0].lat, entries[0][0].lon))

    def match(address: str):
        best = process.extractOne(address, names, scorer=fuzz.WRatio, score_cutoff=60)
        return points[best[2]] if best else None

    return match


CPU: dict[str, float] = {}
"""Median process CPU time of each timed step (less sensitive than wall time to a busy machine
shared with other jobs)."""


def timed(fn, runs: int, label: str = "") -> float:
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[label] = statistics.median(cpu)
    return statistics.median(times)


def accuracy(locate, ev: pd.DataFrame) -> tuple[float, int]:
    ok = n = away = 0
    for r in ev.itertuples():
        if r.leave_out:
            continue  # needs its own gazetteer: in the table by style
        pt = locate(r.address or r.name)
        if r.elsewhere == "1":
            away += pt is not None
        elif r.expected_lat:
            n += 1
            if pt is not None:
                d = distances_m(np.array([pt[0]]), np.array([pt[1]]), float(r.expected_lat),
                                float(r.expected_lon))[0]
                ok += d <= 200
    return ok / n, away


def style_table(ev: pd.DataFrame) -> str:
    """Return the figures of each address style as printed lines."""
    table = by_style(score_rows(ev, gazetteer_without))
    lines = [f"  {'style':24} {'within 200 m':>14} {'must stay unplaced: placed (fine)':>34}"]
    for r in table.itertuples():
        within = f"{r.within_200m}/{r.with_truth}" if r.with_truth else "–"
        away = f"{r.placed} ({r.placed_fine}) of {r.must_stay_unplaced}" \
            if r.must_stay_unplaced else "–"
        lines.append(f"  {r.style:24} {within:>14} {away:>34}")
    tot = table.sum(numeric_only=True).astype(int)
    lines.append(f"  {'all':24} {f'{tot.within_200m}/{tot.with_truth}':>14} "
                 f"{f'{tot.placed} ({tot.placed_fine}) of {tot.must_stay_unplaced}':>34}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rows", type=int, default=5000)
    args = ap.parse_args()
    ev = pd.read_csv(EVAL, dtype=str, keep_default_na=False)
    base = list(zip(ev["address"], ev["name"], strict=True))
    pairs = [base[i % len(base)] for i in range(args.rows)]
    rows = [f"{a} {100 + i}室" if a else "" for i, (a, _) in enumerate(pairs)]
    names = [nm for _, nm in pairs]
    t0 = time.perf_counter()
    gaz = Gazetteer.from_geodata()
    build_s = time.perf_counter() - t0
    naive = naive_matcher(gaz)
    frame = pd.DataFrame({"address": rows, "name": names})

    pairs_in = list(zip(rows, names, strict=True))
    ours_s = timed(lambda: [gaz.match(a, n or None) for a, n in pairs_in], args.runs, "match")
    table_s = timed(lambda: geocode_table(frame, gazetteer=gaz), args.runs, "table")
    naive_s = timed(lambda: [naive(a or n) for a, n in pairs_in], args.runs, "naive")

    by_text = {a or n: (a, n) for a, n in base}

    def ours_point(text):
        a, n = by_text[text]
        m = gaz.match(a, n or None)
        return (m.lat, m.lon) if m.placed else None

    acc_ours, away_ours = accuracy(ours_point, ev)
    acc_naive, away_naive = accuracy(naive, ev)
    n = len(rows)
    print(f"gazetteer: {len(gaz.features)} features, {len(gaz.aliases)} names, built in "
          f"{build_s * 1000:.0f} ms")
    print(f"{n} unique addresses, median of {args.runs} runs")
    print(f"  ours  Gazetteer.match : {ours_s:6.3f} s  {n / ours_s:9,.0f} addresses/s"
          f"  ({n / CPU['match']:,.0f} per CPU-second)")
    print(f"  ours  geocode_table   : {table_s:6.3f} s  {n / table_s:9,.0f} rows/s"
          f"  ({n / CPU['table']:,.0f} per CPU-second)")
    print(f"  naive rapidfuzz WRatio: {naive_s:6.3f} s  {n / naive_s:9,.0f} addresses/s"
          f"  ({n / CPU['naive']:,.0f} per CPU-second)")
    print(f"  ratio naive/ours time : {naive_s / ours_s:.2f}x (ours is faster when > 1)")
    n_eval = (ev["leave_out"] == "").sum()
    print(f"evaluation set ({n_eval} rows): within 200 m ours {acc_ours:.0%}, naive "
          f"{acc_naive:.0%}; elsewhere placed: ours {away_ours}, naive {away_naive}")
    print(f"target: >= 2,000 rows/s: {'met' if n / table_s >= 2000 else 'NOT met'} in wall "
          f"time, {'met' if n / CPU['table'] >= 2000 else 'NOT met'} per CPU-second (load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print("by address style (ours; rows with a leave_out without those gazetteer entries):")
    print(style_table(ev))


if __name__ == "__main__":
    main()
