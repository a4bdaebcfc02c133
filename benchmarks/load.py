"""Load test: Origin Map's Map page against the minimal page, in the same run (``make load``).

Starts fresh servers on free loopback ports (``streamlit run app.py`` and
``streamlit run benchmarks/minimal_app.py``), then, for each of the two:

1. fresh server: seconds from ``streamlit run`` to ``/_stcore/health`` = 200, then one
   visitor's first page (GET the page … ``script_finished``), median of ``--repeat`` servers;
2. warm rerun, one visitor: after a warm-up cycle through ``--values``, ``--single-reruns``
   reruns one after the other: median latency and server CPU seconds per rerun;
3. concurrent: ``--sessions`` visitors × ``--reruns`` reruns changing the radius
   (:mod:`loadgen`), ``--repeat`` times alternating the two servers; medians over the repeats;
4. memory: ``--memory-sessions`` more visitors in waves of 20 (open, rerun, close): server RSS
   after them and its growth per visitor;
5. scale out (``--workers``, default ``1,2``): the concurrent load on the Map page through
   HAProxy with 1 and 2 workers (``scripts/serve.py``), throughput ratio.

Prints a markdown table and writes ``results/load-latest.md`` and ``results/load-latest.csv``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import signal
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import loadgen
from load_report import write_report
from st_client import Visitor

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402 - scripts/serve.py: worker and proxy processes

APPS = {"origin_map": (ROOT / "app.py", "/map"),
        "minimal": (ROOT / "benchmarks" / "minimal_app.py", "/")}


class Server:
    """One fresh ``streamlit run`` on a free loopback port."""

    def __init__(self, name: str, extra_args: Sequence[str] = ()) -> None:
        self.script, self.path = APPS[name]
        self.port = serve.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.t0 = time.perf_counter()
        self.proc = serve.start_streamlit(self.script, self.port, extra_args=extra_args)
        serve.wait_healthy(self.base, [self.proc])
        self.start_s = time.perf_counter() - self.t0

    @property
    def url(self) -> str:
        """Return the page's URL."""
        return self.base + self.path

    def close(self) -> None:
        """Stop the server."""
        serve.stop(self.proc)


def _median(values: Sequence[float]) -> float:
    vals = [v for v in values if v == v]
    return statistics.median(vals) if vals else float("nan")


async def _first_visit(url: str) -> float:
    v = Visitor(url)
    try:
        out = await v.open(timeout_s=120)
    finally:
        await v.close()
    if out.error:
        raise RuntimeError(f"first visit of {url} failed: {out.error}")
    return out.latency_s


async def _single(url: str, pids: Sequence[int], values: Sequence[float],
                  reruns: int) -> dict[str, float]:
    """Warm up through every value, then time ``reruns`` reruns of one visitor."""
    v = Visitor(url)
    probe = loadgen.ServerProbe(pids)
    try:
        await v.open(timeout_s=120)
        for i in range(2 * len(values)):
            await v.rerun(loadgen.next_value(values, v.widget_value, i))
        cpu0, lat = probe.cpu_s(), []
        for i in range(reruns):
            out = await v.rerun(loadgen.next_value(values, v.widget_value, i))
            if out.error:
                raise RuntimeError(f"warm rerun of {url} failed: {out.error}")
            lat.append(out.latency_s)
        return {"single_latency_s": _median(lat),
                "single_cpu_per_rerun_s": (probe.cpu_s() - cpu0) / reruns}
    finally:
        await v.close()


def _concurrent(url: str, pids: Sequence[int], ns: argparse.Namespace) -> dict[str, float]:
    res = asyncio.run(loadgen.run_load(url, sessions=ns.sessions, reruns=ns.reruns,
                                       values=ns.values, server_pids=pids,
                                       time_limit_s=ns.time_limit_s))
    errors = sorted({r.error for r in res.first + res.runs if r.error})
    for e in errors[:5]:
        print(f"  failure ({url}): {e}", file=sys.stderr)
    return res.summary()


def _median_dicts(runs: list[dict[str, float]]) -> dict[str, float]:
    out = {k: _median([r[k] for r in runs]) for k in runs[0]}
    out["failures"] = sum(r["failures"] for r in runs)
    out["runs"] = len(runs)
    return out


def measure_pages(ns: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Phases 1–4 for Origin Map and the minimal page; return figures by page."""
    figs: dict[str, dict[str, Any]] = {name: {} for name in APPS}
    servers: dict[str, Server] = {}
    try:
        for name in APPS:
            starts, firsts, totals = [], [], []
            for i in range(ns.repeat):
                srv = Server(name, ns.server_args[name])
                starts.append(srv.start_s)
                firsts.append(asyncio.run(_first_visit(srv.url)))
                totals.append(time.perf_counter() - srv.t0)
                if i < ns.repeat - 1:
                    srv.close()
            servers[name] = srv
            figs[name].update(start_s=_median(starts), first_visit_s=_median(firsts),
                              start_to_page_s=_median(totals))
            print(f"{name}: fresh start {figs[name]['start_s']:.2f} s, first visit "
                  f"{figs[name]['first_visit_s']:.2f} s", flush=True)
        for name, srv in servers.items():
            figs[name].update(asyncio.run(_single(srv.url, [srv.proc.pid], ns.values,
                                                  ns.single_reruns)))
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in APPS}
        for i in range(ns.repeat):
            for name, srv in servers.items():
                runs[name].append(_concurrent(srv.url, [srv.proc.pid], ns))
                print(f"{name}: concurrent run {i + 1}: p95 {runs[name][-1]['p95_s']:.2f} s, "
                      f"{runs[name][-1]['throughput_per_s']:.2f} reruns/s", flush=True)
        for name in APPS:
            figs[name].update(_median_dicts(runs[name]))
        if ns.memory_sessions:
            for name, srv in servers.items():
                points = asyncio.run(loadgen.memory_waves(
                    srv.url, total=ns.memory_sessions, server_pids=[srv.proc.pid],
                    values=ns.values))
                figs[name].update(memory_rss_mb=points[-1][1], memory_points=points,
                                  growth_kb_per_session=1024 * loadgen.growth_mb_per_session(
                                      points))
    finally:
        for srv in servers.values():
            srv.close()
    return figs


def measure_proxy(ns: argparse.Namespace) -> list[dict[str, Any]]:
    """Phase 5: the Map page through HAProxy, each worker count; runs interleaved."""
    with contextlib.ExitStack() as stack:
        clusters = [stack.enter_context(serve.Cluster(
            w, script=ROOT / "app.py", extra_args=ns.server_args["origin_map"]))
            for w in ns.workers]
        probes, cpu0 = [], []
        for c in clusters:
            asyncio.run(loadgen.run_load(c.url + "/map", sessions=2 * c.workers,
                                         reruns=len(ns.values), values=ns.values))  # warm
            probes.append([loadgen.ServerProbe([p]) for p in [*c.worker_pids, c.proxy_pid]])
            cpu0.append([p.cpu_s() for p in probes[-1]])
        runs: list[list[dict[str, float]]] = [[] for _ in clusters]
        for i in range(ns.repeat):  # alternate, so that other work on the machine hits all
            for c, per in zip(clusters, runs, strict=True):
                per.append(_concurrent(c.url + "/map", c.worker_pids, ns))
                print(f"proxy, {c.workers} worker(s): run {i + 1}: "
                      f"{per[-1]['throughput_per_s']:.2f} reruns/s", flush=True)
        rows = []
        for c, per, pr, c0 in zip(clusters, runs, probes, cpu0, strict=True):
            *used, proxy_cpu = [p.cpu_s() - v for p, v in zip(pr, c0, strict=True)]
            ok = sum(r["ok"] for r in per)
            rows.append({"workers": c.workers, **_median_dicts(per),
                         "throughputs": [r["throughput_per_s"] for r in per],
                         "cpu_split": [u / sum(used) for u in used] if sum(used) else [],
                         "proxy_cpu_per_rerun_s": proxy_cpu / ok if ok else float("nan")})
    return rows


def _values(text: str) -> list[float]:
    return [float(v) for v in text.split(",") if v.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--single-reruns", type=int, default=10)
    ap.add_argument("--values", type=_values, default=list(loadgen.DEFAULT_VALUES))
    ap.add_argument("--memory-sessions", type=int, default=100, help="0 skips the phase")
    ap.add_argument("--workers", type=lambda t: [int(v) for v in t.split(",") if v.strip()],
                    default=[1, 2], help="worker counts behind HAProxy; empty skips")
    ap.add_argument("--time-limit-s", type=float, default=300.0)
    ap.add_argument("--app-args", type=shlex.split, default=[],
                    help="extra `streamlit run` options for Origin Map's servers, e.g. "
                         "'--runner.postScriptGC false'")
    ap.add_argument("--minimal-args", type=shlex.split, default=[],
                    help="extra `streamlit run` options for the minimal page's server")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ns = ap.parse_args(argv)
    ns.server_args = {"origin_map": ns.app_args, "minimal": ns.minimal_args}
    return ns


def main(argv: Sequence[str] | None = None) -> int:
    """Run every phase, print the table, write the results."""
    ns = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers
    ns.loadavg_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    figs = measure_pages(ns)
    rows = measure_proxy(ns) if ns.workers and Path(serve.HAPROXY).exists() else []
    if ns.workers and not rows:
        print("HAProxy not installed (`make proxy`): scale-out phase skipped", file=sys.stderr)
    text = write_report(figs, rows, ns, out_dir=ns.out, elapsed_s=time.perf_counter() - t0)
    print(text)
    failures = figs["origin_map"]["failures"] + figs["minimal"]["failures"] + sum(
        r["failures"] for r in rows)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
