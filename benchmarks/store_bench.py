"""Reopening a saved dataset vs reading the same rows from CSV; saving one review decision.

    .venv/bin/python benchmarks/store_bench.py                      # 10,000 rows, 7 runs
    .venv/bin/python benchmarks/store_bench.py --rows 1e5 --repeat 5
    .venv/bin/python benchmarks/store_bench.py --store postgresql://user@/db?host=/run/postgresql

* **ours, open**: ``DatasetStore.open(id).places()``: one ``SELECT`` of the Parquet rows and the
  review log, decode, apply the review, build the points (a GeoDataFrame in EPSG:4326, the
  same table ``load_places`` returns; the script checks it is equal).
* **ours, open with review**: the same after ``--decisions`` saved decisions (drops, fixed
  positions, sectors) are applied.
* **baseline, CSV**: ``origin_map.places.datasets.load_places(path)``: the normal reader on a CSV of
  the same rows (read, check every row, build the points), what a reload costs without the store.
* **decision**: ``DatasetStore.decide`` of one decision, committed (one conditional ``UPDATE``
  and one ``INSERT``); median and 95th percentile of ``--decisions`` saves.

Rows are SYNTHETIC (``synth.synthetic_places``). The SQLite store is a temporary folder (removed
afterwards); ``--store`` measures a PostgreSQL database instead (its tables are used as they
are; the saved dataset is deleted at the end). Targets (issue 21): open ≤ 1.5 × CSV, a
decision < 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from synth import synthetic_places

from origin_map.places.datasets import load_places
from origin_map.store.datasets import open_store
from origin_map.store.model import Provenance
from origin_map.store.rows import Decision


def median_s(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm: imports, caches, the file system's
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def review(n_rows: int, n: int) -> list[Decision]:
    kinds = ("drop", "position", "sector", "accept")
    out = []
    for i in range(n):
        row, kind = (i * 7919) % n_rows, kinds[i % 4]
        out.append(Decision(row, kind, lat=39.99 if kind == "position" else None,
                            lon=116.33 if kind == "position" else None,
                            sector="chips" if kind == "sector" else None))
    return out


def run(rows: int, repeat: int, n_decisions: int, url: str | None, folder: Path) -> None:
    csv = folder / "places.csv"
    synthetic_places(rows).to_csv(csv, index=False)
    places = load_places(csv)
    store = open_store(url, data_dir=folder / "store")
    plain = store.save(places, Provenance("places.csv", "csv"))
    reviewed = store.save(places, Provenance("places.csv", "csv"))
    pd.testing.assert_frame_equal(store.open(plain).places(), places)
    t_csv = median_s(lambda: load_places(csv), repeat)
    t_open = median_s(lambda: store.open(plain).places(), repeat)
    saves = []
    for d in review(rows, n_decisions):
        start = time.perf_counter()
        store.decide(reviewed, d)
        saves.append(time.perf_counter() - start)
    t_review = median_s(lambda: store.open(reviewed).places(), repeat)
    size = store.info(plain).rows_bytes
    print(f"store: {store.where}  rows: {rows:,} SYNTHETIC  runs: {repeat} (median)")
    print(f"{'what':<44}{'ms':>10}{'× CSV':>9}")
    for label, t in ((f"baseline: load_places(CSV, {csv.stat().st_size / 1e6:.1f} MB)", t_csv),
                     (f"ours: open saved dataset ({size / 1e6:.2f} MB Parquet)", t_open),
                     (f"ours: open with {n_decisions:,} review decisions", t_review)):
        print(f"{label:<44}{t * 1000:>10.1f}{t / t_csv:>9.2f}")
    p95 = sorted(saves)[int(0.95 * (len(saves) - 1))]
    for label, t in (("median", statistics.median(saves)), ("95th pct", p95)):
        print(f"{'ours: save one review decision (' + label + ')':<44}{t * 1000:>10.2f}")
    ok_open = t_open / t_csv <= 1.5 and t_review / t_csv <= 1.5
    ok_save = statistics.median(saves) < 0.050
    print(f"targets: open ≤ 1.5 × CSV {'met' if ok_open else 'MISSED'}; "
          f"decision < 50 ms {'met' if ok_save else 'MISSED'}")
    if url:
        store.delete(plain)
        store.delete(reviewed)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=lambda s: int(float(s)), default=10_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--decisions", type=int, default=200)
    p.add_argument("--store", metavar="URL", help="a PostgreSQL URL (default: SQLite, temp)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="om-store-bench-") as tmp:
        run(args.rows, args.repeat, args.decisions, args.store, Path(tmp))


if __name__ == "__main__":
    main()
