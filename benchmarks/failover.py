"""Failover: one of two workers killed (SIGKILL) under load through HAProxy (``scripts/serve.py``).

``serve.py --workers 2`` runs as ``make serve`` runs it (loopback only). Under load it is sent
one ``SIGKILL`` to worker ``w1``; for the next ``--window-s`` seconds (15) it measures:

* **HTTP through the proxy**: ``--clients`` clients, half pinned to each worker by HAProxy's
  sticky cookie as a browser would be, each ``GET /map`` every 0.1 s: the share answered 200;
* **visitors on the live worker** (websocket sessions opened before the kill): a rerun each
  second: all must succeed on the same connection (untouched);
* **visitors on the dead worker**: their rerun fails; they reconnect with their cookies as the
  browser does: whether that new session works (HAProxy sends it to the live worker);
* **new visitors** (no cookie) every 1.5 s: whether they are served and by which worker;
* **replacement**: seconds from the kill to a new ``w1`` process, to its ``/_stcore/health``
  = 200, and to HAProxy's ``UP`` for it (stats socket).

The same run repeats with ``serve.py --no-failover`` (the set-up before issue 20 minus the
whole-service stop: health checks every 2 s, out after 3, no retries, no redispatch, no
replacement) as the side-by-side baseline. Prints a markdown table and writes
``results/failover-latest.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from loadgen import check_loopback
from st_client import Visitor

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402


class ServeProcess:
    """``scripts/serve.py`` as a child process (a context manager): its workers and proxy."""

    def __init__(self, workers: int = 2, *, failover: bool = True, log: Path | None = None):
        self.port = serve.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        check_loopback(self.url)
        env = {**os.environ, "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "src"),
                                                         os.environ.get("PYTHONPATH")) if p)}
        self.log = log or Path(tempfile.mkstemp(prefix="serve-", suffix=".log")[1])
        self._err = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "serve.py"), "--workers", str(workers),
             "--port", str(self.port), *([] if failover else ["--no-failover"])],
            stdout=subprocess.PIPE, stderr=self._err, env=env, start_new_session=True)
        line = self.proc.stdout.readline().decode() if self.proc.stdout else ""
        m = re.search(r"worker\(s\) (.*?) behind .*\(logs: (.*?)\)", line)
        if not m:
            self.close()
            raise RuntimeError(f"serve.py did not start: {line!r}; see {self.log}")
        self.worker_ports = [int(u.rsplit(":", 1)[1]) for u in m.group(1).split(", ")]
        self.stats_socket = Path(m.group(2)) / "haproxy.sock"

    def worker_pid(self, name: str) -> int | None:
        """Return the pid of worker ``w1``, ``w2`` … now (None while there is none)."""
        port = str(self.worker_ports[int(name[1:]) - 1])
        try:
            for c in psutil.Process(self.proc.pid).children():
                cmd = c.cmdline()
                if "--server.port" in cmd and cmd[cmd.index("--server.port") + 1] == port:
                    return c.pid
        except psutil.Error:
            pass
        return None

    def states(self) -> dict[str, str]:
        """Return HAProxy's view of the workers."""
        return serve.haproxy_states(self.stats_socket)

    def close(self) -> int | None:
        """SIGTERM serve.py; return its exit code (None if it had to be killed)."""
        code: int | None = None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                code = self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        else:
            code = self.proc.returncode
        self._err.close()
        return code

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Tally:
    """Requests and their outcomes, with the time of each (seconds after the kill)."""

    ok: int = 0
    failed: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, good: bool, what: str = "") -> None:
        """Count one outcome."""
        if good:
            self.ok += 1
        else:
            self.failed += 1
            self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def share(self) -> float:
        """Return the share of requests that succeeded."""
        n = self.ok + self.failed
        return self.ok / n if n else float("nan")


def _http_client(url: str, cookie: str, until: float, t_kill: list[float], window_s: float,
                 out: Tally, stop: threading.Event) -> None:
    """GET the page every 0.1 s with a sticky cookie; count the window after the kill."""
    while not stop.is_set() and time.monotonic() < until:
        req = urllib.request.Request(url + "/map", headers={"Cookie": f"{serve.COOKIE}={cookie}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                good, what = r.status == 200, str(r.status)
                r.read()
        except urllib.error.HTTPError as exc:
            good, what = False, str(exc.code)
        except OSError as exc:
            good, what = False, type(exc).__name__
        if t_kill and t_kill[0] <= time.monotonic() <= t_kill[0] + window_s:
            out.add(good, what)
        time.sleep(0.1)


def _watch_replacement(srv: ServeProcess, old_pid: int, t_kill: list[float], until: float,
                       figs: dict[str, float]) -> None:
    """Record when a new w1 process appears, answers its health check, and is UP in HAProxy."""
    seen_down = False
    while time.monotonic() < until and "up_s" not in figs:
        now = time.monotonic() - t_kill[0]
        pid = srv.worker_pid("w1")
        if pid and pid != old_pid:
            figs.setdefault("process_s", now)
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{srv.worker_ports[0]}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        figs.setdefault("healthy_s", now)
            except OSError:
                pass
        try:
            state = srv.states().get("w1", "")
        except OSError:
            state = ""
        seen_down = seen_down or not state.startswith("UP")
        if seen_down and state == "UP" and "healthy_s" in figs:
            figs["up_s"] = now
        time.sleep(0.05)


def _cookie(v: Visitor) -> str:
    return v.cookies.get(serve.COOKIE, "?")


async def _session(v: Visitor, page: str, t_end: float, out: dict[str, Any]) -> None:
    """Rerun every second until ``t_end``; on a failure reconnect once as a browser does."""
    value = 800.0
    while time.monotonic() < t_end:
        value = 1500.0 if value == 800.0 else 800.0
        try:
            res = await v.rerun(value, timeout_s=20)
            good = not res.error
        except Exception:
            good = False
        out["tally"].add(good, "rerun")
        if not good and not out["reconnected"]:
            out["reconnected"] = True
            v2 = Visitor(page)
            v2.cookies = dict(v.cookies)
            try:
                res = await v2.open(timeout_s=30)
                out["reconnect_ok"] = not res.error
                out["reconnect_worker"] = _cookie(v2)
            except Exception:
                out["reconnect_ok"] = False
            await v.close()
            v = v2
        await asyncio.sleep(1.0)
    await v.close()


async def _new_visitors(url: str, t_end: float, t_kill: float, srv: ServeProcess,
                        out: list[dict[str, Any]], *, failover: bool) -> None:
    """A new visitor (no cookie) every 1.5 s: served? by which worker? was w1 UP then?

    With failover, visitors keep coming after ``t_end`` until two have been served by the
    replacement once it is UP (at most 60 s after the kill).
    """
    def more() -> bool:
        now = time.monotonic()
        if now < t_end:
            return True
        on_new = sum(1 for v in out if v["ok"] and v["worker"] == "w1" and v["w1_up"])
        return failover and on_new < 2 and now < t_kill + 60

    while more():
        try:
            w1_up = srv.states().get("w1") == "UP"
        except OSError:
            w1_up = False
        v = Visitor(url)
        try:
            res = await v.open(timeout_s=30)
            good = not res.error
        except Exception:
            good = False
        out.append({"t": time.monotonic() - t_kill, "ok": good, "worker": _cookie(v),
                    "w1_up": w1_up})
        await v.close()
        await asyncio.sleep(1.5)


async def _visitors_phase(srv: ServeProcess, n: int, window_s: float, kill: Any,
                          failover: bool) -> dict[str, Any]:
    page = srv.url + "/map"
    visitors = []
    for _ in range(n):
        v = Visitor(page)
        await v.open(timeout_s=60)
        visitors.append(v)
    t_kill = await asyncio.to_thread(kill)
    t_end = t_kill + window_s
    sessions = [{"worker": _cookie(v), "tally": Tally(), "reconnected": False} for v in visitors]
    new: list[dict[str, Any]] = []
    await asyncio.gather(*(_session(v, page, t_end, s)
                           for v, s in zip(visitors, sessions, strict=True)),
                         _new_visitors(page, t_end, t_kill, srv, new, failover=failover))
    return {"sessions": sessions, "new": new}


def run_once(*, failover: bool, clients: int = 6, visitors: int = 4, window_s: float = 15.0,
             warm_s: float = 2.0) -> dict[str, Any]:
    """Start serve.py, load it, kill w1, measure ``window_s`` seconds; return the figures."""
    with ServeProcess(2, failover=failover) as srv:
        serve.wait_healthy(srv.url, [srv.proc], timeout_s=180)
        old_pid = srv.worker_pid("w1")
        if old_pid is None:
            raise RuntimeError("no worker w1")
        t_kill: list[float] = []
        stop, http, repl = threading.Event(), Tally(), {}
        until = time.monotonic() + 300  # every loop is bounded
        threads = [threading.Thread(target=_http_client, daemon=True,
                                    args=(srv.url, f"w{i % 2 + 1}", until, t_kill, window_s,
                                          http, stop)) for i in range(clients)]
        for t in threads:
            t.start()

        def kill() -> float:
            time.sleep(warm_s)
            os.kill(old_pid, signal.SIGKILL)
            t_kill.append(time.monotonic())
            watcher = threading.Thread(target=_watch_replacement, daemon=True,
                                       args=(srv, old_pid, t_kill, t_kill[0] + 60, repl))
            watcher.start()
            threads.append(watcher)
            return t_kill[0]

        phase = asyncio.run(_visitors_phase(srv, visitors, window_s, kill, failover))
        stop.set()
        for t in threads:
            t.join(timeout=65)
        alive = srv.proc.poll() is None
        code = srv.close()
    return _figures(http, phase, repl, alive=alive, stop_code=code, failover=failover)


def _figures(http: Tally, phase: dict[str, Any], repl: dict[str, float], *, alive: bool,
             stop_code: int | None, failover: bool) -> dict[str, Any]:
    live = [s for s in phase["sessions"] if s["worker"] == "w2"]
    dead = [s for s in phase["sessions"] if s["worker"] == "w1"]
    new = phase["new"]
    before_up = [v for v in new if not v["w1_up"]]
    return {
        "setup": "failover (retries, redispatch, replacement)" if failover
        else "before: checks only (--no-failover)",
        "http_ok": http.ok, "http_n": http.ok + http.failed, "http_share": http.share,
        "http_errors": http.errors,
        "live_sessions": len(live),
        "live_untouched": sum(1 for s in live if not s["tally"].failed and not s["reconnected"]),
        "live_reruns_ok": sum(s["tally"].ok for s in live),
        "live_reruns_n": sum(s["tally"].ok + s["tally"].failed for s in live),
        "dead_sessions": len(dead),
        "dead_reconnected_ok": sum(1 for s in dead if s.get("reconnect_ok")),
        "dead_reconnect_workers": sorted({s.get("reconnect_worker", "?") for s in dead}),
        "new_ok": sum(1 for v in new if v["ok"]), "new_n": len(new),
        "new_before_up_on_live": sum(1 for v in before_up if v["ok"] and v["worker"] == "w2"),
        "new_before_up_n": len(before_up),
        "new_on_replacement": sum(1 for v in new if v["ok"] and v["worker"] == "w1"
                                  and v["w1_up"]),
        "replacement_process_s": repl.get("process_s"),
        "replacement_healthy_s": repl.get("healthy_s"),
        "replacement_up_s": repl.get("up_s"),
        "service_up_after": alive, "stop_exit_code": stop_code,
    }


def _fmt(v: Any, pct: bool = False) -> str:
    if v is None:
        return "—"
    if pct:
        return f"{100 * v:.1f} %"
    return f"{v:.2f} s" if isinstance(v, float) else str(v)


def table(runs: Sequence[dict[str, Any]]) -> str:
    """Return the figures of the runs side by side as a markdown table."""
    rows = [
        ("HTTP `GET /map` through the proxy in the window: answered 200",
         lambda r: f"{_fmt(r['http_share'], True)} ({r['http_ok']}/{r['http_n']})"),
        ("visitors on the live worker: untouched (every rerun ok, same websocket)",
         lambda r: f"{r['live_untouched']}/{r['live_sessions']} "
                   f"({r['live_reruns_ok']}/{r['live_reruns_n']} reruns)"),
        ("visitors on the killed worker: reconnect served (worker)",
         lambda r: f"{r['dead_reconnected_ok']}/{r['dead_sessions']} "
                   f"({', '.join(r['dead_reconnect_workers'])})"),
        ("new visitors served", lambda r: f"{r['new_ok']}/{r['new_n']}"),
        ("new visitors before w1 is back: on the live worker",
         lambda r: f"{r['new_before_up_on_live']}/{r['new_before_up_n']}"),
        ("new visitors on the replacement once it is UP (after the window)",
         lambda r: str(r["new_on_replacement"])),
        ("kill → replacement process started", lambda r: _fmt(r["replacement_process_s"])),
        ("kill → replacement answers /_stcore/health", lambda r: _fmt(r["replacement_healthy_s"])),
        ("kill → HAProxy has it UP again", lambda r: _fmt(r["replacement_up_s"])),
        ("service still up after the window", lambda r: "yes" if r["service_up_after"] else "no"),
        ("exit code of serve.py on SIGTERM", lambda r: _fmt(r["stop_exit_code"])),
    ]
    head = "| measure | " + " | ".join(r["setup"] for r in runs) + " |"
    lines = [head, "|---" * (len(runs) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(fn(r) for r in runs) + " |" for name, fn in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the failover measurement (and the baseline); print and write the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--window-s", type=float, default=15.0)
    ap.add_argument("--clients", type=int, default=6, help="HTTP clients (at most 50)")
    ap.add_argument("--visitors", type=int, default=4, help="websocket visitors (at most 20)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ns = ap.parse_args(argv)
    if not Path(serve.HAPROXY).exists():
        print("HAProxy is not installed: `make proxy`", file=sys.stderr)
        return 1
    clients, visitors = min(ns.clients, 50), min(ns.visitors, 20)
    load0 = os.getloadavg()[0]
    runs = [run_once(failover=True, clients=clients, visitors=visitors, window_s=ns.window_s)]
    if not ns.no_baseline:
        runs.append(run_once(failover=False, clients=clients, visitors=visitors,
                             window_s=ns.window_s))
    text = (f"# Failover: one of 2 workers killed (SIGKILL) under load\n\n"
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores; "
            f"load average {load0:.1f} → {os.getloadavg()[0]:.1f}; window {ns.window_s:g} s "
            f"after the kill; {clients} HTTP clients (10 requests/s each), {visitors} "
            f"websocket visitors, a new visitor every 1.5 s.\n\n{table(runs)}\n")
    print(text)
    for r in runs:
        if r["http_errors"]:
            print(f"{r['setup']}: failed requests: {r['http_errors']}")
    ns.out.mkdir(parents=True, exist_ok=True)
    (ns.out / "failover-latest.md").write_text(text, encoding="utf-8")
    return 0 if runs[0]["http_share"] >= 0.95 else 1


if __name__ == "__main__":
    raise SystemExit(main())
