"""A dead worker is replaced and the service stays up (``scripts/serve.py``, issue 20).

Fast tests: the restart policy (at once, then backed off and reported when a worker keeps
dying), the supervisor's bookkeeping with stand-in processes, the HAProxy settings. The slow
test runs ``serve.py --workers 2`` (the real app, loopback only), kills a worker under load
and checks what visitors see, the replacement, the back-off, and that the proxy's death stops
everything.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path += [str(ROOT / "benchmarks"), str(ROOT / "scripts")]  # after the real packages

import serve  # noqa: E402

from tests.conftest import run_async  # noqa: E402

PY = sys.executable


# ---------------------------------------------------------------- restart policy
def test_backoff_restarts_at_once_then_doubles_up_to_the_cap() -> None:
    b = serve.Backoff(base_s=1.0, cap_s=60.0, stable_s=30.0)
    delays = [b.delay(uptime_s=2.0) for _ in range(9)]
    assert delays == [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert b.delay(uptime_s=31.0) == 0.0 and b.failures == 1  # ran a while: a fresh start


def _fake_worker(cmd: str = "import time; time.sleep(30)"):
    def start(script, port, *, log=None, extra_args=(), env=None):
        return subprocess.Popen([PY, "-c", cmd], start_new_session=True)
    return start


def test_supervise_replaces_a_dead_worker_and_backs_off(monkeypatch) -> None:
    lines: list[str] = []
    monkeypatch.setattr(serve, "start_streamlit", _fake_worker())
    cluster = serve.Cluster(2, report=lines.append)
    cluster.slots[0].backoff = serve.Backoff(base_s=0.3, cap_s=0.6, stable_s=30)
    try:
        for w in cluster.slots:
            cluster._start_worker(w)
        first = cluster.slots[0].proc
        first.kill()
        first.wait()
        cluster.supervise()
        assert cluster.slots[0].proc is not first and cluster.slots[0].restarts == 1
        assert "was killed by SIGKILL" in lines[0] and "restarting it now" in lines[0]
        assert "restarted on 127.0.0.1" in lines[1]
        # it dies again at once: the next start waits 0.3 s, and the line says why
        second = cluster.slots[0].proc
        second.kill()
        second.wait()
        cluster.supervise()
        assert cluster.slots[0].proc is second and cluster.slots[0].restart_at is not None
        assert "keeps dying (2 times in a row): next start in 0.3 s" in lines[2]
        time.sleep(0.35)
        cluster.supervise()
        assert cluster.slots[0].proc is not second and cluster.slots[0].restarts == 2
        assert cluster.slots[1].restarts == 0  # the other worker is left alone
        kinds = [e[2] for e in cluster.events if e[1] == "w1"]
        assert kinds == ["started", "died", "started", "died", "started"]
    finally:
        cluster.close()


def test_without_failover_a_dead_worker_is_reported_not_replaced(monkeypatch) -> None:
    lines: list[str] = []
    monkeypatch.setattr(serve, "start_streamlit", _fake_worker("import sys; sys.exit(3)"))
    cluster = serve.Cluster(1, report=lines.append, failover=False)
    try:
        cluster._start_worker(cluster.slots[0])
        cluster.slots[0].proc.wait()
        cluster.supervise()
        cluster.supervise()
        assert cluster.slots[0].restarts == 0 and "exited with code 3" in lines[0]
    finally:
        assert cluster.close() is False  # a worker failed: not a clean stop


def test_haproxy_config_retries_redispatch_and_fast_checks() -> None:
    cfg = serve.haproxy_config([9001, 9002], port=8080, stats_socket=Path("/tmp/x.sock"))
    for line in ("retries 3", "option redispatch 1", "retry-on conn-failure empty-response",
                 "default-server inter 1s fall 2 rise 2 observe layer4 error-limit 1 "
                 "on-error mark-down", "stats socket /tmp/x.sock mode 600 level user"):
        assert line in cfg
    old = serve.haproxy_config([9001, 9002], port=8080, failover=False)
    assert "redispatch" not in old and "retries" not in old
    assert "default-server inter 2s fall 3 rise 2" in old


@pytest.mark.skipif(not Path(serve.HAPROXY).exists(), reason="haproxy not installed")
def test_haproxy_accepts_both_configs(tmp_path) -> None:
    for failover in (True, False):
        cfg = tmp_path / "haproxy.cfg"
        cfg.write_text(serve.haproxy_config([9001, 9002], port=serve.free_port(),
                                            stats_socket=tmp_path / "s.sock",
                                            failover=failover))
        check = subprocess.run([serve.HAPROXY, "-c", "-f", str(cfg)], capture_output=True,
                               text=True, check=False)
        assert check.returncode == 0, check.stderr


# ---------------------------------------------------------------- the real thing (slow)
def _http_load(url: str, cookie: str, t_kill: list[float], until: float, out: list[bool],
               stop: threading.Event) -> None:
    while not stop.is_set() and time.monotonic() < until:
        req = urllib.request.Request(url + "/map", headers={"Cookie": f"OM_WORKER={cookie}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                good = r.status == 200
                r.read()
        except OSError:
            good = False
        if t_kill and t_kill[0] <= time.monotonic() <= t_kill[0] + 15:
            out.append(good)
        time.sleep(0.1)


async def _reruns_on_w2(url: str, n_visitors: int, seconds: float) -> list[bool]:
    from st_client import Visitor

    visitors = []
    for _ in range(n_visitors):
        v = Visitor(url + "/map")
        v.cookies[serve.COOKIE] = "w2"
        await v.open(timeout_s=60)
        assert v.cookies[serve.COOKIE] == "w2"
        visitors.append(v)
    results, t_end, value = [], time.monotonic() + seconds, 800.0
    while time.monotonic() < t_end:
        value = 1500.0 if value == 800.0 else 800.0
        for v in visitors:
            try:
                results.append(not (await v.rerun(value, timeout_s=20)).error)
            except Exception:  # a websocket cut would show here
                results.append(False)
        await asyncio.sleep(1.0)
    for v in visitors:
        await v.close()
    return results


def _wait_for(cond, timeout_s: float, step: float = 0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(step)
    return None


def _served_by(url: str, cookie: str) -> str:
    """Return the worker HAProxy used for a browser carrying ``cookie``."""
    req = urllib.request.Request(url + "/_stcore/health",
                                 headers={"Cookie": f"{serve.COOKIE}={cookie}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        for header in r.headers.get_all("Set-Cookie") or []:
            if header.startswith(serve.COOKIE + "="):
                return header.split(";")[0].split("=", 1)[1]
    return cookie  # no new cookie: the one asked for served it


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_service_stays_up() -> None:
    if not Path(serve.HAPROXY).exists():
        pytest.fail("Debian's haproxy is not installed: `make proxy` (apt-get install haproxy)")
    from failover import ServeProcess

    with ServeProcess(2) as srv:
        serve.wait_healthy(srv.url, [srv.proc], timeout_s=180)
        old = srv.worker_pid("w1")
        t_kill: list[float] = []
        ok: list[bool] = []
        stop = threading.Event()
        until = time.monotonic() + 120
        threads = [threading.Thread(target=_http_load, daemon=True,
                                    args=(srv.url, f"w{i % 2 + 1}", t_kill, until, ok, stop))
                   for i in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.0)

        def new_pid() -> float | None:
            found = _wait_for(lambda: (p := srv.worker_pid("w1")) and p != old and p, 5.0)
            return time.monotonic() - t_kill[0] if found else None

        async def kill_under_load() -> tuple[list[bool], float | None]:
            task = asyncio.create_task(_reruns_on_w2(srv.url, 2, 14))
            await asyncio.sleep(4)  # the visitors are open and rerunning
            os.kill(old, signal.SIGKILL)
            t_kill.append(time.monotonic())
            replaced = await asyncio.to_thread(new_pid)
            return await task, replaced

        w2_results, replaced_after = run_async(kill_under_load())
        _wait_for(lambda: time.monotonic() > t_kill[0] + 15, 20)
        stop.set()
        for t in threads:
            t.join(15)
        assert replaced_after is not None, "no replacement within 5 s of the kill"
        assert len(ok) > 100 and sum(ok) / len(ok) >= 0.95, f"{sum(ok)}/{len(ok)} succeeded"
        assert w2_results and all(w2_results), "visitors on the live worker were disturbed"
        assert _served_by(srv.url, "w1") == "w2" or srv.states()["w1"] == "UP"

        # it keeps dying (each replacement killed within 30 s of its start): the starts are
        # backed off (1 s, then 2 s) and reported
        gaps = []
        for _ in range(2):
            victim = srv.worker_pid("w1")
            os.kill(victim, signal.SIGKILL)
            t0 = time.monotonic()
            nxt = _wait_for(lambda v=victim: (p := srv.worker_pid("w1")) and p != v and p, 10)
            assert nxt, "no restart"
            gaps.append(time.monotonic() - t0)
        assert gaps[0] >= 0.9 and gaps[1] >= 1.9, gaps
        assert srv.proc.poll() is None  # a dying worker never stops the service

        # HAProxy takes the last replacement back; a browser with cookie w1 is served by it
        assert _wait_for(lambda: srv.states().get("w1") == "UP", 90, 0.25), srv.states()
        assert _served_by(srv.url, "w1") == "w1"

        # the proxy's death stops the service: serve.py exits 1, no process left
        children = psutil.Process(srv.proc.pid).children(recursive=True)
        proxy = next(c for c in children if "haproxy" in c.name())
        proxy.kill()
        assert srv.proc.wait(10) == 1
        _, alive = psutil.wait_procs(children, timeout=10)
        for p in alive:
            p.kill()
        assert not alive
    log = srv.log.read_text(encoding="utf-8")
    assert "was killed by SIGKILL" in log and "restarting it now" in log
    assert "keeps dying (3 times in a row): next start in 2 s" in log
    assert "the proxy (HAProxy) was killed by SIGKILL; stopping" in log
