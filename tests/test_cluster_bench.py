"""Smoke test of benchmarks/cluster_bench.py at a tiny size (timings printed, never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "cluster_bench.py"


@pytest.mark.slow
def test_cluster_bench_runs_and_agrees_with_the_naive_version():
    proc = subprocess.run([sys.executable, str(BENCH), "--sizes", "60", "--repeat", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("n="))
    diffs = [float(v) for v in re.findall(r"\|diff\| ([0-9.]+) m", line)]
    assert len(diffs) == 3 and max(diffs) < 0.5  # same statistics as the O(n²) version
