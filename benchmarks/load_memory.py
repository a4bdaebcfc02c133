"""Time and peak memory of loading a 1,000,000-row places CSV, against plain ``pd.read_csv``.

Usage::

    .venv/bin/python benchmarks/load_memory.py            # 1,000,000 rows, median of 3
    .venv/bin/python benchmarks/load_memory.py --rows 200000 --repeat 1

The CSV (``id,name,kind,sector,lat,lon``) is SYNTHETIC: generated here with a fixed seed, points
scattered around Wudaokou, Beijing; it describes no real place. Each measurement runs in a fresh
Python process: wall time is measured inside it around the call only (imports excluded), peak
memory is the child's ``ru_maxrss`` (``os.wait4``, the per-child form of
``resource.getrusage(RUSAGE_CHILDREN)``), so it includes the interpreter and the imports; the
``imports only`` line gives that floor. The last line printed is the one to paste into the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 20240501

CASES = {
    "imports only": ("import pandas, geopandas, origin_map.places.datasets\n"
                     "def run(path):\n    pass\n"),
    "pd.read_csv": (
        "import pandas as pd, geopandas, origin_map.places.datasets\n"
        "def run(path):\n"
        "    f = pd.read_csv(path)\n"
        "    f['lat'] = pd.to_numeric(f['lat']); f['lon'] = pd.to_numeric(f['lon'])\n"
        "    assert len(f) > 0\n"
    ),
    "pd.read_csv + points": (
        "import pandas as pd, geopandas as gpd, origin_map.places.datasets\n"
        "def run(path):\n"
        "    f = pd.read_csv(path)\n"
        "    g = gpd.GeoDataFrame(f, geometry=gpd.points_from_xy(f['lon'], f['lat']), crs=4326)\n"
        "    assert len(g) > 0\n"
    ),
    "read_raw (parse)": (
        "import pandas, geopandas\nfrom origin_map.io.readers import read_raw\n"
        "from origin_map.places.datasets import _coordinate_positions\n"
        "def run(path):\n"
        "    raw = read_raw(path, float_columns=_coordinate_positions)\n"
        "    assert str(raw.frame['lat'].dtype) == 'float64'\n"
    ),
    "read_places": (
        "import pandas, geopandas\nfrom origin_map.places.datasets import read_places\n"
        "def run(path):\n"
        "    r = read_places(path)\n"
        "    assert r.n_errors == 0 and len(r.places) > 0, r.problems.head()\n"
    ),
}
_CHILD = """
import sys, time
{code}
t0, c0 = time.perf_counter(), time.process_time()
run(sys.argv[1])
print(time.perf_counter() - t0, time.process_time() - c0)
"""


def make_csv(path: Path, rows: int, seed: int = SEED) -> None:
    """Write a SYNTHETIC places CSV of ``rows`` rows (fixed seed, so always the same bytes)."""
    import numpy as np
    import pandas as pd

    from origin_map.places import vocab

    rng = np.random.default_rng(seed)
    idx = np.arange(1, rows + 1)
    sectors = np.array([s for s in vocab.SECTOR_IDS if s != "unknown"])
    kinds = np.array(list(vocab.KINDS))
    frame = pd.DataFrame({
        "id": pd.Series(idx).map("syn-{:07d}".format),
        "name": pd.Series(idx).map("SYNTHETIC place {:d}".format),
        "kind": kinds[rng.integers(0, len(kinds), rows)],
        "sector": sectors[rng.integers(0, len(sectors), rows)],
        "lat": np.round(39.992446 + rng.normal(0, 0.05, rows), 6),
        "lon": np.round(116.327708 + rng.normal(0, 0.05, rows), 6),
    })
    frame.to_csv(path, index=False)


def run_child(code: str, path: Path) -> tuple[float, float, float]:
    """Run ``code``'s ``run(path)`` in a fresh interpreter.

    Returns wall seconds, CPU seconds (steadier on a busy machine) and peak RSS in MiB.

    ``Popen`` + ``os.wait4`` gives this child's own ``ru_maxrss``.
    """
    proc = subprocess.Popen([sys.executable, "-c", _CHILD.format(code=code), str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(err)
    scale = 1 if platform.system() == "Darwin" else 1024
    wall, cpu = map(float, out.strip().splitlines()[-1].split())
    return wall, cpu, usage.ru_maxrss * scale / 2**20


def main() -> None:
    """Generate the CSV, measure every case, print a table and the README line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--make", type=Path, metavar="FILE.csv", help="only write the CSV")
    args = parser.parse_args()
    if args.make:
        make_csv(args.make, args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic_places.csv"
        t0 = time.perf_counter()
        # in a child process, so that this parent stays small (a forked child's ru_maxrss
        # would otherwise include the parent's memory)
        subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--make", str(path)],
                       check=True)
        size_mb = path.stat().st_size / 2**20
        print(f"SYNTHETIC CSV: {args.rows:,} rows, {size_mb:,.1f} MiB "
              f"(generated in {time.perf_counter() - t0:.1f} s, seed {SEED})")
        results = {}
        for label, code in CASES.items():
            runs = [run_child(code, path) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = statistics.median(r[2] for r in runs)
            results[label] = (wall, cpu, rss)
            print(f"{label:>20}: median wall {wall:6.2f} s, CPU {cpu:6.2f} s, peak RSS "
                  f"{rss:7.0f} MiB ({args.repeat} runs)")
    (tp, _, rp), (tr, _, rr) = results["pd.read_csv"], results["read_places"]
    (tg, _, rg), (tw, _, _) = results["pd.read_csv + points"], results["read_raw (parse)"]
    floor = results["imports only"][2]
    print(f"\nREADME: loading a SYNTHETIC {args.rows:,}-row CSV ({size_mb:,.0f} MiB) with "
          f"`read_places` (parse, validate every row, build the GeoDataFrame) takes {tr:.1f} s "
          f"and peaks at {rr:,.0f} MiB RSS; of that, parsing takes {tw:.2f} s. For comparison, "
          f"plain `pd.read_csv` takes {tp:.2f} s ({rp:,.0f} MiB) and `pd.read_csv` + "
          f"`points_from_xy` {tg:.1f} s ({rg:,.0f} MiB); Python with the imports alone uses "
          f"{floor:,.0f} MiB. Median of {args.repeat} runs, "
          f"{platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, `benchmarks/load_memory.py`.")


if __name__ == "__main__":
    main()
