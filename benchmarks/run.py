"""Origin Map benchmark: ours vs the naive folium/geopandas path vs the numpy floor.

One command (from the repository root)::

    .venv/bin/python benchmarks/run.py                       # 1e3..1e6, 3 runs each, app, 1e7 dask
    .venv/bin/python benchmarks/run.py --sizes 1e3,1e4 --repeat 5 --dask-n 0
    .venv/bin/python benchmarks/run.py --quick --sizes 300 --out /tmp/bench   # smoke run

All data is SYNTHETIC (fixed seed, ``synth.py``), written to a temporary folder that is removed
afterwards. Prints a table (ratios ours/naive and ours/floor) and the issue's targets met or
missed, and writes ``latest.csv`` and ``latest.md`` to ``--out`` (default
``benchmarks/results``). See ``benchmarks/README.md`` for what each row measures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import measure_process  # noqa: E402
from report import machine, targets, text_table, write  # noqa: E402


def _count(text: str) -> int:
    value = float(text)
    if value < 0 or not value.is_integer():
        raise argparse.ArgumentTypeError(f"{text!r} is not a count")
    return int(value)


def _sizes(text: str) -> list[int]:
    return [_count(t) for t in text.replace(";", ",").split(",") if t.strip()]


def parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=_sizes, help="numbers of points (default 1e3,1e4,1e5,1e6; "
                   "--quick: 1e3)")
    p.add_argument("--repeat", type=_count, help="runs per measurement, the median is kept "
                   "(default 3; --quick: 1)")
    p.add_argument("--quick", action="store_true",
                   help="a fast smoke run: 1 run each, no app timings, no dask unless --dask-n")
    p.add_argument("--dask-n", type=_count, help="points for the dask engine run "
                   "(default 1e7; --quick: 0 = skip)")
    p.add_argument("--dask-workers", type=_count, default=os.cpu_count() or 1,
                   help="LocalCluster worker processes (default: the number of CPUs)")
    p.add_argument("--naive-map-max", type=_count, default=10_000,
                   help="build the naive per-Marker map only up to this N (default 1e4; it "
                        "takes ~0.5 ms a point)")
    p.add_argument("--no-app", action="store_true", help="skip the app timings")
    p.add_argument("--no-whole", action="store_true",
                   help="skip the whole-process comparisons")
    p.add_argument("--out", type=Path, default=HERE / "results",
                   help="folder for latest.csv and latest.md (default benchmarks/results)")
    p.add_argument("--worker", type=_count, help=argparse.SUPPRESS)
    p.add_argument("--dask-worker", type=_count, help=argparse.SUPPRESS)
    p.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    return p


def _in_subprocess(flag: str, n: int, args: argparse.Namespace, tmp: Path
                   ) -> list[dict[str, Any]]:
    """Run one size in a fresh interpreter (so its memory is its own); return its rows."""
    out = tmp / f"rows_{flag}_{n}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), f"--{flag}", str(n), "--repeat",
           str(args.repeat), "--tmp", str(tmp), "--naive-map-max", str(args.naive_map_max),
           "--dask-workers", str(args.dask_workers)]
    proc = measure_process(cmd, 1)
    if proc.returncode or not out.exists():
        raise RuntimeError(f"{flag} {n} failed:\n{proc.stderr}")
    rows: list[dict[str, Any]] = json.loads(out.read_text())
    return rows


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit code."""
    args = parser().parse_args(argv)
    args.repeat = args.repeat or (1 if args.quick else 3)
    if args.worker is not None or args.dask_worker is not None:
        assert args.tmp is not None
        if args.worker is not None:
            from stages import run_size

            n, rows = args.worker, run_size(args.worker, args.repeat, args.tmp,
                                            args.naive_map_max)
        else:
            from dask_bench import run_dask

            n, rows = args.dask_worker, run_dask(args.dask_worker, args.repeat, args.tmp,
                                                 args.dask_workers)
        flag = "worker" if args.worker is not None else "dask-worker"
        (args.tmp / f"rows_{flag}_{n}.json").write_text(json.dumps(rows))
        return 0

    sizes = args.sizes or ([1_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000])
    dask_n = args.dask_n if args.dask_n is not None else (0 if args.quick else 10_000_000)
    info = machine()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="origin-map-bench-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["OM_BENCH_TMP"] = tmp_name
        for n in sizes:
            _progress(f"N = {n:,}: in-process stages ({args.repeat} runs each)")
            rows += _in_subprocess("worker", n, args, tmp)
            if not args.no_whole:
                from wholeproc import run_whole

                _progress(f"N = {n:,}: whole processes")
                rows += run_whole(n, args.repeat, tmp)
                if n >= 1_000_000:
                    from wholeproc import run_paired

                    _progress(f"N = {n:,}: origin-map stats vs the bare script, paired runs")
                    rows += run_paired(n, max(7, args.repeat), tmp)
        if not args.no_whole:
            from wholeproc import run_startup

            rows += run_startup(max(3, args.repeat))
        if not (args.quick or args.no_app):
            from app_timing import run_app

            _progress("app: warm rerun of the Map page, cold start")
            rows += run_app(args.repeat)
        if dask_n and importlib.util.find_spec("dask_geopandas") is None:
            _progress("dask engine skipped: dask-geopandas is not installed "
                      "(.venv/bin/pip install -e '.[dask]')")
        elif dask_n:
            _progress(f"dask engine: N = {dask_n:,}")
            rows += _in_subprocess("dask-worker", dask_n, args, tmp)
    print(f"Origin Map benchmark ({info['date']}; {info['cpu']}, {info['memory']}; "
          f"SYNTHETIC data)")
    print(text_table(rows))
    print()
    for name, value, verdict in targets(rows):
        print(f"{verdict:>7}  {name}: {value}")
    csv_path, md_path = write(rows, args.out, info)
    print(f"\nwrote {csv_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
