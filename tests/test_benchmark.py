"""Smoke test of the benchmark: a --quick run at tiny N writes the expected table (no timings
are asserted: this machine is shared and noisy)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
COLUMNS = ["n_points", "stage", "ours_s", "naive_s", "floor_s", "ours_over_naive",
           "ours_over_floor", "ours_bytes", "naive_bytes", "peak_rss_mb", "naive_peak_rss_mb",
           "note"]


@pytest.mark.slow
def test_quick_benchmark_writes_the_table(tmp_path):
    proc = subprocess.run([sys.executable, str(RUN), "--quick", "--sizes", "200", "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = pd.read_csv(tmp_path / "latest.csv")
    assert list(table.columns) == COLUMNS
    stages = set(table["stage"])
    assert {"load_validate_datum", "distance_rings", "density_table", "h3_table", "map_build",
            "cli_stats_whole_process", "cli_stats_shipped_data"} <= stages
    assert (table.loc[table["stage"] != "cli_stats_shipped_data", "n_points"] == 200).all()
    assert (table["ours_s"] > 0).all()
    density = table.set_index("stage").loc["density_table"]
    assert density["ours_over_floor"] == pytest.approx(density["ours_s"] / density["floor_s"],
                                                       rel=1e-3)
    assert table.set_index("stage").loc["map_build", "ours_bytes"] > 0
    md = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in md and "| N | stage |" in md and "## Targets" in md
    assert "ours/naive" in proc.stdout and "ours/floor" in proc.stdout
