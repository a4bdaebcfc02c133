"""The load test's report: a markdown table against the targets, and the same rows as CSV."""

from __future__ import annotations

import argparse
import csv
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from report import machine

Row = dict[str, Any]


def _f(v: Any, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, int):
        return str(v)
    return f"{v:,.{digits}f}"


def _ratio(a: Any, b: Any) -> float:
    try:
        return float(a) / float(b) if float(b) else float("nan")
    except (TypeError, ValueError):
        return float("nan")


# (label, key, digits, target text, check(origin_map, minimal) -> met?)
_MEASURES: list[tuple[str, str, int, str, Callable[[Any, Any], bool] | None]] = [
    ("fresh server: `streamlit run` → health 200 (s)", "start_s", 2, "", None),
    ("fresh server: first visit, GET page → script_finished (s)", "first_visit_s", 2, "", None),
    ("fresh server: `streamlit run` → first page done (s)", "start_to_page_s", 2, "≤ 2 s",
     lambda a, b: a <= 2),
    ("warm rerun, 1 visitor: latency (s)", "single_latency_s", 3, "", None),
    ("warm rerun, 1 visitor: server CPU per rerun (s)", "single_cpu_per_rerun_s", 3,
     "≤ minimal", lambda a, b: a <= b),
    ("concurrent: rerun latency p50 (s)", "p50_s", 2, "", None),
    ("concurrent: rerun latency p95 (s)", "p95_s", 2, "≤ minimal", lambda a, b: a <= b),
    ("concurrent: rerun latency max (s)", "max_s", 2, "", None),
    ("concurrent: failures (all repeats)", "failures", 0, "0", lambda a, b: a == 0),
    ("concurrent: throughput (reruns/s)", "throughput_per_s", 2, "", None),
    ("concurrent: server CPU per rerun (s)", "cpu_per_rerun_s", 3, "", None),
    ("concurrent: load generator's own CPU per rerun (s)", "client_cpu_per_rerun_s", 3, "",
     None),
    ("concurrent: page load p95, all visitors at once (s)", "load_p95_s", 2, "", None),
    ("concurrent: bytes read per rerun, median (kB)", "rerun_kb", 1, "", None),
    ("server RSS after the concurrent runs (MB)", "rss_mb", 0, "", None),
    ("server RSS after the memory visitors (MB)", "memory_rss_mb", 0, "≤ 400 MB",
     lambda a, b: a <= 400),
    ("RSS growth per visitor (kB)", "growth_kb_per_session", 0, "≈ 0", None),
]


def page_rows(figs: dict[str, dict[str, Any]]) -> list[Row]:
    """Return one row per measure: Origin Map, minimal page, ratio, target, met."""
    rows = []
    om, mini = figs["origin_map"], figs["minimal"]
    for label, key, digits, target, check in _MEASURES:
        if key not in om:
            continue
        a, b = om.get(key), mini.get(key)
        met = ""
        if check is not None and a is not None and b is not None:
            met = "yes" if check(a, b) else "no"
        rows.append({"section": "pages", "measure": label, "key": key, "origin_map": a,
                     "minimal": b, "ratio": _ratio(a, b), "target": target, "met": met,
                     "digits": digits})
    return rows


def proxy_rows(rows: list[Row]) -> list[Row]:
    """Return one row per worker count behind HAProxy, with the throughput ratio to 1 worker."""
    base = next((r["throughput_per_s"] for r in rows if r["workers"] == 1), float("nan"))
    out = []
    for r in rows:
        ratio = _ratio(r["throughput_per_s"], base)
        target = "≥ 1.6× 1 worker" if r["workers"] == 2 else ""
        out.append({"section": "proxy", "measure": f"{r['workers']} worker(s) behind HAProxy",
                    "key": f"workers_{r['workers']}", "origin_map": r["throughput_per_s"],
                    "minimal": None, "ratio": ratio, "target": target,
                    "met": ("yes" if ratio >= 1.6 else "no") if target else "",
                    "p95_s": r["p95_s"], "failures": r["failures"],
                    "cpu_per_rerun_s": r["cpu_per_rerun_s"],
                    "proxy_cpu_per_rerun_s": r["proxy_cpu_per_rerun_s"],
                    "throughputs": " ".join(f"{t:.2f}" for t in r["throughputs"]),
                    "cpu_split": "/".join(f"{100 * c:.0f}" for c in r.get("cpu_split", [])),
                    "digits": 2})
    return out


def markdown(prows: list[Row], xrows: list[Row], ns: argparse.Namespace,
             info: dict[str, str], elapsed_s: float) -> str:
    """Return the report as markdown."""
    lines = [f"# Load test ({info['date']})", "",
             f"{info['cpu']}, {info['memory']}; Python {info['python']}; commit "
             f"{info['commit']}. {ns.sessions} visitors × {ns.reruns} reruns changing the "
             f"radius ({', '.join(f'{v:g}' for v in ns.values)} m), medians of {ns.repeat} "
             f"runs; Origin Map's Map page (`/map`, shipped data) and the minimal page "
             f"(`benchmarks/minimal_app.py`, Streamlit's default settings) on their own "
             f"servers in the same run. Took {elapsed_s:.0f} s; machine load average "
             f"(1 min) {ns.loadavg_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
             "(other work on this machine skews every figure; the ratios less)."
             + "".join(f" Extra `streamlit run` options for {k}: `{' '.join(v)}`."
                       for k, v in ns.server_args.items() if v), "",
             "| measure | Origin Map | minimal page | ratio | target | met |",
             "|---|---|---|---|---|---|"]
    for r in prows:
        d = r["digits"]
        lines.append(f"| {r['measure']} | {_f(r['origin_map'], d)} | {_f(r['minimal'], d)} | "
                     f"{_f(r['ratio'])} | {r['target']} | {r['met']} |")
    if xrows:
        lines += ["", f"Scale out: the same load ({ns.sessions} × {ns.reruns}) on the Map page "
                  "through HAProxy (`scripts/serve.py`, sticky cookie, `balance leastconn`).", "",
                  "| workers | throughput (reruns/s) | runs | p95 (s) | failures | "
                  "worker CPU per rerun (s) | CPU split % | HAProxy CPU per rerun (s) | "
                  "vs 1 worker | target | met |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in xrows:
            lines.append(f"| {r['key'].split('_')[1]} | {_f(r['origin_map'])} | "
                         f"{r['throughputs']} | {_f(r['p95_s'])} | {r['failures']} | "
                         f"{_f(r['cpu_per_rerun_s'], 3)} | {r['cpu_split']} | "
                         f"{_f(r['proxy_cpu_per_rerun_s'], 3)} | "
                         f"{_f(r['ratio'])}× | {r['target']} | "
                         f"{r['met']} |")
    return "\n".join(lines) + "\n"


def write_report(figs: dict[str, dict[str, Any]], proxy: list[Row], ns: argparse.Namespace, *,
                 out_dir: Path, elapsed_s: float) -> str:
    """Write ``load-latest.md`` and ``load-latest.csv`` into ``out_dir``; return the markdown."""
    info = machine()
    prows, xrows = page_rows(figs), proxy_rows(proxy)
    text = markdown(prows, xrows, ns, info, elapsed_s)
    for name, fig in figs.items():
        if fig.get("memory_points"):
            text += (f"\nServer RSS of {name} (MB) after 0, 20, … visitors: "
                     + ", ".join(f"{mb:.0f}" for _, mb in fig["memory_points"]) + "\n")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "load-latest.md").write_text(text, encoding="utf-8")
    fields = ["section", "key", "measure", "origin_map", "minimal", "ratio", "target", "met",
              "p95_s", "failures", "cpu_per_rerun_s", "throughputs", "cpu_split",
              "proxy_cpu_per_rerun_s"]
    with open(out_dir / "load-latest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in prows + xrows:
            w.writerow(r)
    return text
