"""Load generator: N simulated visitors × M reruns against a Streamlit server on loopback.

Each visitor (:class:`st_client.Visitor`) speaks Streamlit's websocket protocol as a browser
does. All visitors first load the page together (the "page load" figures), then, once every one
has finished its first run, each reruns the page ``reruns`` times back to back, changing the
number input keyed ``om_radius`` at every rerun (values cycled from ``--values``, offset by the
visitor's number, never the current value). Latency = request sent to ``script_finished``.

Bounded: at most :data:`MAX_SESSIONS` visitors and :data:`MAX_RERUNS` reruns each, a time limit
on the whole load (``--time-limit-s``; runs not done by then count as failures) and on each run;
loopback addresses only (anything else is refused before a packet is sent).

Server figures come from the server's process tree (psutil): CPU seconds (user + system)
during the rerun phase and RSS after it. Usage (the server must be running)::

    python benchmarks/loadgen.py http://127.0.0.1:8501/map --sessions 20 --reruns 5 \\
        --server-pid 12345
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
import psutil
from st_client import RunOutcome, Visitor

MAX_SESSIONS = 200
MAX_RERUNS = 100
DEFAULT_VALUES = (500.0, 800.0, 1000.0, 1500.0, 2000.0)


class LoadTestError(ValueError):
    """A load test that must not run (not loopback, too big)."""


def check_loopback(url: str) -> None:
    """Refuse any URL whose host does not resolve to a loopback address only."""
    host = urlsplit(url).hostname or ""
    try:
        addrs = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise LoadTestError(f"cannot resolve {host!r}: {exc}") from exc
    bad = [a for a in addrs if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
    if not addrs or bad:
        raise LoadTestError(f"{host!r} is not a loopback address ({', '.join(sorted(addrs))}); "
                            "the load generator only targets servers on this machine")


class ServerProbe:
    """CPU seconds and RSS of a set of server processes and their children."""

    def __init__(self, pids: Sequence[int]) -> None:
        self.procs = [psutil.Process(p) for p in pids]

    def _tree(self) -> list[psutil.Process]:
        out = []
        for p in self.procs:
            try:
                out += [p, *p.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
        return out

    def cpu_s(self) -> float:
        """Return user + system CPU seconds used so far by the processes."""
        total = 0.0
        for p in self._tree():
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system
        return total

    def rss_mb(self) -> float:
        """Return the resident memory of the processes, MB."""
        total = 0
        for p in self._tree():
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total / 2**20


@dataclass
class LoadResult:
    """Every run of a load test and the server's figures during it."""

    url: str
    sessions: int
    reruns: int
    first: list[RunOutcome] = field(default_factory=list)
    runs: list[RunOutcome] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = float("nan")
    rss_mb: float = float("nan")
    client_cpu_s: float = float("nan")  # the load generator's own CPU in the rerun phase

    def summary(self) -> dict[str, float]:
        """Return the figures of the rerun phase (and the page loads) as a flat dict."""
        ok = [r.latency_s for r in self.runs if not r.error]
        first_ok = [r.latency_s for r in self.first if not r.error]
        n_ok = len(ok)
        return {
            "sessions": self.sessions, "reruns": self.reruns, "ok": n_ok,
            "failures": len(self.runs) - n_ok + len(self.first) - len(first_ok),
            "p50_s": _pct(ok, 50), "p95_s": _pct(ok, 95), "max_s": max(ok, default=np.nan),
            "throughput_per_s": n_ok / self.wall_s if self.wall_s else np.nan,
            "cpu_s": self.cpu_s, "cpu_per_rerun_s": self.cpu_s / n_ok if n_ok else np.nan,
            "client_cpu_per_rerun_s": self.client_cpu_s / n_ok if n_ok else np.nan,
            "rss_mb": self.rss_mb,
            "load_p50_s": _pct(first_ok, 50), "load_p95_s": _pct(first_ok, 95),
            "rerun_kb": _pct([r.bytes_in / 1e3 for r in self.runs if not r.error], 50),
        }


def _pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _failed(exc: BaseException) -> RunOutcome:
    return RunOutcome(0.0, 0, 0, error=f"{type(exc).__name__}: {exc}"[:300])


def next_value(values: Sequence[float], current: float | None, step: int) -> float:
    """Return the ``step``-th value of the cycle, skipping the widget's current value."""
    for k in range(len(values)):
        v = values[(step + k) % len(values)]
        if v != current:
            return v
    raise LoadTestError("--values needs at least one value other than the current one")


async def _visit(v: Visitor, timeout_s: float) -> RunOutcome:
    try:
        return await v.open(timeout_s=timeout_s)
    except Exception as exc:  # a failed visit is a figure, not a crash
        return _failed(exc)


async def _rerun_all(v: Visitor, index: int, reruns: int, values: Sequence[float],
                     timeout_s: float, think_s: float) -> list[RunOutcome]:
    out: list[RunOutcome] = []
    for i in range(reruns):
        try:
            out.append(await v.rerun(next_value(values, v.widget_value, index + i),
                                     timeout_s=timeout_s))
        except Exception as exc:
            out.append(_failed(exc))
            out += [RunOutcome(0.0, 0, 0, error="skipped after a failure")] * (reruns - i - 1)
            break
        if think_s:
            await asyncio.sleep(think_s)
    return out


async def run_load(url: str, *, sessions: int = 20, reruns: int = 5,
                   values: Sequence[float] = DEFAULT_VALUES, widget_key: str = "om_radius",
                   server_pids: Sequence[int] = (), time_limit_s: float = 300.0,
                   run_timeout_s: float = 120.0, think_s: float = 0.0) -> LoadResult:
    """Load ``url`` with ``sessions`` visitors × ``reruns`` reruns; see the module docstring."""
    check_loopback(url)
    if not (1 <= sessions <= MAX_SESSIONS and 0 <= reruns <= MAX_RERUNS):
        raise LoadTestError(f"sessions must be 1–{MAX_SESSIONS}, reruns 0–{MAX_RERUNS}")
    probe = ServerProbe(server_pids) if server_pids else None
    res = LoadResult(url, sessions, reruns)
    visitors = [Visitor(url, widget_key=widget_key) for _ in range(sessions)]
    try:
        async with asyncio.timeout(time_limit_s):
            res.first = list(await asyncio.gather(*(_visit(v, run_timeout_s) for v in visitors)))
            live = [(i, v) for i, v in enumerate(visitors) if v.widget_id]
            cpu0 = probe.cpu_s() if probe else np.nan
            t0, own0 = time.perf_counter(), time.process_time()
            done = await asyncio.gather(*(_rerun_all(v, i, reruns, values, run_timeout_s,
                                                     think_s) for i, v in live))
            res.wall_s = time.perf_counter() - t0
            res.client_cpu_s = time.process_time() - own0
            res.runs = [r for per in done for r in per]
            res.runs += [RunOutcome(0.0, 0, 0, error="page did not load")] * (
                reruns * (sessions - len(live)))
            if probe:
                res.cpu_s, res.rss_mb = probe.cpu_s() - cpu0, probe.rss_mb()
    except TimeoutError:
        res.wall_s = res.wall_s or time_limit_s
        missing = sessions * reruns - len(res.runs)
        res.runs += [RunOutcome(0.0, 0, 0, error="time limit")] * missing
    finally:
        await asyncio.gather(*(v.close() for v in visitors), return_exceptions=True)
    return res


async def memory_waves(url: str, *, total: int = 100, wave: int = 20,
                       server_pids: Sequence[int], values: Sequence[float] = DEFAULT_VALUES,
                       settle_s: float = 1.0) -> list[tuple[int, float]]:
    """Serve ``total`` visitors in waves (open, 1 rerun, close); return (visitors, RSS MB).

    The first point is the RSS before any wave.
    """
    check_loopback(url)
    if not 1 <= total <= 5 * MAX_SESSIONS:
        raise LoadTestError(f"total must be 1–{5 * MAX_SESSIONS}")
    probe = ServerProbe(server_pids)
    points = [(0, probe.rss_mb())]
    served = 0
    while served < total:
        n = min(wave, total - served)
        res = await run_load(url, sessions=n, reruns=1, values=values,
                             time_limit_s=300.0)
        if res.summary()["failures"]:
            raise LoadTestError(f"wave after {served} visitors had failures")
        served += n
        await asyncio.sleep(settle_s)
        points.append((served, probe.rss_mb()))
    return points


def growth_mb_per_session(points: Sequence[tuple[int, float]]) -> float:
    """Least-squares slope of RSS over visitors served, leaving out the first wave."""
    pts = list(points)[1:] if len(points) > 2 else list(points)
    if len(pts) < 2:
        return float("nan")
    x, y = np.array([p[0] for p in pts], float), np.array([p[1] for p in pts], float)
    return float(np.polyfit(x, y, 1)[0])


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: load one running server and print the figures as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", help="page URL on loopback, e.g. http://127.0.0.1:8501/map")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--values", default=",".join(f"{v:g}" for v in DEFAULT_VALUES),
                    help="number input values to cycle through (comma-separated)")
    ap.add_argument("--widget-key", default="om_radius")
    ap.add_argument("--server-pid", type=int, action="append", default=[])
    ap.add_argument("--time-limit-s", type=float, default=300.0)
    ap.add_argument("--think-s", type=float, default=0.0)
    ns = ap.parse_args(argv)
    values = [float(v) for v in ns.values.split(",") if v.strip()]
    try:
        res = asyncio.run(run_load(ns.url, sessions=ns.sessions, reruns=ns.reruns,
                                   values=values, widget_key=ns.widget_key,
                                   server_pids=ns.server_pid, time_limit_s=ns.time_limit_s,
                                   think_s=ns.think_s))
    except LoadTestError as exc:
        ap.exit(2, f"loadgen: {exc}\n")
    print(json.dumps(res.summary(), indent=1))
    errors = sorted({r.error for r in res.first + res.runs if r.error})
    for e in errors[:10]:
        print("failure:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
