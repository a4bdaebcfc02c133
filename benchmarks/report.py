"""Format the benchmark rows: a printed table, the targets met or missed, CSV and Markdown."""

from __future__ import annotations

import csv
import datetime as dt
import os
import platform
import subprocess
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from measure import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
HEADERS = ("N", "stage", "ours s", "naive s", "floor s", "ours/naive", "ours/floor",
           "ours MB", "naive MB", "peak RSS MB", "naive RSS MB")


def machine() -> dict[str, str]:
    """Describe the machine and the library versions the figures were measured with."""
    cpu = platform.processor() or platform.machine()
    mem = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                    if line.startswith("model name")), cpu)
        kb = next(int(line.split()[1]) for line in open("/proc/meminfo")
                  if line.startswith("MemTotal"))
        mem = f"{kb / 1024**2:.0f} GiB"
    except (OSError, StopIteration):
        pass
    versions = []
    for pkg in ("numpy", "pandas", "geopandas", "shapely", "h3", "folium", "streamlit", "dask",
                "dask-geopandas"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            pass
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               check=True).stdout.strip()
        commit += " + uncommitted changes" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": f"{cpu}, {os.cpu_count()} cores", "memory": mem,
            "python": platform.python_version(), "os": platform.platform(terse=True),
            "versions": ", ".join(versions), "commit": commit}


def _num(v: Any, kind: str) -> str:
    if v is None or v == "":
        return "—"
    v = float(v)
    if kind == "ratio":
        return f"{v:.2f}" if v < 100 else f"{v:,.0f}"
    if kind == "mb":
        return f"{v / 1e6:,.2f}"
    if kind == "rss":
        return f"{v:,.0f}"
    return f"{v:.4f}" if v < 0.1 else f"{v:.3f}" if v < 10 else f"{v:,.1f}"


def cells(r: dict[str, Any]) -> list[str]:
    """Return one row as the printed table's cells."""
    n = int(r["n_points"])
    return [f"{n:.0e}".replace("e+0", "e") if n >= 1000 else (str(n) if n else "—"), r["stage"],
            _num(r["ours_s"], "s"), _num(r["naive_s"], "s"), _num(r["floor_s"], "s"),
            _num(r["ours_over_naive"], "ratio"), _num(r["ours_over_floor"], "ratio"),
            _num(r["ours_bytes"], "mb"), _num(r["naive_bytes"], "mb"),
            _num(r["peak_rss_mb"], "rss"), _num(r["naive_peak_rss_mb"], "rss")]


def text_table(rows: list[dict[str, Any]]) -> str:
    """Return the rows as a fixed-width text table."""
    body = [list(HEADERS), *[cells(r) for r in rows]]
    widths = [max(len(b[i]) for b in body) for i in range(len(HEADERS))]
    lines = ["  ".join(c.rjust(w) if i != 1 else c.ljust(w) for i, (c, w) in
                       enumerate(zip(b, widths, strict=True))) for b in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _find(rows: list[dict[str, Any]], stage: str, n: int | None = None) -> dict[str, Any] | None:
    return next((r for r in rows if r["stage"] == stage and (n is None or r["n_points"] == n)),
                None)


def targets(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Check the issue's targets against the rows: (target, measured, verdict)."""
    out: list[tuple[str, str, str]] = []

    def check(name: str, r: dict[str, Any] | None, value: Callable[[dict[str, Any]], Any],
              ok: Callable[[float], bool], fmt: str) -> None:
        v = value(r) if r is not None else None
        if v is None:
            out.append((name, "not measured in this run", "—"))
        else:
            out.append((name, fmt.format(v), "met" if ok(v) else "MISSED"))

    d6 = _find(rows, "density_table", 1_000_000)
    check("distance + rings + density table, 1e6: ours/floor <= 3", d6,
          lambda r: r["ours_over_floor"], lambda v: v <= 3, "{:.2f}x the numpy haversine")
    w6 = _find(rows, "cli_stats_whole_process", 1_000_000)
    check("origin-map stats, 1e6-row CSV: <= 2x bare pandas+numpy script", w6,
          lambda r: r["ours_over_floor"], lambda v: v <= 2, "{:.2f}x")
    check("origin-map stats, 1e6-row CSV: <= 0.5x naive geopandas script", w6,
          lambda r: r["ours_over_naive"], lambda v: v <= 0.5, "{:.2f}x")
    lp = _find(rows, "cli_stats_lean_paired", 1_000_000)
    check("origin-map stats, 1e6-row CSV: <= 1.2x bare script (median of paired runs)", lp,
          lambda r: r["ours_over_floor"], lambda v: v <= 1.2, "{:.2f}x")
    check("origin-map stats, 1e6-row CSV: CPU <= 1.2x bare script (median of paired runs)",
          lp, lambda r: r["paired"]["cpu_ratio"]["lean"] if "paired" in r else None,
          lambda v: v <= 1.2, "{:.2f}x")
    m5 = _find(rows, "map_build", 100_000)
    check("map at 1e5 points: payload <= 3 MB", m5, lambda r: r["ours_bytes"],
          lambda v: v <= 3e6, "{:,.0f} bytes")
    check("map at 1e5 points: build <= 1 s", m5, lambda r: r["ours_s"], lambda v: v <= 1,
          "{:.3f} s")
    m4 = _find(rows, "map_build", 10_000)

    def speed(r: dict[str, Any]) -> float | None:
        return r["naive_s"] / r["ours_s"] if r["naive_s"] else None

    def size(r: dict[str, Any]) -> float | None:
        return r["naive_bytes"] / r["ours_bytes"] if r["naive_bytes"] else None

    check("map at 1e4 points: >= 20x faster than per-Marker map", m4, speed,
          lambda v: v >= 20, "{:.0f}x faster")
    check("map at 1e4 points: >= 10x smaller than per-Marker map", m4, size,
          lambda v: v >= 10, "{:.0f}x smaller")
    check("Map page warm rerun (shipped data) <= 0.3 s", _find(rows, "map_page_warm_rerun"),
          lambda r: r["ours_s"], lambda v: v <= 0.3, "{:.3f} s")
    check("cold start of the app to a served page (reported)", _find(rows, "app_cold_start"),
          lambda r: r["ours_s"], lambda v: True, "{:.2f} s")
    dk = _find(rows, "dask_density_table")
    check("dask engine equals memory engine (density, largest N)", dk,
          lambda r: "identical CSV: yes" in r["note"], bool, "{}")
    dh = _find(rows, "dask_h3_table")
    check("dask engine equals memory engine (H3, largest N)", dh,
          lambda r: "identical CSV: yes" in r["note"], bool, "{}")
    return out


def write(rows: list[dict[str, Any]], out_dir: Path, info: dict[str, str]) -> tuple[Path, Path]:
    """Write ``latest.csv`` and ``latest.md`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out_dir / "latest.csv", out_dir / "latest.md"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n",
                           extrasaction="ignore")  # the paired run's details
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    md = ["# Origin Map benchmark: latest figures", "",
          "SYNTHETIC data (generated with a fixed seed by `benchmarks/synth.py`; no real place).",
          "Medians of several runs in one process; ratios are ours divided by the comparison.",
          "", *[f"- **{k}**: {v}" for k, v in info.items()], "",
          "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    md += ["| " + " | ".join(cells(r)) + " |" for r in rows]
    md += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    md += [f"| {a} | {b} | {c} |" for a, b, c in targets(rows)]
    md += ["", "## What each row compares", ""]
    md += [f"- `{r['stage']}` (N = {r['n_points']:,}): {r['note']}" for r in rows]
    md_path.write_text("\n".join(md) + "\n", encoding="utf-8")
    return csv_path, md_path
